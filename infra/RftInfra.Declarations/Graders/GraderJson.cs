using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Json;

namespace RftInfra.Graders;

/// <summary>
/// Binds a grader object to the typed records. Lenient on purpose: a missing or mistyped field becomes an
/// empty value here, and validation (with file and line) says what is wrong. Never throws on shape.
/// </summary>
public static class GraderJson
{
    /// <summary>Multi graders bound deeper than this are not followed (the service allows no nesting at all; validation says so).</summary>
    private const int MaxDepth = 8;

    public static Grader FromJson(JsonObject json) => FromJson(json, 0);

    private static Grader FromJson(JsonObject json, int depth)
    {
        var type = Str(json, "type");
        var name = Str(json, "name");
        return type switch
        {
            GraderTypes.StringCheck => new StringCheckGrader(
                name, Str(json, "input"), Str(json, "reference"), Str(json, "operation"), json),
            GraderTypes.TextSimilarity => new TextSimilarityGrader(
                name, Str(json, "input"), Str(json, "reference"), Str(json, "evaluation_metric"),
                Num(json, "pass_threshold"), json),
            GraderTypes.ScoreModel => BindScoreModel(name, json),
            GraderTypes.LabelModel => new LabelModelGrader(
                name, Str(json, "model"), Messages(json), Strings(json, "labels"), Strings(json, "passing_labels"), json),
            GraderTypes.Python => new PythonGrader(name, Str(json, "source"), OptStr(json, "image_tag"), json),
            GraderTypes.Multi => new MultiGrader(name, depth < MaxDepth ? SubGraders(json, depth) : [], Str(json, "calculate_output"), json),
            GraderTypes.Endpoint => new EndpointGrader(name, Str(json, "url"), Num(json, "pass_threshold"), json),
            _ => new UnknownGrader(type, name, json),
        };
    }

    public static Grader Parse(string json) =>
        FromJson(JsonNode.Parse(json) as JsonObject ?? throw new JsonException("A grader must be a JSON object."));

    private static ScoreModelGrader BindScoreModel(string name, JsonObject json)
    {
        double min = 0, max = 1;
        if (json["range"] is JsonArray { Count: 2 } range && AsDouble(range[0]) is { } lo && AsDouble(range[1]) is { } hi)
        {
            (min, max) = (lo, hi);
        }

        return new ScoreModelGrader(
            name, Str(json, "model"), Messages(json), min, max, json["sampling_params"] as JsonObject,
            Num(json, "pass_threshold"), json);
    }

    private static List<KeyValuePair<string, Grader>> SubGraders(JsonObject json, int depth)
    {
        var result = new List<KeyValuePair<string, Grader>>();
        if (json["graders"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                if (value is JsonObject child)
                {
                    result.Add(new(key, FromJson(child, depth + 1)));
                }
            }
        }

        return result;
    }

    /// <summary>Model grader messages; array content (input_text parts) is joined as the service joins text parts.</summary>
    private static List<GraderMessage> Messages(JsonObject json)
    {
        var result = new List<GraderMessage>();
        if (json["input"] is not JsonArray input)
        {
            return result;
        }

        foreach (var node in input)
        {
            if (node is not JsonObject message)
            {
                continue;
            }

            var content = message["content"] switch
            {
                JsonValue v when v.TryGetValue(out string? s) => s,
                JsonArray parts => string.Concat(parts.Select(p => p is JsonObject o ? Str(o, "text") : "")),
                JsonObject part => Str(part, "text"),
                _ => "",
            };
            result.Add(new GraderMessage(Str(message, "role"), content));
        }

        return result;
    }

    private static string Str(JsonObject json, string key) => OptStr(json, key) ?? "";

    private static string? OptStr(JsonObject json, string key) =>
        json[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static double? Num(JsonObject json, string key) => AsDouble(json[key]);

    private static double? AsDouble(JsonNode? node) =>
        JsonNumber.AsDouble(node);

    private static List<string> Strings(JsonObject json, string key) =>
        json[key] is JsonArray a
            ? a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : "").ToList()
            : [];
}
