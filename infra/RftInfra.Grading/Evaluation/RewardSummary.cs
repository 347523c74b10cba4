using System.Globalization;

namespace RftInfra.Graders.Evaluation;

/// <summary>One histogram bin: [Low, High) (the last bin includes High) and how many rewards fell in it.</summary>
public sealed record HistogramBin(double Low, double High, int Count);

/// <summary>A distribution problem: <c>sparse</c>, <c>uniform</c> or <c>saturated</c>, with the message a person reads.</summary>
public sealed record RewardWarning(string Kind, string Message);

/// <summary>
/// The reward distribution of a batch of graded rows, and the warnings the RFT guidance implies: a grader that
/// rewards almost nothing (sparse), almost always the same value (uniform), or passes base-model outputs more
/// than 90 % of the time (saturated) gives the training no signal. Calibration band: 25–50 % failures.
/// A row passes at the grader's pass_threshold; without one, a binary grader (string_check, label_model) passes
/// at full marks and a continuous one (text_similarity, python, multi, score_model) at the middle of its scale.
/// </summary>
public sealed record RewardSummary(
    int Count,
    int Scored,
    double Mean,
    double Std,
    double Min,
    double Max,
    double ScaleMin,
    double ScaleMax,
    double PassThreshold,
    string PassRule,
    double ZeroShare,
    double MaxShare,
    double PassShare,
    IReadOnlyList<HistogramBin> Histogram,
    IReadOnlyList<KeyValuePair<string, double>> SubGraderMeans,
    IReadOnlyList<KeyValuePair<string, int>> ErrorCounts,
    IReadOnlyList<KeyValuePair<string, int>> NotScoredReasons,
    IReadOnlyList<RewardWarning> Warnings)
{
    public const int HistogramBins = 10;

    /// <summary>Below this many scored rows the distribution warnings are not raised (too few to judge).</summary>
    public const int MinRowsForWarnings = 5;

    public const double AlmostAll = 0.9;
    public const string CalibrationBand = "target 25–50 % failures on base-model outputs (calibration band from the RFT guidance)";

    public static RewardSummary Compute(Grader grader, IReadOnlyList<GradeResult> results)
    {
        var rewards = results.Where(r => r.Reward is not null).Select(r => r.Reward!.Value).ToArray();
        var scored = rewards.Length;
        var mean = scored == 0 ? 0 : rewards.Average();
        var std = scored == 0 ? 0 : Math.Sqrt(rewards.Sum(r => (r - mean) * (r - mean)) / scored); // population std, as numpy
        var min = scored == 0 ? 0 : rewards.Min();
        var max = scored == 0 ? 0 : rewards.Max();

        var (scaleMin, scaleMax) = Scale(grader, min, max);
        var (threshold, passRule) = PassThresholdOf(grader) is { } explicitThreshold
            ? (explicitThreshold, "pass_threshold")
            : grader is StringCheckGrader or LabelModelGrader
                ? (scaleMax, "full marks")
                : ((scaleMin + scaleMax) / 2, "no pass_threshold: scale midpoint");
        var zeroShare = Share(rewards, r => r == 0);
        var maxShare = Share(rewards, r => r >= scaleMax);
        var passShare = Share(rewards, r => r >= threshold);

        var summary = new RewardSummary(
            results.Count, scored, mean, std, min, max, scaleMin, scaleMax, threshold, passRule, zeroShare, maxShare, passShare,
            Bins(rewards, scaleMin, scaleMax), MeansByKey(results), CountByKey(results.SelectMany(r => r.Errors).Select(e => e.Kind)),
            CountByKey(results.Where(r => r.NotScoredReason is not null).Select(r => r.NotScoredReason!)), []);
        return summary with { Warnings = Warn(summary, rewards) };
    }

    /// <summary>The grader's reward scale: score_model's range; [0, 1] for the others, widened to what was observed.</summary>
    private static (double Min, double Max) Scale(Grader grader, double observedMin, double observedMax) => grader switch
    {
        ScoreModelGrader s => (s.RangeMin, s.RangeMax),
        _ => (Math.Min(0, observedMin), Math.Max(1, observedMax)),
    };

    private static double? PassThresholdOf(Grader grader) => grader switch
    {
        TextSimilarityGrader t => t.PassThreshold,
        ScoreModelGrader s => s.PassThreshold,
        EndpointGrader e => e.PassThreshold,
        _ => null,
    };

    private static double Share(double[] rewards, Func<double, bool> predicate) =>
        rewards.Length == 0 ? 0 : rewards.Count(predicate) / (double)rewards.Length;

    private static List<HistogramBin> Bins(double[] rewards, double low, double high)
    {
        var width = (high - low) / HistogramBins;
        var counts = new int[HistogramBins];
        foreach (var r in rewards)
        {
            var index = width <= 0 ? 0 : (int)Math.Floor((r - low) / width);
            counts[Math.Clamp(index, 0, HistogramBins - 1)]++;
        }

        return Enumerable.Range(0, HistogramBins)
            .Select(i => new HistogramBin(Edge(low, high, i), Edge(low, high, i + 1), counts[i]))
            .ToList();
    }

    /// <summary>Bin edge i of <see cref="HistogramBins"/>, rounded so 0.1-wide bins print as 0.3, not 0.30000000000000004.</summary>
    private static double Edge(double low, double high, int i) =>
        i == HistogramBins ? high : Math.Round(low + (high - low) * i / HistogramBins, 12);

    private static List<KeyValuePair<string, double>> MeansByKey(IReadOnlyList<GradeResult> results)
    {
        var names = results.SelectMany(r => r.SubRewards.Select(s => s.Key)).Distinct().ToList();
        return names
            .Select(name => (name, values: results.SelectMany(r => r.SubRewards)
                .Where(s => s.Key == name && s.Value is not null).Select(s => s.Value!.Value).ToList()))
            .Where(x => x.values.Count > 0)
            .Select(x => new KeyValuePair<string, double>(x.name, x.values.Average()))
            .ToList();
    }

    private static List<KeyValuePair<string, int>> CountByKey(IEnumerable<string> keys) =>
        keys.GroupBy(k => k).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count())).ToList();

    private static List<RewardWarning> Warn(RewardSummary s, double[] rewards)
    {
        var warnings = new List<RewardWarning>();
        if (s.Scored < MinRowsForWarnings)
        {
            return warnings;
        }

        if (s.ZeroShare >= AlmostAll)
        {
            warnings.Add(new RewardWarning("sparse",
                $"rewards are too sparse: {Percent(s.ZeroShare)} of rows score 0, so training gets almost no signal. " +
                "Check that the grader reads the fields the rows and outputs really have (a mismatch scores 0 silently), " +
                $"or give partial credit; {CalibrationBand}."));
        }

        var mode = rewards.GroupBy(r => Math.Round(r, 9)).OrderByDescending(g => g.Count()).First();
        var modeShare = mode.Count() / (double)rewards.Length;
        var passing = s.PassShare > AlmostAll;
        if (modeShare >= AlmostAll && mode.Key != 0 && !passing)
        {
            warnings.Add(new RewardWarning("uniform",
                $"rewards are too uniform: {Percent(modeShare)} of rows score {mode.Key.ToString("G6", CultureInfo.InvariantCulture)}, " +
                $"so outputs cannot be told apart. Make the grader discriminate between better and worse outputs; {CalibrationBand}."));
        }

        if (passing)
        {
            warnings.Add(new RewardWarning("saturated",
                $"rewards are saturated: {Percent(s.PassShare)} of outputs already pass (reward ≥ {s.PassThreshold.ToString("G6", CultureInfo.InvariantCulture)}), " +
                $"only {Percent(1 - s.PassShare)} fail; there is little left to learn. Make the task or the grader stricter; {CalibrationBand}."));
        }

        return warnings;
    }

    public static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
