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
