using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Graders;

namespace RftInfra.Validation.Baseline;

/// <summary>
/// RFT816: two jobs of the same task (the same validation file) that differ in more than one variable, so a
/// difference in their rewards cannot be attributed to any one change. Variables: model, training file, grader,
/// response format, training type, and each hyperparameter; names, suffixes, seeds, metadata, regions, deploy
/// settings and the kit's own sections are not variables of the experiment.
/// </summary>
public sealed class JobComparisonCheck : IValidationCheck
{
    /// <summary>At most this many pairs are reported (a tree of many jobs would otherwise list every pair).</summary>
    public const int MaxFindings = 20;

    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var jobs = context.Jobs
            .Where(j => j.Json is not null && Shape.AsString(j.Json["validation_file"]) is not null)
            .OrderBy(j => j.Document.DisplayPath, StringComparer.Ordinal)
            .ToList();
        var reported = 0;
        foreach (var task in jobs.GroupBy(j => Shape.AsString(j.Json!["validation_file"])!.Replace('\\', '/'), StringComparer.Ordinal))
        {
            var members = task.ToList();
            for (var i = 0; i < members.Count && reported < MaxFindings; i++)
            {
                for (var k = i + 1; k < members.Count && reported < MaxFindings; k++)
                {
                    var changed = Differences(context, members[i], members[k]);
                    if (changed.Count > 1)
                    {
                        diagnostics.Add(BaselineDiagnostics.JobsDifferInManyVariables.Create(members[k].Document.DisplayPath,
                            members[k].Document.Positions.Value("validation_file"),
                            $"{members[k].Document.DisplayPath} and {members[i].Document.DisplayPath} both evaluate on {task.Key} but differ in " +
                            $"{changed.Count} variables ({string.Join(", ", changed)}), so a difference in reward cannot be attributed to one of them."));
                        reported++;
                    }
                }
            }
        }
    }

    private static List<string> Differences(ValidationContext context, JobFile a, JobFile b)
    {
        var changed = new List<string>();
        foreach (var field in new[] { "model", "training_file", "response_format", "training_type" })
        {
            if (!Same(a.Json![field], b.Json![field]))
            {
                changed.Add(field);
            }
        }

        if (!Same(context.GraderOf(a)?.Json ?? a.Json!["grader"], context.GraderOf(b)?.Json ?? b.Json!["grader"]))
        {
            changed.Add("grader");
        }

        var ha = a.Json!["hyperparameters"] as JsonObject ?? [];
        var hb = b.Json!["hyperparameters"] as JsonObject ?? [];
        foreach (var name in ha.Select(p => p.Key).Union(hb.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            if (!Same(ha[name], hb[name]))
            {
                changed.Add($"hyperparameters.{name}");
            }
        }

        return changed;
    }

    private static bool Same(JsonNode? a, JsonNode? b) =>
        (a is null && b is null) || (a is not null && b is not null && CanonicalJsonWriter.Write(a) == CanonicalJsonWriter.Write(b));
}
