using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using System.Text.Json;
using RftInfra.Core.Datasets;
using RftInfra.Core.Templates;

namespace RftInfra.Bench.Datasets;

/// <summary>
/// `rft validate`'s dataset pass against bare System.Text.Json loops over the same generated RFT JSONL, in the
/// same run. The file is generated once per benchmark case into a temporary directory (it is in the page cache
/// while measured, so this is CPU throughput, not disk) and deleted afterwards.
/// Run: <c>dotnet run -c Release --project tests/RftInfra.Bench -- --filter '*DatasetScan*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class DatasetScanBenchmarks
{
    private string _directory = "";
    private string _path = "";
    private DatasetScanRequest _request = null!;
    private DatasetScanRequest _leakRequest = null!;

    [Params(100, 1024)]
    public int SizeMB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "rft-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "train.jsonl");
        RftJsonlGenerator.Write(_path, (long)SizeMB << 20);
        var answer = TemplateParser.ParsePath("item.reference_answer", 0, [])!;
        _request = new DatasetScanRequest(_path, "data/train.jsonl", DatasetRole.Training, [answer]);
        _leakRequest = _request with { PromptHashesToFind = new HashSet<ulong> { 1, 2, 3 } };
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>The floor: split lines with the scanner's own line reader, and read every token of every line.</summary>
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

    /// <summary>What a quick script does: <c>File.ReadLines</c> and <c>JsonDocument.Parse</c> per line.</summary>
    [Benchmark]
    public int NaiveJsonDocumentLoop()
    {
        var rows = 0;
        foreach (var line in File.ReadLines(_path))
        {
            using var document = JsonDocument.Parse(line);
            rows += document.RootElement.ValueKind == JsonValueKind.Object ? 1 : 0;
        }

        return rows;
    }

    /// <summary>Every dataset check, with one required <c>item.reference_answer</c> path.</summary>
    [Benchmark]
    public int Scan() => Check(DatasetScanner.Scan(_request));

    /// <summary>The same, plus the prompt hash of every row for the train/validation leakage check.</summary>
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
