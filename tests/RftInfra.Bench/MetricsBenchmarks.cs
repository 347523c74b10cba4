using BenchmarkDotNet.Attributes;
using RftInfra.Graders.Metrics;
using RftInfra.Core.Tests.Metrics;

namespace RftInfra.Bench;

/// <summary>One pass of a metric over the whole parity corpus (660 pairs).</summary>
public class MetricsBenchmarks
{
    private IReadOnlyList<SimilarityPair> _corpus = [];

    public static IEnumerable<string> OfflineMetrics =>
        TextSimilarityMetrics.Names.Where(TextSimilarityMetrics.IsComputedOffline);

    [ParamsSource(nameof(OfflineMetrics))]
    public string Metric { get; set; } = "bleu";

    [GlobalSetup]
    public void Setup() => _corpus = ReferenceRunner.LoadCorpus();

    [Benchmark]
    public double ScoreCorpus()
    {
        var sum = 0.0;
        foreach (var pair in _corpus)
        {
            sum += TextSimilarityMetrics.Score(Metric, pair.Output, pair.Reference);
        }

        return sum;
    }
}
