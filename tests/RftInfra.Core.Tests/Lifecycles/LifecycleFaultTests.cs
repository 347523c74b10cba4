using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Emulator;
using RftInfra.Lifecycles;

namespace RftInfra.Core.Tests.Lifecycles;

/// <summary>
/// Every fault the emulator can inject, at every step of a full reconcile (upload, processing poll, grader check,
/// job look-up, job create, refresh, cancel): the run converges to one file per content hash and one live job per
/// spec, or, when retries run out, fails with an error that says what to change.
/// </summary>
public class LifecycleFaultTests
{
    /// <summary>Each step of the reconcile, as the method and path the emulator sees.</summary>
    internal static readonly Dictionary<string, (string Method, string Path)> Steps = new()
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

    /// <summary>Files, grader, job (check, create), refresh, then delete the job: the run the provider makes.</summary>
    internal static async Task<(string JobId, string SpecHash)> ReconcileAsync(LifecycleHarness h)
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
