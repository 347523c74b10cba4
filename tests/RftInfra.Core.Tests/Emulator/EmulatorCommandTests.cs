using RftInfra.Cli;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorCommandTests
{
    [Fact]
    public async Task Emulator_StartsAnswersAndStopsOnCancel()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var io = new IOContext(TextReader.Null, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr));
        using var cancel = new CancellationTokenSource();
        var run = RftCommand.RunAsync(["emulator", "--port", "0", "--api-key", "cli-secret-key", "--pace", "0"], io, cancel.Token);

        var endpoint = await WaitForEndpoint(stdout, run);
        using (var http = new HttpClient { BaseAddress = endpoint })
        {
            http.DefaultRequestHeaders.Add("api-key", "cli-secret-key");
            using var response = await http.GetAsync("/openai/v1/fine_tuning/jobs");
            Assert.Equal(200, (int)response.StatusCode);
        }

        await cancel.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(20)));
        var output = stdout.ToString();
        Assert.Contains("api-key", output);
        Assert.DoesNotContain("cli-secret-key", output);
        Assert.Contains("Emulator stopped.", output);
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task Emulator_WithFaultsAndStateFiles_InjectsAndPersists()
    {
        var directory = Directory.CreateTempSubdirectory("rft-emulator-cli-");
        var faults = Path.Combine(directory.FullName, "faults.json");
        var state = Path.Combine(directory.FullName, "state.json");
        await File.WriteAllTextAsync(faults, """{"rules":[{"method":"GET","path":"/openai/v1/files","first":1,"fault":"status","status":429,"retryAfterSeconds":2}]}""");
        var stdout = new StringWriter();
        var io = new IOContext(TextReader.Null, TextWriter.Synchronized(stdout), TextWriter.Synchronized(new StringWriter()));
        using var cancel = new CancellationTokenSource();
        var run = RftCommand.RunAsync(["emulator", "--faults", faults, "--state", state], io, cancel.Token);
        try
        {
            using var http = new HttpClient { BaseAddress = await WaitForEndpoint(stdout, run) };
            http.DefaultRequestHeaders.Add("api-key", "rft-emulator-key");
            using (var limited = await http.GetAsync("/openai/v1/files"))
            {
                Assert.Equal(429, (int)limited.StatusCode);
                Assert.Equal("2", limited.Headers.GetValues("Retry-After").Single());
            }

            using var form = new MultipartFormDataContent { { new StringContent("{\"messages\":[]}\n"), "file", "a.jsonl" }, { new StringContent("fine-tune"), "purpose" } };
            using (var uploaded = await http.PostAsync("/openai/v1/files", form))
            {
                Assert.Equal(200, (int)uploaded.StatusCode);
            }

            Assert.Contains("1 rule(s)", stdout.ToString());
            Assert.Contains("rft-emulator-key", stdout.ToString());   // the default key is public; a given key is never printed
            await cancel.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("a.jsonl", await File.ReadAllTextAsync(state));
        }
        finally
        {
            await cancel.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(20));
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Emulator_BadFaultsFile_ExitsWithUsageErrorNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rft-faults-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"rules":[{"path":"*","fault":"explode"}]}""");
        try
        {
            var (_, stderr, exit) = await CliRunner.Rft("emulator", "--faults", path);
            Assert.Equal(2, exit);
            Assert.Contains(path, stderr);
            Assert.Contains("dropConnection", stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Emulator_BadPort_ExitsWithUsageError()
    {
        var (_, stderr, exit) = await CliRunner.Rft("emulator", "--port", "70000");
        Assert.Equal(2, exit);
        Assert.Contains("--port 70000", stderr);
    }

    private static async Task<Uri> WaitForEndpoint(StringWriter stdout, Task<int> run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(run.IsCompleted, "the command ended early: " + stdout);
            var line = stdout.ToString().Split('\n').FirstOrDefault(l => l.Contains("listening on ", StringComparison.Ordinal));
            if (line is not null)
            {
                return new Uri(line[(line.IndexOf("listening on ", StringComparison.Ordinal) + "listening on ".Length)..].Trim());
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the emulator did not print its endpoint: " + stdout);
    }
}
