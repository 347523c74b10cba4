using System.Text.Json.Nodes;
using RftInfra.Core.Validation;
using RftInfra.Core.Json;

namespace RftInfra.Core.Declarations;

/// <summary>A hyperparameter as declared: "auto" or a number; null when not set.</summary>
public readonly record struct HyperparameterValue(double? Number)
{
    public bool IsAuto => Number is null;

    public static HyperparameterValue? From(JsonNode? node) =>
        Shape.IsAuto(node) ? new HyperparameterValue(null) : Shape.AsNumber(node) is { } n ? new HyperparameterValue(n) : null;
}

public sealed record JobHyperparameters(
    HyperparameterValue? NEpochs,
    HyperparameterValue? BatchSize,
    HyperparameterValue? LearningRateMultiplier,
    HyperparameterValue? EvalInterval,
    HyperparameterValue? EvalSamples,
    HyperparameterValue? ComputeMultiplier,
    string? ReasoningEffort);

/// <summary>What to deploy once training succeeded: the ARM deployment SKU and capacity.</summary>
public sealed record JobDeployment(string Sku, int Capacity);

/// <summary>The job's grader: a name of a file in graders/ (without extension), or an inline grader object.</summary>
public sealed record JobGraderReference(string? Name, JsonObject? Inline);

/// <summary>
/// A job declaration (jobs/*.yaml|json) bound to a record. Binding is lenient (wrong types become nulls);
/// <see cref="JobChecker"/> reports what is wrong with positions. Paths are relative to the repository root.
/// </summary>
public sealed record JobDeclaration(
    string Name,
    string Model,
    string TrainingFile,
    string? ValidationFile,
    JobGraderReference Grader,
    JsonObject? ResponseFormat,
    JobHyperparameters Hyperparameters,
    string? TrainingType,
    string? Region,
    string? Suffix,
    long? Seed,
    IReadOnlyDictionary<string, string> Metadata,
    JobDeployment? Deploy,
    JsonObject Json)
{
    public static JobDeclaration FromJson(JsonObject json)
    {
        var hyper = json["hyperparameters"] as JsonObject ?? [];
        var deploy = json["deploy"] as JsonObject;
        var metadata = (json["metadata"] as JsonObject ?? [])
            .Where(p => Shape.IsString(p.Value))
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        return new JobDeclaration(
            Shape.AsString(json["name"]) ?? "",
            Shape.AsString(json["model"]) ?? "",
            Shape.AsString(json["training_file"]) ?? "",
            Shape.AsString(json["validation_file"]),
            new JobGraderReference(Shape.AsString(json["grader"]), json["grader"] as JsonObject),
            json["response_format"] as JsonObject,
            new JobHyperparameters(
                HyperparameterValue.From(hyper["n_epochs"]),
                HyperparameterValue.From(hyper["batch_size"]),
                HyperparameterValue.From(hyper["learning_rate_multiplier"]),
                HyperparameterValue.From(hyper["eval_interval"]),
                HyperparameterValue.From(hyper["eval_samples"]),
                HyperparameterValue.From(hyper["compute_multiplier"]),
                Shape.AsString(hyper["reasoning_effort"])),
            Shape.AsString(json["training_type"])?.ToLowerInvariant(),
            Shape.AsString(json["region"]),
            Shape.AsString(json["suffix"]),
            Shape.IsInteger(json["seed"]) ? (long)JsonNumber.AsDouble(json["seed"])!.Value : null,
            metadata,
            deploy is null ? null : new JobDeployment(
                Shape.AsString(deploy["sku"]) ?? "",
                Shape.IsInteger(deploy["capacity"]) ? (int)JsonNumber.AsDouble(deploy["capacity"])!.Value : 1),
            json);
    }
}

/// <summary>The fields of a job file, mirrored by schemas/job.schema.json.</summary>
public static class JobShape
{
    public static readonly IReadOnlyList<string> HyperparameterNames =
        ["n_epochs", "batch_size", "learning_rate_multiplier", "eval_interval", "eval_samples", "compute_multiplier", "reasoning_effort"];

    public static readonly IReadOnlyList<FieldSpec> JsonSchemaSettings =
    [
        new("name", FieldKind.String, Required: true),
        new("strict", FieldKind.Boolean),
        new("schema", FieldKind.Object, Required: true),
        new("description", FieldKind.String),
    ];

    public static readonly IReadOnlyList<FieldSpec> Fields =
    [
        new("$schema", FieldKind.String),
        new("name", FieldKind.String, Required: true),
        new("model", FieldKind.String, Required: true),
        new("training_file", FieldKind.String, Required: true),
        new("validation_file", FieldKind.String),
        new("grader", FieldKind.StringOrObject, Required: true),
        new("response_format", FieldKind.Object, Fields:
        [
            new("type", FieldKind.String, Required: true),
            new("json_schema", FieldKind.Object, Fields: JsonSchemaSettings),
            // Learn's RFT page shows the flattened shape {type, name, strict, schema} (rft-api.md §2.2).
            new("name", FieldKind.String),
            new("strict", FieldKind.Boolean),
            new("schema", FieldKind.Object),
            new("description", FieldKind.String),
        ]),
        new("hyperparameters", FieldKind.Object, Fields:
        [
            new("n_epochs", FieldKind.IntegerOrAuto),
            new("batch_size", FieldKind.IntegerOrAuto),
            new("learning_rate_multiplier", FieldKind.NumberOrAuto),
            new("eval_interval", FieldKind.IntegerOrAuto),
            new("eval_samples", FieldKind.IntegerOrAuto),
            new("compute_multiplier", FieldKind.NumberOrAuto),
            new("reasoning_effort", FieldKind.String),
        ]),
        new("training_type", FieldKind.String, Required: true),
        new("region", FieldKind.String, Required: true),
        new("suffix", FieldKind.String),
        new("seed", FieldKind.Integer),
        new("metadata", FieldKind.Object),
        new("deploy", FieldKind.Object, Fields:
        [
            new("sku", FieldKind.String, Required: true),
            new("capacity", FieldKind.Integer),
        ]),
    ];
}
