using System.Text.Json.Nodes;
using RftInfra.Lifecycles;

namespace RftInfra.ProviderModel;

/// <summary>
/// The rft provider's verbs over property bags: everything RftResourceProvider does between converting Pulumi
/// property values (unknowns are <see cref="PropertyBags.UnknownSentinel"/> here), so the engine seam is tested
/// without Pulumi (tests/RftInfra.Core.Tests/ProviderModel/EngineSeamTests.cs). Previews never write, and every
/// output a preview cannot know comes back unknown.
/// </summary>
public sealed class ResourceVerbs(IReadOnlyDictionary<string, IResourceLifecycle> lifecycles)
{
    public async Task<(JsonObject Inputs, IReadOnlyList<(string Property, string Reason)> Failures)> CheckAsync(
        string typeToken, JsonObject oldInputs, JsonObject newInputs, CancellationToken cancellationToken = default)
    {
        var (lifecycle, type) = Lifecycle(typeToken);
        var result = await lifecycle.CheckAsync(oldInputs, newInputs, cancellationToken).ConfigureAwait(false);
        return (result.Inputs, PropertyBags.CheckFailures(type, result.Diagnostics));
    }

    public DiffResult Diff(string typeToken, string id, JsonObject oldInputs, JsonObject oldOutputs, JsonObject newInputs) =>
        Lifecycle(typeToken).Lifecycle.Diff(id, oldInputs, oldOutputs, newInputs);

    public async Task<CreateResult> CreateAsync(string typeToken, JsonObject inputs, bool preview, CancellationToken cancellationToken = default)
    {
        var (lifecycle, type) = Lifecycle(typeToken);
        if (preview && PropertyBags.UnknownKeys(inputs).Count > 0)
        {
            // Inputs still unknown (e.g. a file id before the upload): every output is unknown too.
            return new CreateResult("", PropertyBags.PreviewOutputs(type, []));
        }

        var result = await lifecycle.CreateAsync(inputs, preview, cancellationToken).ConfigureAwait(false);
        return preview ? result with { Outputs = PropertyBags.PreviewOutputs(type, result.Outputs) } : result;
    }

    public Task<ReadResult> ReadAsync(
        string typeToken, string id, JsonObject? inputs, JsonObject? outputs, CancellationToken cancellationToken = default) =>
        Lifecycle(typeToken).Lifecycle.ReadAsync(id, inputs, outputs, cancellationToken);

    public async Task<UpdateResult> UpdateAsync(
        string typeToken, string id, JsonObject oldOutputs, JsonObject newInputs, bool preview, CancellationToken cancellationToken = default)
    {
        var (lifecycle, type) = Lifecycle(typeToken);
        if (preview && PropertyBags.UnknownKeys(newInputs).Count > 0)
        {
            return new UpdateResult(PropertyBags.PreviewOutputs(type, []));
        }

        var result = await lifecycle.UpdateAsync(id, oldOutputs, newInputs, preview, cancellationToken).ConfigureAwait(false);
        return preview ? new UpdateResult(PropertyBags.PreviewOutputs(type, result.Outputs)) : result;
    }

    public Task DeleteAsync(string typeToken, string id, JsonObject outputs, CancellationToken cancellationToken = default) =>
        Lifecycle(typeToken).Lifecycle.DeleteAsync(id, outputs, cancellationToken);

    public (IResourceLifecycle Lifecycle, ResourceTypeDescription Type) Lifecycle(string typeToken)
    {
        var type = RftResourceTypes.Find(typeToken)
            ?? throw new InvalidOperationException($"The rft provider has no resource type '{typeToken}'.");
        return lifecycles.TryGetValue(typeToken, out var lifecycle)
            ? (lifecycle, type)
            : throw new InvalidOperationException($"The rft provider has no lifecycle for '{typeToken}'.");
    }
}
