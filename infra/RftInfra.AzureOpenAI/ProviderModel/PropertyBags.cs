using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Lifecycles;

namespace RftInfra.ProviderModel;

/// <summary>
/// The conversion rules between Pulumi property values and the lifecycles' <see cref="JsonObject"/> bags that do
/// not need Pulumi types, so they are tested here. The provider only walks PropertyValue trees and applies these.
/// <list type="bullet">
/// <item>An unknown value (during preview) becomes <see cref="UnknownSentinel"/>, the same string the Pulumi engine
/// uses on the wire; lifecycles see it as "will change, value not known yet".</item>
/// <item>Secretness is tracked per top-level property: a secret anywhere inside a property makes that output
/// property secret, and declared-secret outputs are always secret.</item>
/// <item>In a preview, every output the lifecycle could not know is reported unknown, never empty: a known null would
/// reach the program as a value, and the SDK leaves null inputs out of the next resource (a job would lose its
/// file ids). So in a preview a null output is not a known value.</item>
/// </list>
/// </summary>
public static class PropertyBags
{
    /// <summary>Pulumi's wire value for an unknown string (sdk/go/common/resource/plugin: UnknownStringValue).</summary>
    public const string UnknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    public static bool IsUnknown(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == UnknownSentinel;

    /// <summary>Top-level properties that are unknown or contain an unknown anywhere inside.</summary>
    public static IReadOnlyList<string> UnknownKeys(JsonObject bag) =>
        bag.Where(p => ContainsUnknown(p.Value)).Select(p => p.Key).ToList();

    public static bool ContainsUnknown(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Any(p => ContainsUnknown(p.Value)),
        JsonArray array => array.Any(ContainsUnknown),
        _ => IsUnknown(node),
    };

    /// <summary>
    /// Outputs to report as unknown in a preview: declared outputs the lifecycle did not return, and any output it
    /// returned null (not known before the cloud answers) or unknown.
    /// </summary>
    public static IReadOnlyList<string> PreviewUnknownOutputs(ResourceTypeDescription type, JsonObject outputs) =>
        type.OutputNames.Concat(outputs.Select(p => p.Key)).Distinct(StringComparer.Ordinal)
            .Where(name => outputs[name] is null || ContainsUnknown(outputs[name]))
            .ToList();

    /// <summary>
    /// A preview's outputs as the provider reports them: the lifecycle's values, with every output of
    /// <see cref="PreviewUnknownOutputs"/> replaced by <see cref="UnknownSentinel"/>.
    /// </summary>
    public static JsonObject PreviewOutputs(ResourceTypeDescription type, JsonObject outputs)
    {
        var result = (JsonObject)outputs.DeepClone();
        foreach (var name in PreviewUnknownOutputs(type, outputs))
        {
            result[name] = UnknownSentinel;
        }

        return result;
    }

    /// <summary>Output properties to mark secret: declared secret, or fed by a secret input of the same name.</summary>
    public static IReadOnlySet<string> SecretOutputs(ResourceTypeDescription type, IEnumerable<string> secretInputs)
    {
        var secret = new HashSet<string>(type.Outputs.Where(o => o.Secret).Select(o => o.Name), StringComparer.Ordinal);
        secret.UnionWith(secretInputs);
        return secret;
    }

    /// <summary>
    /// Check failures from a lifecycle's diagnostics: errors only; the property is the input the diagnostic is about
    /// (<see cref="Diagnostic.Input"/>, or its File when that names an input of the type), else empty (the whole resource).
    /// </summary>
    public static IReadOnlyList<(string Property, string Reason)> CheckFailures(ResourceTypeDescription type, IEnumerable<Diagnostic> diagnostics) =>
        diagnostics
            .Where(d => d.IsError)
            .Select(d => (Property(type, d), d.ToString()))
            .ToList();

    private static string Property(ResourceTypeDescription type, Diagnostic diagnostic) =>
        diagnostic.Input is { } input && type.HasInput(input) ? input
        : type.HasInput(diagnostic.File) ? diagnostic.File
        : string.Empty;

    /// <summary>Maps the lifecycle's per-property change kinds to names; the provider turns them into PropertyDiff kinds.</summary>
    public static IReadOnlyList<string> ChangedKeys(DiffResult diff) =>
        diff.DetailedDiff.Keys.Concat(diff.ReplaceKeys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
