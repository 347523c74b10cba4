using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using RftInfra.Emulator;

namespace RftInfra.Bench;

/// <summary>
/// The emulator at a realistic state size, over real HTTP: <c>fill DIR [files] [kb]</c> uploads that many fine-tune
/// files (default 50 of 800 KB) into a state at DIR/state.db; <c>load DIR [seconds] [clients]</c> restarts on that
/// state, then runs reads (get a file) and writes (create + cancel an upload) from concurrent clients and prints
/// requests/s, median and p95 latency, restart time and the process's peak working set. Run each step in a fresh
/// process: <c>dotnet run -c Release --project tests/RftInfra.Bench -- emulator-state fill /tmp/emu</c>, then
/// <c>… -- emulator-state load /tmp/emu</c>. Uses only the HTTP API, so the same file runs against an older emulator.
/// </summary>
internal static class EmulatorStateRun
{
    private const string Key = "bench-key";

    public static async Task<int> Run(string[] args)
    {
        if (args.Length < 2 || args[0] is not ("fill" or "load"))
        {
            Console.Error.WriteLine("usage: emulator-state fill DIR [files] [kb] | emulator-state load DIR [seconds] [clients]");
            return 2;
        }

        Directory.CreateDirectory(args[1]);
        var statePath = Path.Combine(args[1], "state.db");
        var number = (int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
        var options = new EmulatorOptions { StatePath = statePath, ApiKey = Key, Pace = TimeSpan.FromMilliseconds(100) };

        var clock = Stopwatch.StartNew();
        await using var emulator = new RftEmulator(options);
        await emulator.StartAsync();
        var started = clock.Elapsed;
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("api-key", Key);
        if (args[0] == "fill")
        {
            await Fill(http, number(2, 50), number(3, 800));
            Console.WriteLine($"filled {statePath} in {clock.Elapsed.TotalSeconds:0.0} s; peak working set {PeakMB():0} MB");
            return 0;
        }

        Console.WriteLine($"restart: {started.TotalSeconds:0.00} s, working set after start {Environment.WorkingSet / 1e6:0} MB");
        var fileId = await FirstFileId(http);
        var seconds = number(2, 10);
        var clients = number(3, 8);
        await Measure("reads (get a file)", http, seconds, clients, async client =>
        {
            using var response = await client.GetAsync($"/openai/v1/files/{fileId}");
            return response.IsSuccessStatusCode ? 1 : -1;
        });
        await Measure("writes (create + cancel an upload)", http, seconds, clients, async client =>
        {
            using var created = await client.PostAsync("/openai/uploads?api-version=2025-04-01-preview", new StringContent(
                """{"bytes":100,"filename":"x.jsonl","mime_type":"application/jsonl","purpose":"fine-tune"}""", Encoding.UTF8, "application/json"));
            var id = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            using var cancelled = await client.PostAsync($"/openai/uploads/{id}/cancel?api-version=2025-04-01-preview", null);
            return created.IsSuccessStatusCode && cancelled.IsSuccessStatusCode ? 2 : -1;
        });
        Console.WriteLine($"peak working set {PeakMB():0} MB");
        return 0;
    }

    private static async Task Fill(HttpClient http, int files, int kb)
    {
        var line = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 900) + "\"}],\"reference_answer\":\"Paris\"}\n";
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, kb * 1024 / line.Length)));
        for (var i = 0; i < files; i++)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", $"train-{i}.jsonl");
            form.Add(new StringContent("fine-tune"), "purpose");
            using var response = await http.PostAsync("/openai/v1/files", form);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"upload {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    private static async Task<string> FirstFileId(HttpClient http)
    {
        var list = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/openai/v1/files"))!;
        return list["data"]![0]!["id"]!.GetValue<string>();
    }

    /// <summary>Each client repeats <paramref name="call"/> (which returns how many requests it made) for the time given.</summary>
    private static async Task Measure(string name, HttpClient http, int seconds, int clients, Func<HttpClient, Task<int>> call)
    {
        var latencies = new List<double>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var requests = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < deadline)
            {
                var start = clock.Elapsed;
                var made = await call(http);
                var perRequest = (clock.Elapsed - start).TotalMilliseconds / Math.Max(1, made);
                lock (latencies)
                {
                    if (made < 0)
                    {
                        failures++;
                    }
                    else
                    {
                        requests += made;
                        latencies.AddRange(Enumerable.Repeat(perRequest, made));
                    }
                }
            }
        }));
        latencies.Sort();
        var median = latencies.Count == 0 ? double.NaN : latencies[latencies.Count / 2];
        var p95 = latencies.Count == 0 ? double.NaN : latencies[(int)(latencies.Count * 0.95)];
        Console.WriteLine($"{name}: {requests / clock.Elapsed.TotalSeconds:0} requests/s, median {median:0.0} ms, p95 {p95:0.0} ms, {failures} failed ({clients} clients, {clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private static double PeakMB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
