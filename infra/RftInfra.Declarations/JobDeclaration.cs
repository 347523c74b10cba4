using System.Text.Json.Nodes;
using RftInfra.Json;
using RftInfra.Diagnostics;

namespace RftInfra.Declarations;

/// <summary>A hyperparameter as declared: "auto" or a number; null when not set.</summary>
public readonly record struct HyperparameterValue(double? Number)
{
    public bool IsAuto => Number is null;

    public static HyperparameterValue? From(JsonNode? node) =>
        Shape.IsAuto(node) ? new HyperparameterValue(null) : Shape.AsNumber(node) is { } n ? new HyperparameterValue(n) : null;
}

/// <summary>
/// The hyperparameters as declared, bound by iterating <see cref="Hyperparameters.All"/>: a value of the wrong JSON
/// type or an unknown name is left out (the validator reports both). <see cref="Declared"/> is false when the
/// job has no <c>hyperparameters</c> object.
/// </summary>
public sealed record JobHyperparameters(bool Declared, IReadOnlyDictionary<string, JsonNode> Values)
{
    public static JobHyperparameters Bind(JsonNode? node)
    {
        if (node is not JsonObject json)
        {
            return new JobHyperparameters(false, new Dictionary<string, JsonNode>());
        }

        var values = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var hyperparameter in Hyperparameters.All)
        {
            if (json[hyperparameter.Name] is { } value && Shape.Matches(value, hyperparameter.Field.Kind))
            {
                values[hyperparameter.Name] = value.DeepClone();
            }
        }

        return new JobHyperparameters(true, values);
    }

    /// <summary>A numeric hyperparameter ("auto" or a number); null when not set.</summary>
    public HyperparameterValue? Number(string name) => Values.TryGetValue(name, out var v) ? HyperparameterValue.From(v) : null;

    /// <summary>
    /// <c>method.reinforcement.hyperparameters</c> of the request body, in the description's order; null when the
    /// job declares none.
    /// </summary>
    public JsonObject? ToJson()
    {
        if (!Declared)
        {
            return null;
        }

        var json = new JsonObject();
        foreach (var hyperparameter in Hyperparameters.All)
        {
            if (Values.TryGetValue(hyperparameter.Name, out var value))
            {
                json[hyperparameter.Name] = value.DeepClone();
            }
        }

        return json;
    }
}

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
            JobHyperparameters.Bind(json["hyperparameters"]),
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

/// <summary>
/// The fields of a job file, written once: <see cref="Shape.Check"/> checks them, <see cref="JobChecker"/> checks their
/// values, and <see cref="JsonSchemaWriter"/> writes schemas/job.schema.json from them (docs/declarations.md).
/// </summary>
public static class JobShape
{
    public static IReadOnlyList<string> HyperparameterNames => Hyperparameters.Names;

    public static readonly IReadOnlyList<FieldSpec> JsonSchemaSettings =
    [
        new("name", FieldKind.String, Required: true, Pattern: "^[a-zA-Z0-9_-]{1,64}$"),
        new("strict", FieldKind.Boolean, Description: "Must be true for RFT.", Schema: _ => new JsonObject { ["const"] = true }),
        new("schema", FieldKind.Object, Required: true,
            Description: "Strict structured-outputs JSON schema: root type object, additionalProperties false and every property required in each object."),
        new("description", FieldKind.String),
    ];

    public static readonly IReadOnlyList<FieldSpec> Fields =
    [
        new("$schema", FieldKind.String, Description: "Editor schema reference; ignored by the service."),
        new("name", FieldKind.String, Required: true, Pattern: "^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$",
            Description: "Unique job name (identifies the job in Azure and Pulumi)."),
        new("model", FieldKind.String, Required: true,
            Description: "Base model trainable with RFT (or a fine-tuned model id of one, for continuous fine-tuning).",
            Schema: c => new JsonObject { ["examples"] = Strings(c.Models.Select(m => m.Id).Concat(c.Models.SelectMany(m => m.Aliases))) }),
        new("training_file", FieldKind.String, Required: true, Description: "JSONL path relative to the repository root, e.g. data/train.jsonl."),
        // Required by the schema; the checker reports its absence under its own code (RFT209), not as RFT200.
        new("validation_file", FieldKind.String, SchemaRequired: true, Description: "JSONL path relative to the repository root. Required for RFT."),
        new("grader", FieldKind.StringOrObject, Required: true,
            Description: "A grader name from graders/ (file name without extension) or an inline grader object.",
            Schema: _ => new JsonObject
            {
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["$ref"] = "grader.schema.json" }),
            }),
        new("response_format", FieldKind.Object, Description: "Structured output while sampling; needed for sample.output_json.", Fields:
        [
            new("type", FieldKind.String, Required: true, Values: ResponseFormatTypes),
            new("json_schema", FieldKind.Object, Fields: JsonSchemaSettings),
            // Learn's RFT page shows the flattened shape {type, name, strict, schema} (docs/service.md §2.2).
            new("name", FieldKind.String, Description: "Flattened shape (Learn's RFT page): name at this level."),
            new("strict", FieldKind.Boolean),
            new("schema", FieldKind.Object),
            new("description", FieldKind.String),
        ]),
        new("hyperparameters", FieldKind.Object, Fields: Hyperparameters.Fields),
        new("training_type", FieldKind.String, Required: true, CatalogValues: c => c.TrainingTypes,
            Description: "standard (regional, data residency), globalstandard (Global Training regions) or developer (preview)."),
        new("region", FieldKind.String, Required: true, CatalogValues: c => c.Regions,
            Description: "ARM name of the Azure region of the account that trains."),
        new("suffix", FieldKind.String,
            Schema: c => new JsonObject { ["pattern"] = c.Limits.SuffixPattern, ["maxLength"] = c.Limits.SuffixMaxLength }),
        new("seed", FieldKind.Integer, Schema: c => new JsonObject { ["minimum"] = c.Limits.SeedMin, ["maximum"] = c.Limits.SeedMax }),
        new("metadata", FieldKind.Object, Schema: c => new JsonObject
        {
            ["maxProperties"] = c.Limits.MetadataMaxPairs,
            ["propertyNames"] = new JsonObject { ["maxLength"] = c.Limits.MetadataKeyMaxLength },
            ["additionalProperties"] = new JsonObject { ["type"] = "string", ["maxLength"] = c.Limits.MetadataValueMaxLength },
        }),
        new("deploy", FieldKind.Object, Description: "What to deploy after training succeeded.", Fields:
        [
            new("sku", FieldKind.String, Required: true, CatalogValues: c => c.DeploymentSkus),
            new("capacity", FieldKind.Integer, Minimum: 1),
        ]),
    ];

    private static IReadOnlyList<string> ResponseFormatTypes => ["json_schema", "text"];

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
