using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Core.ProviderModel;

/// <summary>
/// Builds the Pulumi package schema (the JSON the provider returns from GetSchema) from
/// <see cref="RftResourceTypes"/>: every input and output with its type, description, secrecy and whether a change
/// replaces the resource. Shape per the Pulumi package schema: <c>config.variables</c>, <c>provider</c>, and
/// <c>resources[token]</c> with <c>properties</c>/<c>required</c> (outputs) and
/// <c>inputProperties</c>/<c>requiredInputs</c>.
/// </summary>
public static class PackageSchema
{
    public static string Build(string version)
    {
        var resources = new JsonObject();
        foreach (var type in RftResourceTypes.All)
        {
            resources[type.Token] = new JsonObject
            {
                ["description"] = type.Description,
                ["properties"] = Properties(type.Outputs),
                ["required"] = Names(type.Outputs.Where(p => p.Required)),
                ["inputProperties"] = Properties(type.Inputs),
                ["requiredInputs"] = Names(type.Inputs.Where(p => p.Required)),
            };
        }

        var schema = new JsonObject
        {
            ["name"] = RftResourceTypes.Package,
            ["displayName"] = "RftInfra",
            ["version"] = version,
            ["description"] = "Reinforcement fine-tuning on Azure OpenAI: training files, graders and fine-tuning jobs as resources.",
            ["config"] = new JsonObject
            {
                ["variables"] = Properties(RftResourceTypes.ProviderConfig),
            },
            ["provider"] = new JsonObject
            {
                ["description"] = "The rft provider: one instance per Azure OpenAI account.",
                ["properties"] = Properties(RftResourceTypes.ProviderConfig),
                ["inputProperties"] = Properties(RftResourceTypes.ProviderConfig),
                ["requiredInputs"] = Names(RftResourceTypes.ProviderConfig.Where(p => p.Required)),
            },
            ["resources"] = resources,
        };

        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Properties(IEnumerable<PropertyDescription> properties)
    {
        var result = new JsonObject();
        foreach (var property in properties)
        {
            var spec = Type(property.Kind);
            spec["description"] = property.Description;
            if (property.Secret)
            {
                spec["secret"] = true;
            }

            if (property.ReplaceOnChanges)
            {
                spec["replaceOnChanges"] = true;
            }

            result[property.Name] = spec;
        }

        return result;
    }

    private static JsonObject Type(PropertyKind kind) => kind switch
    {
        PropertyKind.String => new JsonObject { ["type"] = "string" },
        PropertyKind.Integer => new JsonObject { ["type"] = "integer" },
        PropertyKind.Number => new JsonObject { ["type"] = "number" },
        PropertyKind.Boolean => new JsonObject { ["type"] = "boolean" },
        PropertyKind.Json => new JsonObject { ["$ref"] = "pulumi.json#/Any" },
        PropertyKind.StringMap => new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = new JsonObject { ["type"] = "string" },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static JsonArray Names(IEnumerable<PropertyDescription> properties) =>
        new(properties.Select(p => (JsonNode?)JsonValue.Create(p.Name)).ToArray());
}
