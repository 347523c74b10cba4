using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RftInfra.Datasets;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Bench.Datasets;

/// <summary>
/// A check of the BenchmarkDotNet figures for shared, noisy machines: the bare loop and the scanner run in
/// alternation on the same generated file, round after round, and the best wall time and the best process CPU
/// time of each are kept, so a burst of load from other processes cannot favour one side. Also prints the
/// process's peak working set after each file size, which must not grow with the file. With
/// <c>--processes N</c> it runs N fresh processes one after another and prints the median of each ratio: one
/// process's figures move by up to ±20 % (tiered PGO compiles the reader differently each time), a median of 5
/// by about ±0.02.
/// <c>dotnet run -c Release --project tests/RftInfra.Bench -- datasets-interleaved [rounds] [sizeMB...] [--processes N]</c>.
/// </summary>
internal static partial class InterleavedDatasetRun
{
    public static int Run(string[] args)
    {
        var processesAt = Array.IndexOf(args, "--processes");
        if (processesAt >= 0)
        {
            var processes = int.Parse(args[processesAt + 1], CultureInfo.InvariantCulture);
            return RunInProcesses(processes, [.. args[..processesAt], .. args[(processesAt + 2)..]]);
        }

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

    /// <summary>Runs the measurement in fresh processes and prints, per text, size and loop, the median CPU ratio.</summary>
    private static int RunInProcesses(int processes, string[] args)
    {
        var ratios = new Dictionary<(string Heading, string Loop), List<double>>();
        for (var run = 0; run < processes; run++)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(typeof(InterleavedDatasetRun).Assembly.Location);
            }

            start.ArgumentList.Add("datasets-interleaved");
            args.ToList().ForEach(start.ArgumentList.Add);
            using var child = Process.Start(start)!;
            var heading = "";
            while (child.StandardOutput.ReadLine() is { } line)
            {
                Console.WriteLine(line);
                if (HeadingLine().Match(line) is { Success: true } h)
                {
                    heading = h.Groups[1].Value;
                }
                else if (LoopLine().Match(line) is { Success: true } l)
                {
                    var key = (heading, l.Groups[1].Value);
                    ratios[key] = ratios.GetValueOrDefault(key) ?? [];
                    ratios[key].Add(double.Parse(l.Groups[2].Value, CultureInfo.InvariantCulture));
                }
            }

            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                return child.ExitCode;
            }
        }

        Console.WriteLine($"median CPU-time ratio to the bare loop over {processes} processes (range):");
        foreach (var ((heading, loop), values) in ratios)
        {
            values.Sort();
            var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
            Console.WriteLine(FormattableString.Invariant(
                $"  {heading,-20} {loop,-24} {median:F2}  ({values[0]:F2}–{values[^1]:F2})"));
        }

        return 0;
    }

    // The lines Measure prints: "english 100 MB, best of 5; ..." and "  Scan  wall ... cpu  612 MB/s (0.84x bare)".
    [GeneratedRegex(@"^(\w+ \d+ MB), best of")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^\s+(\S+)\s+wall .* cpu\s+\d+ MB/s \(([\d.]+)x bare\)")]
    private static partial Regex LoopLine();

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
