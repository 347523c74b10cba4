// Checked against the provider request/response types of Pulumi .NET 3.100+ (see RftResourceProvider.cs): requests
// are built with their public constructors' named arguments so a reordering of parameters does not silently pass.
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.Experimental;
using Pulumi.Experimental.Provider;
using RftInfra.Diagnostics;
using RftInfra.Lifecycles;
using RftInfra.ProviderModel;
using RftInfra.ResourceProvider;
using CheckResult = RftInfra.Lifecycles.CheckResult;

namespace RftInfra.Tests;

public sealed class ProviderTests
{
    /// <summary>Records calls and answers with fixed results.</summary>
    private sealed class FakeJobLifecycle : IResourceLifecycle
    {
        public List<string> Calls { get; } = [];

        public string TypeToken => RftResourceTypes.FineTuningJobToken;

        public Task<CheckResult> CheckAsync(JsonObject oldInputs, JsonObject newInputs, CancellationToken cancellationToken = default)
        {
            Calls.Add("check");
            return Task.FromResult(new CheckResult(newInputs, [
                new Diagnostic("RFT012", DiagnosticSeverity.Error, "grader", SourcePosition.None, "reads item.capital", "use item.reference_answer"),
            ]));
        }

        public DiffResult Diff(string id, JsonObject oldInputs, JsonObject oldOutputs, JsonObject newInputs) =>
            new(DiffChange.Replace, ["model"], new Dictionary<string, PropertyChangeKind>
            {
                ["model"] = PropertyChangeKind.UpdateReplace,
                ["metadata"] = PropertyChangeKind.Update,
            });

        public Task<CreateResult> CreateAsync(JsonObject inputs, bool preview, CancellationToken cancellationToken = default)
        {
            Calls.Add(preview ? "create-preview" : "create");
            return Task.FromResult(new CreateResult(preview ? "" : "ftjob-1", new JsonObject { ["specHash"] = "abc", ["status"] = "pending" }));
        }

        public Task<ReadResult> ReadAsync(string id, JsonObject? inputs, JsonObject? outputs, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ReadResult(null, [], []));

        public Task<UpdateResult> UpdateAsync(string id, JsonObject oldOutputs, JsonObject newInputs, bool preview, CancellationToken cancellationToken = default) =>
            Task.FromResult(new UpdateResult(oldOutputs));

        public Task DeleteAsync(string id, JsonObject outputs, CancellationToken cancellationToken = default)
        {
            Calls.Add("delete");
            return Task.CompletedTask;
        }
    }

    private static (RftResourceProvider Provider, FakeJobLifecycle Lifecycle) Create()
    {
        var lifecycle = new FakeJobLifecycle();
        var provider = new RftResourceProvider(_ => new Dictionary<string, IResourceLifecycle> { [lifecycle.TypeToken] = lifecycle });
        return (provider, lifecycle);
    }

    private const string JobUrn = "urn:pulumi:dev::rft-infra::rft-infra:index:Job$rft:index:FineTuningJob::capital-qa-job";

    private static ImmutableDictionary<string, PropertyValue> Inputs(PropertyValue trainingFileId) =>
        ImmutableDictionary<string, PropertyValue>.Empty
            .Add("model", new PropertyValue("o4-mini"))
            .Add("trainingFileId", trainingFileId);

    [Fact]
    public async Task Create_PreviewWithUnknownInputs_NeverCallsTheLifecycle_AndReportsEveryOutputUnknown()
    {
        var (provider, lifecycle) = Create();

        var response = await provider.Create(
            new CreateRequest(urn: new Urn(JobUrn), inputs: Inputs(PropertyValue.Computed), timeout: TimeSpan.Zero, preview: true),
            CancellationToken.None);

        Assert.Empty(lifecycle.Calls);
        Assert.Equal(
            RftResourceTypes.FineTuningJob.OutputNames.Order(StringComparer.Ordinal),
            response.Outputs!.Keys.Order(StringComparer.Ordinal));
        Assert.All(response.Outputs!.Values, v => Assert.True(v.IsComputed));
    }

    [Fact]
    public async Task Create_PreviewWithKnownInputs_PassesThePreviewFlag_AndMarksTheRestUnknown()
    {
        var (provider, lifecycle) = Create();

        var response = await provider.Create(
            new CreateRequest(urn: new Urn(JobUrn), inputs: Inputs(new PropertyValue("file-1")), timeout: TimeSpan.Zero, preview: true),
            CancellationToken.None);

        Assert.Equal(["create-preview"], lifecycle.Calls);
        Assert.True(response.Outputs!["specHash"].TryGetString(out var hash) && hash == "abc");
        Assert.True(response.Outputs!["jobId"].IsComputed);
        Assert.True(response.Outputs!["fineTunedModel"].IsComputed);
    }

    [Fact]
    public async Task Create_WithoutAKnownEndpoint_RefusesToWrite()
    {
        var (provider, lifecycle) = Create();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.Create(
            new CreateRequest(urn: new Urn(JobUrn), inputs: Inputs(new PropertyValue("file-1")), timeout: TimeSpan.Zero, preview: false),
            CancellationToken.None));

        Assert.Contains("endpoint is not known yet", error.Message);
        Assert.Empty(lifecycle.Calls);
    }

    [Fact]
    public async Task Diff_FillsReplacesAndDetailedDiff()
    {
        var (provider, _) = Create();

        var response = await provider.Diff(new DiffRequest(
            urn: new Urn(JobUrn), id: "ftjob-1",
            oldInputs: Inputs(new PropertyValue("file-1")), oldOutputs: ImmutableDictionary<string, PropertyValue>.Empty,
            newInputs: Inputs(new PropertyValue("file-1")), ignoreChanges: ImmutableArray<string>.Empty), CancellationToken.None);

        Assert.True(response.Changes);
        Assert.Equal(["model"], response.Replaces!);
        Assert.Equal(PropertyDiffKind.UpdateReplace, response.DetailedDiff!["model"].Kind);
        Assert.Equal(PropertyDiffKind.Update, response.DetailedDiff!["metadata"].Kind);
    }

    [Fact]
    public async Task Check_TurnsDiagnosticsIntoFailuresOnTheNamedInput()
    {
        var (provider, _) = Create();

        var response = await provider.Check(new CheckRequest(
            urn: new Urn(JobUrn), oldInputs: ImmutableDictionary<string, PropertyValue>.Empty,
            newInputs: Inputs(new PropertyValue("file-1")), randomSeed: ImmutableArray<byte>.Empty), CancellationToken.None);

        var failure = Assert.Single(response.Failures!);
        Assert.Equal("grader", failure.Property);
        Assert.Contains("RFT012", failure.Reason);
    }

    [Fact]
    public async Task Configure_BadEndpoint_NamesTheKey_AndSchemaDescribesEveryType()
    {
        var (provider, _) = Create();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.Configure(new ConfigureRequest(
            variables: ImmutableDictionary<string, string>.Empty,
            args: ImmutableDictionary<string, PropertyValue>.Empty.Add("endpoint", new PropertyValue("http://example.com")),
            acceptSecrets: true, acceptResources: true, sendsOldInputs: true, sendsOldInputsToDelete: true), CancellationToken.None));
        Assert.Contains("endpoint:", error.Message);

        var schema = JsonNode.Parse((await provider.GetSchema(new GetSchemaRequest(version: 0, subpackageName: null, subpackageVersion: null), CancellationToken.None)).Schema!)!;
        Assert.Equal(3, schema["resources"]!.AsObject().Count);
    }
}
