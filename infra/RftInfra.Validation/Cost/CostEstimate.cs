using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Files;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Validation.Cost;

/// <summary>A bound in US dollars (or hours): what the estimate can say, no more.</summary>
public sealed record Bounds(double Low, double High)
{
    public static Bounds operator +(Bounds a, Bounds b) => new(a.Low + b.Low, a.High + b.High);

    public static Bounds operator *(Bounds a, Bounds b) => new(a.Low * b.Low, a.High * b.High);
}

/// <summary>One model grader's token cost: calls (rows × epochs × eval samples), tokens per call, the model's price.</summary>
public sealed record GraderTokenCost(string Grader, string Model, Bounds Calls, Bounds InputTokensPerCall, Bounds OutputTokensPerCall,
    Bounds? Usd, string? PriceSource);

/// <summary>
/// `rft cost`: a rough estimate before training. Training hours are this kit's assumption (no published throughput
/// exists): <see cref="SecondsPerRowEpoch"/> per training row per epoch at compute_multiplier 1, scaled by the
/// multiplier, priced at the catalog's rate range for the job's training type. Model-grader tokens are rows ×
/// epochs × eval samples × tokens per call (from the grader's prompt rendered on the rows, plus an assumed answer
/// length) × the grader model's price. Hosting is the catalog's hourly rate of the deploy SKU.
/// </summary>
public sealed record CostEstimate(
    string JobFile,
    string TrainingType,
    int TrainingRows,
    int ValidationRows,
    Bounds Epochs,
    double ComputeMultiplier,
    int EvalSamples,
    Bounds TrainingHours,
    PriceRange? TrainingRate,
    Bounds? TrainingUsd,
    IReadOnlyList<GraderTokenCost> GraderTokens,
    string? DeploySku,
    PriceRange? HostingRate,
    double AutoPauseUsd,
    string PricesAsOf)
{
    /// <summary>Assumed seconds of core training per training row and epoch at compute_multiplier 1 (kit assumption).</summary>
    public static readonly Bounds SecondsPerRowEpoch = new(2, 12);

    /// <summary>Epochs assumed when n_epochs is auto.</summary>
    public static readonly Bounds AutoEpochs = new(1, 3);

    /// <summary>Tokens assumed for the model answer a grader prompt embeds ({{sample.*}}), and for the grader's own answer.</summary>
    public static readonly Bounds AssumedAnswerTokens = new(50, 500);
    public static readonly Bounds AssumedGraderOutputTokens = new(20, 200);

    /// <summary>Rough tokens of a text: about four characters a token for English.</summary>
    public static int Tokens(string text) => (text.Length + 3) / 4;

    public Bounds? GraderUsd => GraderTokens.Count == 0 ? new Bounds(0, 0)
        : GraderTokens.All(g => g.Usd is not null) ? GraderTokens.Select(g => g.Usd!).Aggregate((a, b) => a + b) : null;

    /// <summary>Training and grading together (null when a price is unknown).</summary>
    public Bounds? TotalUsd => TrainingUsd is { } t && GraderUsd is { } g ? t + g : null;

    public static CostEstimate For(string jobFile, JobDeclaration job, Grader grader, string root, RftCatalog catalog)
    {
        var trainingRows = CountRows(Path.Combine(root, job.TrainingFile));
        var validationRows = job.ValidationFile is null ? 0 : CountRows(Path.Combine(root, job.ValidationFile));
        var epochs = job.Hyperparameters.Number("n_epochs") is { Number: { } e } ? new Bounds(e, e) : AutoEpochs;
        var multiplier = job.Hyperparameters.Number("compute_multiplier") is { Number: { } m } ? m : 1;
        var evalSamples = job.Hyperparameters.Number("eval_samples") is { Number: { } s } ? (int)s : 1;
        var hours = new Bounds(
            trainingRows * epochs.Low * SecondsPerRowEpoch.Low * multiplier / 3600,
            trainingRows * epochs.High * SecondsPerRowEpoch.High * multiplier / 3600);
        var trainingType = job.TrainingType ?? "standard";
        var rate = catalog.Prices.TrainingRate(trainingType);
        var calls = new Bounds(trainingRows * epochs.Low * evalSamples, trainingRows * epochs.High * evalSamples);
        var rows = SampleRows(job, root);
        var graders = ModelGraders(grader).Select(g => GraderCost(g.Name, g.Model, g.Input, rows, calls, catalog)).ToList();
        var sku = job.Deploy?.Sku;
        return new CostEstimate(jobFile, trainingType, trainingRows, validationRows, epochs, multiplier, evalSamples, hours, rate,
            rate is null ? null : hours * new Bounds(rate.Low, rate.High), graders, sku,
            sku is not null && catalog.Prices.HostingPerHour.TryGetValue(sku, out var hosting) ? hosting : null,
            catalog.Prices.AutoPauseUsd, catalog.Prices.AsOf);
    }

    private static GraderTokenCost GraderCost(string name, string model, IReadOnlyList<GraderMessage> input, IReadOnlyList<JsonObject> rows,
        Bounds calls, RftCatalog catalog)
    {
        var empty = GraderSample.FromText("");
        var promptTokens = rows.Count == 0
            ? input.Sum(m => Tokens(m.Content))
            : (int)rows.Average(row => input.Sum(m => Tokens(TemplateRenderer.Render(m.Content, row, empty).Text) + 4));
        var inputPerCall = new Bounds(promptTokens + AssumedAnswerTokens.Low, promptTokens + AssumedAnswerTokens.High);
        var price = catalog.Prices.TokenPriceOf(model);
        Bounds? usd = price is null ? null : new Bounds(
            calls.Low * ((inputPerCall.Low * price.InputPerMillion) + (AssumedGraderOutputTokens.Low * price.OutputPerMillion)) / 1_000_000,
            calls.High * ((inputPerCall.High * price.InputPerMillion) + (AssumedGraderOutputTokens.High * price.OutputPerMillion)) / 1_000_000);
        return new GraderTokenCost(name, model, calls, inputPerCall, AssumedGraderOutputTokens, usd, price?.Source);
    }

    private static IEnumerable<(string Name, string Model, IReadOnlyList<GraderMessage> Input)> ModelGraders(Grader grader) => grader switch
    {
        ScoreModelGrader s => [(s.Name, s.Model, s.Input)],
        LabelModelGrader l => [(l.Name, l.Model, l.Input)],
        MultiGrader m => m.Graders.SelectMany(g => ModelGraders(g.Value)),
        _ => [],
    };

    /// <summary>Up to 20 rows of the training file, to size a grader prompt.</summary>
    private static List<JsonObject> SampleRows(JobDeclaration job, string root)
    {
        if (CheckoutFile.Check(Path.Combine(root, job.TrainingFile), root: null, RftCatalog.Default.Limits.FileMaxBytesExclusive - 1, out _) is not { } file)
        {
            return [];
        }

        var rows = new List<JsonObject>();
        using var reader = new JsonlLineReader(CheckoutFile.OpenRead(file));
        while (rows.Count < 20 && reader.TryReadLine(out var bytes, out var end))
        {
            if (end == LineEnd.TooLong || CheckoutFile.DecodeStrict(bytes, out _) is not { } line || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(line, documentOptions: new() { MaxDepth = DeclarationReader.MaxDepth }) is JsonObject row)
                {
                    rows.Add(row);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // validate reports bad lines; the estimate sizes prompts from the good ones.
            }
        }

        return rows;
    }

    /// <summary>Non-blank lines of a JSONL file, streamed (0 when it cannot be read; validate says why).</summary>
    public static int CountRows(string path)
    {
        if (CheckoutFile.Check(path, root: null, RftCatalog.Default.Limits.FileMaxBytesExclusive - 1, out _) is not { } file)
        {
            return 0;
        }

        using var reader = new JsonlLineReader(CheckoutFile.OpenRead(file));
        var count = 0;
        while (reader.TryReadLine(out var bytes, out _))
        {
            if (!bytes.Trim(" \t\r"u8).IsEmpty)
            {
                count++;
            }
        }

        return count;
    }
}
