using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Templates;

namespace RftInfra.Validation;

/// <summary>
/// A job's response_format: finding its JSON schema (chat-completions shape <c>{type, json_schema:{name, strict,
/// schema}}</c> or Learn's flattened <c>{type, name, strict, schema}</c>), checking the schema against the strict
/// structured-outputs subset, and resolving <c>sample.output_json.*</c> paths against it.
/// </summary>
public static partial class ResponseFormats
{
    /// <summary>Keywords strict structured outputs accept.</summary>
    public static readonly IReadOnlySet<string> SupportedKeywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "$ref", "$defs",
        "definitions", "description", "title", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
    };

    public const int MaxDepth = 10;
    public const int MaxProperties = 5000;

    /// <summary>The schema object and its path, or null when the response format has none.</summary>
    public static (JsonObject? Schema, string Path) FindSchema(JsonObject responseFormat, string path)
    {
        if (responseFormat["json_schema"] is JsonObject wrapped)
        {
            var wrappedPath = SourceMap.Child(path, "json_schema");
            return (wrapped["schema"] as JsonObject, SourceMap.Child(wrappedPath, "schema"));
        }

        return (responseFormat["schema"] as JsonObject, SourceMap.Child(path, "schema"));
    }

    public static bool ProducesJson(JsonObject responseFormat) => Shape.AsString(responseFormat["type"]) == "json_schema";

    public static void Check(JsonObject responseFormat, string path, string file, SourceMap positions, List<Diagnostic> diagnostics)
    {
        var type = Shape.AsString(responseFormat["type"]);
        if (type != "json_schema")
        {
            if (type != "text")
            {
                diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(SourceMap.Child(path, "type")),
                    $"response_format type '{type ?? "(missing)"}' is not supported for RFT sampling.",
                    "Use type: json_schema with a json_schema object (name, strict: true, schema)."));
            }

            return;
        }

        var settings = responseFormat["json_schema"] as JsonObject ?? responseFormat;
        var settingsPath = responseFormat["json_schema"] is JsonObject ? SourceMap.Child(path, "json_schema") : path;
        var name = Shape.AsString(settings["name"]);
        if (name is null || !SchemaName().IsMatch(name))
        {
            diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(SourceMap.Child(settingsPath, "name")),
                name is null ? "response_format json_schema has no name." : $"response_format name '{name}' is not valid.",
                "Give json_schema a name of 1–64 characters from a-z, A-Z, 0-9, '_' and '-'."));
        }

        if (!(settings["strict"] is JsonValue strict && strict.TryGetValue(out bool isStrict) && isStrict))
        {
            diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(SourceMap.Child(settingsPath, "strict")),
                "response_format json_schema is not strict, so the model may return JSON the grader cannot read.",
                "Set strict: true."));
        }

        var (schema, schemaPath) = FindSchema(responseFormat, path);
        if (schema is null)
        {
            diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(settingsPath),
                "response_format json_schema has no schema object.", "Add schema: an object schema with properties."));
            return;
        }

        if (Shape.AsString(schema["type"]) != "object")
        {
            diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(schemaPath),
                "The root of a strict response schema must be type: object (not anyOf or another type).",
                "Wrap the value in an object with one property."));
        }

        var propertyCount = 0;
        CheckNode(schema, schemaPath, 1, file, positions, diagnostics, ref propertyCount);
        if (propertyCount > MaxProperties)
        {
            diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(schemaPath),
                $"The response schema has {propertyCount} properties; strict structured outputs allow at most {MaxProperties}."));
        }
    }

    private static void CheckNode(
        JsonObject node, string path, int depth, string file, SourceMap positions, List<Diagnostic> diagnostics, ref int propertyCount)
    {
        if (depth > MaxDepth)
        {
            diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(path),
                $"The response schema nests deeper than {MaxDepth} levels, the strict structured-outputs limit."));
            return;
        }

        foreach (var (keyword, _) in node)
        {
            if (!SupportedKeywords.Contains(keyword))
            {
                diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Key(SourceMap.Child(path, keyword)),
                    $"Keyword '{keyword}' is not supported by strict structured outputs.",
                    $"Remove it; supported keywords: {string.Join(", ", SupportedKeywords)}."));
            }
        }

        var isObject = Shape.AsString(node["type"]) == "object"
            || (node["type"] is JsonArray types && types.Any(t => Shape.AsString(t) == "object"))
            || node["properties"] is JsonObject;
        if (isObject)
        {
            var properties = node["properties"] as JsonObject ?? [];
            propertyCount += properties.Count;
            if (!(node["additionalProperties"] is JsonValue ap && ap.TryGetValue(out bool allowed) && !allowed))
            {
                diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(path),
                    $"Object schema at '{path}' must set additionalProperties: false for strict structured outputs.",
                    "Add additionalProperties: false."));
            }

            var required = (node["required"] as JsonArray)?.Select(Shape.AsString).OfType<string>().ToHashSet() ?? [];
            var optional = properties.Select(p => p.Key).Where(k => !required.Contains(k)).ToList();
            if (optional.Count > 0)
            {
                diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(SourceMap.Child(path, "required")),
                    $"Strict structured outputs require every property; not in 'required': {string.Join(", ", optional)}.",
                    "List every property in required; make a value optional with type: [\"string\", \"null\"]."));
            }

            foreach (var extra in required.Where(r => !properties.ContainsKey(r)))
            {
                diagnostics.Add(JobDiagnostics.ResponseFormat(file, positions.Value(SourceMap.Child(path, "required")),
                    $"'required' lists '{extra}', which is not in properties."));
            }

            foreach (var (key, child) in properties)
            {
                if (child is JsonObject childSchema)
                {
                    CheckNode(childSchema, SourceMap.Child(SourceMap.Child(path, "properties"), key), depth + 1, file, positions, diagnostics, ref propertyCount);
                }
            }
        }

        if (node["items"] is JsonObject items)
        {
            CheckNode(items, SourceMap.Child(path, "items"), depth + 1, file, positions, diagnostics, ref propertyCount);
        }

        if (node["anyOf"] is JsonArray anyOf)
        {
            for (var i = 0; i < anyOf.Count; i++)
            {
                if (anyOf[i] is JsonObject branch)
                {
                    CheckNode(branch, SourceMap.Item(SourceMap.Child(path, "anyOf"), i), depth + 1, file, positions, diagnostics, ref propertyCount);
                }
            }
        }

        foreach (var defsKey in new[] { "$defs", "definitions" })
        {
            if (node[defsKey] is JsonObject defs)
            {
                foreach (var (key, def) in defs)
                {
                    if (def is JsonObject defSchema)
                    {
                        CheckNode(defSchema, SourceMap.Child(SourceMap.Child(path, defsKey), key), depth, file, positions, diagnostics, ref propertyCount);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="segments"/> (the steps after <c>sample.output_json</c>) exist in the schema.
    /// On failure, <paramref name="available"/> holds the property names at the level where the walk stopped.
    /// </summary>
    public static bool TryResolve(JsonObject rootSchema, IEnumerable<PathSegment> segments, out IReadOnlyList<string> available)
    {
        IReadOnlyList<JsonObject> current = [rootSchema];
        available = [];
        foreach (var segment in segments)
        {
            var candidates = current.SelectMany(c => Expand(rootSchema, c, 0)).ToList();
            var next = new List<JsonObject>();
            foreach (var candidate in candidates)
            {
                if (segment.IsIndex)
                {
                    if (candidate["items"] is JsonObject items)
                    {
                        next.Add(items);
                    }
                }
                else if (candidate["properties"] is JsonObject properties && properties[segment.Property!] is JsonObject property)
                {
                    next.Add(property);
                }
            }

            if (next.Count == 0)
            {
                available = candidates.SelectMany(c => (c["properties"] as JsonObject)?.Select(p => p.Key) ?? []).Distinct().ToList();
                return false;
            }

            current = next;
        }

        return true;
    }

    // A schema node and the alternatives it stands for: $ref targets and anyOf branches.
    private static IEnumerable<JsonObject> Expand(JsonObject root, JsonObject node, int depth)
    {
        if (depth > MaxDepth)
        {
            yield break;
        }

        if (Shape.AsString(node["$ref"]) is { } reference && Resolve(root, reference) is { } target)
        {
            foreach (var expanded in Expand(root, target, depth + 1))
            {
                yield return expanded;
            }
        }

        if (node["anyOf"] is JsonArray anyOf)
        {
            foreach (var branch in anyOf.OfType<JsonObject>())
            {
                foreach (var expanded in Expand(root, branch, depth + 1))
                {
                    yield return expanded;
                }
            }
        }

        yield return node;
    }

    private static JsonObject? Resolve(JsonObject root, string reference)
    {
        if (reference == "#")
        {
            return root;
        }

        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? node = root;
        foreach (var part in reference[2..].Split('/'))
        {
            node = (node as JsonObject)?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node as JsonObject;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex SchemaName();
}
