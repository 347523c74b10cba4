using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Graders;
using RftInfra.Diagnostics;

namespace RftInfra.Validation;

/// <summary>One grader type: its fields (docs/service.md §3.2) and what it does (the schema's description).</summary>
public sealed record GraderTypeSpec(string Type, string Description, IReadOnlyList<FieldSpec> Fields);

/// <summary>
/// The fields each grader type takes (docs/service.md §3.2), written once: <see cref="GraderChecker"/> checks them, the
/// emulator's service checks take the enums from here, and <see cref="JsonSchemaWriter"/> writes
/// schemas/grader.schema.json from them (docs/declarations.md).
/// </summary>
public static class GraderShape
{
    public static readonly IReadOnlyList<string> StringCheckOperations = ["eq", "ne", "like", "ilike"];

    public static readonly IReadOnlyList<string> EvaluationMetrics =
        ["fuzzy_match", "bleu", "gleu", "meteor", "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l", "cosine"];

    public static readonly IReadOnlyList<string> MessageRoles = ["system", "developer", "user", "assistant"];

    public static readonly IReadOnlyList<string> SamplingReasoningEfforts = ["low", "medium", "high"];

    private const string TemplateText =
        "Template: literal text with {{item.<key>}} (the dataset row) and {{sample.output_text}} / {{sample.output_json.<prop>}} (the model output). No spaces inside the braces.";

    /// <summary>The editor-only <c>$schema</c> key a grader file may have (never sent to the service).</summary>
    public static readonly FieldSpec SchemaField = new("$schema", FieldKind.String, Description: "Editor schema reference; ignored by the service.");

    public static readonly IReadOnlyList<FieldSpec> Message =
    [
        new("role", FieldKind.String, Required: true, Values: MessageRoles),
        new("content", FieldKind.Any, Required: true, Description: "Template text, or input_text parts.", Schema: _ => new JsonObject
        {
            ["oneOf"] = new JsonArray(
                new JsonObject { ["type"] = "string", ["description"] = TemplateText },
                new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["type"] = new JsonObject { ["type"] = "string" },
                            ["text"] = new JsonObject { ["type"] = "string", ["description"] = TemplateText },
                        },
                    },
                }),
        }),
        new("type", FieldKind.String, Schema: _ => new JsonObject { ["const"] = "message" }),
    ];

    public static readonly IReadOnlyList<FieldSpec> SamplingParams =
    [
        new("seed", FieldKind.Integer),
        new("top_p", FieldKind.Number, Minimum: 0, Maximum: 1),
        new("temperature", FieldKind.Number, Minimum: 0, Maximum: 2),
        new("reasoning_effort", FieldKind.String, Values: SamplingReasoningEfforts),
        new("max_completions_tokens", FieldKind.Integer, Minimum: 1),
    ];

    private static readonly FieldSpec TypeField = new("type", FieldKind.String, Required: true);
    private static readonly FieldSpec NameField = new("name", FieldKind.String, Required: true, MinLength: 1,
        Description: "Grader name (in a multi grader, the key used in calculate_output).");
    private static readonly FieldSpec Input = new("input", FieldKind.String, Required: true, Description: TemplateText);
    private static readonly FieldSpec Reference = new("reference", FieldKind.String, Required: true, Description: TemplateText);
    private static readonly FieldSpec ModelMessages = new("input", FieldKind.Array, Required: true, Items: Message, MinItems: 1);
    private static readonly FieldSpec PassThreshold = new("pass_threshold", FieldKind.Number);

    private static JsonObject ModelExamples(RftCatalog catalog) => new() { ["examples"] = Strings(catalog.GraderModels) };

    public static readonly IReadOnlyList<GraderTypeSpec> Types =
    [
        new(GraderTypes.StringCheck, "Compares input with reference; reward 1 or 0.",
        [
            TypeField, NameField, Input, Reference,
            new("operation", FieldKind.String, Required: true, Values: StringCheckOperations,
                Description: "eq exact, ne not equal, like contains (case-sensitive), ilike contains (case-insensitive)."),
        ]),
        new(GraderTypes.TextSimilarity, "Similarity score between input and reference (0–1).",
        [
            TypeField, NameField, Input, Reference, new("evaluation_metric", FieldKind.String, Required: true, Values: EvaluationMetrics),
            new("pass_threshold", FieldKind.Number, Minimum: 0, Maximum: 1),
        ]),
        new(GraderTypes.ScoreModel, "A model scores the sample; output clipped to range.",
        [
            TypeField, NameField,
            new("model", FieldKind.String, Required: true, Description: "Allowed grader model.", Schema: c =>
            {
                // Any string is accepted by the editor (the validator names the allowed ones, RFT111).
                var schema = ModelExamples(c);
                schema["anyOf"] = new JsonArray(new JsonObject { ["enum"] = Strings(c.GraderModels) }, new JsonObject { ["type"] = "string" });
                return schema;
            }),
            ModelMessages,
            new("range", FieldKind.Array, MinItems: 2, MaxItems: 2, Description: "[min, max] of the score; default [0, 1].",
                Schema: _ => new JsonObject { ["items"] = new JsonObject { ["type"] = "number" } }),
            new("sampling_params", FieldKind.Object, Fields: SamplingParams), PassThreshold,
        ]),
        new(GraderTypes.LabelModel, "A model picks a label (not accepted as an RFT job grader).",
        [
            TypeField, NameField, new("model", FieldKind.String, Required: true, Schema: ModelExamples), ModelMessages,
            new("labels", FieldKind.Array, Required: true, MinItems: 2, Schema: _ => StringItems()),
            new("passing_labels", FieldKind.Array, Required: true, MinItems: 1, Schema: _ => StringItems()),
        ]),
        new(GraderTypes.Python, "Runs grade(sample, item) in a sandbox.",
        [
            TypeField, NameField,
            new("source", FieldKind.String, Required: true, Description: "Python source defining grade(sample, item) -> float; under 256 KB."),
            new("image_tag", FieldKind.String, Schema: _ => new JsonObject { ["examples"] = new JsonArray("2025-05-08") }),
        ]),
        new(GraderTypes.Multi, "Combines sub-graders with a formula.",
        [
            TypeField, NameField,
            new("graders", FieldKind.Object, Required: true, Schema: _ => new JsonObject
            {
                ["minProperties"] = 1,
                ["additionalProperties"] = new JsonObject { ["$ref"] = "#/$defs/child_grader" },
            }),
            new("calculate_output", FieldKind.String, Required: true,
                Description: "Formula over the keys of graders: + - * / ^, min max abs floor ceil exp sqrt log."),
        ]),
        new(GraderTypes.Endpoint, "Private preview: the service POSTs {sample, item} to url.",
        [
            TypeField, NameField with { Required = false },
            new("url", FieldKind.String, Required: true, Schema: _ => new JsonObject { ["format"] = "uri" }),
            new("headers", FieldKind.Object, Schema: _ => new JsonObject { ["additionalProperties"] = new JsonObject { ["type"] = "string" } }),
            new("rate_limit", FieldKind.Number, ExclusiveMinimum: 0), PassThreshold,
        ]),
    ];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<FieldSpec>> FieldsByType =
        Types.ToDictionary(t => t.Type, t => t.Fields);

    private static JsonObject StringItems() => new() { ["items"] = new JsonObject { ["type"] = "string" } };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    /// <summary>Sub-grader types a multi grader may hold (the Azure v1 spec's list plus python, which Azure docs run).</summary>
    public static readonly IReadOnlyList<string> MultiChildTypes =
        [GraderTypes.StringCheck, GraderTypes.TextSimilarity, GraderTypes.ScoreModel, GraderTypes.Python];

    /// <summary>What the <c>sample</c> namespace holds (docs/service.md §3.1).</summary>
    public static readonly IReadOnlyList<string> SampleFields = ["output_text", "output_json", "output_tools", "choices", "output_audio"];

    /// <summary>Grader models that reason: they take reasoning_effort, not temperature/top_p.</summary>
    public static bool IsReasoningModel(string model) =>
        model.StartsWith("o1", StringComparison.OrdinalIgnoreCase) || model.StartsWith("o3", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("o4", StringComparison.OrdinalIgnoreCase) || model.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase);
}
