using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Lifecycles;
using RftInfra.ProviderModel;

namespace RftInfra.Core.Tests.ProviderModel;

public class ResourceVerbsTests
{
    /// <summary>Records calls; answers a preview the way TrainingFileLifecycle does (nulls for what only the service knows).</summary>
    private sealed class FakeFileLifecycle : IResourceLifecycle
    {
        public List<string> Calls { get; } = [];

        public string TypeToken => RftResourceTypes.TrainingFileToken;

        public Task<CheckResult> CheckAsync(JsonObject oldInputs, JsonObject newInputs, CancellationToken cancellationToken = default) =>
            Task.FromResult(new CheckResult(newInputs, [
                new Diagnostic("RFT903", DiagnosticSeverity.Error, "/data/missing.jsonl", SourcePosition.None, "does not exist") { Input = "source" },
                new Diagnostic("RFT999", DiagnosticSeverity.Warning, "/data/missing.jsonl", SourcePosition.None, "only a warning") { Input = "source" },
            ]));

        public DiffResult Diff(string id, JsonObject oldInputs, JsonObject oldOutputs, JsonObject newInputs) => DiffResult.NoChange;

        public Task<CreateResult> CreateAsync(JsonObject inputs, bool preview, CancellationToken cancellationToken = default)
        {
            Calls.Add(preview ? "create-preview" : "create");
            return Task.FromResult(new CreateResult(preview ? "" : "file-1", Outputs(preview ? null : "file-1")));
        }

        public Task<ReadResult> ReadAsync(string id, JsonObject? inputs, JsonObject? outputs, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ReadResult(id, inputs ?? [], outputs ?? []));

        public Task<UpdateResult> UpdateAsync(string id, JsonObject oldOutputs, JsonObject newInputs, bool preview, CancellationToken cancellationToken = default)
        {
            Calls.Add(preview ? "update-preview" : "update");
            return Task.FromResult(new UpdateResult((JsonObject)oldOutputs.DeepClone()));
        }

        public Task DeleteAsync(string id, JsonObject outputs, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public static JsonObject Outputs(string? fileId) => new()
        {
            ["fileId"] = fileId, ["contentHash"] = "abc", ["filename"] = "t.sha256-abc.jsonl", ["bytes"] = null, ["status"] = null,
            ["purpose"] = "fine-tune", ["source"] = "/data/t.jsonl",
        };
    }

    private static (ResourceVerbs Verbs, FakeFileLifecycle Lifecycle) Create()
    {
        var lifecycle = new FakeFileLifecycle();
        return (new ResourceVerbs(new Dictionary<string, IResourceLifecycle> { [lifecycle.TypeToken] = lifecycle }), lifecycle);
    }

    [Fact]
    public async Task CreatePreview_WithUnknownInputs_NeverCallsTheLifecycle_AndEveryOutputIsUnknown()
    {
        var (verbs, lifecycle) = Create();

        var result = await verbs.CreateAsync(RftResourceTypes.TrainingFileToken, new JsonObject { ["source"] = PropertyBags.UnknownSentinel }, preview: true);

        Assert.Empty(lifecycle.Calls);
        Assert.Equal("", result.Id);
        Assert.Equal(RftResourceTypes.TrainingFile.OutputNames, result.Outputs.Select(p => p.Key));
        Assert.All(result.Outputs, p => Assert.True(PropertyBags.IsUnknown(p.Value), p.Key));
    }

    [Fact]
    public async Task CreatePreview_TurnsTheLifecyclesNullsIntoUnknowns_AndKeepsKnownValues()
    {
        var (verbs, lifecycle) = Create();

        var result = await verbs.CreateAsync(RftResourceTypes.TrainingFileToken, new JsonObject { ["source"] = "/data/t.jsonl" }, preview: true);

        Assert.Equal(["create-preview"], lifecycle.Calls);
        Assert.Equal(["bytes", "fileId", "status"], result.Outputs.Where(p => PropertyBags.IsUnknown(p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("abc", (string?)result.Outputs["contentHash"]);
    }

    [Fact]
    public async Task Create_OutsideAPreview_ReturnsTheLifecyclesOutputsAsTheyAre()
    {
        var (verbs, _) = Create();

        var result = await verbs.CreateAsync(RftResourceTypes.TrainingFileToken, new JsonObject { ["source"] = "/data/t.jsonl" }, preview: false);

        Assert.Equal("file-1", result.Id);
        Assert.Null(result.Outputs["bytes"]);
        Assert.Empty(PropertyBags.UnknownKeys(result.Outputs));
    }

    [Fact]
    public async Task UpdatePreview_MarksNullOutputsUnknown_AndWithUnknownInputsCallsNothing()
    {
        var (verbs, lifecycle) = Create();
        var old = FakeFileLifecycle.Outputs("file-1");

        var known = await verbs.UpdateAsync(RftResourceTypes.TrainingFileToken, "file-1", old, new JsonObject { ["source"] = "/elsewhere/t.jsonl" }, preview: true);
        var unknown = await verbs.UpdateAsync(RftResourceTypes.TrainingFileToken, "file-1", old, new JsonObject { ["source"] = PropertyBags.UnknownSentinel }, preview: true);

        Assert.Equal(["update-preview"], lifecycle.Calls);
        Assert.Equal("file-1", (string?)known.Outputs["fileId"]);
        Assert.True(PropertyBags.IsUnknown(known.Outputs["bytes"]));
        Assert.All(unknown.Outputs, p => Assert.True(PropertyBags.IsUnknown(p.Value), p.Key));
    }

    [Fact]
    public async Task Check_ReturnsErrorsAsFailuresOnTheirInput()
    {
        var (verbs, _) = Create();

        var (_, failures) = await verbs.CheckAsync(RftResourceTypes.TrainingFileToken, [], new JsonObject { ["source"] = "/data/missing.jsonl" });

        var failure = Assert.Single(failures);
        Assert.Equal("source", failure.Property);
        Assert.Equal("/data/missing.jsonl: error RFT903: does not exist", failure.Reason);
    }

    [Fact]
    public void UnknownTypeToken_IsNamed()
    {
        var (verbs, _) = Create();

        var error = Assert.Throws<InvalidOperationException>(() => verbs.Lifecycle("rft:index:Nope"));
        Assert.Equal("The rft provider has no resource type 'rft:index:Nope'.", error.Message);
        error = Assert.Throws<InvalidOperationException>(() => verbs.Lifecycle(RftResourceTypes.GraderToken));
        Assert.Equal("The rft provider has no lifecycle for 'rft:index:Grader'.", error.Message);
    }
}
