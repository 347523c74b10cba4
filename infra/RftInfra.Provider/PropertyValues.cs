// Checked against pulumi/pulumi-dotnet PropertyValue as changed in v3.81 (PR #591: every PropertyValue carries its
// own secretness and dependencies; the nested-secret and Output wrappers are gone; "Object" renamed "Map" to match
// Go's property.Value, whose secret marker is WithSecret(true)) and v3.83 (PropertyValue moved out of the
// Provider namespace). Members used: IsComputed, IsSecret, IsNull, TryGetBool/Number/String/Array/Map,
// the value constructors, PropertyValue.Null, PropertyValue.Computed, WithSecret(bool). The stored source seen
// was the pre-3.81 file (TryGetObject, TryGetSecret); the 3.81+ names above come from the PR and the changelog.
// This file is the only place that touches PropertyValue, so a rename is a change here only.
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi.Experimental;
using Pulumi.Experimental.Provider;
using RftInfra.ProviderModel;
using RftInfra.Stacks;

namespace RftInfra.ResourceProvider;

/// <summary>
/// PropertyValue maps ↔ the lifecycles' JsonObject bags, by hand. Unknowns become <see cref="PropertyBags.UnknownSentinel"/>
/// and back; secretness is kept per top-level property (<see cref="PropertyBags"/> holds the rules and their tests).
/// </summary>
internal static class PropertyValues
{
    /// <summary>A bag and the top-level keys that held a secret anywhere inside.</summary>
    public static (JsonObject Bag, HashSet<string> SecretKeys) ToBag(IReadOnlyDictionary<string, PropertyValue>? values)
    {
        var bag = new JsonObject();
        var secretKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in values ?? ImmutableDictionary<string, PropertyValue>.Empty)
        {
            var secret = false;
            bag[key] = ToJson(value, ref secret);
            if (secret)
            {
                secretKeys.Add(key);
            }
        }

        return (bag, secretKeys);
    }

    public static JsonNode? ToJson(PropertyValue value, ref bool secret)
    {
        secret |= value.IsSecret;
        if (value.IsComputed)
        {
            return JsonValue.Create(PropertyBags.UnknownSentinel);
        }

        if (value.TryGetString(out var text))
        {
            return JsonValue.Create(text);
        }

        if (value.TryGetNumber(out var number))
        {
            return JsonValue.Create(number);
        }

        if (value.TryGetBool(out var flag))
        {
            return JsonValue.Create(flag);
        }

        if (value.TryGetArray(out var array))
        {
            var result = new JsonArray();
            foreach (var item in array)
            {
                result.Add(ToJson(item, ref secret));
            }

            return result;
        }

        if (value.TryGetMap(out var map))
        {
            var result = new JsonObject();
            foreach (var (key, item) in map)
            {
                result[key] = ToJson(item, ref secret);
            }

            return result;
        }

        // Null, and kinds the rft resources never take (assets, archives, resource references).
        return null;
    }

    /// <param name="secretKeys">Top-level keys to mark secret.</param>
    /// <param name="unknownKeys">Top-level keys to report as unknown (previews: outputs not known before the cloud answers).</param>
    public static ImmutableDictionary<string, PropertyValue> FromBag(
        JsonObject bag, IReadOnlySet<string> secretKeys, IEnumerable<string>? unknownKeys = null)
    {
        var result = ImmutableDictionary.CreateBuilder<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var (key, node) in bag)
        {
            var value = FromJson(node);
            result[key] = secretKeys.Contains(key) ? value.WithSecret(true) : value;
        }

        foreach (var key in unknownKeys ?? [])
        {
            result[key] = secretKeys.Contains(key) ? PropertyValue.Computed.WithSecret(true) : PropertyValue.Computed;
        }

        return result.ToImmutable();
    }

    public static PropertyValue FromJson(JsonNode? node)
    {
        if (PropertyBags.IsUnknown(node))
        {
            return PropertyValue.Computed;
        }

        return node switch
        {
            JsonObject obj => new PropertyValue(obj.ToImmutableDictionary(p => p.Key, p => FromJson(p.Value), StringComparer.Ordinal)),
            JsonArray array => new PropertyValue(array.Select(FromJson).ToImmutableArray()),
            // Numbers may be backed by long (lifecycle outputs) or JsonElement: PlainValues reads both as double.
            JsonValue value => PlainValues.FromJsonNode(value) switch
            {
                string s => new PropertyValue(s),
                double d => new PropertyValue(d),
                bool b => new PropertyValue(b),
                _ => PropertyValue.Null,
            },
            _ => PropertyValue.Null,
        };
    }

    /// <summary>A top-level string config value, null when absent, null or unknown.</summary>
    public static string? OptionalString(IReadOnlyDictionary<string, PropertyValue>? values, string key) =>
        values is not null && values.TryGetValue(key, out var value) && !value.IsComputed && value.TryGetString(out var text) ? text : null;
}
