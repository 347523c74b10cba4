using RftInfra.Core.Graders;

namespace RftInfra.Core.Validation;

/// <summary>The fields each grader type takes (rft-api.md §3.2), mirrored by schemas/grader.schema.json.</summary>
public static class GraderShape
{
    public static readonly IReadOnlyList<FieldSpec> Message =
    [
        new("role", FieldKind.String, Required: true),
        new("content", FieldKind.Any, Required: true),
        new("type", FieldKind.String),
    ];

    public static readonly IReadOnlyList<FieldSpec> SamplingParams =
    [
        new("seed", FieldKind.Integer),
        new("top_p", FieldKind.Number),
        new("temperature", FieldKind.Number),
        new("reasoning_effort", FieldKind.String),
        new("max_completions_tokens", FieldKind.Integer),
    ];

    private static readonly FieldSpec TypeField = new("type", FieldKind.String, Required: true);
    private static readonly FieldSpec NameField = new("name", FieldKind.String, Required: true);
    private static readonly FieldSpec Input = new("input", FieldKind.String, Required: true);
    private static readonly FieldSpec Reference = new("reference", FieldKind.String, Required: true);
    private static readonly FieldSpec ModelMessages = new("input", FieldKind.Array, Required: true, Items: Message);
    private static readonly FieldSpec Model = new("model", FieldKind.String, Required: true);
    private static readonly FieldSpec PassThreshold = new("pass_threshold", FieldKind.Number);

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<FieldSpec>> FieldsByType =
        new Dictionary<string, IReadOnlyList<FieldSpec>>
        {
            [GraderTypes.StringCheck] = [TypeField, NameField, Input, Reference, new("operation", FieldKind.String, Required: true)],
            [GraderTypes.TextSimilarity] =
                [TypeField, NameField, Input, Reference, new("evaluation_metric", FieldKind.String, Required: true), PassThreshold],
            [GraderTypes.ScoreModel] =
            [
                TypeField, NameField, Model, ModelMessages, new("range", FieldKind.Array),
                new("sampling_params", FieldKind.Object, Fields: SamplingParams), PassThreshold,
            ],
            [GraderTypes.LabelModel] =
            [
                TypeField, NameField, Model, ModelMessages, new("labels", FieldKind.Array, Required: true),
                new("passing_labels", FieldKind.Array, Required: true),
            ],
            [GraderTypes.Python] = [TypeField, NameField, new("source", FieldKind.String, Required: true), new("image_tag", FieldKind.String)],
            [GraderTypes.Multi] =
            [
                TypeField, NameField, new("graders", FieldKind.Object, Required: true),
                new("calculate_output", FieldKind.String, Required: true),
            ],
            [GraderTypes.Endpoint] =
            [
                TypeField, new("name", FieldKind.String), new("url", FieldKind.String, Required: true),
                new("headers", FieldKind.Object), new("rate_limit", FieldKind.Number), PassThreshold,
            ],
        };

    /// <summary>Sub-grader types a multi grader may hold (the Azure v1 spec's list plus python, which Azure docs run).</summary>
    public static readonly IReadOnlyList<string> MultiChildTypes =
        [GraderTypes.StringCheck, GraderTypes.TextSimilarity, GraderTypes.ScoreModel, GraderTypes.Python];

    /// <summary>What the <c>sample</c> namespace holds (rft-api.md §3.1).</summary>
    public static readonly IReadOnlyList<string> SampleFields = ["output_text", "output_json", "output_tools", "choices", "output_audio"];

    /// <summary>Grader models that reason: they take reasoning_effort, not temperature/top_p.</summary>
    public static bool IsReasoningModel(string model) =>
        model.StartsWith("o1", StringComparison.OrdinalIgnoreCase) || model.StartsWith("o3", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("o4", StringComparison.OrdinalIgnoreCase) || model.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase);
}
