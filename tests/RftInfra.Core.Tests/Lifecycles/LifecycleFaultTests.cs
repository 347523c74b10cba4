using System.Text.Json.Nodes;
using RftInfra.Core.Azure;
using RftInfra.Core.Emulator;
using RftInfra.Core.Lifecycles;

namespace RftInfra.Core.Tests.Lifecycles;

/// <summary>
/// Every fault the emulator can inject, at every step of a full reconcile (upload, processing poll, grader check,
/// job look-up, job create, refresh, cancel): the run converges to one file per content hash and one live job per
/// spec, or, when retries run out, fails with an error that says what to change.
/// </summary>
public class LifecycleFaultTests
{
    /// <summary>Each step of the reconcile, as the method and path the emulator sees.</summary>
    private static readonly Dictionary<string, (string Method, string Path)> Steps = new()
    {
        ["upload"] = ("POST", "/openai/v1/files"),
        ["list-files"] = ("GET", "/openai/v1/files"),
        ["poll-file"] = ("GET", "/openai/v1/files/*"),
        ["validate-grader"] = ("POST", "/openai/v1/fine_tuning/alpha/graders/validate"),
        ["find-job"] = ("GET", "/openai/v1/fine_tuning/jobs"),
        ["create-job"] = ("POST", "/openai/fine_tuning/jobs"),
        ["read-job"] = ("GET", "/openai/v1/fine_tuning/jobs/*"),
        ["cancel-job"] = ("POST", "/openai/v1/fine_tuning/jobs/*/cancel"),
    };

    private static readonly Dictionary<string, Func<FaultRule, FaultRule>> Faults = new()
    {
        ["429-retry-after"] = r => r with { Fault = FaultKind.Status, Status = 429, RetryAfterSeconds = 0 },
        ["429-retry-after-ms"] = r => r with { Fault = FaultKind.Status, Status = 429, RetryAfterMs = 5 },
        ["500"] = r => r with { Fault = FaultKind.Status, Status = 500 },
        ["503"] = r => r with { Fault = FaultKind.Status, Status = 503 },
        ["latency"] = r => r with { Fault = FaultKind.Latency, LatencyMs = 30 },
        ["latency-over-timeout"] = r => r with { Fault = FaultKind.Latency, LatencyMs = 800 },
        ["drop"] = r => r with { Fault = FaultKind.DropConnection },
        ["response-lost"] = r => r with { Fault = FaultKind.ResponseLost },
    };

    public static readonly TheoryData<string, string> Matrix = BuildMatrix();

    private static TheoryData<string, string> BuildMatrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var step in Steps.Keys)
        {
            foreach (var fault in Faults.Keys)
            {
                data.Add(step, fault);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task FullReconcile_ConvergesWhateverFails(string step, string fault)
    {
        var (method, path) = Steps[step];
        // Two hits (one for the slow timeout case): the first call of the step and the retry right after it both fail.
        var rule = Faults[fault](new FaultRule { Method = method, Path = path, First = fault == "latency-over-timeout" ? 1 : 2 });
        await using var h = await LifecycleHarness.StartAsync([rule], fault == "latency-over-timeout" ? LifecycleHarness.FastRetry with
        {
            AttemptTimeout = TimeSpan.FromMilliseconds(300), UploadAttemptTimeout = TimeSpan.FromMilliseconds(300),
        } : null);

        var (jobId, specHash) = await ReconcileAsync(h);

        h.Emulator.Faults.SetRules([]);
        var files = await h.LiveFilesAsync();
        Assert.Equal(2, files.Count); // train and valid, each once: no orphan, no duplicate
        Assert.Equal(2, files.Select(f => TrainingFileLifecycle.HashFromRemoteName(f.Filename)).Distinct().Count());
        var jobs = await h.JobsAsync();
        var same = jobs.Where(j => j.Metadata?.GetValueOrDefault(FineTuningJobLifecycle.SpecHashKey) == specHash).ToList();
        Assert.Single(same);
        Assert.Equal(jobId, same[0].Id);
        Assert.True(same[0].Status.State == JobState.Cancelling || same[0].Status.State == JobState.Cancelled, same[0].Status.Value);
        Assert.Contains(h.Emulator.Requests, r => r.Fault is not null);
    }

    public static TheoryData<string> StepNames => [.. Steps.Keys];

    [Theory]
    [MemberData(nameof(StepNames))]
    public async Task FullReconcile_StepThatNeverRecovers_FailsClearlyAndLeavesNoDuplicate(string step)
    {
        var (method, path) = Steps[step];
        await using var h = await LifecycleHarness.StartAsync([new FaultRule { Method = method, Path = path, Status = 503, RetryAfterMs = 1 }]);

        var e = await Assert.ThrowsAsync<RftServiceException>(() => ReconcileAsync(h));

        Assert.Equal(503, e.Status);
        Assert.Contains("5 tries", e.Message);
        Assert.True(e.Message.Contains("Retry.MaxRetries (now 4)", StringComparison.Ordinal) || e.Message.Contains("Run again", StringComparison.Ordinal), e.Message);
        h.Emulator.Faults.SetRules([]);
        var files = await h.LiveFilesAsync();
        Assert.Equal(files.Count, files.Select(f => TrainingFileLifecycle.HashFromRemoteName(f.Filename)).Distinct().Count());
        Assert.True((await h.JobsAsync()).Count <= 1);
    }

    [Fact]
    public async Task ResponseLostOnEveryCreate_StillMakesExactlyOneJob()
    {
        var rule = new FaultRule { Method = "POST", Path = "/openai/fine_tuning/jobs", Fault = FaultKind.ResponseLost };
        await using var h = await LifecycleHarness.StartAsync();
        var (train, valid) = (await h.CreateFileAsync(h.TrainPath), await h.CreateFileAsync(h.ValidPath));
        h.Emulator.Faults.SetRules([rule]);
        var created = await h.Jobs.CreateAsync(LifecycleHarness.JobInputs(train, valid), preview: false);
        h.Emulator.Faults.SetRules([]);
        Assert.Equal([created.Id], (await h.JobsAsync()).Select(j => j.Id));
    }

    [Fact]
    public async Task CreateFailingEveryTime_GivesUpWithAClearErrorAndMakesNoJob()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var (train, valid) = (await h.CreateFileAsync(h.TrainPath), await h.CreateFileAsync(h.ValidPath));
        h.Emulator.Faults.SetRules([new FaultRule { Method = "POST", Path = "/openai/fine_tuning/jobs", Status = 500 }]);
        var e = await Assert.ThrowsAsync<RftServiceException>(() => h.Jobs.CreateAsync(LifecycleHarness.JobInputs(train, valid), preview: false));
        Assert.Contains("could not be confirmed after 5 tries", e.Message);
        Assert.Contains("Run again", e.Message);
        Assert.Contains(FineTuningJobLifecycle.SpecHashKey, e.Message);
        h.Emulator.Faults.SetRules([]);
        Assert.Empty(await h.JobsAsync());
    }

    [Fact]
    public async Task ThrottledBeyondTheRetryBudget_SaysHowManyTriesAndWhichSetting()
    {
        await using var h = await LifecycleHarness.StartAsync([new FaultRule { Method = "GET", Path = "/openai/v1/files", Status = 429, RetryAfterMs = 1 }]);
        var check = await h.Files.CheckAsync([], new JsonObject { ["source"] = h.TrainPath });
        var e = await Assert.ThrowsAsync<RftServiceException>(() => h.Files.CreateAsync(check.Inputs, preview: false));
        Assert.Equal(429, e.Status);
        Assert.Contains("after 5 tries", e.Message);
        Assert.Contains("Retry.MaxRetries (now 4)", e.Message);
        h.Emulator.Faults.SetRules([]);
        Assert.Empty(await h.LiveFilesAsync());
    }

    /// <summary>Files, grader, job (check, create), refresh, then delete the job: the run the provider makes.</summary>
    private static async Task<(string JobId, string SpecHash)> ReconcileAsync(LifecycleHarness h)
    {
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var graderInputs = new JsonObject { ["grader"] = LifecycleHarness.Grader() };
        await h.Graders.CreateAsync((await h.Graders.CheckAsync([], graderInputs)).Inputs, preview: false);
        var jobInputs = (await h.Jobs.CheckAsync([], LifecycleHarness.JobInputs(train, valid))).Inputs;
        var job = await h.Jobs.CreateAsync(jobInputs, preview: false);
        var read = await h.Jobs.ReadAsync(job.Id, jobInputs, job.Outputs);
        Assert.Equal(job.Id, read.Id);
        await h.Jobs.DeleteAsync(job.Id, read.Outputs);
        return (job.Id, FineTuningJobLifecycle.SpecHash(jobInputs));
    }
}
