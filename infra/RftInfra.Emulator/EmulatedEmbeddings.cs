using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Emulator;

/// <summary>
/// The emulator's stand-in for an embeddings deployment (text_similarity cosine in `rft grade --endpoint`). An
/// emulation, not a model: each lower-cased run of letters or digits adds ±1 to one of <see cref="Dimensions"/>
/// components chosen by a stable hash, so equal texts embed equally (cosine 1), texts without a shared word are
/// orthogonal (cosine 0) and the same request always gets the same answer. Honours
/// <c>encoding_format</c> <c>float</c> and <c>base64</c> (little-endian float32, what the OpenAI SDK asks for).
/// </summary>
internal static class EmulatedEmbeddings
{
    public const int Dimensions = 64;

    public static JsonObject Embed(JsonObject request, string deployment)
    {
        var inputs = request["input"] switch
        {
            JsonValue v when v.TryGetValue(out string? one) => [one],
            JsonArray { Count: > 0 } many => many.Select((n, i) => n is JsonValue s && s.TryGetValue(out string? text)
                ? text
                : throw EmulatorErrors.InvalidPayload($"'input[{i}]' must be a string.", $"input[{i}]")).ToList(),
            _ => throw EmulatorErrors.InvalidPayload("'input' must be a string or a non-empty array of strings.", "input"),
        };
        var format = request["encoding_format"] is JsonValue f && f.TryGetValue(out string? name) ? name : "float";
        if (format is not ("float" or "base64"))
        {
            throw EmulatorErrors.InvalidPayload($"'encoding_format' must be 'float' or 'base64'; got '{format}'.", "encoding_format");
        }

        var data = new JsonArray();
        var tokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Vector(inputs[i], out var count);
            tokens += count;
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = format == "base64" ? Base64(vector) : new JsonArray(vector.Select(x => (JsonNode?)x).ToArray()),
            });
        }

        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = deployment,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
    }

    /// <summary>The text's vector; component 0 alone stands for a text without words, so it is never all zeros.</summary>
    internal static float[] Vector(string text, out int words)
    {
        var vector = new float[Dimensions];
        words = 0;
        var word = new StringBuilder();
        foreach (var c in text + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0)
            {
                var hash = Fnv1a(word.ToString());
                vector[1 + (int)(hash % (Dimensions - 1))] += (hash & 0x8000_0000) == 0 ? 1 : -1;
                words++;
                word.Clear();
            }
        }

        if (vector.All(x => x == 0))
        {
            vector[0] = 1;
        }

        return vector;
    }

    private static uint Fnv1a(string word)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(word))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    private static string Base64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }
}
