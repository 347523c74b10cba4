using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Emulator;
using RftInfra.Lifecycles;

namespace RftInfra.Core.Tests.Lifecycles;

/// <summary>When retries run out: a clear error naming the tries and the setting (or "run again"), and no duplicate left behind.</summary>
public class LifecycleExhaustedRetryTests
{
    public static TheoryData<string> StepNames => [.. LifecycleFaultTests.Steps.Keys];

    [Theory]
    [MemberData(nameof(StepNames))]
    public async Task FullReconcile_StepThatNeverRecovers_FailsClearlyAndLeavesNoDuplicate(string step)
    {
        var (method, path) = LifecycleFaultTests.Steps[step];
        await using var h = await LifecycleHarness.StartAsync([new FaultRule { Method = method, Path = path, Status = 503, RetryAfterMs = 1 }]);

        var e = await Assert.ThrowsAsync<RftServiceException>(() => LifecycleFaultTests.ReconcileAsync(h));

        Assert.Equal(503, e.Status);
        Assert.Contains("5 tries", e.Message);
        Assert.True(e.Message.Contains("Retry.MaxRetries (now 4)", StringComparison.Ordinal) || e.Message.Contains("Run again", StringComparison.Ordinal), e.Message);
        h.Emulator.Faults.SetRules([]);
        var files = await h.LiveFilesAsync();
        Assert.Equal(files.Count, files.Select(f => TrainingFileLifecycle.HashFromRemoteName(f.Filename)).Distinct().Count());
        Assert.True((await h.JobsAsync()).Count <= 1);
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
}
