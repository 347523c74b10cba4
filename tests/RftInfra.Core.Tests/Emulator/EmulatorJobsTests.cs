using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorJobsTests
{
    private const string Jobs = "/openai/v1/fine_tuning/jobs";

    [Fact]
    public async Task Create_ReturnsPendingJobEchoingTheRequest()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();

        var (status, job) = await emulator.Post(Jobs, TestEmulator.JobBody(training, validation, new JsonObject { ["rft_spec"] = "abc" }));

        Assert.Equal(200, status);
        Assert.Matches("^ftjob-[0-9a-f]{32}$", job!["id"]!.GetValue<string>());
        Assert.Equal("fine_tuning.job", job["object"]!.GetValue<string>());
        Assert.Equal("pending", job["status"]!.GetValue<string>());
        Assert.Equal(training, job["training_file"]!.GetValue<string>());
        Assert.Equal("reinforcement", job["method"]!["type"]!.GetValue<string>());
        Assert.Equal("capital-match", job["method"]!["reinforcement"]!["grader"]!["name"]!.GetValue<string>());
        Assert.Equal("abc", job["metadata"]!["rft_spec"]!.GetValue<string>());
        Assert.Null(job["fine_tuned_model"]);
        Assert.Null(job["error"]);
    }

    [Fact]
    public async Task Job_ProgressesToSucceededWithMetricsEventsAndCheckpoints()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.CreatedJob();

        emulator.Time.Advance(TestEmulator.Pace);
        Assert.Equal("running", await emulator.JobStatus(id));   // queued and started at the same instant: the slot is free
        emulator.Time.Advance(TestEmulator.Pace);
        Assert.Equal("running", await emulator.JobStatus(id));
        emulator.Time.Advance(TestEmulator.Pace * 2);

        var (_, job) = await emulator.Get($"{Jobs}/{id}");
        Assert.Equal("succeeded", job!["status"]!.GetValue<string>());
        var hex = id["ftjob-".Length..];
        Assert.Equal($"o4-mini-2025-04-16.ft-{hex}-capital", job["fine_tuned_model"]!.GetValue<string>());
        Assert.True(job["trained_tokens"]!.GetValue<long>() > 0);
        Assert.NotNull(job["finished_at"]);

        var (_, events) = await emulator.Get($"{Jobs}/{id}/events?limit=100");
        var metrics = events!["data"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "metrics").ToList();
        Assert.Equal(3, metrics.Count);
        var last = metrics[0]!["data"]!;   // newest first
        Assert.Equal(3, last["step"]!.GetValue<int>());
        Assert.Equal(3, last["total_steps"]!.GetValue<int>());
        var firstReward = metrics[^1]!["data"]!["scores"]!["train_reward_mean"]!.GetValue<double>();
        var lastReward = last["scores"]!["train_reward_mean"]!.GetValue<double>();
        Assert.True(lastReward > firstReward, $"reward rises: {firstReward} -> {lastReward}");
        Assert.InRange(last["scores"]!["valid_reward_mean"]!.GetValue<double>(), 0, 1);

        var (_, checkpoints) = await emulator.Get($"{Jobs}/{id}/checkpoints");
        var steps = checkpoints!["data"]!.AsArray().Select(c => c!["step_number"]!.GetValue<int>()).ToList();
        Assert.Equal([3, 2, 1], steps);
        Assert.EndsWith(":ckpt-step-3", checkpoints["data"]![0]!["fine_tuned_model_checkpoint"]!.GetValue<string>());
        Assert.Equal(id, checkpoints["data"]![0]!["fine_tuning_job_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Job_WithFailureRequestedInMetadata_FailsWithError()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.CreatedJob(new JsonObject { ["emulator_outcome"] = "failed" });
        emulator.Time.Advance(TestEmulator.Pace * 10);

        var (_, job) = await emulator.Get($"{Jobs}/{id}");
        Assert.Equal("failed", job!["status"]!.GetValue<string>());
        Assert.Equal("training_failed", job["error"]!["code"]!.GetValue<string>());
        Assert.Null(job["fine_tuned_model"]);
    }

    [Fact]
    public async Task Job_WhoseTrainingFileWasDeleted_FailsValidationNamingTheFile()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();
        var (_, job) = await emulator.Post(Jobs, TestEmulator.JobBody(training, validation));
        await emulator.Send(HttpMethod.Delete, $"/openai/v1/files/{training}");
        emulator.Time.Advance(TestEmulator.Pace);

        var (_, after) = await emulator.Get($"{Jobs}/{job!["id"]}");
        Assert.Equal("failed", after!["status"]!.GetValue<string>());
        Assert.Equal("training_file", after["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task OnlyOneJobRunsAtATime_TheNextStartsWhenItFinishes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = await emulator.CreatedJob();
        var second = await emulator.CreatedJob();

        emulator.Time.Advance(TestEmulator.Pace);
        Assert.Equal("running", await emulator.JobStatus(first));
        Assert.Equal("queued", await emulator.JobStatus(second));
        emulator.Time.Advance(TestEmulator.Pace);
        Assert.Equal("succeeded", await emulator.JobStatus(first));
        Assert.Equal("running", await emulator.JobStatus(second));
    }

    [Fact]
    public async Task Create_OverQueuedQuota_AnswersQuotaExceeded()
    {
        // The default options: 1 running + 20 waiting jobs per resource (docs/service.md §1.9).
        await using var emulator = await TestEmulator.StartAsync();
        Assert.Equal(20, emulator.Server.Options.MaxQueuedJobs);
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();
        var first = await emulator.Post(Jobs, TestEmulator.JobBody(training, validation));
        Assert.Equal(200, first.Status);
        emulator.Time.Advance(TestEmulator.Pace);
        Assert.Equal("running", await emulator.JobStatus(first.Body!["id"]!.GetValue<string>()));   // the running one is not queued
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await emulator.Post(Jobs, TestEmulator.JobBody(training, validation))).Status);
        }

        var refused = await emulator.Post(Jobs, TestEmulator.JobBody(training, validation));
        TestEmulator.AssertError(400, "quotaExceeded", refused);
        Assert.Contains("maximum is 20", refused.Body!["error"]!["message"]!.GetValue<string>());
        var (_, list) = await emulator.Get(Jobs + "?limit=100");
        Assert.Equal(21, list!["data"]!.AsArray().Count);   // the refused create made no job
    }

    [Fact]
    public async Task Create_OverTotalJobQuota_AnswersQuotaExceededUntilAJobIsDeleted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        Assert.Equal(100, emulator.Server.Options.MaxJobs);
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();
        string? last = null;
        for (var i = 0; i < 100; i++)
        {
            var (status, job) = await emulator.Post(Jobs, TestEmulator.JobBody(training, validation));
            Assert.Equal(200, status);
            last = job!["id"]!.GetValue<string>();
            Assert.Equal(200, (await emulator.Post($"{Jobs}/{last}/cancel")).Status);   // finished jobs count too
        }

        var refused = await emulator.Post(Jobs, TestEmulator.JobBody(training, validation));
        TestEmulator.AssertError(400, "quotaExceeded", refused);
        Assert.Contains("maximum is 100", refused.Body!["error"]!["message"]!.GetValue<string>());

        var (deleted, _) = await emulator.Send(HttpMethod.Delete, $"/openai/fine_tuning/jobs/{last}?api-version=2025-04-01-preview");
        Assert.Equal(204, deleted);
        Assert.Equal(200, (await emulator.Post(Jobs, TestEmulator.JobBody(training, validation))).Status);
    }

    [Theory]
    [InlineData("training_file")]
    [InlineData("validation_file")]
    [InlineData("model")]
    public async Task Create_WithoutRequiredField_Answers400NamingIt(string field)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var body = TestEmulator.JobBody(await emulator.ProcessedFile(), await emulator.ProcessedFile());
        body.Remove(field);

        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Jobs, body), field);
    }

    [Fact]
    public async Task Create_WithFileNotProcessedYet_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var validation = await emulator.ProcessedFile();
        var (_, pending) = await emulator.Upload(TestEmulator.Jsonl);

        var result = await emulator.Post(Jobs, TestEmulator.JobBody(pending["id"]!.GetValue<string>(), validation));
        TestEmulator.AssertError(400, "invalidPayload", result, "training_file");
        Assert.Contains("import has not completed", result.Body!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WithUnknownFileOrModelOrBadGrader_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var training = await emulator.ProcessedFile();
        var validation = await emulator.ProcessedFile();

        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Jobs, TestEmulator.JobBody("file-missing", validation)), "training_file");

        var badModel = TestEmulator.JobBody(training, validation);
        badModel["model"] = "gpt-35-turbo";
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Jobs, badModel), "model");

        var badGrader = TestEmulator.JobBody(training, validation);
        badGrader["method"]!["reinforcement"]!["grader"]!["operation"] = "contains";
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Jobs, badGrader), "method.reinforcement.grader.operation");

        var labelModel = TestEmulator.JobBody(training, validation);
        labelModel["method"]!["reinforcement"]!["grader"] = new JsonObject
        {
            ["type"] = "label_model", ["name"] = "l", ["model"] = "gpt-4.1", ["input"] = new JsonArray(),
        };
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Jobs, labelModel), "method.reinforcement.grader.type");

        var badHyper = TestEmulator.JobBody(training, validation);
        badHyper["method"]!["reinforcement"]!["hyperparameters"]!["eval_samples"] = 50;
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Jobs, badHyper), "method.reinforcement.hyperparameters.eval_samples");

        // The emulator's hyperparameter rules are the validator's description; the wording is the service's.
        var tooManyEpochs = TestEmulator.JobBody(training, validation);
        tooManyEpochs["method"]!["reinforcement"]!["hyperparameters"]!["n_epochs"] = 51;
        var epochs = await emulator.Post(Jobs, tooManyEpochs);
        TestEmulator.AssertError(400, "invalidPayload", epochs, "method.reinforcement.hyperparameters.n_epochs");
        Assert.Equal("'method.reinforcement.hyperparameters.n_epochs' must be \"auto\" or an integer from 1 to 50; got 51.",
            epochs.Body!["error"]!["message"]!.GetValue<string>());

        TestEmulator.AssertError(400, "invalidPayload", await emulator.Send(HttpMethod.Post, Jobs, JsonValue.Create("not an object")));
    }

    [Fact]
    public async Task List_PagesNewestFirstAndFiltersByMetadata()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var a = await emulator.CreatedJob(new JsonObject { ["spec"] = "one" });
        var b = await emulator.CreatedJob(new JsonObject { ["spec"] = "two" });
        var c = await emulator.CreatedJob(new JsonObject { ["spec"] = "one" });

        var (_, page1) = await emulator.Get($"{Jobs}?limit=2");
        Assert.Equal([c, b], Ids(page1!));
        Assert.True(page1!["has_more"]!.GetValue<bool>());
        var (_, page2) = await emulator.Get($"{Jobs}?limit=2&after={b}");
        Assert.Equal([a], Ids(page2!));
        Assert.False(page2!["has_more"]!.GetValue<bool>());

        var (_, filtered) = await emulator.Get($"{Jobs}?metadata[spec]=one");
        Assert.Equal([c, a], Ids(filtered!));
        var (_, none) = await emulator.Get($"{Jobs}?metadata[spec]=three");
        Assert.Empty(Ids(none!));
    }

    [Fact]
    public async Task Cancel_PendingIsImmediate_RunningGoesThroughCancelling()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var running = await emulator.CreatedJob();
        var pending = await emulator.CreatedJob();
        Assert.Equal("running", await emulator.JobStatus(running));

        var (_, cancelledPending) = await emulator.Post($"{Jobs}/{pending}/cancel");
        Assert.Equal("cancelled", cancelledPending!["status"]!.GetValue<string>());

        var (_, cancelling) = await emulator.Post($"{Jobs}/{running}/cancel");
        Assert.Equal("cancelling", cancelling!["status"]!.GetValue<string>());
        emulator.Time.Advance(TestEmulator.Pace);
        Assert.Equal("cancelled", await emulator.JobStatus(running));

        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post($"{Jobs}/{running}/cancel"));
        TestEmulator.AssertError(404, "notFound", await emulator.Post($"{Jobs}/ftjob-nope/cancel"));
    }

    [Fact]
    public async Task PauseAndResume_KeepTheStepsAndFinishLater()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.CreatedJob();
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post($"{Jobs}/{id}/pause"));   // still pending
        emulator.Time.Advance(TestEmulator.Pace);
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post($"{Jobs}/{id}/pause"));   // running, no step yet

        emulator.Time.Advance(TestEmulator.Pace);
        var (_, paused) = await emulator.Post($"{Jobs}/{id}/pause");
        Assert.Equal("paused", paused!["status"]!.GetValue<string>());
        emulator.Time.Advance(TestEmulator.Pace * 10);
        Assert.Equal("paused", await emulator.JobStatus(id));

        var (_, resuming) = await emulator.Post($"{Jobs}/{id}/resume");
        Assert.Equal("resuming", resuming!["status"]!.GetValue<string>());
        emulator.Time.Advance(TestEmulator.Pace * 2);
        Assert.Equal("succeeded", await emulator.JobStatus(id));
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post($"{Jobs}/{id}/resume"));
    }

    [Fact]
    public async Task DatedSurface_CreatesWithTrainingTypeAndDeletesFinishedJobs()
    {
        const string Dated = "/openai/fine_tuning/jobs";
        const string Version = "?api-version=2025-04-01-preview";
        await using var emulator = await TestEmulator.StartAsync();
        var body = TestEmulator.JobBody(await emulator.ProcessedFile(), await emulator.ProcessedFile());
        body["trainingType"] = "globalStandard";

        using var request = new HttpRequestMessage(HttpMethod.Post, Dated + Version)
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await emulator.Http.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        var job = TestEmulator.Parse(await response.Content.ReadAsStringAsync());
        var id = job["id"]!.GetValue<string>();
        Assert.Equal($"/openai/fine_tuning/jobs/{id}{Version}", response.Headers.Location!.OriginalString);
        Assert.Equal("globalStandard", job["trainingType"]!.GetValue<string>());

        TestEmulator.AssertError(400, "invalidPayload", await emulator.Send(HttpMethod.Delete, $"{Dated}/{id}{Version}"));
        await emulator.Post($"{Dated}/{id}/cancel{Version}");
        emulator.Time.Advance(TestEmulator.Pace);
        var (deleteStatus, _) = await emulator.Send(HttpMethod.Delete, $"{Dated}/{id}{Version}");
        Assert.Equal(204, deleteStatus);
        TestEmulator.AssertError(404, "notFound", await emulator.Get($"{Jobs}/{id}"));

        var badType = TestEmulator.JobBody(await emulator.ProcessedFile(), await emulator.ProcessedFile());
        badType["trainingType"] = "premium";
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Dated + Version, badType), "trainingType");
        TestEmulator.AssertError(400, "BadRequest", await emulator.Get(Dated), "api-version");
    }

    [Fact]
    public async Task DatedSurface_CanRequireTrainingTypeWithTheServicesMisleadingError()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { RequireTrainingTypeOnDatedSurface = true });
        var body = TestEmulator.JobBody(await emulator.ProcessedFile(), await emulator.ProcessedFile());

        var result = await emulator.Post("/openai/fine_tuning/jobs?api-version=2025-04-01-preview", body);
        TestEmulator.AssertError(400, "invalidPayload", result, "model");
        Assert.Contains("does not support fine-tuning", result.Body!["error"]!["message"]!.GetValue<string>());
    }

    private static List<string> Ids(JsonObject list) =>
        list["data"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()).ToList();
}
