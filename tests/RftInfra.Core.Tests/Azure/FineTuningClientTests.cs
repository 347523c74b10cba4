using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Microsoft.Extensions.Time.Testing;
using RftInfra.AzureOpenAI;

namespace RftInfra.Core.Tests.Azure;

public class FineTuningClientTests
{
    private const string Key = "sk-test-0123456789abcdef-SECRET";
    private static readonly Uri Endpoint = new("https://res.openai.azure.com/");

    private const string JobJson = """{"object":"fine_tuning.job","id":"ftjob-1","status":"pending","model":"o4-mini","created_at":1,"metadata":{"rft_spec_hash":"h"}}""";
    private const string FileJson = """{"object":"file","id":"file-1","bytes":3,"filename":"a.jsonl","purpose":"fine-tune","status":"processed","created_at":1}""";

    private static (FineTuningClient Client, ScriptedHandler Handler, List<RetryObservation> Retries) Create(
        RetrySettings? retry = null, TimeProvider? time = null, long multipartLimit = 1024 * 1024)
    {
        var handler = new ScriptedHandler();
        var retries = new List<RetryObservation>();
        var options = new FineTuningClientOptions
        {
            Transport = handler,
            Retry = retry ?? new RetrySettings { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(20) },
            TimeProvider = time ?? TimeProvider.System,
            MultipartUploadLimitBytes = multipartLimit,
            UploadPartSizeBytes = 4,
            FilePollInterval = TimeSpan.FromSeconds(5),
            FileProcessingTimeout = TimeSpan.FromSeconds(30),
        };
        var client = new FineTuningClient(Endpoint, new AzureKeyCredential(Key), options) { RetryObserver = r => { lock (retries) { retries.Add(r); } } };
        return (client, handler, retries);
    }

    [Theory]
    [InlineData("validating_files", "pending")]
    [InlineData("Queued", "pending")]
    [InlineData("CREATED", "pending")]
    [InlineData("pending", "pending")]
    [InlineData("Running", "running")]
    [InlineData("resuming", "running")]
    [InlineData("pausing", "paused")]
    [InlineData("Paused", "paused")]
    [InlineData("cancelling", "cancelling")]
    [InlineData("Succeeded", "succeeded")]
    [InlineData("FAILED", "failed")]
    [InlineData("cancelled", "cancelled")]
    [InlineData("warming_up", "warming_up")]
    public void JobStatus_MapsCaseInsensitivelyAndKeepsUnknown(string service, string kit)
    {
        var status = new JobStatus(service);
        Assert.Equal(kit, status.State.Value);
        Assert.Equal(service, status.Value);
        Assert.Equal(kit is "succeeded" or "failed" or "cancelled", status.IsTerminal);
        Assert.Equal(kit != "warming_up", status.State.IsKnown);
        Assert.Equal(new JobStatus(service.ToUpperInvariant()), status);
    }

    [Fact]
    public async Task Routes_UseV1ExceptDatedOnlyCalls()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.OK, JobJson).Then(HttpStatusCode.OK, JobJson).Then(HttpStatusCode.NoContent).Then(HttpStatusCode.OK, JobJson)
            .Then(HttpStatusCode.OK, """{"data":[],"has_more":false}""");
        var request = new CreateJobRequest { Model = "o4-mini", TrainingFile = "f1", ValidationFile = "f2", Grader = new JsonObject { ["type"] = "string_check" } };
        await client.CreateJobAsync(request);
        await client.CreateJobAsync(request with { TrainingType = "globalstandard" });
        await client.DeleteJobAsync("ftjob-1");
        await client.PauseJobAsync("ftjob-1");
        await client.ListJobsAsync(metadata: new Dictionary<string, string> { ["k"] = "v" });

        Assert.Equal("/openai/v1/fine_tuning/jobs", handler.Requests[0].PathAndQuery);
        Assert.Equal("/openai/fine_tuning/jobs?api-version=2025-04-01-preview", handler.Requests[1].PathAndQuery);
        Assert.Equal("DELETE /openai/fine_tuning/jobs/ftjob-1?api-version=2025-04-01-preview", $"{handler.Requests[2].Method} {handler.Requests[2].PathAndQuery}");
        Assert.Equal("POST /openai/v1/fine_tuning/jobs/ftjob-1/pause", $"{handler.Requests[3].Method} {handler.Requests[3].PathAndQuery}");
        Assert.Equal("/openai/v1/fine_tuning/jobs?metadata%5Bk%5D=v", handler.Requests[4].PathAndQuery);
    }

    [Theory]
    [InlineData("https://res.openai.azure.com")]
    [InlineData("https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/openai")]
    public async Task Endpoint_AcceptsResourceOrSurfaceUrl(string endpoint)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, FileJson);
        var client = new FineTuningClient(new Uri(endpoint), new AzureKeyCredential(Key), new FineTuningClientOptions { Transport = handler });
        await client.GetFileAsync("file-1");
        Assert.Equal("https://res.openai.azure.com/openai/v1/files/file-1", handler.Requests[0].Uri.ToString());
    }

    [Fact]
    public async Task CreateJob_PutsRftSettingsUnderMethodAndTrainingTypeTopLevel()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.Created, JobJson);
        var job = await client.CreateJobAsync(new CreateJobRequest
        {
            Model = "o4-mini",
            TrainingFile = "file-t",
            ValidationFile = "file-v",
            Grader = new JsonObject { ["type"] = "string_check", ["name"] = "g" },
            ResponseFormat = new JsonObject { ["type"] = "json_schema" },
            Hyperparameters = new JsonObject { ["n_epochs"] = 2 },
            TrainingType = "globalstandard",
            Seed = 42,
            Suffix = "s",
            Metadata = new Dictionary<string, string> { ["team"] = "geo" },
        });

        Assert.Equal(JobState.Pending, job.Status.State);
        var body = JsonNode.Parse(handler.Requests[0].Body)!.AsObject();
        Assert.Equal("reinforcement", (string?)body["method"]!["type"]);
        Assert.Equal("g", (string?)body["method"]!["reinforcement"]!["grader"]!["name"]);
        Assert.Equal("json_schema", (string?)body["method"]!["reinforcement"]!["response_format"]!["type"]);
        Assert.Equal(2, (int?)body["method"]!["reinforcement"]!["hyperparameters"]!["n_epochs"]);
        Assert.Null(body["hyperparameters"]);
        Assert.Equal("globalStandard", (string?)body["trainingType"]); // the catalog's wire literal
        Assert.Equal(42, (long?)body["seed"]);
        Assert.Equal("geo", (string?)body["metadata"]!["team"]);
        Assert.Equal("application/json", handler.Requests[0].ContentType);
    }

    [Fact]
    public async Task Retries503And500And408ThenSucceeds()
    {
        var (client, handler, retries) = Create();
        handler.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.InternalServerError).Then(HttpStatusCode.RequestTimeout).Then(HttpStatusCode.OK, JobJson);
        var job = await client.GetJobAsync("ftjob-1");
        Assert.Equal("ftjob-1", job.Id);
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal([503, 500, 408], retries.Select(r => r.Status ?? 0));
    }

    [Fact]
    public async Task DoesNotRetry400_AndSurfacesCodeParamMessageAndResource()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.BadRequest, """{"error":{"code":"invalidPayload","message":"training_file is not processed","param":"training_file"}}""");
        var e = await Assert.ThrowsAsync<RftServiceException>(() => client.GetJobAsync("ftjob-9"));
        Assert.Single(handler.Requests);
        Assert.Equal(400, e.Status);
        Assert.Equal("invalidPayload", e.ErrorCode);
        Assert.Equal("training_file", e.Param);
        Assert.Equal("training_file is not processed", e.ServiceMessage);
        Assert.Equal("job ftjob-9", e.Resource);
        Assert.Contains("invalidPayload", e.Message);
        Assert.Contains("job ftjob-9", e.Message);
        Assert.Contains("training_file is not processed", e.Message);
    }

    [Fact]
    public async Task ErrorWithOnlyATypeStillNamesIt()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.NotFound, """{"error":{"type":"not_found_error","code":404}}""");
        var e = await Assert.ThrowsAsync<RftServiceException>(() => client.GetFileAsync("file-x"));
        Assert.Equal("404", e.ErrorCode);
        Assert.Contains("HTTP 404", e.Message);
    }

    [Fact]
    public async Task UsesLargerOfBackoffAndRetryAfter()
    {
        var (client, handler, retries) = Create(new RetrySettings { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(50) });
        handler
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("retry-after-ms", "30"))
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("x-ms-retry-after-ms", "0"))
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("Retry-After", "0"))
            .Then(HttpStatusCode.OK, JobJson);
        await client.GetJobAsync("ftjob-1");
        Assert.Equal(TimeSpan.FromMilliseconds(30), retries[0].Delay); // server asks more than the 2 ms backoff
        Assert.Equal(TimeSpan.FromMilliseconds(4), retries[1].Delay);  // backoff 2 ms * 2^1 beats the server's 0
        Assert.Equal(TimeSpan.FromMilliseconds(8), retries[2].Delay);
    }

    [Fact]
    public void RetryAfter_ReadsMillisecondsSecondsAndHttpDate()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        using var ms = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        ms.Headers.Add("retry-after-ms", "1500");
        ms.Headers.Add("Retry-After", "9");
        Assert.Equal(TimeSpan.FromMilliseconds(1500), ServiceRetry.ServerDelay(ms, now));

        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.Add("Retry-After", "7");
        Assert.Equal(TimeSpan.FromSeconds(7), ServiceRetry.ServerDelay(seconds, now));

        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.Add("Retry-After", now.AddSeconds(12).ToString("R"));
        Assert.Equal(TimeSpan.FromSeconds(12), ServiceRetry.ServerDelay(date, now));

        using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        past.Headers.Add("Retry-After", now.AddSeconds(-12).ToString("R"));
        Assert.Equal(TimeSpan.Zero, ServiceRetry.ServerDelay(past, now));
    }

    [Fact]
    public async Task HonoursRetryAfterHttpDateOnTheOptionsClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var (client, handler, retries) = Create(new RetrySettings { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(1) }, time);
        handler.Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("Retry-After", time.GetUtcNow().AddSeconds(10).ToString("R")))
            .Then(HttpStatusCode.OK, JobJson);

        var call = client.GetJobAsync("ftjob-1");
        await WaitUntil(() => retries.Count == 1);
        Assert.Equal(TimeSpan.FromSeconds(10), retries[0].Delay);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(20);
        Assert.False(call.IsCompleted);
        Assert.Single(handler.Requests);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ftjob-1", (await call.WaitAsync(TimeSpan.FromSeconds(5))).Id);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GivesUpAfterMaxRetries_SayingHowManyTriesAndWhichSetting()
    {
        var (client, handler, _) = Create(new RetrySettings { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(1) });
        handler.Fallback = _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("""{"error":{"code":"busy","message":"try later"}}""") };
        var e = await Assert.ThrowsAsync<RftServiceException>(() => client.ListFilesAsync());
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(3, e.Attempts);
        Assert.Equal(503, e.Status);
        Assert.Contains("after 3 tries", e.Message);
        Assert.Contains("Retry.MaxRetries (now 2)", e.Message);
        Assert.False(e.MayHaveBeenApplied);
    }

    [Fact]
    public async Task RetriesDroppedConnectionOnReads()
    {
        var (client, handler, _) = Create();
        handler.ThenThrow(HttpRequestError.ResponseEnded).ThenThrow(HttpRequestError.ConnectionError).Then(HttpStatusCode.OK, FileJson);
        Assert.Equal("file-1", (await client.GetFileAsync("file-1")).Id);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task CreateJob_RetriesThrottlingButNeverRepeatsAnAmbiguousFailure()
    {
        var request = new CreateJobRequest { Model = "o4-mini", TrainingFile = "a", ValidationFile = "b", Grader = [] };
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.TooManyRequests).ThenThrow(HttpRequestError.ConnectionError).Then(HttpStatusCode.OK, JobJson);
        Assert.Equal("ftjob-1", (await client.CreateJobAsync(request)).Id);
        Assert.Equal(3, handler.Requests.Count);

        foreach (var fault in new Action<ScriptedHandler>[] { h => h.Then(HttpStatusCode.InternalServerError), h => h.ThenThrow(HttpRequestError.ResponseEnded) })
        {
            var (c, h, _) = Create();
            fault(h);
            var e = await Assert.ThrowsAsync<RftServiceException>(() => c.CreateJobAsync(request));
            Assert.Single(h.Requests);
            Assert.True(e.MayHaveBeenApplied);
            Assert.Contains("may or may not have done it", e.Message);
        }
    }

    [Fact]
    public async Task PerTryTimeoutIsRetried()
    {
        var (client, handler, retries) = Create(new RetrySettings
        {
            MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(1), AttemptTimeout = TimeSpan.FromMilliseconds(100),
        });
        handler.Then(async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return new HttpResponseMessage(); }).Then(HttpStatusCode.OK, JobJson);
        Assert.Equal("ftjob-1", (await client.GetJobAsync("ftjob-1")).Id);
        Assert.Equal("TimeoutRejectedException", retries.Single().Exception);
    }

    [Fact]
    public async Task TotalTimeoutEndsTheCallWithTheSettingToChange()
    {
        var (client, handler, _) = Create(new RetrySettings
        {
            MaxRetries = 100, Delay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(5), TotalTimeout = TimeSpan.FromMilliseconds(150),
        });
        handler.Fallback = _ => new HttpResponseMessage(HttpStatusCode.BadGateway);
        var e = await Assert.ThrowsAsync<RftServiceException>(() => client.GetJobAsync("ftjob-1"));
        Assert.Contains("total time limit", e.Message);
        Assert.Contains("Retry.TotalTimeout", e.Message);
    }

    [Fact]
    public async Task CancellationStopsRetrying()
    {
        var (client, handler, _) = Create(new RetrySettings { MaxRetries = 5, Delay = TimeSpan.FromSeconds(30) });
        handler.Fallback = _ => new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetJobAsync("ftjob-1", cts.Token));
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData("{not json", "cannot read")]
    [InlineData("""{"object":"fine_tuning.job","status":"running"}""", "id")]
    [InlineData("""{"id":"ftjob-1","status":5}""", "status")]
    [InlineData("null", "empty or null")]
    public async Task BadServiceAnswersGiveClearErrors(string body, string mentions)
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.OK, body);
        var e = await Assert.ThrowsAsync<RftServiceException>(() => client.GetJobAsync("ftjob-1"));
        Assert.Equal("invalid_response", e.ErrorCode);
        Assert.Contains("GET /openai/v1/fine_tuning/jobs/ftjob-1", e.Message);
        Assert.Contains("job ftjob-1", e.Message);
        Assert.Contains(mentions, e.Message);
    }

    [Fact]
    public async Task UnexpectedStatusIsAClearError()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.Accepted, JobJson);
        var e = await Assert.ThrowsAsync<RftServiceException>(() => client.GetJobAsync("ftjob-1"));
        Assert.Equal("unexpected_status", e.ErrorCode);
        Assert.Contains("HTTP 202", e.Message);
    }

    [Fact]
    public async Task ApiKey_IsSentAsHeaderAndNeverShown()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.Unauthorized, """{"error":{"code":"401","message":"Access denied: key """ + Key + """ is invalid"}}""");
        var e = await Assert.ThrowsAsync<RftServiceException>(() => client.GetJobAsync("ftjob-1"));
        Assert.Equal(Key, handler.Requests[0].Headers["api-key"]);
        Assert.False(handler.Requests[0].Headers.ContainsKey("Authorization"));
        Assert.DoesNotContain(Key, e.ToString());
        Assert.DoesNotContain(Key, e.ServiceMessage!);
        Assert.DoesNotContain(Key, client.ToString());
        Assert.Contains("***", e.Message);
    }

    [Fact]
    public async Task TokenCredential_SendsBearerForTheCognitiveServicesScopeAndCachesIt()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, FileJson).Then(HttpStatusCode.OK, FileJson);
        var credential = new CountingCredential();
        var client = new FineTuningClient(Endpoint, credential, new FineTuningClientOptions { Transport = handler });
        await client.GetFileAsync("file-1");
        await client.GetFileAsync("file-1");
        Assert.Equal("Bearer token-1", handler.Requests[1].Headers["Authorization"]);
        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.Scopes);
        Assert.False(handler.Requests[0].Headers.ContainsKey("api-key"));
    }

    [Fact]
    public async Task Upload_SmallFileIsOneMultipartRequest()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.OK, FileJson);
        var path = TempFile("""{"messages":[]}""");
        await client.UploadFileAsync(path, "x.sha256-abc.jsonl");
        var request = handler.Requests.Single();
        Assert.Equal("POST /openai/v1/files", $"{request.Method} {request.PathAndQuery}");
        Assert.Equal("multipart/form-data", request.ContentType);
        Assert.Contains("name=purpose", request.Body);
        Assert.Contains("fine-tune", request.Body);
        Assert.Contains("filename=x.sha256-abc.jsonl", request.Body);
        Assert.Contains("""{"messages":[]}""", request.Body);
    }

    [Fact]
    public async Task Upload_LargeFileUsesUploadsApiInParts()
    {
        var (client, handler, _) = Create(multipartLimit: 5);
        handler.Then(HttpStatusCode.OK, """{"id":"upload-1","status":"pending","bytes":10}""")
            .Then(HttpStatusCode.OK, """{"id":"part-1","upload_id":"upload-1"}""")
            .Then(HttpStatusCode.OK, """{"id":"part-2","upload_id":"upload-1"}""")
            .Then(HttpStatusCode.OK, """{"id":"part-3","upload_id":"upload-1"}""")
            .Then(HttpStatusCode.OK, """{"id":"upload-1","status":"completed","file":""" + FileJson + "}");
        var file = await client.UploadFileAsync(TempFile("0123456789"), "big.jsonl");
        Assert.Equal("file-1", file.Id);
        Assert.Equal(
            ["POST /openai/uploads?api-version=2025-04-01-preview", "POST /openai/uploads/upload-1/parts?api-version=2025-04-01-preview",
             "POST /openai/uploads/upload-1/parts?api-version=2025-04-01-preview", "POST /openai/uploads/upload-1/parts?api-version=2025-04-01-preview",
             "POST /openai/uploads/upload-1/complete?api-version=2025-04-01-preview"],
            handler.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal(10, (long?)JsonNode.Parse(handler.Requests[0].Body)!["bytes"]);
        Assert.Contains("0123", handler.Requests[1].Body);
        Assert.Contains("89", handler.Requests[3].Body);
        Assert.Equal("""{"part_ids":["part-1","part-2","part-3"]}""", handler.Requests[4].Body);
    }

    [Fact]
    public async Task WaitForFileProcessed_PollsOnTheClockAndFailsClearlyOnError()
    {
        var time = new FakeTimeProvider();
        var (client, handler, _) = Create(time: time);
        handler.Then(HttpStatusCode.OK, FileJson.Replace("processed", "pending"))
            .Then(HttpStatusCode.OK, FileJson.Replace("\"processed\"", "\"error\",\"status_details\":\"line 3 is not JSON\""));
        var wait = client.WaitForFileProcessedAsync("file-1");
        await WaitUntil(() => handler.Requests.Count == 1);
        time.Advance(TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<RftServiceException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("line 3 is not JSON", e.Message);
        Assert.Contains("file-1", e.Message);
        Assert.Equal("file_error", e.ErrorCode);
    }

    [Fact]
    public async Task WaitForFileProcessed_GivesUpAtTheDeadline()
    {
        var time = new FakeTimeProvider();
        var (client, handler, _) = Create(time: time);
        handler.Fallback = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(FileJson.Replace("processed", "running")) };
        var wait = client.WaitForFileProcessedAsync("file-1");
        for (var i = 0; i < 10 && !wait.IsCompleted; i++)
        {
            await WaitUntil(() => handler.Requests.Count == i + 1 || wait.IsCompleted);
            time.Advance(TimeSpan.FromSeconds(5));
        }

        var e = await Assert.ThrowsAsync<RftServiceException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("FileProcessingTimeout", e.Message);
        Assert.Equal(7, handler.Requests.Count); // t = 0, 5, ..., 30
    }

    [Fact]
    public async Task GetJobs_FiltersLocallyAcrossPagesWhenTheServiceIgnoresTheFilter()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.OK, """{"data":[{"id":"a","status":"running","metadata":{"h":"1"}},{"id":"b","status":"running","metadata":{"h":"2"}}],"has_more":true,"last_id":"b"}""")
            .Then(HttpStatusCode.OK, """{"data":[{"id":"c","status":"queued","metadata":{"h":"2"}},{"id":"d","status":"running"}],"has_more":false}""");
        var jobs = new List<string>();
        await foreach (var job in client.GetJobsAsync(new Dictionary<string, string> { ["h"] = "2" }))
        {
            jobs.Add(job.Id);
        }

        Assert.Equal(["b", "c"], jobs);
        Assert.Contains("after=b", handler.Requests[1].PathAndQuery);
    }

    [Fact]
    public async Task EventsCheckpointsAndGradersUseTheirRoutes()
    {
        var (client, handler, _) = Create();
        handler.Then(HttpStatusCode.OK, """{"data":[{"id":"ev","type":"metrics","data":{"step":1}}],"has_more":false}""")
            .Then(HttpStatusCode.OK, """{"data":[{"id":"ck","step_number":3,"fine_tuned_model_checkpoint":"m:ckpt-step-3"}],"has_more":false}""")
            .Then(HttpStatusCode.OK, """{"grader":{"type":"string_check","name":"g"}}""")
            .Then(HttpStatusCode.OK, """{"reward":1.0,"metadata":{"errors":{}},"sub_rewards":{}}""");
        var events = await client.ListJobEventsAsync("j", limit: 5);
        var checkpoints = await client.ListJobCheckpointsAsync("j");
        var grader = new JsonObject { ["type"] = "string_check", ["name"] = "g" };
        await client.ValidateGraderAsync(grader);
        var run = await client.RunGraderAsync(grader, "Paris", new JsonObject { ["reference_answer"] = "Paris" });

        Assert.Equal("metrics", events.Data[0].Type);
        Assert.Equal(3, checkpoints.Data[0].StepNumber);
        Assert.Equal(1.0, run.Reward);
        Assert.Equal(
            ["GET /openai/v1/fine_tuning/jobs/j/events?limit=5", "GET /openai/v1/fine_tuning/jobs/j/checkpoints",
             "POST /openai/v1/fine_tuning/alpha/graders/validate", "POST /openai/v1/fine_tuning/alpha/graders/run"],
            handler.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal("Paris", (string?)JsonNode.Parse(handler.Requests[3].Body)!["model_sample"]);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "condition not reached within 5 s");
            await Task.Delay(2);
        }
    }

    private static string TempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rft-client-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, content);
        return path;
    }

    private sealed class CountingCredential : TokenCredential
    {
        public int Calls { get; private set; }

        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Calls++;
            Scopes.AddRange(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken($"token-{Calls}", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }
}
