using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Declarations;

/// <summary>Strict readers for catalog fields: every error names the field (<c>models[0].training_types.standard</c>).</summary>
internal static class CatalogJson
{
    private static string Name(string at, string key) => at.Length == 0 ? key : $"{at}.{key}";

    public static JsonObject Obj(JsonObject o, string key, string at = "") =>
        o[key] as JsonObject ?? throw new JsonException($"Catalog field '{Name(at, key)}' must be an object.");

    public static JsonArray Arr(JsonObject o, string key, string at = "") =>
        o[key] as JsonArray ?? throw new JsonException($"Catalog field '{Name(at, key)}' must be an array.");

    public static string Str(JsonObject o, string key, string at = "") =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : throw new JsonException($"Catalog field '{Name(at, key)}' must be a string.");

    public static string? OptionalStr(JsonObject o, string key, string at = "") =>
        o[key] is null ? null : Str(o, key, at);

    public static long Long(JsonObject o, string key, string at = "") =>
        o[key] is JsonValue v && v.TryGetValue(out long l) ? l : throw new JsonException($"Catalog field '{Name(at, key)}' must be an integer.");

    public static List<string> Strings(JsonNode? node, string what) =>
        node is JsonArray a
            ? a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : throw new JsonException($"Catalog '{what}' must hold strings.")).ToList()
            : throw new JsonException($"Catalog field '{what}' must be an array of strings.");

    /// <summary>A list of region names, each one of <paramref name="known"/>.</summary>
    public static List<string> Regions(JsonNode? node, string what, IReadOnlySet<string> known)
    {
        var regions = Strings(node, what);
        if (regions.FirstOrDefault(r => !known.Contains(r)) is { } unknown)
        {
            throw new JsonException($"Catalog field '{what}' names region '{unknown}', which is not in the list it may take from (the catalog's 'regions', or the tier's 'regions' for 'inferred').");
        }

        return regions;
    }

    public static void OneOf(string value, IReadOnlyCollection<string> allowed, string what)
    {
        if (!allowed.Contains(value))
        {
            throw new JsonException($"Catalog field '{what}' is '{value}'; use one of: {string.Join(", ", allowed)}.");
        }
    }
}
