using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RftInfra.Graders.Metrics;
using RftInfra.Core.Tests.Metrics;

namespace RftInfra.Bench;

/// <summary>
/// `dotnet run -c Release --project tests/RftInfra.Bench -- metrics [ROUNDS]`: times every metric on the parity
/// corpus with BenchmarkDotNet (in process, 3 warm-ups, 10 iterations) and the Python references on the same
/// pairs (child processes of this one; each times ROUNDS passes with time.perf_counter after an untimed warm-up
/// pass), checks that the scores are identical (1e-9), and prints a Markdown table. Both sides report their
/// fastest pass: the machine is shared, and the minimum is the figure least disturbed by other load. Beside
/// the wall-clock ratio it prints a CPU-time ratio (Python time.process_time against this process's processor
/// time over batches of passes), which other processes on the machine disturb much less.
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
            "| metric | C# per pass | Python per pass | speed-up | C# CPU per pass | Python CPU per pass | CPU speed-up | Python reference | scores identical |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        };
        var allIdentical = true;
        foreach (var metric in MetricsBenchmarks.OfflineMetrics)
        {
            var report = summary.Reports.Single(r => (string)r.BenchmarkCase.Parameters["Metric"] == metric);
            var csharpSeconds = report.ResultStatistics!.Min / 1e9;
            var isNltk = metric is "bleu" or "gleu" or "meteor";
            var answer = isNltk ? nltk : published;
            var pythonSeconds = answer["seconds"]![metric]!.GetValue<double>();
            var pythonCpuSeconds = answer["cpu_seconds"]![metric]!.GetValue<double>();
            var csharpCpuSeconds = CpuSecondsPerPass(metric, corpus);
            var expected = ReferenceRunner.Scores(answer, metric);
            var identical = corpus.Select((p, i) =>
                Math.Abs(TextSimilarityMetrics.Score(metric, p.Output, p.Reference) - expected[i]) <= 1e-9).All(x => x);
            allIdentical &= identical;
            var reference = isNltk ? "nltk (live)" : "transliteration of the published algorithm";
            rows.Add(FormattableString.Invariant(
                $"| {metric} | {csharpSeconds * 1e3:F2} ms | {pythonSeconds * 1e3:F1} ms | {pythonSeconds / csharpSeconds:F0}× | {csharpCpuSeconds * 1e3:F2} ms | {pythonCpuSeconds * 1e3:F1} ms | {pythonCpuSeconds / csharpCpuSeconds:F0}× | {reference} | {(identical ? "yes" : "NO")} |"));
        }

        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return allIdentical ? 0 : 1;
    }

    // Processor time of one pass: the best of 5 batches of 10 passes (batches, because the OS reports
    // process time in coarse ticks), after one warm-up pass.
    private static double CpuSecondsPerPass(string metric, IReadOnlyList<SimilarityPair> corpus)
    {
        const int PassesPerBatch = 10;
        ScorePass(metric, corpus);
        var best = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (var batch = 0; batch < 5; batch++)
        {
            process.Refresh();
            var started = process.TotalProcessorTime;
            for (var pass = 0; pass < PassesPerBatch; pass++)
            {
                ScorePass(metric, corpus);
            }

            process.Refresh();
            best = Math.Min(best, (process.TotalProcessorTime - started).TotalSeconds / PassesPerBatch);
        }

        return best;
    }

    private static double ScorePass(string metric, IReadOnlyList<SimilarityPair> corpus)
    {
        var sum = 0.0;
        foreach (var pair in corpus)
        {
            sum += TextSimilarityMetrics.Score(metric, pair.Output, pair.Reference);
        }

        return sum;
    }
}
