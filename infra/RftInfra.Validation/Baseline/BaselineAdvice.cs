using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;
using RftInfra.Templates;

namespace RftInfra.Validation.Baseline;

/// <summary>
/// The RFT best-practice advice that a job and its baseline allow (docs/baseline.md), as findings with a code,
/// the reason and what to do: a baseline distribution too sparse, too uniform or saturated to learn from; a model
/// grader where the references are short exact values; the grader-model ladder for the job's declared stage.
/// </summary>
public static class BaselineAdvice
{
    /// <summary>A reference is "short and exact" at this many words or fewer (a name, a number, a code).</summary>
    public const int ShortReferenceWords = 3;

    /// <summary>Stage → the grader model the ladder suggests (gpt-4.1-nano → -mini → gpt-4.1).</summary>
    public static readonly IReadOnlyDictionary<string, string> Ladder = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["iterate"] = "gpt-4.1-nano",
        ["stabilize"] = "gpt-4.1-mini",
        ["production"] = "gpt-4.1",
    };

    public static IReadOnlyList<Diagnostic> For(BaselineResult result)
    {
        var plan = result.Plan;
        var findings = new List<Diagnostic>();
        foreach (var variant in result.Variants)
        {
            foreach (var warning in variant.Summary.Warnings)
            {
                var descriptor = warning.Kind switch
                {
                    "sparse" => BaselineDiagnostics.BaselineSparse,
                    "uniform" => BaselineDiagnostics.BaselineUniform,
                    _ => BaselineDiagnostics.BaselineSaturated,
                };
                findings.Add(descriptor.Create(plan.JobFile, SourcePosition.None, $"variant '{variant.Name}': {warning.Message}"));
            }
        }

        findings.AddRange(ForJob(plan.JobFile, plan.Job, plan.Grader, plan.Rows.Select(r => r.Item).ToList()));
        return findings;
    }

    /// <summary>The advice that needs only the job, its grader and some rows (no answers).</summary>
    public static IReadOnlyList<Diagnostic> ForJob(string jobFile, JobDeclaration job, Grader grader, IReadOnlyList<JsonObject> rows)
    {
        var findings = new List<Diagnostic>();
        foreach (var model in ModelGraders(grader))
        {
            var fields = ShortExactFields(model.Input, rows).ToList();
            if (fields.Count > 0)
            {
                findings.Add(BaselineDiagnostics.ModelGraderOnExactValues.Create(jobFile, SourcePosition.None,
                    $"grader '{model.Name}' asks {model.Model} to compare against {string.Join(", ", fields.Select(f => "{{" + f + "}}"))}, " +
                    $"which is a short exact value (at most {ShortReferenceWords} words) in every row sampled; a model grader costs tokens per row and epoch and is not deterministic."));
            }
        }

        if (Shape.AsString(job.Json["stage"]) is { } stage && Ladder.TryGetValue(stage, out var suggested))
        {
            foreach (var model in ModelGraders(grader).Where(m => !FitsLadder(m.Model, suggested)))
            {
                findings.Add(BaselineDiagnostics.GraderModelLadder.Create(jobFile, SourcePosition.None,
                    $"the job's stage is '{stage}' but grader '{model.Name}' uses {model.Model}; the ladder suggests {suggested} at this stage."));
            }
        }

        return findings;
    }

    private static bool FitsLadder(string model, string suggested) =>
        model.Equals(suggested, StringComparison.OrdinalIgnoreCase) || model.StartsWith(suggested + "-2", StringComparison.OrdinalIgnoreCase);

    private sealed record ModelGrader(string Name, string Model, IReadOnlyList<GraderMessage> Input);

    private static IEnumerable<ModelGrader> ModelGraders(Grader grader) => grader switch
    {
        ScoreModelGrader s => [new ModelGrader(s.Name, s.Model, s.Input)],
        LabelModelGrader l => [new ModelGrader(l.Name, l.Model, l.Input)],
        MultiGrader m => m.Graders.SelectMany(g => ModelGraders(g.Value)),
        _ => [],
    };

    /// <summary>The item fields the prompt reads whose value is, in every row (at least one), a short string or a number.</summary>
    private static IEnumerable<string> ShortExactFields(IReadOnlyList<GraderMessage> input, IReadOnlyList<JsonObject> rows)
    {
        if (rows.Count == 0)
        {
            yield break;
        }

        var paths = input.SelectMany(m => TemplateParser.Parse(m.Content).Variables)
            .Where(v => v.Path.Namespace == "item").Select(v => v.Path).DistinctBy(p => p.ToString());
        foreach (var path in paths)
        {
            if (rows.All(row => path.TryResolve(row, out var value) && IsShortExact(value)))
            {
                yield return path.ToString();
            }
        }
    }

    private static bool IsShortExact(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String =>
            v.GetValue<string>().Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 and <= ShortReferenceWords },
        _ => false,
    };
}
