using System.Text.Json.Nodes;

namespace RftInfra.Graders;

/// <summary>
/// Calls a grader model for score_model / label_model. The grader engine renders the prompt, asks for the
/// structured answer and parses and clips it as the service does; an implementation only carries the chat
/// completion (Azure OpenAI through Azure.AI.OpenAI, or the local emulator).
/// </summary>
public interface IModelGraderClient
{
    Task<ModelGraderResponse> CompleteAsync(ModelGraderRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// One chat completion: the grader's model (mapped to a deployment by the client's configuration), the rendered
/// messages, the grader's sampling_params, and the JSON schema response format the engine wants back.
/// </summary>
public sealed record ModelGraderRequest(
    string Model,
    IReadOnlyList<GraderMessage> Messages,
    JsonObject? SamplingParams,
    JsonObject ResponseFormat);

/// <summary>The model's text (JSON when it followed the format), a refusal if any, and token usage.</summary>
public sealed record ModelGraderResponse(string Content, string? Refusal, int PromptTokens, int CompletionTokens);
