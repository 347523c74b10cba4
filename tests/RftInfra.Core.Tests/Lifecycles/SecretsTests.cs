using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Emulator;
using RftInfra.Lifecycles;

namespace RftInfra.Core.Tests.Lifecycles;

public class SecretsTests
{
    [Fact]
    public async Task FullLifecycleWithAnApiKey_KeyAppearsInNoOutputLogLineOrError()
    {
        // A retried call and a refused call too, so log lines and error texts exist to be searched.
        await using var h = await LifecycleHarness.StartAsync([new FaultRule { Method = "GET", Path = "/openai/v1/fine_tuning/jobs/*", First = 1, Status = 503 }]);
        var texts = new List<string> { h.Client.ToString() };

        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var grader = await h.Graders.CreateAsync(new JsonObject { ["grader"] = LifecycleHarness.Grader() }, preview: false);
        var inputs = LifecycleHarness.JobInputs(train, valid);
        var job = await h.Jobs.CreateAsync(inputs, preview: false);
        h.Tick(3);
        var read = await h.Jobs.ReadAsync(job.Id, inputs, job.Outputs);
        var diff = h.Jobs.Diff(job.Id, inputs, read.Outputs, inputs);
        await h.Jobs.DeleteAsync(job.Id, read.Outputs);
        await h.Files.DeleteAsync(train.Id, train.Outputs);
        await h.Files.DeleteAsync(valid.Id, valid.Outputs);
        foreach (var result in new[] { train, valid, grader, job })
        {
            texts.Add(result.Id);
            texts.Add(result.Outputs.ToJsonString());
        }

        texts.Add(read.Inputs.ToJsonString());
        texts.Add(read.Outputs.ToJsonString());
        texts.Add(string.Join(",", diff.DetailedDiff));

        var refused = await Assert.ThrowsAsync<RftServiceException>(
            () => h.Graders.CreateAsync(new JsonObject { ["grader"] = LifecycleHarness.Grader("contains") }, preview: false));
        texts.Add(refused.ToString());
        h.Emulator.Faults.SetRules([new FaultRule { Path = "*", Status = 503, RetryAfterMs = 1 }]);
        var exhausted = await Assert.ThrowsAsync<RftServiceException>(() => h.Jobs.ReadAsync(job.Id, inputs, read.Outputs));
        texts.Add(exhausted.ToString());
        texts.AddRange(h.Logger.Lines);

        Assert.Contains(h.Logger.Lines, l => l.Contains("503"));
        Assert.Contains(h.Logger.Lines, l => l.Contains("POST /openai/v1/files"));
        Assert.All(texts, t => Assert.DoesNotContain(LifecycleHarness.Key, t));
        Assert.All(texts, t => Assert.DoesNotContain(LifecycleHarness.Key[..12], t));
    }
}
