using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RftInfra.Core.Graders.Metrics;
using RftInfra.Core.Tests.Metrics;

namespace RftInfra.Bench;

/// <summary>
/// `dotnet run -c Release --project tests/RftInfra.Bench -- metrics [ROUNDS]`: times every metric on the parity
/// corpus with BenchmarkDotNet (in process, 3 warm-ups, 10 iterations) and the Python references on the same
/// pairs (child processes of this one; each times ROUNDS passes with time.perf_counter after an untimed warm-up
/// pass), checks that the scores are identical (1e-9), and prints a Markdown table. Both sides report their
/// fastest pass: the machine is shared, and the minimum is the figure least disturbed by other load.
/// </summary>
public static class MetricsComparison
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var corpus = ReferenceRunner.LoadCorpus();
        var nltk = ReferenceRunner.Run("nltk_reference.py", corpus, rounds);
        var published = ReferenceRunner.Run("published_algorithms.py", corpus, rounds);

        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1)
                .WithToolchain(InProcessEmitToolchain.Instance));
        var summary = BenchmarkRunner.Run<MetricsBenchmarks>(config);

        var rows = new List<string>
        {
            $"Corpus: {corpus.Count} pairs. Fastest pass over the corpus: C# BenchmarkDotNet (in process, 10 " +
            $"iterations), Python {rounds} timed passes after a warm-up (Debian python3, nltk {nltk["nltk"]}).",
            "",
            "| metric | C# per corpus pass | Python per corpus pass | Python reference | speed-up | scores identical |",
            "|---|---:|---:|---|---:|---|",
        };
        var allIdentical = true;
        foreach (var metric in MetricsBenchmarks.OfflineMetrics)
        {
            var report = summary.Reports.Single(r => (string)r.BenchmarkCase.Parameters["Metric"] == metric);
            var csharpSeconds = report.ResultStatistics!.Min / 1e9;
            var isNltk = metric is "bleu" or "gleu" or "meteor";
            var answer = isNltk ? nltk : published;
            var pythonSeconds = answer["seconds"]![metric]!.GetValue<double>();
            var expected = ReferenceRunner.Scores(answer, metric);
            var identical = corpus.Select((p, i) =>
                Math.Abs(TextSimilarityMetrics.Score(metric, p.Output, p.Reference) - expected[i]) <= 1e-9).All(x => x);
            allIdentical &= identical;
            var reference = isNltk ? "nltk (live)" : "transliteration of the published algorithm";
            rows.Add(FormattableString.Invariant(
                $"| {metric} | {csharpSeconds * 1e3:F2} ms | {pythonSeconds * 1e3:F1} ms | {reference} | {pythonSeconds / csharpSeconds:F0}× | {(identical ? "yes" : "NO")} |"));
        }

        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return allIdentical ? 0 : 1;
    }
}
