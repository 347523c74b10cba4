using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RftInfra.Core.Datasets;
using RftInfra.Core.Templates;

namespace RftInfra.Bench.Datasets;

/// <summary>
/// A check of the BenchmarkDotNet figures for shared, noisy machines: the bare loop and the scanner run in
/// alternation on the same generated file, round after round, and the best wall time and the best process CPU
/// time of each are kept, so a burst of load from other processes cannot favour one side. Also prints the
/// process's peak working set after each file size, which must not grow with the file.
/// <c>dotnet run -c Release --project tests/RftInfra.Bench -- datasets-interleaved [rounds] [sizeMB...]</c>.
/// </summary>
internal static class InterleavedDatasetRun
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var sizes = args.Length > 1 ? args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100, 1024];
        var directory = Path.Combine(Path.GetTempPath(), "rft-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var multilingual in new[] { false, true })
            {
                foreach (var size in sizes)
                {
                    Measure(directory, size, multilingual, rounds);
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    private static void Measure(string directory, int sizeMB, bool multilingual, int rounds)
    {
        var path = Path.Combine(directory, $"train-{sizeMB}-{multilingual}.jsonl");
        var bytes = RftJsonlGenerator.Write(path, (long)sizeMB << 20, multilingual);
        var answer = TemplateParser.ParsePath("item.reference_answer", 0, [])!;
        var request = new DatasetScanRequest(path, "data/train.jsonl", DatasetRole.Training, [answer]);
        var leak = request with { PromptsToFind = new PromptSet(new HashSet<ulong> { 1, 2, 3 }, new HashSet<ulong> { 1, 2, 3 }) };
        (string Name, Func<long> Body)[] cases =
        [
            ("BareUtf8JsonReaderLoop", () => Bare(path)),
            ("Scan", () => DatasetScanner.Scan(request).RowCount),
            ("ScanWithLeakCheck", () => DatasetScanner.Scan(leak).RowCount),
        ];
        var bestWall = new double[cases.Length];
        var bestCpu = new double[cases.Length];
        Array.Fill(bestWall, double.MaxValue);
        Array.Fill(bestCpu, double.MaxValue);
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                cases[i].Body();
                wall.Stop();
                process.Refresh();
                bestWall[i] = Math.Min(bestWall[i], wall.Elapsed.TotalSeconds);
                bestCpu[i] = Math.Min(bestCpu[i], (process.TotalProcessorTime - cpu).TotalSeconds);
            }
        }

        process.Refresh();
        var megabytes = bytes / (1024.0 * 1024.0);
        Console.WriteLine(FormattableString.Invariant(
            $"{(multilingual ? "multilingual" : "english")} {megabytes:F0} MB, best of {rounds}; peak working set so far {process.PeakWorkingSet64 / (1024.0 * 1024.0):F0} MB"));
        for (var i = 0; i < cases.Length; i++)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"  {cases[i].Name,-24} wall {megabytes / bestWall[i],6:F0} MB/s ({bestWall[0] / bestWall[i]:F2}x bare)   cpu {megabytes / bestCpu[i],6:F0} MB/s ({bestCpu[0] / bestCpu[i]:F2}x bare)"));
        }

        File.Delete(path);
    }

    private static long Bare(string path)
    {
        long tokens = 0;
        using var lines = JsonlLineReader.OpenFile(path);
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
}
