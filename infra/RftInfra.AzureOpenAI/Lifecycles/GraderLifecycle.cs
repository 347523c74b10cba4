using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Diagnostics;
using RftInfra.Graders;

namespace RftInfra.Lifecycles;

/// <summary>
/// rft:index:Grader — no cloud object: the grader is checked by the service on create and update, and its canonical
/// JSON is the output jobs consume (a grader change replaces the jobs using it through their spec hash).
/// Inputs: <c>grader</c> (the object the service takes), <c>sourceFile</c> (optional, for messages).
/// Outputs: name, type, canonicalJson, hash, serviceValidated.
/// </summary>
public sealed class GraderLifecycle(FineTuningClient client) : IResourceLifecycle
{
    public const string Token = "rft:index:Grader";

    /// <summary>The grader types graders/validate accepts (docs/service.md §1.6: no label_model; endpoint is private preview).</summary>
    private static readonly HashSet<string> ServiceValidatedTypes =
        [GraderTypes.StringCheck, GraderTypes.TextSimilarity, GraderTypes.Python, GraderTypes.ScoreModel, GraderTypes.Multi];

    public string TypeToken => Token;

    public Task<CheckResult> CheckAsync(JsonObject oldInputs, JsonObject newInputs, CancellationToken cancellationToken = default)
    {
        var file = Props.Str(newInputs, "sourceFile") ?? Token;
        IReadOnlyList<Diagnostic> diagnostics = Props.Obj(newInputs, "grader") is { } grader
            ? [.. Props.About("grader", LifecycleChecks.Grader(grader, file))]
            : [Props.Error(LifecycleCodes.InputMissing, "grader", file, "Input 'grader' (the grader object) is missing or not an object.",
                "Pass the grader declaration, e.g. the parsed content of graders/capital-match.json.")];
        return Task.FromResult(new CheckResult(Props.Clone(newInputs), diagnostics));
    }

    public DiffResult Diff(string id, JsonObject oldInputs, JsonObject oldOutputs, JsonObject newInputs)
    {
        var oldCanonical = Props.Str(oldOutputs, "canonicalJson") ?? CanonicalJsonWriter.Write(Props.Obj(oldInputs, "grader"));
        var newCanonical = CanonicalJsonWriter.Write(Props.Obj(newInputs, "grader"));
        return oldCanonical == newCanonical
            ? DiffResult.NoChange
            : new DiffResult(DiffChange.Update, [], new Dictionary<string, PropertyChangeKind> { ["grader"] = PropertyChangeKind.Update });
    }

    public async Task<CreateResult> CreateAsync(JsonObject inputs, bool preview, CancellationToken cancellationToken = default)
    {
        var grader = Props.RequiredObject(inputs, "grader", Token);
        var outputs = await OutputsAsync(grader, preview, cancellationToken).ConfigureAwait(false);
        return new CreateResult($"{Props.Str(outputs, "name")}-{Props.Str(outputs, "hash")![..12]}", outputs);
    }

    /// <summary>Nothing lives in the cloud: the recorded state is the truth (an imported id has no inputs to show).</summary>
    public Task<ReadResult> ReadAsync(string id, JsonObject? inputs, JsonObject? outputs, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ReadResult(id, inputs ?? [], outputs ?? []));

    public async Task<UpdateResult> UpdateAsync(
        string id, JsonObject oldOutputs, JsonObject newInputs, bool preview, CancellationToken cancellationToken = default) =>
        new(await OutputsAsync(Props.RequiredObject(newInputs, "grader", Token), preview, cancellationToken).ConfigureAwait(false));

    public Task DeleteAsync(string id, JsonObject outputs, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private async Task<JsonObject> OutputsAsync(JsonObject grader, bool preview, CancellationToken cancellationToken)
    {
        var typed = GraderJson.FromJson(grader);
        var checkedByService = ServiceValidatedTypes.Contains(typed.Type);
        var validated = false;
        if (!preview && checkedByService)
        {
            // Throws RftServiceException with the service's code and message when it refuses the grader.
            await client.ValidateGraderAsync(grader, cancellationToken).ConfigureAwait(false);
            validated = true;
        }

        return new JsonObject
        {
            ["name"] = typed.Name,
            ["type"] = typed.Type,
            ["canonicalJson"] = typed.CanonicalJson,
            ["hash"] = Props.Sha256(typed.CanonicalJson),
            // Not known in a preview until the service has looked at it (null: the provider reports it unknown).
            ["serviceValidated"] = preview && checkedByService ? null : validated,
        };
    }
}
