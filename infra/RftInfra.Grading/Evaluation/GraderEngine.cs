using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Graders.Metrics;

namespace RftInfra.Graders.Evaluation;

/// <summary>How the engine runs graders it cannot compute in-process.</summary>
public sealed record GraderEngineOptions
{
    /// <summary>Grader model access for score_model / label_model; null = those rows report "needs a model endpoint".</summary>
    public IModelGraderClient? ModelClient { get; init; }

    /// <summary>Embeddings for text_similarity cosine; null = those rows are not scored (never 0).</summary>
    public IEmbeddingClient? EmbeddingClient { get; init; }

    /// <summary>Time limit per python grade() call; the service's is 2 minutes.</summary>
    public TimeSpan PythonTimeout { get; init; } = PythonGraderRunner.DefaultTimeout;

    /// <summary>The python3 to run; null = <see cref="PythonGraderRunner.PythonVariable"/> or python3 on PATH.</summary>
    public string? PythonInterpreter { get; init; }

    /// <summary>
    /// Whether python graders run at all. False (what `rft validate` uses without --run-python-tests): their rows
    /// are not scored, with <see cref="PythonNotRunReason"/>, and no code of theirs runs.
    /// </summary>
    public bool RunPython { get; init; } = true;

    /// <summary>Why python rows are not scored when <see cref="RunPython"/> is false.</summary>
    public string PythonNotRunReason { get; init; } = "python graders are not run here";

    /// <summary>The time all python calls may take together; null = one budget of <see cref="PythonGraderRunner.DefaultTotalTimeout"/> per engine.</summary>
    public PythonTimeBudget? PythonBudget { get; init; }

    /// <summary>Take the network away from python graders where the OS allows (tests turn it off to check the fallback).</summary>
    public bool PythonIsolateNetwork { get; init; } = true;
}

/// <summary>
/// Grades one row (a dataset item and one model sample) with a grader, the way the service scores it
/// (docs/service.md §3). No network (model graders go through <see cref="IModelGraderClient"/> only), no console.
/// One engine is one batch: python graders keep their process until the engine is disposed.
/// </summary>
public sealed partial class GraderEngine : IAsyncDisposable
{
    private const string NeedsModelEndpoint =
        "needs a model endpoint: {0} asks {1} for a score; the prompt is rendered offline, but scoring it needs a grader model (rft grade --endpoint URL)";

    private readonly GraderEngineOptions _options;

    public GraderEngine(GraderEngineOptions? options = null)
    {
        _options = options ?? new GraderEngineOptions();
        Python = new PythonGraderRunner(_options.PythonTimeout, _options.PythonInterpreter, _options.PythonIsolateNetwork, _options.PythonBudget);
    }

    public PythonGraderRunner Python { get; }

    public Task<GradeResult> GradeAsync(
        Grader grader, JsonObject item, JsonObject sample, CancellationToken cancellationToken = default) =>
        grader switch
        {
            StringCheckGrader g => Task.FromResult(StringCheck(g, item, sample)),
            TextSimilarityGrader { EvaluationMetric: "cosine" } g => CosineAsync(g, item, sample, cancellationToken),
            TextSimilarityGrader g => Task.FromResult(TextSimilarity(g, item, sample)),
            ScoreModelGrader g => ScoreModelAsync(g, item, sample, cancellationToken),
            LabelModelGrader g => LabelModelAsync(g, item, sample, cancellationToken),
            PythonGrader g => _options.RunPython
                ? Python.GradeAsync(g.Name, g.Source, sample, item, cancellationToken)
                : Task.FromResult(GradeResult.NotScored(_options.PythonNotRunReason)),
            MultiGrader g => MultiAsync(g, item, sample, cancellationToken),
            EndpointGrader g => Task.FromResult(GradeResult.NotScored(
                $"{g.Name} is an endpoint grader: the service calls {g.Url}; the kit does not call it offline")),
            _ => Task.FromResult(GradeResult.Failed(new GradeError(GraderErrorKinds.Other, grader.Name,
                $"unknown grader type '{grader.Type}'"))),
        };

    public ValueTask DisposeAsync() => Python.DisposeAsync();

    /// <summary>string_check (docs/service.md §3.2): eq exact, ne not equal, like contains, ilike contains ignoring case; 1 or 0.</summary>
    internal static GradeResult StringCheck(StringCheckGrader grader, JsonObject item, JsonObject sample)
    {
        var input = TemplateRenderer.Render(grader.Input, item, sample);
        var reference = TemplateRenderer.Render(grader.Reference, item, sample);
        if (InvalidVariable(grader.Name, ("input", input), ("reference", reference)) is { } invalid)
        {
            return invalid;
        }

        bool? pass = grader.Operation switch
        {
            "eq" => string.Equals(input.Text, reference.Text, StringComparison.Ordinal),
            "ne" => !string.Equals(input.Text, reference.Text, StringComparison.Ordinal),
            "like" => input.Text.Contains(reference.Text, StringComparison.Ordinal),
            // Python's a.lower() in b.lower(); invariant lower-casing is the closest .NET equivalent.
            "ilike" => input.Text.ToLowerInvariant().Contains(reference.Text.ToLowerInvariant(), StringComparison.Ordinal),
            _ => null,
        };
        return pass is { } p
            ? GradeResult.Score(p ? 1 : 0)
            : GradeResult.Failed(new GradeError(GraderErrorKinds.Other, grader.Name,
                $"operation '{grader.Operation}' is not one of eq, ne, like, ilike"));
    }

    /// <summary>
    /// text_similarity: the reward is the metric's score in [0, 1]; pass_threshold does not change the reward (the
    /// service reports it as pass/fail next to the score), so it only sets <see cref="GradeResult.Passed"/>.
    /// </summary>
    internal static GradeResult TextSimilarity(TextSimilarityGrader grader, JsonObject item, JsonObject sample)
    {
        var input = TemplateRenderer.Render(grader.Input, item, sample);
        var reference = TemplateRenderer.Render(grader.Reference, item, sample);
        if (InvalidVariable(grader.Name, ("input", input), ("reference", reference)) is { } invalid)
        {
            return invalid;
        }

        if (!TextSimilarityMetrics.Names.Contains(grader.EvaluationMetric))
        {
            return GradeResult.Failed(new GradeError(GraderErrorKinds.Other, grader.Name,
                $"evaluation_metric '{grader.EvaluationMetric}' is not one of {string.Join(", ", TextSimilarityMetrics.Names)}"));
        }

        // cosine (service embeddings) and meteor without the WordNet database cannot be scored here: that is a
        // limit of this machine, not a grader error, so the row is not scored rather than given 0.
        if (TextSimilarityMetrics.WhyUnavailable(grader.EvaluationMetric) is { } unavailable)
        {
            return GradeResult.NotScored($"{grader.Name} uses {grader.EvaluationMetric}: {unavailable.TrimEnd('.')}");
        }

        double score;
        try
        {
            score = TextSimilarityMetrics.Score(grader.EvaluationMetric, input.Text, reference.Text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return GradeResult.Failed(new GradeError(GraderErrorKinds.Other, grader.Name,
                $"{grader.EvaluationMetric} failed: {e.Message}"));
        }

        return GradeResult.Score(score, grader.PassThreshold is { } t ? score >= t : null);
    }

    private async Task<GradeResult> ScoreModelAsync(
        ScoreModelGrader grader, JsonObject item, JsonObject sample, CancellationToken cancellationToken)
    {
        if (RenderPrompt(grader.Name, grader.Model, grader.Input, item, sample, out var prompt) is { } invalid)
        {
            return invalid;
        }

        if (_options.ModelClient is null)
        {
            return GradeResult.NotScored(string.Format(CultureInfo.InvariantCulture, NeedsModelEndpoint, grader.Name, grader.Model), [prompt]);
        }

        var (answer, error) = await AskModelAsync(grader.Name, grader.Model, prompt, grader.SamplingParams,
            ScoreResponseFormat(), cancellationToken);
        if (error is not null)
        {
            return error.Kind == GraderErrorKinds.ModelServer ? GradeResult.CallFailed(error, [prompt]) : GradeResult.Failed(error, [prompt]);
        }

        if (answer!["result"] is not JsonValue result || result.GetValueKind() != JsonValueKind.Number)
        {
            return GradeResult.Failed(new GradeError(GraderErrorKinds.ModelParse, grader.Name,
                $"the model's result is not a number: {Truncate(answer.ToJsonString())}"), [prompt]);
        }

        // The service clips the model's score to the grader's range (default [0, 1]).
        var score = Math.Clamp(result.GetValue<double>(), grader.RangeMin, grader.RangeMax);
        return GradeResult.Score(score, grader.PassThreshold is { } t ? score >= t : null, [prompt]);
    }

    private async Task<GradeResult> LabelModelAsync(
        LabelModelGrader grader, JsonObject item, JsonObject sample, CancellationToken cancellationToken)
    {
        if (RenderPrompt(grader.Name, grader.Model, grader.Input, item, sample, out var prompt) is { } invalid)
        {
            return invalid;
        }

        if (_options.ModelClient is null)
        {
            return GradeResult.NotScored(string.Format(CultureInfo.InvariantCulture, NeedsModelEndpoint, grader.Name, grader.Model), [prompt]);
        }

        var (answer, error) = await AskModelAsync(grader.Name, grader.Model, prompt, null,
            LabelResponseFormat(grader.Labels), cancellationToken);
        if (error is not null)
        {
            return error.Kind == GraderErrorKinds.ModelServer ? GradeResult.CallFailed(error, [prompt]) : GradeResult.Failed(error, [prompt]);
        }

        if (answer!["result"] is not JsonValue v || !v.TryGetValue(out string? label) || !grader.Labels.Contains(label))
        {
            return GradeResult.Failed(new GradeError(GraderErrorKinds.ModelParse, grader.Name,
                $"the model's answer is not one of the labels {string.Join(", ", grader.Labels)}: {Truncate(answer.ToJsonString())}"), [prompt]);
        }

        var passed = grader.PassingLabels.Contains(label);
        return GradeResult.Score(passed ? 1 : 0, passed, [prompt]);
    }

    private async Task<(JsonObject? Answer, GradeError? Error)> AskModelAsync(
        string grader, string model, RenderedPrompt prompt, JsonObject? samplingParams, JsonObject responseFormat,
        CancellationToken cancellationToken)
    {
        ModelGraderResponse response;
        try
        {
            response = await _options.ModelClient!.CompleteAsync(
                new ModelGraderRequest(model, prompt.Messages, samplingParams, responseFormat), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (null, new GradeError(GraderErrorKinds.ModelServer, grader, e.Message));
        }

        if (!string.IsNullOrEmpty(response.Refusal))
        {
            return (null, new GradeError(GraderErrorKinds.ModelRefusal, grader, Truncate(response.Refusal)));
        }

        try
        {
            if (JsonNode.Parse(response.Content) is JsonObject answer)
            {
                return (answer, null);
            }
        }
        catch (JsonException)
        {
            // Reported below as a parse error.
        }

        return (null, new GradeError(GraderErrorKinds.ModelParse, grader,
            $"the model did not answer with the requested JSON: {Truncate(response.Content)}"));
    }

    private async Task<GradeResult> MultiAsync(
        MultiGrader grader, JsonObject item, JsonObject sample, CancellationToken cancellationToken)
    {
        var names = grader.Graders.Select(g => g.Key).ToList();
        var formula = Formula.TryParse(grader.CalculateOutput, names, out var formulaError);
        if (formula is null)
        {
            return GradeResult.Failed(new GradeError(GraderErrorKinds.FormulaParse, grader.Name,
                $"calculate_output \"{Formula.Excerpt(grader.CalculateOutput)}\": {formulaError}"));
        }

        var subRewards = new List<KeyValuePair<string, double?>>();
        var errors = new List<GradeError>();
        var prompts = new List<RenderedPrompt>();
        var notScored = new List<string>();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, child) in grader.Graders)
        {
            var result = await GradeAsync(child, item, sample, cancellationToken);
            subRewards.Add(new(key, result.Reward));
            errors.AddRange(result.Errors);
            prompts.AddRange(result.Prompts);
            if (result.Reward is { } reward)
            {
                values[key] = reward;
            }
            else
            {
                notScored.Add($"{key}: {result.NotScoredReason}");
            }
        }

        if (notScored.Count > 0)
        {
            return new GradeResult(null, subRewards, errors, prompts, string.Join("; ", notScored));
        }

        var total = formula.Evaluate(values);
        if (!double.IsFinite(total))
        {
            errors.Add(new GradeError(GraderErrorKinds.Other, grader.Name,
                $"calculate_output \"{Formula.Excerpt(grader.CalculateOutput)}\" is not a finite number for these rewards ({Describe(values)})"));
            total = 0;
        }

        return new GradeResult(total, subRewards, errors, prompts);
    }

    private static GradeResult? RenderPrompt(
        string grader, string model, IReadOnlyList<GraderMessage> input, JsonObject item, JsonObject sample,
        out RenderedPrompt prompt)
    {
        var messages = new List<GraderMessage>();
        var problems = new List<(string, RenderedTemplate)>();
        for (var i = 0; i < input.Count; i++)
        {
            var rendered = TemplateRenderer.Render(input[i].Content, item, sample);
            messages.Add(new GraderMessage(input[i].Role, rendered.Text));
            problems.Add(($"input[{i}].content", rendered));
        }

        prompt = new RenderedPrompt(grader, model, messages);
        return InvalidVariable(grader, [.. problems]) is { } invalid
            ? invalid with { Prompts = [prompt] }
            : null;
    }

    /// <summary>An unresolvable variable (or a broken template) scores 0 as invalid_variable_error, like the service.</summary>
    private static GradeResult? InvalidVariable(string grader, params (string Field, RenderedTemplate Rendered)[] fields)
    {
        var messages = fields.Select(f => f.Rendered.ErrorMessage(f.Field)).OfType<string>().ToList();
        return messages.Count == 0
            ? null
            : GradeResult.Failed(new GradeError(GraderErrorKinds.InvalidVariable, grader, string.Join(" ", messages)));
    }

    /// <summary>The structured answer a score_model grader asks for: <c>{result: number, steps: [...]}</c>.</summary>
    internal static JsonObject ScoreResponseFormat() => ResponseFormat("score_model_result", new JsonObject { ["type"] = "number" });

    /// <summary>label_model's answer: one of the labels.</summary>
    internal static JsonObject LabelResponseFormat(IReadOnlyList<string> labels) => ResponseFormat(
        "label_model_result",
        new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(labels.Select(l => (JsonNode?)l).ToArray()) });

    private static JsonObject ResponseFormat(string name, JsonObject result) => new()
    {
        ["type"] = "json_schema",
        ["json_schema"] = new JsonObject
        {
            ["name"] = name,
            ["strict"] = true,
            ["schema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["steps"] = new JsonObject
                    {
                        ["type"] = "array",
                        ["items"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["properties"] = new JsonObject
                            {
                                ["description"] = new JsonObject { ["type"] = "string" },
                                ["conclusion"] = new JsonObject { ["type"] = "string" },
                            },
                            ["required"] = new JsonArray("description", "conclusion"),
                            ["additionalProperties"] = false,
                        },
                    },
                    ["result"] = result,
                },
                ["required"] = new JsonArray("steps", "result"),
                ["additionalProperties"] = false,
            },
        },
    };

    private static string Describe(Dictionary<string, double> values) =>
        string.Join(", ", values.Select(v => $"{v.Key}={v.Value.ToString("G6", CultureInfo.InvariantCulture)}"));

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
