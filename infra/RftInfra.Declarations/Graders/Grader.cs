using System.Text.Json.Nodes;

namespace RftInfra.Graders;

/// <summary>The grader type names the service knows (docs/service.md §3.2).</summary>
public static class GraderTypes
{
    public const string StringCheck = "string_check";
    public const string TextSimilarity = "text_similarity";
    public const string ScoreModel = "score_model";
    public const string LabelModel = "label_model";
    public const string Python = "python";
    public const string Multi = "multi";
    public const string Endpoint = "endpoint";

    public static readonly IReadOnlyList<string> All =
        [StringCheck, TextSimilarity, ScoreModel, LabelModel, Python, Multi, Endpoint];
}

/// <summary>
/// A grader exactly as the service takes it. Polymorphic on <c>type</c> with an unknown fallback
/// (openai-dotnet's habit); <see cref="Json"/> keeps the object as written, so fields the kit does not model
/// survive the trip to canonical JSON and to the service.
/// </summary>
public abstract record Grader(string Type, string Name, JsonObject Json)
{
    /// <summary>The grader as the service gets it, with sorted keys and no whitespace: the basis of spec hashes.</summary>
    public string CanonicalJson => CanonicalJsonWriter.Write(Json);
}

/// <summary>A message of a model grader's prompt; <see cref="Content"/> is the template text.</summary>
public sealed record GraderMessage(string Role, string Content);

public sealed record StringCheckGrader(string Name, string Input, string Reference, string Operation, JsonObject Json)
    : Grader(GraderTypes.StringCheck, Name, Json);

public sealed record TextSimilarityGrader(
    string Name, string Input, string Reference, string EvaluationMetric, double? PassThreshold, JsonObject Json)
    : Grader(GraderTypes.TextSimilarity, Name, Json);

public sealed record ScoreModelGrader(
    string Name,
    string Model,
    IReadOnlyList<GraderMessage> Input,
    double RangeMin,
    double RangeMax,
    JsonObject? SamplingParams,
    double? PassThreshold,
    JsonObject Json)
    : Grader(GraderTypes.ScoreModel, Name, Json);

public sealed record LabelModelGrader(
    string Name,
    string Model,
    IReadOnlyList<GraderMessage> Input,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> PassingLabels,
    JsonObject Json)
    : Grader(GraderTypes.LabelModel, Name, Json);

public sealed record PythonGrader(string Name, string Source, string? ImageTag, JsonObject Json)
    : Grader(GraderTypes.Python, Name, Json);

/// <summary>Sub-graders keep their declaration order (the key is the name used in calculate_output).</summary>
public sealed record MultiGrader(
    string Name, IReadOnlyList<KeyValuePair<string, Grader>> Graders, string CalculateOutput, JsonObject Json)
    : Grader(GraderTypes.Multi, Name, Json);

public sealed record EndpointGrader(string Name, string Url, double? PassThreshold, JsonObject Json)
    : Grader(GraderTypes.Endpoint, Name, Json);

/// <summary>A type the kit does not know: kept as written, reported by validation.</summary>
public sealed record UnknownGrader(string Type, string Name, JsonObject Json) : Grader(Type, Name, Json);
