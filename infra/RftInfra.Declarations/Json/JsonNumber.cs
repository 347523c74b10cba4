using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Json;

/// <summary>
/// Reads a JSON number however its node was made: parsed from text, or built in C# from an int, long or double
/// (as the provider does). JsonValue.GetValue&lt;double&gt;() refuses to convert between CLR number types, so
/// this reads through the JSON text instead.
/// </summary>
public static class JsonNumber
{
    public static double? AsDouble(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}
