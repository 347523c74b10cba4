using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Stacks;

/// <summary>
/// Converts the plain object trees Pulumi hands back for stack outputs (string, bool, double, dictionaries with
/// string keys, lists) into <see cref="JsonNode"/>, so Core can read a previous run's outputs without Pulumi types;
/// and back, so a grader or response format (JSON) can be passed as a Pulumi input of schema type
/// <c>pulumi.json#/Any</c> (the .NET serializer takes immutable dictionaries and arrays, strings, doubles, bools).
/// </summary>
public static class PlainValues
{
    public static object? FromJsonNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToImmutableDictionary(p => p.Key, p => FromJsonNode(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(FromJsonNode).ToImmutableArray(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<double>(out var d) ? d : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };

    public static JsonNode? ToJsonNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create((double)f),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        decimal m => JsonValue.Create(m),
        IDictionary dictionary => ToObject(dictionary),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(ToJsonNode).ToArray()),
        IFormattable formattable => JsonValue.Create(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value.ToString()),
    };

    private static JsonObject ToObject(IDictionary dictionary)
    {
        var obj = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
        {
            obj[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = ToJsonNode(entry.Value);
        }

        return obj;
    }
}
