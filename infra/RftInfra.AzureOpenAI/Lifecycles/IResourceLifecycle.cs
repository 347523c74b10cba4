using System.Text.Json.Nodes;
using RftInfra.Diagnostics;

namespace RftInfra.Lifecycles;

/// <summary>
/// The engine verbs of one resource type (rft:index:TrainingFile, Grader, FineTuningJob) over plain property bags
/// (<see cref="JsonObject"/>: nested objects, arrays, numbers, strings). The Pulumi provider only converts
/// Pulumi property values to and from these bags and calls this; everything else lives here and is tested here.
/// </summary>
public interface IResourceLifecycle
{
    /// <summary>The Pulumi type token, e.g. <c>rft:index:FineTuningJob</c>.</summary>
    string TypeToken { get; }

    /// <summary>Validates new inputs with the `rft validate` checks; never writes to the cloud.</summary>
    Task<CheckResult> CheckAsync(JsonObject oldInputs, JsonObject newInputs, CancellationToken cancellationToken = default);

    /// <summary>Compares the recorded state with new inputs; pure (no cloud call).</summary>
    DiffResult Diff(string id, JsonObject oldInputs, JsonObject oldOutputs, JsonObject newInputs);

    /// <summary>Creates the resource. With <paramref name="preview"/> nothing is written and outputs are best known values.</summary>
    Task<CreateResult> CreateAsync(JsonObject inputs, bool preview, CancellationToken cancellationToken = default);

    /// <summary>Reads live state. With only an id (import), inputs and outputs are null.</summary>
    Task<ReadResult> ReadAsync(string id, JsonObject? inputs, JsonObject? outputs, CancellationToken cancellationToken = default);

    Task<UpdateResult> UpdateAsync(
        string id, JsonObject oldOutputs, JsonObject newInputs, bool preview, CancellationToken cancellationToken = default);

    Task DeleteAsync(string id, JsonObject outputs, CancellationToken cancellationToken = default);
}

public sealed record CheckResult(JsonObject Inputs, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => !Diagnostics.Any(d => d.IsError);
}

public enum DiffChange
{
    None,
    Update,
    Replace,
}

public enum PropertyChangeKind
{
    Add,
    AddReplace,
    Delete,
    DeleteReplace,
    Update,
    UpdateReplace,
}

/// <summary>What changed: the overall change, the properties that force a replacement, and a per-property detail.</summary>
public sealed record DiffResult(
    DiffChange Change,
    IReadOnlyList<string> ReplaceKeys,
    IReadOnlyDictionary<string, PropertyChangeKind> DetailedDiff,
    bool DeleteBeforeReplace = false)
{
    public static readonly DiffResult NoChange =
        new(DiffChange.None, [], new Dictionary<string, PropertyChangeKind>());
}

public sealed record CreateResult(string Id, JsonObject Outputs);

/// <summary>Null <see cref="Id"/> means the resource is gone (deleted outside the kit).</summary>
public sealed record ReadResult(string? Id, JsonObject Inputs, JsonObject Outputs);

public sealed record UpdateResult(JsonObject Outputs);
