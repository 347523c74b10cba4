using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Emulator;

/// <summary>
/// The emulator's stand-in for a base model behind chat completions (a <see cref="BaseModelDeployment"/>). It finds
/// the row by the last user message, then answers right (the row's answer template filled from the row) or wrong
/// (the answer of another row, a plausible mistake) by a deterministic draw against the prompt's accuracy. The
/// answer is JSON text when the template is an object (what a json_schema response format yields). Usage counts
/// tokens as the grader model does, plus reasoning tokens by <c>reasoning_effort</c>.
/// </summary>
internal static class EmulatedBaseModel
{
    public static JsonObject Complete(JsonObject request, BaseModelDeployment model, DateTimeOffset now)
    {
        if (request["messages"] is not JsonArray { Count: > 0 } messages)
        {
            throw EmulatorErrors.InvalidPayload("'messages' must be a non-empty array.", "messages");
        }

        var instructions = new StringBuilder();
        var promptTokens = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || message["role"]?.GetValueKind() != JsonValueKind.String)
            {
                throw EmulatorErrors.InvalidPayload($"'messages[{i}]' must be an object with a string 'role'.", $"messages[{i}]");
            }

            var text = ContentText(message["content"]);
            promptTokens += EmulatedGraderModel.Tokens(text).Count + 4;
            if (message["role"]!.GetValue<string>() is "developer" or "system")
            {
                instructions.Append(text).Append('\n');
            }
        }

        var question = QuestionOf(messages) ?? "";
        var row = model.RowOf(question);
        var right = row >= 0 && Draw(model.Seed, model.Deployment, instructions.ToString(), question) < model.AccuracyFor(instructions.ToString());
        var content = row < 0 ? "I don't know." : right ? Render(model, row) : WrongAnswer(model, row, question);
        var reasoning = ReasoningTokens(request["reasoning_effort"]);
        var completionTokens = EmulatedGraderModel.Tokens(content).Count + reasoning;
        return new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = now.ToUnixTimeSeconds(),
            ["model"] = model.Deployment,
            ["system_fingerprint"] = null,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
                ["finish_reason"] = "stop",
                ["logprobs"] = null,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning },
            },
        };
    }

    /// <summary>The text of the last user message: what identifies a row whatever the developer prompt says.</summary>
    internal static string? QuestionOf(JsonArray? messages)
    {
        if (messages is null)
        {
            return null;
        }

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is JsonObject m && m["role"]?.GetValueKind() == JsonValueKind.String && m["role"]!.GetValue<string>() == "user")
            {
                return ContentText(m["content"]);
            }
        }

        return null;
    }

    /// <summary>A uniform number in [0, 1) from the seed, the deployment, the instructions and the question.</summary>
    internal static double Draw(long seed, string deployment, string instructions, string question)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\u0001{deployment}\u0001{instructions}\u0001{question}"));
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash) >> 11) / (double)(1UL << 53);
    }

    private static string Render(BaseModelDeployment model, int row) => model.Answer switch
    {
        JsonObject template => Fill(template, model.Rows[row]).ToJsonString(),
        _ => TemplateRenderer.Render(model.Answer.GetValue<string>(), model.Rows[row], []).Text,
    };

    private static JsonNode Fill(JsonNode node, JsonObject item) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : (JsonNode?)Fill(p.Value, item)))),
        JsonArray array => new JsonArray(array.Select(n => n is null ? null : (JsonNode?)Fill(n, item)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(TemplateRenderer.Render(v.GetValue<string>(), item, []).Text),
        _ => node.DeepClone(),
    };

    /// <summary>Another row's answer (the next one, by a draw, that differs from the right one); a refusal to guess when none differs.</summary>
    private static string WrongAnswer(BaseModelDeployment model, int row, string question)
    {
        var right = Render(model, row);
        var start = (int)(Draw(model.Seed + 1, model.Deployment, "", question) * model.Rows.Count);
        for (var k = 0; k < model.Rows.Count; k++)
        {
            var other = (start + k) % model.Rows.Count;
            if (other != row && Render(model, other) is var candidate && candidate != right)
            {
                return candidate;
            }
        }

        return model.Answer is JsonObject ? "{}" : "I am not sure.";
    }

    private static int ReasoningTokens(JsonNode? effort) =>
        (effort?.GetValueKind() == JsonValueKind.String ? effort.GetValue<string>() : "medium") switch
        {
            "minimal" => 0,
            "low" => 64,
            "high" => 1024,
            _ => 256,
        };

    private static string ContentText(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Join("\n", parts.OfType<JsonObject>()
            .Where(p => p["text"]?.GetValueKind() == JsonValueKind.String)
            .Select(p => p["text"]!.GetValue<string>())),
        _ => "",
    };
}
