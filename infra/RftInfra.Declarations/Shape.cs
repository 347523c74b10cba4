using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Text;
using RftInfra.Json;

namespace RftInfra.Declarations;

public enum FieldKind
{
    String,
    Integer,
    Number,
    IntegerOrAuto,
    NumberOrAuto,
    Boolean,
    Object,
    Array,
    StringOrObject,
    Any,
}

/// <summary>
/// One field of a declaration object, the single description of it. <see cref="Fields"/> describes an object's own
/// fields (null = a free-form map such as metadata or a JSON schema); <see cref="Items"/> describes the objects of an
/// array. <see cref="Shape.Check"/> checks names, required and JSON kinds; the value rules (<see cref="Values"/>,
/// ranges, <see cref="Pattern"/>, lengths) are checked by the job and grader checkers under their own codes, and
/// all of it is written to schemas/ by <see cref="JsonSchemaWriter"/> (a test fails when the files differ).
/// <see cref="CatalogValues"/> takes the allowed values from the catalog (regions, SKUs) instead of code;
/// <see cref="Schema"/> adds JSON Schema keywords the record has no member for (examples, oneOf, const);
/// <see cref="SchemaRequired"/> marks a field the schema requires while its checker reports it under its own code.
/// See docs/declarations.md.
/// </summary>
public sealed record FieldSpec(
    string Name,
    FieldKind Kind,
    bool Required = false,
    IReadOnlyList<FieldSpec>? Fields = null,
    IReadOnlyList<FieldSpec>? Items = null,
    string? Description = null,
    IReadOnlyList<string>? Values = null,
    Func<RftCatalog, IReadOnlyList<string>>? CatalogValues = null,
    string? Pattern = null,
    double? Minimum = null,
    double? ExclusiveMinimum = null,
    double? Maximum = null,
    int? MinLength = null,
    int? MaxLength = null,
    int? MinItems = null,
    int? MaxItems = null,
    Func<RftCatalog, JsonObject>? Schema = null,
    bool SchemaRequired = false);

/// <summary>The findings a shape check produces, so grader and job checks report under their own codes.</summary>
public sealed record ShapeFindings(
    Func<string, SourcePosition, string, string, IReadOnlyList<string>, Diagnostic> UnknownField,
    Func<string, SourcePosition, string, string, Diagnostic> MissingField,
    Func<string, SourcePosition, string, string, string, Diagnostic> WrongType);

/// <summary>Checks an object against field specs: unknown keys (with "did you mean"), missing required keys, JSON types.</summary>
public static class Shape
{
    public static void Check(
        JsonObject obj, IReadOnlyList<FieldSpec> fields, string path, string file, SourceMap positions,
        ShapeFindings findings, List<Diagnostic> diagnostics)
    {
        var names = fields.Select(f => f.Name).ToList();
        foreach (var (key, value) in obj)
        {
            var childPath = SourceMap.Child(path, key);
            var spec = fields.FirstOrDefault(f => f.Name == key);
            if (spec is null)
            {
                diagnostics.Add(findings.UnknownField(file, positions.Key(childPath), key, Describe(path), names));
                continue;
            }

            if (value is null && !spec.Required)
            {
                continue;
            }

            if (!Matches(value, spec.Kind))
            {
                diagnostics.Add(findings.WrongType(file, positions.Value(childPath), Describe(childPath), Expected(spec.Kind), KindOf(value)));
                continue;
            }

            if (value is JsonObject child && spec.Fields is not null)
            {
                Check(child, spec.Fields, childPath, file, positions, findings, diagnostics);
            }

            if (value is JsonArray array && spec.Items is not null)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    var itemPath = SourceMap.Item(childPath, i);
                    if (array[i] is JsonObject item)
                    {
                        Check(item, spec.Items, itemPath, file, positions, findings, diagnostics);
                    }
                    else
                    {
                        diagnostics.Add(findings.WrongType(file, positions.Value(itemPath), Describe(itemPath), "an object", KindOf(array[i])));
                    }
                }
            }
        }

        foreach (var spec in fields.Where(f => f.Required && obj[f.Name] is null))
        {
            diagnostics.Add(findings.MissingField(file, positions.Value(path), spec.Name, Describe(path)));
        }
    }

    public static string Describe(string path) => path.Length == 0 ? "the top level" : $"'{path}'";

    public static bool Matches(JsonNode? value, FieldKind kind) => kind switch
    {
        FieldKind.Any => true,
        FieldKind.String => IsString(value),
        FieldKind.Integer => IsInteger(value),
        FieldKind.Number => IsNumber(value),
        FieldKind.IntegerOrAuto => IsInteger(value) || IsAuto(value),
        FieldKind.NumberOrAuto => IsNumber(value) || IsAuto(value),
        FieldKind.Boolean => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        FieldKind.Object => value is JsonObject,
        FieldKind.Array => value is JsonArray,
        FieldKind.StringOrObject => IsString(value) || value is JsonObject,
        _ => false,
    };

    public static bool IsString(JsonNode? value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public static bool IsNumber(JsonNode? value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    public static bool IsInteger(JsonNode? value) =>
        JsonNumber.AsDouble(value) is { } d && Math.Floor(d) == d && !double.IsInfinity(d);

    public static bool IsAuto(JsonNode? value) => IsString(value) && value!.GetValue<string>() == "auto";

    public static string? AsString(JsonNode? value) => IsString(value) ? value!.GetValue<string>() : null;

    public static double? AsNumber(JsonNode? value) => JsonNumber.AsDouble(value);

    public static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string \"{Truncate(v.GetValue<string>())}\"",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => v.GetValueKind().ToString().ToLowerInvariant(),
        },
        _ => "an unknown value",
    };

    private static string Expected(FieldKind kind) => kind switch
    {
        FieldKind.String => "a string",
        FieldKind.Integer => "an integer",
        FieldKind.Number => "a number",
        FieldKind.IntegerOrAuto => "an integer or \"auto\"",
        FieldKind.NumberOrAuto => "a number or \"auto\"",
        FieldKind.Boolean => "true or false",
        FieldKind.Object => "an object",
        FieldKind.Array => "an array",
        FieldKind.StringOrObject => "a string or an object",
        _ => "a value",
    };

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "…" : s;

    internal static string Suggest(string value, IReadOnlyList<string> candidates) => EditDistance.DidYouMean(value, candidates);
}
