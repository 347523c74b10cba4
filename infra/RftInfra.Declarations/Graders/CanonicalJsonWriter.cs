using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Graders;

/// <summary>
/// Canonical JSON: object keys sorted ordinally, no whitespace, numbers as written. Two declarations that mean
/// the same grader (YAML or JSON, any key order) give the same text and so the same spec hash.
/// </summary>
public static class CanonicalJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Deepest nesting written. The readers stop at 64 (DeclarationReader.MaxDepth); this bound keeps the recursion
    /// below finite for JSON built any other way, with a message instead of the writer's own depth exception.
    /// </summary>
    public const int MaxDepth = 256;

    public static string Write(JsonNode? node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            WriteNode(writer, node, 0);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException($"The JSON nests deeper than {MaxDepth} levels; a grader or job never needs that many.");
        }

        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteNode(writer, value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteNode(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
