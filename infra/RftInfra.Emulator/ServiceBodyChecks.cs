using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Validation;

namespace RftInfra.Emulator;

/// <summary>
/// Runs the kit's own validation (<see cref="RftValidator"/>, the checks of <c>rft validate</c>) on what callers
/// send, so the emulator refuses what the kit would. The emulator's shape checks run first and name the exact
/// <c>param</c>, as the service does; the validator then adds the deeper checks (templates, formulas, catalog).
/// </summary>
internal static class ServiceBodyChecks
{
    public static void CheckGrader(JsonObject grader, string param, bool forTraining)
    {
        GraderShapeChecks.Check(grader, param, forTraining);
        ThrowOnError(RftValidator.CheckGrader(grader, param), param);
    }

    /// <summary>
    /// Maps a reinforcement create-job body onto the kit's job declaration (file ids stand in for paths; no data
    /// is read) and runs the job checks; <paramref name="region"/> is the emulated resource's location, if set.
    /// </summary>
    public static void CheckReinforcementJob(JsonObject body, string? region)
    {
        var reinforcement = body["method"]?["reinforcement"] as JsonObject;
        var declaration = new JsonObject
        {
            ["name"] = "emulated-job",
            ["model"] = body["model"]?.DeepClone(),
            ["training_file"] = body["training_file"]?.DeepClone(),
            ["validation_file"] = body["validation_file"]?.DeepClone(),
            ["grader"] = reinforcement?["grader"]?.DeepClone(),
        };
        Copy(reinforcement, "response_format", declaration, "response_format");
        Copy(reinforcement, "hyperparameters", declaration, "hyperparameters");
        Copy(body, "suffix", declaration, "suffix");
        Copy(body, "seed", declaration, "seed");
        Copy(body, "metadata", declaration, "metadata");
        var (trainingType, trainingRegion) = TrainingTypeAndRegion(body, region);
        declaration["training_type"] = trainingType;
        declaration["region"] = trainingRegion;

        ThrowOnError(RftValidator.CheckJob(declaration, "request body"), null);
    }

    /// <summary>
    /// The declaration needs a training type and region. The service body may have neither (the v1 surface, a
    /// numeric trainingType), so absent values become ones the catalog allows for the model: only a type or
    /// region the caller (or the emulator's options) actually gave can fail the check.
    /// </summary>
    private static (string? Type, string? Region) TrainingTypeAndRegion(JsonObject body, string? region)
    {
        var given = body["trainingType"] is JsonValue value && value.TryGetValue<string>(out var text)
            ? RftCatalog.Default.TrainingTypeOfWire(text) ?? text.ToLowerInvariant()
            : null;
        var model = body["model"] is JsonValue m && m.TryGetValue<string>(out var name)
            ? RftCatalog.Default.FindModel(name.Split(".ft-")[0])
            : null;
        if (model is null)
        {
            return (given, region);
        }

        var type = given ?? (region is null
            ? model.TrainingTypes.Keys.FirstOrDefault()
            : model.TrainingTypes.FirstOrDefault(t => t.Value.Contains(region)).Key ?? model.TrainingTypes.Keys.FirstOrDefault());
        var regions = type is not null && model.TrainingTypes.TryGetValue(type, out var list) ? list : [];
        return (type, region ?? regions.FirstOrDefault() ?? RftCatalog.Default.Regions.FirstOrDefault());
    }

    private static void Copy(JsonObject? from, string name, JsonObject to, string target)
    {
        if (from?[name] is { } value)
        {
            to[target] = value.DeepClone();
        }
    }

    private static void ThrowOnError(IReadOnlyList<Diagnostic> diagnostics, string? param)
    {
        if (diagnostics.FirstOrDefault(d => d.IsError) is { } error)
        {
            var hint = error.Hint is null ? "" : " Fix: " + error.Hint;
            throw EmulatorErrors.InvalidPayload($"{error.Message}{hint} ({error.Code})", param);
        }
    }
}
