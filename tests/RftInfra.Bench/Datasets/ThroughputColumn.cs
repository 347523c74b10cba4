using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RftInfra.Bench.Datasets;

/// <summary>MB/s from the benchmark's <c>SizeMB</c> parameter and its mean time (1 MB = 2^20 bytes).</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Throughput: SizeMB MiB of JSONL divided by the mean time";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var size = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "SizeMB")?.Value;
        return mean is > 0 && size is int megabytes
            ? (megabytes / (mean.Value / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : "-";
    }
}
