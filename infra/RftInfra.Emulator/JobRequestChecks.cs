using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Declarations;

namespace RftInfra.Emulator;

/// <summary>A create-job body after the emulator's checks.</summary>
internal sealed record JobRequest(
    string Model,
    string TrainingFile,
    string? ValidationFile,
    long? Seed,
    string? Suffix,
    Dictionary<string, string>? Metadata,
    JsonObject? Method,
    JsonObject? Hyperparameters,
    JsonArray? Integrations,
    JsonNode? TrainingType);

/// <summary>
/// The checks the service makes on a create-job body (docs/service.md §2), answered as the service does: a 400 naming
/// the parameter. File existence and readiness are checked by the store, which owns the files.
/// </summary>
internal static class JobRequestChecks
{
    /// <summary>The catalog model a base model (or a fine-tuned model, for continuous fine-tuning) trains as.</summary>
    internal static CatalogModel? TrainableModel(string model) => RftCatalog.Default.FindModel(model.Split(".ft-")[0]);

    // The catalog's tiers by name and by wire literal (globalStandard, developerTier, …), any case.
    private static readonly HashSet<string> TrainingTypes =
        new(RftCatalog.Default.Tiers.Values.SelectMany(t => new[] { t.Name, t.Wire }), StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> MethodTypes = ["supervised", "dpo", "reinforcement"];

    public static JobRequest Check(JsonObject body, ApiSurface surface, bool requireTrainingType, string? region = null)
    {
        var model = String(body, "model") ?? throw EmulatorErrors.MissingField("model");
        var trainingType = body["trainingType"];
        if (surface == ApiSurface.Dated && requireTrainingType && trainingType is null)
        {
            // The service's real (misleading) answer when trainingType is missing (docs/service.md §8, litellm #24687).
            throw EmulatorErrors.BaseModelNotSupported(model);
        }

        if (TrainableModel(model) is null)
        {
            throw EmulatorErrors.BaseModelNotSupported(model);
        }

        CheckTrainingType(trainingType);
        var trainingFile = String(body, "training_file") ?? throw EmulatorErrors.MissingField("training_file");
        var validationFile = String(body, "validation_file");
        var method = body["method"] as JsonObject;
        if (body["method"] is not null and not JsonObject)
        {
            throw EmulatorErrors.InvalidPayload("'method' must be an object like {\"type\":\"reinforcement\",\"reinforcement\":{…}}.", "method");
        }

        var methodType = method is null ? "supervised" : String(method, "type", "method.type");
        if (methodType is null || !MethodTypes.Contains(methodType))
        {
            throw EmulatorErrors.InvalidPayload(
                $"'method.type' must be one of supervised, dpo, reinforcement; got '{methodType}'.", "method.type");
        }

        if (methodType == "reinforcement")
        {
            if (validationFile is null)
            {
                throw EmulatorErrors.InvalidPayload(
                    "Missing required parameter: 'validation_file'. Reinforcement fine-tuning needs a validation file.",
                    "validation_file");
            }

            CheckReinforcement(method!);
            ServiceBodyChecks.CheckReinforcementJob(body, region);
        }

        return new JobRequest(
            model,
            trainingFile,
            validationFile,
            Seed(body),
            Suffix(body),
            Metadata(body),
            method?.DeepClone().AsObject(),
            body["hyperparameters"] is JsonObject hyper ? hyper.DeepClone().AsObject() : null,
            body["integrations"] is JsonArray integrations ? integrations.DeepClone().AsArray() : null,
            trainingType?.DeepClone());
    }

    private static void CheckReinforcement(JsonObject method)
    {
        if (method["reinforcement"] is not JsonObject reinforcement)
        {
            throw EmulatorErrors.MissingField("method.reinforcement");
        }

        if (reinforcement["grader"] is not JsonObject grader)
        {
            throw EmulatorErrors.MissingField("method.reinforcement.grader");
        }

        ServiceBodyChecks.CheckGrader(grader, "method.reinforcement.grader", forTraining: true);
        if (reinforcement["response_format"] is { } format)
        {
            CheckResponseFormat(format);
        }

        if (reinforcement["hyperparameters"] is { } hyper)
        {
            if (hyper is not JsonObject hyperparameters)
            {
                throw EmulatorErrors.InvalidPayload("'method.reinforcement.hyperparameters' must be an object.", "method.reinforcement.hyperparameters");
            }

            CheckHyperparameters(hyperparameters);
        }
    }

    private static void CheckResponseFormat(JsonNode format)
    {
        const string Param = "method.reinforcement.response_format";
        if (format is not JsonObject formatObject || String(formatObject, "type", Param + ".type") is not { } type)
        {
            throw EmulatorErrors.InvalidPayload($"'{Param}' must be an object with a 'type'.", Param);
        }

        if (type == "json_schema")
        {
            // The chat-completions shape nests the schema; Learn shows it flattened (docs/service.md §2.2): take both.
            var schema = formatObject["json_schema"] as JsonObject ?? formatObject;
            if (schema["schema"] is not JsonObject || String(schema, "name", Param + ".json_schema.name") is null)
            {
                throw EmulatorErrors.InvalidPayload(
                    $"'{Param}' of type json_schema needs json_schema.name and json_schema.schema (an object).", Param + ".json_schema");
            }
        }
        else if (type is not ("text" or "json_object"))
        {
            throw EmulatorErrors.InvalidPayload($"'{Param}.type' must be json_schema, json_object or text; got '{type}'.", Param + ".type");
        }
    }

    /// <summary>
    /// The hyperparameter rules are the validator's (<see cref="Hyperparameters"/>); only the 400 and its wording
    /// are the service's: the first bad value, named by its parameter path.
    /// </summary>
    private static void CheckHyperparameters(JsonObject hyper)
    {
        const string Prefix = "method.reinforcement.hyperparameters.";
        foreach (var hyperparameter in Hyperparameters.All)
        {
            var value = hyper[hyperparameter.Name];
            if (value is not null && (!Declarations.Shape.Matches(value, hyperparameter.Field.Kind) || hyperparameter.Problem(value) is not null))
            {
                throw EmulatorErrors.InvalidPayload(
                    $"'{Prefix}{hyperparameter.Name}' must be {hyperparameter.Allowed}; got {value.ToJsonString()}.", Prefix + hyperparameter.Name);
            }
        }
    }

    private static void CheckTrainingType(JsonNode? trainingType)
    {
        if (trainingType is null)
        {
            return;
        }

        var ok = trainingType.GetValueKind() switch
        {
            JsonValueKind.String => TrainingTypes.Contains(trainingType.GetValue<string>()),
            JsonValueKind.Number => trainingType.GetValue<double>() is 1 or 2 or 3,
            _ => false,
        };
        if (!ok)
        {
            throw EmulatorErrors.InvalidPayload(
                $"'trainingType' {trainingType.ToJsonString()} is not known; use {string.Join(", ", RftCatalog.Default.Tiers.Values.Select(t => $"\"{t.Wire}\""))}.",
                "trainingType");
        }
    }

    private static long? Seed(JsonObject body)
    {
        if (body["seed"] is not { } seed)
        {
            return null;
        }

        if (seed.GetValueKind() != JsonValueKind.Number || !seed.AsValue().TryGetValue<long>(out var value)
            || value < 0 || value > int.MaxValue)
        {
            throw EmulatorErrors.InvalidPayload($"'seed' must be an integer from 0 to 2147483647; got {seed.ToJsonString()}.", "seed");
        }

        return value;
    }

    private static string? Suffix(JsonObject body)
    {
        var suffix = String(body, "suffix");
        var maxLength = RftCatalog.Default.Limits.SuffixMaxLength;
        if (suffix is not null && suffix.Length > maxLength)
        {
            throw EmulatorErrors.InvalidPayload($"'suffix' has {suffix.Length} characters; Azure allows at most {maxLength}.", "suffix");
        }

        return suffix;
    }

    private static Dictionary<string, string>? Metadata(JsonObject body)
    {
        if (body["metadata"] is null)
        {
            return null;
        }

        if (body["metadata"] is not JsonObject metadata)
        {
            throw EmulatorErrors.InvalidPayload("'metadata' must be an object of string values.", "metadata");
        }

        if (metadata.Count > 16)
        {
            throw EmulatorErrors.InvalidPayload($"'metadata' has {metadata.Count} pairs; the limit is 16.", "metadata");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (key.Length > 64)
            {
                throw EmulatorErrors.InvalidPayload($"metadata key '{key[..20]}…' is longer than 64 characters.", "metadata");
            }

            if (value is null || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length > 512)
            {
                throw EmulatorErrors.InvalidPayload($"metadata['{key}'] must be a string of at most 512 characters.", "metadata." + key);
            }

            result[key] = value.GetValue<string>();
        }

        return result;
    }

    /// <summary>A string field; null when absent; a 400 naming the field when present but not a string.</summary>
    internal static string? String(JsonObject body, string name, string? param = null)
    {
        var value = body[name];
        if (value is null)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            throw EmulatorErrors.InvalidPayload($"'{param ?? name}' must be a string; got {value.ToJsonString()}.", param ?? name);
        }

        var text = value.GetValue<string>();
        return text.Length == 0 ? null : text;
    }
}
