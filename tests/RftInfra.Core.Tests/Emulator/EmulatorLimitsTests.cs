using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Emulator;

/// <summary>Request bodies are limited per route before they are read, and answered 413 in the service's shape.</summary>
public class EmulatorLimitsTests
{
    [Theory]
    [InlineData("/openai/v1/fine_tuning/jobs", 4L * 1024 * 1024 + 1)]
    [InlineData("/openai/v1/fine_tuning/alpha/graders/run", 1L << 30)]
    [InlineData("/openai/v1/files", 600L * 1024 * 1024)]
    [InlineData("/openai/uploads/upload-x/parts?api-version=2025-04-01-preview", 66L * 1024 * 1024)]
    public async Task DeclaredBodyOverTheRouteLimit_Answers413BeforeAnyByteIsSent(string path, long contentLength)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var clock = Stopwatch.StartNew();

        // Only the headers go out: a server that waited for the body would never answer.
        var (status, body) = await RawPost(emulator, path, $"Content-Length: {contentLength}\r\nContent-Type: application/json\r\n", "");

        Assert.Equal(413, status);
        var error = TestEmulator.Parse(body);
        TestEmulator.AssertError(413, "RequestEntityTooLarge", (status, error));
        Assert.Contains("larger than this route accepts", error["error"]!["message"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the answer took {clock.Elapsed}");
    }

    [Fact]
    public async Task ChunkedJsonBodyOverTheLimit_Answers413AndCreatesNothing()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { MaxJsonBodyBytes = 1000 });
        var training = await emulator.ProcessedFile();
        var job = TestEmulator.JobBody(training, training, new JsonObject { ["padding"] = new string('p', 2000) }).ToJsonString();
        var chunk = $"{Encoding.UTF8.GetByteCount(job):X}\r\n{job}\r\n0\r\n\r\n";

        var (status, body) = await RawPost(
            emulator, "/openai/v1/fine_tuning/jobs", "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n", chunk);

        TestEmulator.AssertError(413, "RequestEntityTooLarge", (status, TestEmulator.Parse(body)));
        Assert.Contains("(1000 bytes)", body);
        Assert.Empty((await emulator.Get("/openai/v1/fine_tuning/jobs")).Body!["data"]!.AsArray());
    }

    [Fact]
    public async Task BodyWithinTheLimit_IsServedAsBefore()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { MaxJsonBodyBytes = 1000 });
        var (status, body) = await emulator.Post("/openai/v1/fine_tuning/alpha/graders/validate",
            new JsonObject { ["grader"] = TestEmulator.StringCheckGrader() });
        Assert.Equal(200, status);
        Assert.Equal("capital-match", body!["grader"]!["name"]!.GetValue<string>());
    }

    /// <summary>A POST written by hand, so the test decides what is declared and what is sent.</summary>
    private static async Task<(int Status, string Body)> RawPost(TestEmulator emulator, string path, string headers, string body)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(emulator.Server.BaseUrl.Host, emulator.Server.BaseUrl.Port);
        var stream = client.GetStream();
        var request = $"POST {path} HTTP/1.1\r\nHost: {emulator.Server.BaseUrl.Authority}\r\napi-key: {emulator.Server.ApiKey}\r\n{headers}\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        while (!Encoding.UTF8.GetString(answer.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal) || !Complete(answer))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            answer.Write(buffer, 0, read);
        }

        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, "no HTTP answer: " + text);
        var status = int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text[(split + 4)..]);
    }

    /// <summary>The answer's body is in (Content-Length counted); the emulator answers errors with a length.</summary>
    private static bool Complete(MemoryStream answer)
    {
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var header = text[..split].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return header is not null
            && Encoding.UTF8.GetByteCount(text[(split + 4)..]) >= int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
