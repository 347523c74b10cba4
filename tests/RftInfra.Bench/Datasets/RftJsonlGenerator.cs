using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RftInfra.Bench.Datasets;

/// <summary>
/// Writes a realistic RFT training file of a given size: developer instructions, user prompts of varied length
/// (some multi-turn, some with tool definitions), non-ASCII text and escapes, a reference answer and metadata.
/// Deterministic (fixed seed), so every run measures the same bytes.
/// </summary>
internal static class RftJsonlGenerator
{
    private static readonly string[] Words =
    [
        "the", "capital", "of", "country", "river", "invoice", "total", "amount", "customer", "summary", "ticket",
        "support", "refund", "shipping", "delayed", "order", "number", "please", "explain", "why", "how", "many",
        "kilometres", "population", "approximately", "answer", "question", "data", "model", "reward", "grader",
        "line", "item", "value", "between", "and", "with", "without", "\"quoted\"", "path\\to\\file", "equation",
        "integral", "derivative", "prime", "factor", "sum", "product", "matrix", "vector", "is", "a", "to", "in",
        "for", "on", "was", "that", "it", "as", "at", "by", "from", "this", "which", "or", "be", "are", "not", "have",
    ];

    /// <summary>Names and symbols real prompts carry: 1 word in 50 (English text), or 1 in 6 (multilingual).</summary>
    private static readonly string[] NonAsciiWords =
    [
        "Zürich", "São Paulo", "café", "naïve", "résumé", "Kraków", "Århus", "東京", "北京", "Ελλάδα", "Москва", "😀",
        "x²", "€120", "—",
    ];

    private static readonly string[] Instructions =
    [
        "Answer with the name of the city only.",
        "Extract the invoice total as JSON: {\"total\": number}.",
        "Summarise the support ticket in one sentence, then give a category.",
        "Solve the problem. Show the final answer on the last line as 'Answer: <number>'.",
    ];

    /// <param name="multilingual">One word in six is non-ASCII (Greek, Cyrillic, CJK, emoji) instead of one in 50.</param>
    public static long Write(string path, long targetBytes, bool multilingual = false)
    {
        var random = new Random(42);
        var nonAsciiEvery = multilingual ? 6 : 50;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var row = 0;
        while (stream.Position + writer.BytesPending < targetBytes)
        {
            WriteRow(writer, random, row++, nonAsciiEvery);
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset();
        }

        return stream.Position;
    }

    private static void WriteRow(Utf8JsonWriter w, Random random, int row, int nonAsciiEvery)
    {
        w.WriteStartObject();
        w.WriteStartArray("messages");
        Message(w, "developer", Instructions[row % Instructions.Length] + (random.Next(3) == 0 ? "\nBe concise." : ""));
        if (random.Next(5) == 0)
        {
            Message(w, "user", Sentence(random, nonAsciiEvery, 10, 40));
            Message(w, "assistant", Sentence(random, nonAsciiEvery, 10, 60));
        }

        if (random.Next(4) == 0)
        {
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", Sentence(random, nonAsciiEvery, 20, 200));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            Message(w, "user", Sentence(random, nonAsciiEvery, 20, 200));
        }

        w.WriteEndArray();
        if (random.Next(10) == 0)
        {
            w.WriteStartArray("tools");
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", "lookup_invoice");
            w.WriteString("description", "Fetch an invoice by number.");
            w.WriteStartObject("parameters");
            w.WriteString("type", "object");
            w.WriteStartObject("properties");
            w.WriteStartObject("number");
            w.WriteString("type", "string");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteString("reference_answer", Sentence(random, nonAsciiEvery, 1, 8));
        w.WriteNumber("expected_total", Math.Round(random.NextDouble() * 10_000, 2));
        w.WriteStartObject("metadata");
        w.WriteString("id", $"row-{row:D8}");
        w.WriteString("topic", Words[random.Next(Words.Length)]);
        w.WriteNumber("difficulty", random.Next(1, 6));
        w.WriteStartArray("tags");
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            w.WriteStringValue(Words[random.Next(Words.Length)]);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Message(Utf8JsonWriter w, string role, string content)
    {
        w.WriteStartObject();
        w.WriteString("role", role);
        w.WriteString("content", content);
        w.WriteEndObject();
    }

    private static string Sentence(Random random, int nonAsciiEvery, int minWords, int maxWords)
    {
        var count = random.Next(minWords, maxWords + 1);
        var text = new StringBuilder();
        var paragraphs = count > 40 && random.Next(3) == 0;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                // Multi-paragraph prompts (escaped as \n\n) in about one long row in three.
                text.Append(paragraphs && i % 20 == 0 ? "\n\n" : " ");
            }

            text.Append(random.Next(nonAsciiEvery) == 0
                ? NonAsciiWords[random.Next(NonAsciiWords.Length)]
                : Words[random.Next(Words.Length)]);
        }

        return text.ToString();
    }
}
