using System.Diagnostics;
using System.Text.Json.Nodes;
using RftInfra.Emulator;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorFaultTests
{
    private const string Jobs = "/openai/v1/fine_tuning/jobs";

    [Fact]
    public async Task Status429_CarriesRetryAfterHeadersForTheFirstNCalls()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with
        {
            Faults = [new FaultRule { Method = "GET", Path = "/openai/v1/files", First = 2, Status = 429, RetryAfterSeconds = 3, RetryAfterMs = 2500 }],
        });

        for (var call = 1; call <= 2; call++)
        {
            using var response = await emulator.Http.GetAsync("/openai/v1/files");
            Assert.Equal(429, (int)response.StatusCode);
            Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal("2500", response.Headers.GetValues("retry-after-ms").Single());
            var body = TestEmulator.Parse(await response.Content.ReadAsStringAsync());
            TestEmulator.AssertError(429, "429", (429, body));
        }

        Assert.Equal(200, (await emulator.Get("/openai/v1/files")).Status);
        Assert.Equal([429, 429, 200], emulator.Server.Requests.Select(r => r.Status));
    }

    [Theory]
    [InlineData(500, "InternalServerError")]
    [InlineData(503, "ServiceUnavailable")]
    public async Task Status5xx_OnTheNthCallOnly(int status, string code)
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with
        {
            Faults = [new FaultRule { Path = "/openai/v1/files*", Nth = [2], Status = status }],
        });

        Assert.Equal(200, (await emulator.Get("/openai/v1/files")).Status);
        TestEmulator.AssertError(status, code, await emulator.Get("/openai/v1/files"));
        Assert.Equal(200, (await emulator.Get("/openai/v1/files")).Status);
    }

    [Fact]
    public async Task Every_HitsEveryNthMatchingCall()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with
        {
            Faults = [new FaultRule { Method = "get", Path = "/openai/v1/files", Every = 2, Status = 503 }],
        });

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await emulator.Get("/openai/v1/files")).Status);
        }

        Assert.Equal([200, 503, 200, 503], statuses);
    }

    [Fact]
    public async Task Latency_DelaysTheAnswer()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with
        {
            Faults = [new FaultRule { Path = "/openai/v1/files", Fault = FaultKind.Latency, LatencyMs = 150 }],
        });

        var watch = Stopwatch.StartNew();
        var (status, _) = await emulator.Get("/openai/v1/files");
        Assert.Equal(200, status);
        Assert.True(watch.ElapsedMilliseconds >= 140, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task DropConnection_FailsTheCallAndChangesNothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();
        emulator.Server.Faults.SetRules([new FaultRule { Method = "POST", Path = Jobs, First = 1, Fault = FaultKind.DropConnection }]);

        using var fresh = emulator.FreshHttp();
        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.Send(HttpMethod.Post, Jobs, TestEmulator.JobBody(training, validation), fresh));

        var (_, list) = await emulator.Get(Jobs);
        Assert.Empty(list!["data"]!.AsArray());
        Assert.Equal(0, emulator.Server.Requests.Single(r => r.Method == "POST" && r.Path == Jobs).Status);
    }

    [Fact]
    public async Task Requests_ListEveryCallBeforeItsCallerSeesTheOutcome()
    {
        // Kestrel can deliver an answer before the middleware that logs it has finished: the entry is written
        // when the answer starts (or the connection is cut), so it is there as soon as the call returns.
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.SetRules([new FaultRule { Method = "GET", Path = Jobs, Nth = [5, 10], Fault = FaultKind.DropConnection }]);
        var before = emulator.Server.Requests.Count;
        for (var call = 1; call <= 40; call++)
        {
            using var fresh = emulator.FreshHttp();
            try
            {
                await emulator.Send(HttpMethod.Get, Jobs, http: fresh);
            }
            catch (HttpRequestException)
            {
                Assert.Contains(call, new[] { 5, 10 });
            }

            var last = emulator.Server.Requests[^1];
            Assert.Equal(before + call, emulator.Server.Requests.Count);
            Assert.Equal(call is 5 or 10 ? 0 : 200, last.Status);
        }
    }

    [Fact]
    public async Task ResponseLost_AppliesTheRequestButTheCallerSeesAFailure()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();
        emulator.Server.Faults.SetRules([new FaultRule { Method = "POST", Path = Jobs, Nth = [1], Fault = FaultKind.ResponseLost }]);

        using var fresh = emulator.FreshHttp();
        await Assert.ThrowsAnyAsync<HttpRequestException>(
            () => emulator.Send(HttpMethod.Post, Jobs, TestEmulator.JobBody(training, validation, new JsonObject { ["spec"] = "x" }), fresh));

        var (_, list) = await emulator.Get($"{Jobs}?metadata[spec]=x");
        Assert.Single(list!["data"]!.AsArray());
        Assert.Equal(200, (await emulator.Post(Jobs, TestEmulator.JobBody(training, validation))).Status);
    }

    [Fact]
    public async Task LateResponse_AppliesTheRequest_AndAnswersOnlyAfterTheDelay()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();
        emulator.Server.Faults.SetRules([new FaultRule { Method = "POST", Path = Jobs, First = 2, Fault = FaultKind.LateResponse, LatencyMs = 1200 }]);

        // A caller that gives up first sees a timeout, but the job exists.
        using var impatient = emulator.FreshHttp();
        impatient.Timeout = TimeSpan.FromMilliseconds(300);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => emulator.Send(HttpMethod.Post, Jobs, TestEmulator.JobBody(training, validation, new JsonObject { ["spec"] = "x" }), impatient));
        var (_, list) = await emulator.Get($"{Jobs}?metadata[spec]=x");
        Assert.Single(list!["data"]!.AsArray());
        Assert.Equal(FaultKind.LateResponse, emulator.Server.Requests.Single(r => r.Method == "POST" && r.Path == Jobs).Fault);

        // A caller that waits gets the whole answer, late.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (status, job) = await emulator.Send(HttpMethod.Post, Jobs, TestEmulator.JobBody(training, validation, new JsonObject { ["spec"] = "y" }));
        Assert.True(started.ElapsedMilliseconds >= 1100, $"answered after {started.ElapsedMilliseconds} ms");
        Assert.Equal(200, status);
        Assert.StartsWith("ftjob-", job!["id"]!.GetValue<string>());
    }

    [Fact]
    public void RulesFile_ParsesEveryFaultKind()
    {
        var rules = FaultRulesFile.Parse("""
            {
              // comments are allowed
              "rules": [
                { "method": "POST", "path": "/openai/v1/fine_tuning/jobs", "first": 2, "fault": "status", "status": 429, "retryAfterSeconds": 1 },
                { "path": "/openai/v1/files*", "nth": [3, 4], "fault": "dropConnection" },
                { "path": "*", "every": 5, "fault": "latency", "latencyMs": 200 },
                { "method": "POST", "path": "/openai/v1/fine_tuning/jobs", "nth": [1], "fault": "responseLost" },
                { "method": "POST", "path": "/openai/v1/fine_tuning/jobs", "nth": [2], "fault": "lateResponse", "latencyMs": 5000 },
              ]
            }
            """, "faults.json");

        Assert.Equal(
            [FaultKind.Status, FaultKind.DropConnection, FaultKind.Latency, FaultKind.ResponseLost, FaultKind.LateResponse],
            rules.Select(r => r.Fault));
        Assert.Equal(429, rules[0].Status);
        Assert.Equal(1, rules[0].RetryAfterSeconds);
        Assert.Equal([3, 4], rules[1].Nth!);
        Assert.Equal(200, rules[2].LatencyMs);
        Assert.Equal(5000, rules[4].LatencyMs);
    }

    [Theory]
    [InlineData("""{"rules":[{"path":"*","fault":"explode"}]}""", "faults.json(1)")]
    [InlineData("""{"rules":[{"path":"*","sometimes":true}]}""", "faults.json(1)")]
    [InlineData("""{"rules":[{"path":"*","fault":"status","status":200}]}""", "rules[0]: 'status' 200")]
    [InlineData("""{"rules":[{"path":"*","fault":"latency"}]}""", "a latency fault needs 'latencyMs'")]
    [InlineData("""{"rules":[{"path":"*","fault":"lateResponse"}]}""", "a lateResponse fault needs 'latencyMs'")]
    [InlineData("""{}""", "no 'rules' array")]
    [InlineData("""not json""", "faults.json(1)")]
    public void RulesFile_BadInput_NamesFileAndFix(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => FaultRulesFile.Parse(json, "faults.json"));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("faults.json", error.Message);
    }
}
