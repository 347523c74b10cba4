using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Graders.Evaluation;

/// <summary>
/// Builds the <c>sample</c> namespace from one model output, as the service fills it (docs/service.md §1.6, §3.1):
/// <c>output_text</c> always; <c>output_json</c> only when the text parses as JSON; <c>output_tools</c> as
/// chat-completions <c>tool_calls</c>; <c>choices</c> as a chat-completions choices array with one choice.
/// </summary>
public static class GraderSample
{
    /// <summary>A sample from the model's text. Tool calls are chat-completions <c>tool_calls</c> entries.</summary>
    public static JsonObject FromText(string outputText, JsonArray? toolCalls = null)
    {
        var sample = new JsonObject { ["output_text"] = outputText };
        if (TryParseJson(outputText) is { } json)
        {
            sample["output_json"] = json;
        }

        sample["output_tools"] = toolCalls?.DeepClone() ?? new JsonArray();
        var message = new JsonObject { ["role"] = "assistant", ["content"] = outputText };
        if (toolCalls is { Count: > 0 })
        {
            message["tool_calls"] = toolCalls.DeepClone();
        }

        sample["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["finish_reason"] = toolCalls is { Count: > 0 } ? "tool_calls" : "stop",
        });
        return sample;
    }

    /// <summary>
    /// A sample from a samples-file or grader-test value: a JSON string is the output text; an object with a
    /// string <c>output_text</c> is a full sample (optional <c>output_tools</c>); any other object or array is
    /// structured output, whose text is its compact JSON.
    /// </summary>
    public static JsonObject FromValue(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue(out string? text) => FromText(text),
        JsonObject o when o["output_text"] is JsonValue t && t.TryGetValue(out string? text) =>
            FromText(text, o["output_tools"] as JsonArray),
        null => FromText(""),
        _ => FromText(value.ToJsonString()),
    };

    /// <summary>Parses the text as JSON the way the service decides whether <c>output_json</c> exists.</summary>
    private static JsonNode? TryParseJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
