using System.Text.Json.Nodes;

namespace RftInfra.Validation.Baseline;

/// <summary>
/// Asks a deployment of the base model for one answer (chat completions). The baseline builds the messages and
/// the options as the job declares them; an implementation only carries the call (Azure OpenAI through
/// Azure.AI.OpenAI, which the emulator also serves). A failed call throws <see cref="BaseModelCallException"/>.
/// </summary>
public interface IBaseModelClient
{
    Task<BaseModelAnswer> AnswerAsync(BaseModelRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One question: the deployment, the messages, the job's response format and reasoning effort (null = not sent).</summary>
public sealed record BaseModelRequest(string Deployment, JsonArray Messages, JsonObject? ResponseFormat, string? ReasoningEffort)
{
    /// <summary>The chat completions body, as sent (and as the answer cache keys it).</summary>
    public JsonObject Body()
    {
        var body = new JsonObject { ["messages"] = Messages.DeepClone() };
        if (ResponseFormat is not null)
        {
            body["response_format"] = ResponseFormat.DeepClone();
        }

        if (ReasoningEffort is not null)
        {
            body["reasoning_effort"] = ReasoningEffort;
        }

        return body;
    }
}

/// <summary>The model's text, a refusal if any, and token usage (reasoning tokens are part of the output tokens).</summary>
public sealed record BaseModelAnswer(string Text, string? Refusal, long InputTokens, long OutputTokens, long ReasoningTokens);

/// <summary>A base-model call that failed: the HTTP status (0 = no answer) and a message without secrets.</summary>
public sealed class BaseModelCallException(string message, int status, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
}
