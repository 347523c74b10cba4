using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Emulator;
using RftInfra.Lifecycles;

namespace RftInfra.Core.Tests.Lifecycles;

/// <summary>The three lifecycles against the emulator over real HTTP on loopback: create → read → no-op diff → change → replace → delete.</summary>
public class LifecycleEndToEndTests
{
    [Fact]
    public async Task TrainingFile_UploadsOncePerContentHash_ReplacesOnChange_DeletesTheFile()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var created = await h.CreateFileAsync(h.TrainPath);
        Assert.StartsWith("file", created.Id);
        Assert.Equal("processed", (string?)created.Outputs["status"]);
        var hash = (string)created.Outputs["contentHash"]!;
        Assert.Equal($"capital-train.sha256-{hash}.jsonl", (string?)created.Outputs["filename"]);

        var read = await h.Files.ReadAsync(created.Id, new JsonObject { ["source"] = h.TrainPath, ["contentHash"] = hash }, created.Outputs);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(hash, (string?)read.Outputs["contentHash"]);

        var inputs = (await h.Files.CheckAsync([], new JsonObject { ["source"] = h.TrainPath })).Inputs;
        var before = h.Emulator.Requests.Count;
        Assert.Equal(DiffResult.NoChange, h.Files.Diff(created.Id, inputs, read.Outputs, inputs));
        Assert.Equal(0, h.WriteCalls(before));

        // Lost state (or another stack): the same content is found, never uploaded again.
        before = h.Emulator.Requests.Count;
        var again = await h.CreateFileAsync(h.TrainPath);
        Assert.Equal(created.Id, again.Id);
        Assert.Equal(0, h.WriteCalls(before));

        File.AppendAllText(h.TrainPath, """{"messages":[{"role":"user","content":"Capital of Chile?"}],"reference_answer":"Santiago"}""" + "\n");
        var changed = (await h.Files.CheckAsync(inputs, new JsonObject { ["source"] = h.TrainPath })).Inputs;
        var diff = h.Files.Diff(created.Id, inputs, read.Outputs, changed);
        Assert.Equal(DiffChange.Replace, diff.Change);
        Assert.Equal(["contentHash"], diff.ReplaceKeys);
        Assert.Equal(PropertyChangeKind.UpdateReplace, diff.DetailedDiff["contentHash"]);

        var replacement = await h.CreateFileAsync(h.TrainPath);
        Assert.NotEqual(created.Id, replacement.Id);
        await h.Files.DeleteAsync(created.Id, created.Outputs);
        Assert.Null((await h.Files.ReadAsync(created.Id, inputs, created.Outputs)).Id);
        await h.Files.DeleteAsync(created.Id, created.Outputs); // already gone: not an error
        Assert.Equal([replacement.Id], (await h.LiveFilesAsync()).Select(f => f.Id));
    }

    [Fact]
    public async Task TrainingFile_ContentTheServiceRefusesIsReportedAndNotLeftBehind()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var broken = h.Write("broken.jsonl", "{\"messages\": [\n");
        var e = await Assert.ThrowsAsync<RftServiceException>(() => h.CreateFileAsync(broken));
        Assert.Contains(broken, e.Message);
        Assert.Contains("deleted again", e.Message);
        Assert.Contains("'error'", e.Message);
        Assert.Empty(await h.LiveFilesAsync());
    }

    [Fact]
    public async Task TrainingFile_AboveTheMultipartLimitGoesThroughTheUploadsApiInParts()
    {
        await using var h = await LifecycleHarness.StartAsync(multipartLimit: 100);
        var created = await h.CreateFileAsync(h.TrainPath);
        Assert.Equal("processed", (string?)created.Outputs["status"]);
        Assert.Equal(new FileInfo(h.TrainPath).Length, (long?)created.Outputs["bytes"]);
        var calls = h.Emulator.Requests.Where(r => r.Method == "POST").Select(r => r.Path).ToList();
        Assert.Equal("/openai/uploads", calls[0]);
        Assert.True(calls.Count(c => c.EndsWith("/parts", StringComparison.Ordinal)) >= 2);
        Assert.EndsWith("/complete", calls[^1]);
        Assert.DoesNotContain("/openai/v1/files", calls);
        var before = h.Emulator.Requests.Count;
        Assert.Equal(created.Id, (await h.CreateFileAsync(h.TrainPath)).Id);
        Assert.Equal(0, h.WriteCalls(before));
    }

    [Fact]
    public async Task TrainingFile_SamePathElsewhereIsAnUpdateWithoutUpload()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var created = await h.CreateFileAsync(h.TrainPath);
        var copy = h.Write("copy.jsonl", File.ReadAllText(h.TrainPath));
        var oldInputs = new JsonObject { ["source"] = h.TrainPath, ["contentHash"] = created.Outputs["contentHash"]!.DeepClone() };
        var newInputs = (await h.Files.CheckAsync(oldInputs, new JsonObject { ["source"] = copy })).Inputs;
        var diff = h.Files.Diff(created.Id, oldInputs, created.Outputs, newInputs);
        Assert.Equal(DiffChange.Update, diff.Change);
        var before = h.Emulator.Requests.Count;
        var updated = await h.Files.UpdateAsync(created.Id, created.Outputs, newInputs, preview: false);
        Assert.Equal(copy, (string?)updated.Outputs["source"]);
        Assert.Equal(before, h.Emulator.Requests.Count);
    }

    [Fact]
    public async Task TrainingFile_CheckReportsAMissingFileWithoutCallingTheService()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var check = await h.Files.CheckAsync([], new JsonObject { ["source"] = "data/nope.jsonl" });
        var d = Assert.Single(check.Diagnostics);
        Assert.Equal("RFT903", d.Code);
        Assert.Equal("data/nope.jsonl", d.File);
        Assert.Empty(h.Emulator.Requests);
    }

    [Fact]
    public async Task Grader_ValidatesWithTheService_UpdatesInPlace_DeletesNothing()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var inputs = new JsonObject { ["grader"] = LifecycleHarness.Grader() };
        var check = await h.Graders.CheckAsync([], inputs);
        Assert.True(check.IsValid);
        var created = await h.Graders.CreateAsync(check.Inputs, preview: false);
        Assert.True((bool)created.Outputs["serviceValidated"]!);
        Assert.Equal(LifecycleHarness.Grader().ToJsonString().Length, ((string)created.Outputs["canonicalJson"]!).Length);
        Assert.Equal(["POST /openai/v1/fine_tuning/alpha/graders/validate"], h.Emulator.Requests.Select(r => $"{r.Method} {r.Path}"));

        var read = await h.Graders.ReadAsync(created.Id, inputs, created.Outputs);
        Assert.Equal(created.Id, read.Id);
        var reordered = new JsonObject { ["grader"] = JsonNode.Parse("""{"operation":"eq","reference":"{{item.reference_answer}}","name":"capital-match","input":"{{sample.output_text}}","type":"string_check"}""") };
        Assert.Equal(DiffResult.NoChange, h.Graders.Diff(created.Id, inputs, created.Outputs, reordered));

        var changed = new JsonObject { ["grader"] = LifecycleHarness.Grader("ilike") };
        var diff = h.Graders.Diff(created.Id, inputs, created.Outputs, changed);
        Assert.Equal(DiffChange.Update, diff.Change);
        Assert.Empty(diff.ReplaceKeys);
        var updated = await h.Graders.UpdateAsync(created.Id, created.Outputs, changed, preview: false);
        Assert.NotEqual(created.Outputs["hash"]!.ToString(), updated.Outputs["hash"]!.ToString());

        var before = h.Emulator.Requests.Count;
        await h.Graders.DeleteAsync(created.Id, updated.Outputs);
        Assert.Equal(before, h.Emulator.Requests.Count);
    }

    [Fact]
    public async Task Grader_RefusedByTheServiceFailsWithItsMessage()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var bad = LifecycleHarness.Grader("contains");
        var e = await Assert.ThrowsAsync<RftServiceException>(() => h.Graders.CreateAsync(new JsonObject { ["grader"] = bad }, preview: false));
        Assert.Equal(400, e.Status);
        Assert.Contains("grader 'capital-match'", e.Message);
        Assert.Contains("operation", e.Message);
    }

    [Fact]
    public async Task Job_CreateReadNoOpChangeReplaceDelete()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var inputs = (await h.Jobs.CheckAsync([], LifecycleHarness.JobInputs(train, valid))).Inputs;

        var before = h.Emulator.Requests.Count;
        var created = await h.Jobs.CreateAsync(inputs, preview: false);
        // Exactly the calls it must: look for the spec hash, then create (dated surface because of trainingType).
        Assert.Equal(
            ["GET /openai/v1/fine_tuning/jobs", "POST /openai/fine_tuning/jobs"],
            h.Emulator.Requests.Skip(before).Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal("pending", (string?)created.Outputs["status"]);
        var job = await h.Client.GetJobAsync(created.Id);
        Assert.Equal(FineTuningJobLifecycle.SpecHash(inputs), job.Metadata![FineTuningJobLifecycle.SpecHashKey]);
        Assert.Equal("geo", job.Metadata["team"]);
        Assert.Equal("globalStandard", job.TrainingType?.ToString()); // the catalog's wire literal

        h.Tick(4); // validating → queued → running, two training steps
        var read = await h.Jobs.ReadAsync(created.Id, inputs, created.Outputs);
        Assert.Equal("running", (string?)read.Outputs["status"]);
        Assert.NotNull((double?)read.Outputs["trainRewardMean"]);
        Assert.NotNull((double?)read.Outputs["validRewardMean"]);
        Assert.True((long?)read.Outputs["metricsStep"] >= 1);

        before = h.Emulator.Requests.Count;
        Assert.Equal(DiffResult.NoChange, h.Jobs.Diff(created.Id, inputs, read.Outputs, inputs));
        var again = await h.Jobs.CreateAsync(inputs, preview: false); // an interrupted create run again: adopts
        Assert.Equal(created.Id, again.Id);
        Assert.Equal(0, h.WriteCalls(before));

        var relabelled = (JsonObject)inputs.DeepClone();
        relabelled["metadata"] = new JsonObject { ["team"] = "maps" };
        var relabel = h.Jobs.Diff(created.Id, inputs, read.Outputs, relabelled);
        Assert.Equal(DiffChange.Update, relabel.Change);
        Assert.Equal(PropertyChangeKind.Update, relabel.DetailedDiff["metadata"]);

        var changed = (JsonObject)inputs.DeepClone();
        changed["hyperparameters"]!["n_epochs"] = 3;
        changed["grader"] = LifecycleHarness.Grader("ilike");
        var diff = h.Jobs.Diff(created.Id, inputs, read.Outputs, changed);
        Assert.Equal(DiffChange.Replace, diff.Change);
        Assert.Equal(["grader", "hyperparameters"], diff.ReplaceKeys);
        Assert.Equal(PropertyChangeKind.UpdateReplace, diff.DetailedDiff["hyperparameters"]);

        var replacement = await h.Jobs.CreateAsync(changed, preview: false);
        Assert.NotEqual(created.Id, replacement.Id);
        before = h.Emulator.Requests.Count;
        await h.Jobs.DeleteAsync(created.Id, read.Outputs);
        Assert.Equal(
            ["GET /openai/v1/fine_tuning/jobs/" + created.Id, "POST /openai/v1/fine_tuning/jobs/" + created.Id + "/cancel"],
            h.Emulator.Requests.Skip(before).Select(r => $"{r.Method} {r.Path}"));
        h.Tick();
        Assert.Equal(JobState.Cancelled, (await h.Client.GetJobAsync(created.Id)).Status.State);

        // The replaced spec is history: the old spec's cancelled job is not adopted, a new spec's job runs on.
        var jobs = await h.JobsAsync();
        Assert.Equal(2, jobs.Count);
        Assert.Single(jobs, j => !j.Status.IsTerminal);
    }

    [Fact]
    public async Task Job_SucceededJobKeepsItsModelOnDelete_AndImportRebuildsInputs()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var inputs = LifecycleHarness.JobInputs(train, valid);
        var created = await h.Jobs.CreateAsync(inputs, preview: false);
        h.Tick(20);

        var imported = await h.Jobs.ReadAsync(created.Id, null, null);
        Assert.Equal(created.Id, imported.Id);
        Assert.Equal("succeeded", (string?)imported.Outputs["status"]);
        Assert.False(string.IsNullOrEmpty((string?)imported.Outputs["fineTunedModel"]));
        Assert.True((long?)imported.Outputs["trainedTokens"] > 0);
        Assert.Equal(FineTuningJobLifecycle.SpecHash(inputs), (string?)imported.Outputs["specHash"]);
        Assert.Equal("o4-mini-2025-04-16", (string?)imported.Inputs["model"]);
        Assert.Equal(train.Id, (string?)imported.Inputs["trainingFileId"]);
        Assert.Equal("capital-match", (string?)imported.Inputs["grader"]!["name"]);
        Assert.Equal(42, (long?)imported.Inputs["seed"]);
        Assert.Equal("geo", (string?)imported.Inputs["metadata"]!["team"]);
        Assert.Null(imported.Inputs["metadata"]![FineTuningJobLifecycle.SpecHashKey]);

        var before = h.Emulator.Requests.Count;
        await h.Jobs.DeleteAsync(created.Id, imported.Outputs);
        Assert.Equal(0, h.WriteCalls(before)); // finished: nothing to cancel, and the model stays
        Assert.Equal(JobState.Succeeded, (await h.Client.GetJobAsync(created.Id)).Status.State);
    }

    [Fact]
    public async Task Job_DeleteCancelsAJobStillValidatingFiles()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var created = await h.Jobs.CreateAsync(LifecycleHarness.JobInputs(train, valid), preview: false);
        Assert.Equal(JobState.Pending, (await h.Client.GetJobAsync(created.Id)).Status.State);
        await h.Jobs.DeleteAsync(created.Id, created.Outputs);
        var state = (await h.Client.GetJobAsync(created.Id)).Status.State;
        Assert.True(state == JobState.Cancelling || state == JobState.Cancelled, state.Value);
        h.Tick();
        Assert.Equal(JobState.Cancelled, (await h.Client.GetJobAsync(created.Id)).Status.State);
        await h.Jobs.DeleteAsync(created.Id, created.Outputs); // terminal now: nothing to do
    }

    [Fact]
    public async Task Job_PausedAndResumedByTheClient_ReadsAsPausedThenRunning()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var inputs = LifecycleHarness.JobInputs(train, valid);
        var created = await h.Jobs.CreateAsync(inputs, preview: false);
        h.Tick(3);
        Assert.Equal(JobState.Running, (await h.Client.GetJobAsync(created.Id)).Status.State);

        Assert.Equal(JobState.Paused, (await h.Client.PauseJobAsync(created.Id)).Status.State);
        h.Tick();
        var paused = await h.Jobs.ReadAsync(created.Id, inputs, created.Outputs);
        Assert.Equal("paused", (string?)paused.Outputs["status"]);
        Assert.Equal(DiffResult.NoChange, h.Jobs.Diff(created.Id, inputs, paused.Outputs, inputs));

        await h.Client.ResumeJobAsync(created.Id);
        h.Tick();
        Assert.Equal("running", (string?)(await h.Jobs.ReadAsync(created.Id, inputs, paused.Outputs)).Outputs["status"]);
        var checkpoints = await h.Client.ListJobCheckpointsAsync(created.Id);
        Assert.NotEmpty(checkpoints.Data);
    }

    [Fact]
    public async Task Job_ReadOfADeletedJobSaysItIsGone()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var created = await h.Jobs.CreateAsync(LifecycleHarness.JobInputs(train, valid), preview: false);
        h.Tick(20);
        Assert.True(await h.Client.DeleteJobAsync(created.Id));
        Assert.Null((await h.Jobs.ReadAsync(created.Id, null, created.Outputs)).Id);
        await h.Jobs.DeleteAsync(created.Id, created.Outputs);
    }

    [Fact]
    public async Task Preview_AndCheck_NeverCallTheService()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var file = await h.Files.CreateAsync(new JsonObject { ["source"] = h.TrainPath }, preview: true);
        var grader = await h.Graders.CreateAsync(new JsonObject { ["grader"] = LifecycleHarness.Grader() }, preview: true);
        var fake = new CreateResult("file-x", new JsonObject { ["contentHash"] = new string('a', 64) });
        var jobInputs = LifecycleHarness.JobInputs(fake, fake);
        var job = await h.Jobs.CreateAsync(jobInputs, preview: true);
        var check = await h.Jobs.CheckAsync([], new JsonObject { ["model"] = "o4-mini", ["seed"] = -1, ["metadata"] = new JsonObject { [FineTuningJobLifecycle.SpecHashKey] = "x" } });
        await h.Graders.UpdateAsync(grader.Id, grader.Outputs, new JsonObject { ["grader"] = LifecycleHarness.Grader("ne") }, preview: true);

        Assert.Empty(h.Emulator.Requests);
        Assert.Equal(64, ((string)file.Outputs["contentHash"]!).Length);
        // Not known until the service has looked at the grader: null here, which the provider reports unknown.
        Assert.True(grader.Outputs.ContainsKey("serviceValidated"));
        Assert.Null(grader.Outputs["serviceValidated"]);
        Assert.Equal(FineTuningJobLifecycle.SpecHash(jobInputs), (string?)job.Outputs["specHash"]);
        Assert.False(check.IsValid);
        Assert.Contains(check.Diagnostics, d => d.Code == "RFT901" && d.Message.Contains("trainingFileId") && d.Input == "trainingFileId");
        Assert.Contains(check.Diagnostics, d => d.Code == "RFT901" && d.Message.Contains("grader"));
        Assert.Contains(check.Diagnostics, d => d.Code == "RFT902" && d.Message.Contains("seed"));
        Assert.Contains(check.Diagnostics, d => d.Code == "RFT902" && d.Message.Contains("reserved"));
    }

    [Fact]
    public async Task NoOpReconcile_MakesNoWriteCall()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var graderInputs = new JsonObject { ["grader"] = LifecycleHarness.Grader() };
        var grader = await h.Graders.CreateAsync(graderInputs, preview: false);
        var jobInputs = LifecycleHarness.JobInputs(train, valid);
        var job = await h.Jobs.CreateAsync(jobInputs, preview: false);

        var before = h.Emulator.Requests.Count;
        var trainInputs = new JsonObject { ["source"] = h.TrainPath, ["contentHash"] = train.Outputs["contentHash"]!.DeepClone() };
        Assert.Equal(DiffChange.None, h.Files.Diff(train.Id, trainInputs, train.Outputs, (await h.Files.CheckAsync(trainInputs, new JsonObject { ["source"] = h.TrainPath })).Inputs).Change);
        Assert.Equal(DiffChange.None, h.Graders.Diff(grader.Id, graderInputs, grader.Outputs, (await h.Graders.CheckAsync(graderInputs, graderInputs)).Inputs).Change);
        Assert.Equal(DiffChange.None, h.Jobs.Diff(job.Id, jobInputs, job.Outputs, (await h.Jobs.CheckAsync(jobInputs, jobInputs)).Inputs).Change);
        await h.Files.ReadAsync(train.Id, trainInputs, train.Outputs);
        await h.Graders.ReadAsync(grader.Id, graderInputs, grader.Outputs);
        await h.Jobs.ReadAsync(job.Id, jobInputs, job.Outputs);
        Assert.Equal(0, h.WriteCalls(before));
        Assert.Equal(2, h.Emulator.Requests.Count - before); // one GET per cloud object; the grader has none
    }
}
