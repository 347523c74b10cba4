using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.ProviderModel;

/// <summary>
/// Builds the Pulumi package schema (the JSON the provider returns from GetSchema) from
/// <see cref="RftResourceTypes"/>: every input and output with its type, description, secrecy and whether a change
/// replaces the resource. Shape per the Pulumi package schema: <c>config.variables</c>, <c>provider</c>, and
/// <c>resources[token]</c> with <c>properties</c>/<c>required</c> (outputs, plus the inputs that replace) and
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
                ["properties"] = Properties(OutputProperties(type)),
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

    /// <summary>
    /// The outputs, marked replace-on-change where an input of that name replaces, followed by the replacing inputs
    /// that are not outputs: Pulumi reads <c>replaceOnChanges</c> from <c>properties</c> only (codegen's
    /// Resource.ReplaceOnChanges walks the resource's properties), so a flag under <c>inputProperties</c> alone is lost.
    /// </summary>
    private static IEnumerable<PropertyDescription> OutputProperties(ResourceTypeDescription type)
    {
        var replacing = type.Inputs.Where(i => i.ReplaceOnChanges).ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var output in type.Outputs)
        {
            yield return replacing.Remove(output.Name) ? output with { ReplaceOnChanges = true } : output;
        }

        foreach (var input in type.Inputs.Where(i => replacing.ContainsKey(i.Name)))
        {
            yield return input with { Required = false };
        }
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
