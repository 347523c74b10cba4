using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Validation;

/// <summary>
/// Writes schemas/job.schema.json and schemas/grader.schema.json (JSON Schema 2020-12, for editors) from the field
/// descriptions (<see cref="JobShape"/>, <see cref="GraderShape"/>) and the catalog. The checked-in files are
/// compared with this output by a test; RFT_UPDATE_SCHEMAS=1 rewrites them (docs/declarations.md).
/// </summary>
public static class JsonSchemaWriter
{
    private const string Draft = "https://json-schema.org/draft/2020-12/schema";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string JobSchemaText(RftCatalog catalog) => Text(JobSchema(catalog));

    public static string GraderSchemaText(RftCatalog catalog) => Text(GraderSchema(catalog));

    public static JsonObject JobSchema(RftCatalog catalog)
    {
        var schema = new JsonObject
        {
            ["$schema"] = Draft,
            ["title"] = "RftInfra job (jobs/*.yaml|json)",
            ["description"] = "An Azure OpenAI reinforcement fine-tuning job declaration. Checked by rft validate; reconciled by the Pulumi provider.",
        };
        AddObject(schema, JobShape.Fields, catalog);
        return schema;
    }

    public static JsonObject GraderSchema(RftCatalog catalog)
    {
        var defs = new JsonObject();
        foreach (var type in GraderShape.Types)
        {
            var def = new JsonObject { ["description"] = type.Description };
            AddObject(def, type.Fields.Prepend(GraderShape.SchemaField).ToList(), catalog, graderType: type.Type);
            defs[type.Type] = def;
        }

        var child = new JsonObject();
        AddTypeSwitch(child, GraderShape.MultiChildTypes);
        defs["child_grader"] = child;

        var schema = new JsonObject
        {
            ["$schema"] = Draft,
            ["title"] = "RftInfra grader (graders/*.json|yaml)",
            ["description"] = "Exactly the grader object Azure OpenAI reinforcement fine-tuning takes (docs/service.md §3). Checked by rft validate.",
        };
        AddTypeSwitch(schema, GraderShape.Types.Select(t => t.Type).ToList());
        schema["$defs"] = defs;
        return schema;
    }

    /// <summary>type: one of <paramref name="types"/>, then "if type is X then #/$defs/X" for each.</summary>
    private static void AddTypeSwitch(JsonObject schema, IReadOnlyList<string> types)
    {
        schema["type"] = "object";
        schema["required"] = new JsonArray("type");
        schema["properties"] = new JsonObject { ["type"] = new JsonObject { ["enum"] = Array(types) } };
        schema["allOf"] = new JsonArray(types.Select(type => (JsonNode?)new JsonObject
        {
            ["if"] = new JsonObject
            {
                ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = type } },
                ["required"] = new JsonArray("type"),
            },
            ["then"] = new JsonObject { ["$ref"] = $"#/$defs/{type}" },
        }).ToArray());
    }

    private static void AddObject(JsonObject schema, IReadOnlyList<FieldSpec> fields, RftCatalog catalog, string? graderType = null)
    {
        schema["type"] = "object";
        schema["additionalProperties"] = false;
        var required = fields.Where(f => f.Required || f.SchemaRequired).Select(f => f.Name).ToList();
        if (required.Count > 0)
        {
            schema["required"] = Array(required);
        }

        var properties = new JsonObject();
        foreach (var field in fields)
        {
            // A grader definition's own type is a constant: the definition applies to that type only.
            properties[field.Name] = graderType is not null && field.Name == "type"
                ? new JsonObject { ["const"] = graderType }
                : Field(field, catalog);
        }

        schema["properties"] = properties;
    }

    private static JsonObject Field(FieldSpec field, RftCatalog catalog)
    {
        var schema = new JsonObject();
        var values = field.Values ?? field.CatalogValues?.Invoke(catalog);
        if (values is not null)
        {
            schema["enum"] = Array(values);
        }
        else
        {
            switch (field.Kind)
            {
                case FieldKind.IntegerOrAuto or FieldKind.NumberOrAuto:
                    var number = new JsonObject { ["type"] = field.Kind == FieldKind.IntegerOrAuto ? "integer" : "number" };
                    AddRange(number, field);
                    schema["oneOf"] = new JsonArray(number, new JsonObject { ["const"] = "auto" });
                    break;
                case FieldKind.StringOrObject:
                    schema["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "object" });
                    break;
                case FieldKind.Any:
                    break;
                default:
                    schema["type"] = TypeName(field.Kind);
                    AddRange(schema, field);
                    break;
            }
        }

        Add(schema, "pattern", field.Pattern);
        Add(schema, "minLength", field.MinLength);
        Add(schema, "maxLength", field.MaxLength);
        Add(schema, "minItems", field.MinItems);
        Add(schema, "maxItems", field.MaxItems);
        Add(schema, "description", field.Description);
        if (field.Fields is not null)
        {
            AddObject(schema, field.Fields, catalog);
        }

        if (field.Items is not null)
        {
            var items = new JsonObject();
            AddObject(items, field.Items, catalog);
            schema["items"] = items;
        }

        foreach (var (key, value) in field.Schema?.Invoke(catalog) ?? [])
        {
            schema[key] = value?.DeepClone();
        }

        return schema;
    }

    private static void AddRange(JsonObject schema, FieldSpec field)
    {
        Add(schema, "minimum", field.Minimum);
        Add(schema, "exclusiveMinimum", field.ExclusiveMinimum);
        Add(schema, "maximum", field.Maximum);
    }

    private static string TypeName(FieldKind kind) => kind switch
    {
        FieldKind.String => "string",
        FieldKind.Integer => "integer",
        FieldKind.Number => "number",
        FieldKind.Boolean => "boolean",
        FieldKind.Object => "object",
        FieldKind.Array => "array",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no single JSON Schema type"),
    };

    private static void Add(JsonObject schema, string key, string? value)
    {
        if (value is not null)
        {
            schema[key] = value;
        }
    }

    private static void Add(JsonObject schema, string key, double? value)
    {
        if (value is { } d)
        {
            schema[key] = d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);
        }
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static string Text(JsonObject schema) => schema.ToJsonString(Indented).Replace("\r\n", "\n") + "\n";
}
