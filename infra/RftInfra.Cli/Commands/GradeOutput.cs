using System.ClientModel;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Cli.Commands;

/// <summary>What `rft grade` prints: the text report and the JSON document (rows, summary, diagnostics).</summary>
internal static class GradeOutput
{
    internal static void WriteText(
        TextWriter o, GradeArguments args, Grader grader, List<(int Line, JsonObject Item)> items,
        IReadOnlyList<JsonObject> samples, List<GradeResult> results, RewardSummary s, string? pythonNote)
    {
        o.WriteLine($"grader {grader.Name} ({grader.Type}) on {args.Data}: {s.Count} rows, {s.Scored} scored");
        if (args.Rows)
        {
            GradeRows.Write(o, grader, items, samples, results);
        }

        if (s.Scored > 0)
        {
            o.WriteLine($"  reward: mean {F(s.Mean)}  std {F(s.Std)}  min {F(s.Min)}  max {F(s.Max)}");
            o.WriteLine($"  zero: {RewardSummary.Percent(s.ZeroShare)}  full marks ({F(s.ScaleMax)}): {RewardSummary.Percent(s.MaxShare)}  " +
                $"pass (≥ {F(s.PassThreshold)}, {s.PassRule}): {RewardSummary.Percent(s.PassShare)}, failures {RewardSummary.Percent(1 - s.PassShare)} (target 25–50 %)");
            o.WriteLine("  histogram:");
            var widest = Math.Max(1, s.Histogram.Max(b => b.Count));
            for (var i = 0; i < s.Histogram.Count; i++)
            {
                var bin = s.Histogram[i];
                var bar = new string('█', (int)Math.Round(40.0 * bin.Count / widest));
                var close = i == s.Histogram.Count - 1 ? ']' : ')';
                o.WriteLine($"    [{F(bin.Low),5}, {F(bin.High),5}{close} {bar} {bin.Count}");
            }
        }

        if (s.SubGraderMeans.Count > 0)
        {
            o.WriteLine("  sub-grader means: " + string.Join("  ", s.SubGraderMeans.Select(m => $"{m.Key} {F(m.Value)}")));
        }

        if (s.ErrorCounts.Count > 0)
        {
            o.WriteLine("  errors (scored 0): " + string.Join("  ", s.ErrorCounts.Select(e => $"{e.Key} {e.Value}")));
        }

        foreach (var (reason, count) in s.NotScoredReasons)
        {
            o.WriteLine($"  not scored: {count} rows: {reason}");
        }

        if (pythonNote is not null)
        {
            o.WriteLine($"  note: {pythonNote}");
        }

        foreach (var warning in s.Warnings)
        {
            o.WriteLine($"warning ({warning.Kind}): {warning.Message}");
        }
    }

    internal static JsonObject Json(
        GradeArguments args, Grader grader, List<(int Line, JsonObject Item)> items, List<GradeResult> results,
        RewardSummary s, string? pythonNote)
    {
        var summary = new JsonObject
        {
            ["count"] = s.Count,
            ["scored"] = s.Scored,
            ["mean"] = s.Mean,
            ["std"] = s.Std,
            ["min"] = s.Min,
            ["max"] = s.Max,
            ["scale"] = new JsonArray(s.ScaleMin, s.ScaleMax),
            ["pass_threshold"] = s.PassThreshold,
            ["pass_rule"] = s.PassRule,
            ["zero_share"] = s.ZeroShare,
            ["max_share"] = s.MaxShare,
            ["pass_share"] = s.PassShare,
            ["histogram"] = new JsonArray(s.Histogram.Select(b => (JsonNode)new JsonObject
            {
                ["low"] = b.Low,
                ["high"] = b.High,
                ["count"] = b.Count,
            }).ToArray()),
            ["sub_grader_means"] = new JsonObject(s.SubGraderMeans.Select(m => new KeyValuePair<string, JsonNode?>(m.Key, m.Value))),
            ["errors"] = new JsonObject(s.ErrorCounts.Select(e => new KeyValuePair<string, JsonNode?>(e.Key, e.Value))),
            ["not_scored"] = new JsonObject(s.NotScoredReasons.Select(e => new KeyValuePair<string, JsonNode?>(e.Key, e.Value))),
            ["warnings"] = new JsonArray(s.Warnings.Select(w => (JsonNode)new JsonObject { ["kind"] = w.Kind, ["message"] = w.Message }).ToArray()),
        };
        var json = new JsonObject
        {
            ["grader"] = grader.Name,
            ["type"] = grader.Type,
            ["data"] = args.Data,
            ["summary"] = summary,
        };
        if (pythonNote is not null)
        {
            json["note"] = pythonNote;
        }

        if (args.Rows)
        {
            json["rows"] = new JsonArray(results.Select((r, i) => (JsonNode)RowJson(items[i].Line, r)).ToArray());
        }

        return json;
    }

    private static JsonObject RowJson(int line, GradeResult r)
    {
        var row = new JsonObject { ["line"] = line, ["reward"] = r.Reward };
        if (r.Passed is { } passed)
        {
            row["passed"] = passed;
        }

        if (r.SubRewards.Count > 0)
        {
            row["sub_rewards"] = new JsonObject(r.SubRewards.Select(x => new KeyValuePair<string, JsonNode?>(x.Key, x.Value)));
        }

        if (r.Errors.Count > 0)
        {
            row["errors"] = new JsonArray(r.Errors.Select(e => (JsonNode)new JsonObject
            {
                ["kind"] = e.Kind,
                ["grader"] = e.Grader,
                ["message"] = e.Message,
            }).ToArray());
        }

        if (r.NotScoredReason is not null)
        {
            row["not_scored"] = r.NotScoredReason;
        }

        if (r.Prompts.Count > 0)
        {
            row["prompts"] = new JsonArray(r.Prompts.Select(p => (JsonNode)new JsonObject
            {
                ["grader"] = p.Grader,
                ["model"] = p.Model,
                ["messages"] = new JsonArray(p.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            }).ToArray());
        }

        return row;
    }

    internal static JsonArray DiagnosticsJson(IEnumerable<Diagnostic> diagnostics) =>
        new(diagnostics.Select(d => (JsonNode)new JsonObject
        {
            ["code"] = d.Code,
            ["severity"] = d.Severity.ToString().ToLowerInvariant(),
            ["file"] = d.File,
            ["line"] = d.Position.Line,
            ["message"] = d.Message,
            ["hint"] = d.Hint,
        }).ToArray());

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
