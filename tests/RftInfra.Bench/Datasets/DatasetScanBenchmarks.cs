using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RftInfra.Datasets;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Bench.Datasets;

/// <summary>
/// `rft validate`'s dataset pass against a bare System.Text.Json loop over the same generated RFT JSONL, in the
/// same run. The file is generated once per benchmark case into a temporary directory (it sits in the page cache
/// while measured, so this is CPU throughput, not disk) and deleted afterwards. Run:
/// <c>dotnet run -c Release --project tests/RftInfra.Bench -- --filter '*DatasetScan*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public abstract class DatasetScanBenchmarksBase
{
    private string _directory = "";
    private string _path = "";
    private DatasetScanRequest _request = null!;
    private DatasetScanRequest _leakRequest = null!;

    public abstract int SizeMB { get; set; }

    protected abstract bool Multilingual { get; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "rft-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "train.jsonl");
        RftJsonlGenerator.Write(_path, (long)SizeMB << 20, Multilingual);
        var answer = TemplateParser.ParsePath("item.reference_answer", 0, [])!;
        _request = new DatasetScanRequest(_path, "data/train.jsonl", DatasetRole.Training, [answer]);
        _leakRequest = _request with { PromptsToFind = new PromptSet(new HashSet<ulong> { 1, 2, 3 }, new HashSet<ulong> { 1, 2, 3 }) };
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>The floor: split lines with the scanner's own line reader and read every token of every line.</summary>
    [Benchmark(Baseline = true)]
    public long BareUtf8JsonReaderLoop()
    {
        long tokens = 0;
        using var lines = JsonlLineReader.OpenFile(_path);
        while (lines.TryReadLine(out var line, out _))
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    /// <summary>Every dataset check (UTF-8, JSON, row shape, roles, content, one required <c>item.reference_answer</c>).</summary>
    [Benchmark]
    public int Scan() => Check(DatasetScanner.Scan(_request));

    /// <summary>The same, plus every row's prompt hash looked up for the train/validation leakage check.</summary>
    [Benchmark]
    public int ScanWithLeakCheck() => Check(DatasetScanner.Scan(_leakRequest));

    private static int Check(DatasetReport report) =>
        report.Diagnostics.Count == 0 && report.MissingKeys.Count == 0
            ? report.RowCount
            : throw new InvalidOperationException("The generated file should be clean: " + report.Diagnostics[0]);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn());
    }
}

/// <summary>English-dominant prompts (1 word in 50 non-ASCII), 100 MB and 1 GB: allocations must not grow with size.</summary>
public class DatasetScanBenchmarks : DatasetScanBenchmarksBase
{
    [Params(100, 1024)]
    public override int SizeMB { get; set; }

    protected override bool Multilingual => false;
}

/// <summary>Multilingual prompts (1 word in 6 non-ASCII): UTF-8 validation, which the bare loop skips, costs more.</summary>
public class DatasetScanMultilingualBenchmarks : DatasetScanBenchmarksBase
{
    [Params(100)]
    public override int SizeMB { get; set; }

    protected override bool Multilingual => true;
}
