using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RftInfra.Emulator;

/// <summary>
/// The emulator's stand-in for a grader model behind chat completions. It is an emulation, not a judge: it
/// answers deterministically from token overlap, so tests and offline rehearsals get stable, plausible scores.
/// <list type="number">
/// <item>It looks in the prompt for a reference part and a candidate part: a line starting with a label and a
/// colon (reference, expected, correct answer, ground truth, gold, solution → reference; response, answer,
/// output, candidate, submission, prediction, sample → candidate), or the same labels as XML-like tags.</item>
/// <item>The score is the token F1 between the two parts (lower-cased letters and digits), 1.0 when they are equal
/// after normalising. Without both parts, it is the share of the last user message's tokens found in the rest
/// of the prompt.</item>
/// <item>The answer follows the requested JSON schema: numbers get the score scaled to the schema's
/// minimum/maximum (else 0–1), an enum gets its first value when the score is at least 0.5 and its last
/// otherwise, booleans score ≥ 0.5, other strings a one-line explanation, arrays one item.</item>
/// <item><c>[emulator:refuse]</c> anywhere in the prompt gives a refusal; <c>[emulator:garbage]</c> gives text that
/// is not JSON (to exercise the engine's refusal and parse-error paths).</item>
/// </list>
/// </summary>
internal static partial class EmulatedGraderModel
{
    private static readonly string[] ReferenceLabels =
        ["reference answer", "reference", "expected answer", "expected output", "expected", "correct answer",
         "ground truth", "gold answer", "gold", "solution", "answer key"];

    private static readonly string[] CandidateLabels =
        ["model response", "model answer", "model output", "student answer", "response", "answer", "output",
         "candidate", "submission", "prediction", "sample"];

    public static JsonObject Complete(JsonObject request, string deployment, DateTimeOffset now)
    {
        if (request["messages"] is not JsonArray { Count: > 0 } messages)
        {
            throw EmulatorErrors.InvalidPayload("'messages' must be a non-empty array.", "messages");
        }

        var texts = new List<(string Role, string Text)>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || message["role"]?.GetValueKind() != JsonValueKind.String)
            {
                throw EmulatorErrors.InvalidPayload($"'messages[{i}]' must be an object with a string 'role'.", $"messages[{i}]");
            }

            texts.Add((message["role"]!.GetValue<string>(), ContentText(message["content"])));
        }

        var prompt = string.Join("\n", texts.Select(t => t.Text));
        string? content;
        string? refusal = null;
        if (prompt.Contains("[emulator:refuse]", StringComparison.Ordinal))
        {
            content = null;
            refusal = "I'm sorry, I can't help with grading this request.";
        }
        else if (prompt.Contains("[emulator:garbage]", StringComparison.Ordinal))
        {
            content = "The answer looks mostly right, I would say about seven out of ten.";
        }
        else
        {
            var (score, why) = Score(texts);
            content = Answer(request["response_format"] as JsonObject, score, why);
        }

        var promptTokens = texts.Sum(t => Tokens(t.Text).Count + 4);
        var completionTokens = Tokens(content ?? refusal ?? "").Count;
        return new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = now.ToUnixTimeSeconds(),
            ["model"] = deployment,
            ["system_fingerprint"] = null,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = content,
                    ["refusal"] = refusal,
                },
                ["finish_reason"] = "stop",
                ["logprobs"] = null,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
    }

    /// <summary>The score in [0, 1] and a one-line reason.</summary>
    internal static (double Score, string Why) Score(IReadOnlyList<(string Role, string Text)> messages)
    {
        var prompt = string.Join("\n", messages.Select(m => m.Text));
        var reference = FindPart(prompt, ReferenceLabels);
        var candidate = FindPart(prompt, CandidateLabels);
        if (reference is not null && candidate is not null)
        {
            if (Normalise(reference) == Normalise(candidate))
            {
                return (1.0, "The response matches the reference.");
            }

            var f1 = TokenF1(Tokens(candidate), Tokens(reference));
            return (f1, $"Token overlap (F1) between the response and the reference is {f1.ToString("0.###", CultureInfo.InvariantCulture)}.");
        }

        var lastUser = messages.LastOrDefault(m => m.Role == "user").Text ?? messages[^1].Text;
        var rest = string.Join("\n", messages.Where(m => !ReferenceEquals(m.Text, lastUser)).Select(m => m.Text));
        var candidateTokens = Tokens(lastUser);
        var restTokens = Tokens(rest).ToHashSet(StringComparer.Ordinal);
        var share = candidateTokens.Count == 0 ? 0 : (double)candidateTokens.Count(restTokens.Contains) / candidateTokens.Count;
        share = Math.Round(share, 4);
        return (share, $"No labelled reference and response; {share.ToString("0.###", CultureInfo.InvariantCulture)} of the last message's tokens appear in the rest of the prompt.");
    }

    private static string? FindPart(string prompt, string[] labels)
    {
        foreach (var label in labels)
        {
            var tag = new Regex($@"<{Regex.Escape(label.Replace(' ', '_'))}>(.*?)</{Regex.Escape(label.Replace(' ', '_'))}>",
                RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
            if (tag.Match(prompt) is { Success: true } tagged)
            {
                return tagged.Groups[1].Value.Trim();
            }
        }

        var lines = prompt.Split('\n');
        foreach (var label in labels)
        {
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].TrimStart(' ', '\t', '#', '*', '-');
                if (line.StartsWith(label, StringComparison.OrdinalIgnoreCase)
                    && line.Length > label.Length && line[label.Length] == ':')
                {
                    var text = new StringBuilder(line[(label.Length + 1)..].Trim());
                    // A label alone on its line introduces the lines below it, up to the next labelled line.
                    for (var j = i + 1; j < lines.Length && !LooksLabelled(lines[j]); j++)
                    {
                        text.Append('\n').Append(lines[j]);
                    }

                    return text.ToString().Trim();
                }
            }
        }

        return null;
    }

    private static bool LooksLabelled(string line) => LabelLine().IsMatch(line);

    private static string Answer(JsonObject? responseFormat, double score, string why)
    {
        var type = responseFormat?["type"]?.GetValueKind() == JsonValueKind.String ? responseFormat["type"]!.GetValue<string>() : "text";
        return type switch
        {
            "json_schema" => Fill(responseFormat!["json_schema"]?["schema"] as JsonObject, "result", score, why)?.ToJsonString() ?? "null",
            "json_object" => new JsonObject { ["result"] = score, ["explanation"] = why }.ToJsonString(),
            _ => score.ToString("0.####", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A value for <paramref name="schema"/> that carries the score.</summary>
    private static JsonNode? Fill(JsonObject? schema, string name, double score, string why)
    {
        if (schema is null)
        {
            return new JsonObject { ["result"] = score };
        }

        foreach (var combinator in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (schema[combinator] is JsonArray { Count: > 0 } options && options[0] is JsonObject first)
            {
                return Fill(first, name, score, why);
            }
        }

        if (schema["enum"] is JsonArray { Count: > 0 } values)
        {
            return (score >= 0.5 ? values[0] : values[^1])?.DeepClone();
        }

        var type = schema["type"] switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            JsonArray types => types.Select(t => t?.ToString()).FirstOrDefault(t => t != "null") ?? "null",
            _ => schema["properties"] is not null ? "object" : "string",
        };
        switch (type)
        {
            case "object":
                var result = new JsonObject();
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (property, propertySchema) in properties)
                    {
                        result[property] = Fill(propertySchema as JsonObject, property, score, why);
                    }
                }

                return result;
            case "number" or "integer":
                var min = Number(schema, "minimum") ?? 0;
                var max = Number(schema, "maximum") ?? 1;
                var scaled = min + (score * (max - min));
                return type == "integer" ? JsonValue.Create((long)Math.Round(scaled)) : JsonValue.Create(Math.Round(scaled, 4));
            case "boolean":
                return JsonValue.Create(score >= 0.5);
            case "array":
                var item = Fill(schema["items"] as JsonObject, name, score, why);
                return new JsonArray(item);
            case "null":
                return null;
            default:
                return JsonValue.Create(name.Contains("conclusion", StringComparison.OrdinalIgnoreCase)
                    ? (score >= 0.5 ? "The response is acceptable." : "The response is not acceptable.")
                    : why);
        }
    }

    private static double? Number(JsonObject schema, string name) =>
        schema[name]?.GetValueKind() == JsonValueKind.Number ? schema[name]!.GetValue<double>() : null;

    private static string ContentText(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Join("\n", parts.OfType<JsonObject>()
            .Where(p => p["text"]?.GetValueKind() == JsonValueKind.String)
            .Select(p => p["text"]!.GetValue<string>())),
        _ => "",
    };

    private static string Normalise(string text) => string.Join(' ', Tokens(text));

    internal static List<string> Tokens(string text) =>
        TokenPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();

    private static double TokenF1(List<string> candidate, List<string> reference)
    {
        if (candidate.Count == 0 || reference.Count == 0)
        {
            return 0;
        }

        var remaining = reference.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var common = 0;
        foreach (var token in candidate)
        {
            if (remaining.TryGetValue(token, out var count) && count > 0)
            {
                remaining[token] = count - 1;
                common++;
            }
        }

        if (common == 0)
        {
            return 0;
        }

        var precision = (double)common / candidate.Count;
        var recall = (double)common / reference.Count;
        return Math.Round(2 * precision * recall / (precision + recall), 4);
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"^\s*[#*\-]*\s*[A-Za-z][A-Za-z ]{0,30}:", RegexOptions.CultureInvariant)]
    private static partial Regex LabelLine();
}
