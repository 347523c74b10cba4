using System.Globalization;
using System.Text;
using RftInfra.Diagnostics;
using RftInfra.Graders.Evaluation;
using RftInfra.Validation.Baseline;

namespace RftInfra.Cli.Commands;

/// <summary>What `rft baseline` prints: a text report for a person, Markdown for a PR comment or step summary.</summary>
internal static class BaselineOutput
{
    public static void WriteText(TextWriter o, BaselineResult result, IReadOnlyList<Diagnostic> advice)
    {
        var plan = result.Plan;
        o.WriteLine($"baseline of {plan.JobFile}: {plan.Job.Model} (deployment {plan.Deployment}), grader {plan.Grader.Name} ({plan.Grader.Type})");
        o.WriteLine($"  {plan.Rows.Count} of {plan.ValidationRows} validation rows (seed {plan.Seed}), {result.Variants.Count} prompt variant(s), " +
            $"{result.CachedAnswers} answers from the cache");
        foreach (var v in result.Variants)
        {
            var s = v.Summary;
            o.WriteLine();
            o.WriteLine($"variant {v.Name}{(v.Name == result.Best.Name ? "  (best)" : "")}");
            o.WriteLine($"  mean {F(s.Mean)}  stdev {F(s.Std)}  min {F(s.Min)}  max {F(s.Max)}  scored {s.Scored}/{s.Count}");
            o.WriteLine($"  pass {RewardSummary.Percent(s.PassShare)} ({s.PassRule}), failures {RewardSummary.Percent(v.FailureShare)}: {v.Band} " +
                $"(target {RewardSummary.Percent(VariantResult.BandLow)}–{RewardSummary.Percent(VariantResult.BandHigh)} failures)");
            o.WriteLine($"  distribution {string.Join(" ", s.Histogram.Select(b => b.Count))}  (bins of {F(s.Histogram[0].High - s.Histogram[0].Low)} from {F(s.ScaleMin)})");
            if (s.SubGraderMeans.Count > 0)
            {
                o.WriteLine($"  sub-graders {string.Join(", ", s.SubGraderMeans.Select(x => $"{x.Key} {F(x.Value)}"))}");
            }

            o.WriteLine($"  tokens {v.Tokens.Input:N0} in, {v.Tokens.Output:N0} out ({v.Tokens.Reasoning:N0} reasoning), cost {Cost(v.Tokens)}");
        }

        o.WriteLine();
        o.WriteLine($"best variant: {result.Best.Name} (mean {F(result.Best.Summary.Mean)})");
        foreach (var finding in advice)
        {
            o.WriteLine(finding.ToString());
        }
    }

    public static string Markdown(BaselineResult result, IReadOnlyList<Diagnostic> advice)
    {
        var plan = result.Plan;
        var md = new StringBuilder();
        md.AppendLine($"### Baseline of `{Code(plan.JobFile)}`");
        md.AppendLine();
        md.AppendLine($"{Cell(plan.Job.Model)} (deployment `{Code(plan.Deployment)}`), grader `{Code(plan.Grader.Name)}` ({plan.Grader.Type}); " +
            $"{plan.Rows.Count} of {plan.ValidationRows} validation rows, seed {plan.Seed}.");
        md.AppendLine();
        md.AppendLine("| variant | mean | stdev | pass | failures | band | distribution | tokens in / out | cost |");
        md.AppendLine("|---|---:|---:|---:|---:|---|---|---:|---:|");
        foreach (var v in result.Variants)
        {
            var s = v.Summary;
            var name = v.Name == result.Best.Name ? $"**{Cell(v.Name)}** (best)" : Cell(v.Name);
            md.AppendLine($"| {name} | {F(s.Mean)} | {F(s.Std)} | {RewardSummary.Percent(s.PassShare)} | {RewardSummary.Percent(v.FailureShare)} | {v.Band} | " +
                $"{Spark(s.Histogram)} | {v.Tokens.Input:N0} / {v.Tokens.Output:N0} | {Cost(v.Tokens)} |");
        }

        var subGraders = result.Variants.Where(v => v.Summary.SubGraderMeans.Count > 0).ToList();
        if (subGraders.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("| variant | sub-grader means |");
            md.AppendLine("|---|---|");
            foreach (var v in subGraders)
            {
                md.AppendLine($"| {Cell(v.Name)} | {string.Join(", ", v.Summary.SubGraderMeans.Select(x => $"{Cell(x.Key)} {F(x.Value)}"))} |");
            }
        }

        md.AppendLine();
        md.AppendLine($"Target band: {RewardSummary.Percent(VariantResult.BandLow)}–{RewardSummary.Percent(VariantResult.BandHigh)} failures on base-model answers; " +
            "above 90 % pass is too easy, 0 % pass gives no signal.");
        if (advice.Count > 0)
        {
            md.AppendLine();
            foreach (var finding in advice)
            {
                md.AppendLine($"- **{finding.Code}** {Cell(finding.Message)} {Cell(finding.Hint ?? "")}");
            }
        }

        return md.ToString();
    }

    internal static string Cost(TokenUse tokens) =>
        tokens.CostUsd is { } c ? "$" + c.ToString("0.0000", CultureInfo.InvariantCulture) : "no price in the catalog";

    private static string Spark(IReadOnlyList<HistogramBin> bins)
    {
        const string levels = "▁▂▃▄▅▆▇█";
        var max = Math.Max(1, bins.Max(b => b.Count));
        return string.Concat(bins.Select(b => b.Count == 0 ? '·' : levels[Math.Min(levels.Length - 1, (b.Count * levels.Length - 1) / max)]));
    }

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>User text in a table cell: no pipes, no newlines, no HTML.</summary>
    private static string Cell(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Code(string text) => text.Replace("`", "'", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
