using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;
using Azure.Core;
using Azure.Identity;
using OpenAI.Chat;

namespace RftInfra.Graders;

/// <summary>Where grader models run: a deployment name per grader model, plus the pipeline's retry and timeout.</summary>
public sealed record ModelGraderClientOptions
{
    /// <summary>Grader model (as written in the grader, e.g. <c>gpt-4.1-mini</c>) → deployment name on the resource.
    /// A model without an entry is sent to a deployment of the same name.</summary>
    public IReadOnlyDictionary<string, string> Deployments { get; init; } = new Dictionary<string, string>();

    /// <summary>Retries of the Azure pipeline on 408/429/5xx (it honours Retry-After / retry-after-ms).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Per-try network timeout.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Data-plane version Azure.AI.OpenAI 2.1.0 sends (<c>2024-10-21</c> by default).</summary>
    public AzureOpenAIClientOptions.ServiceVersion ServiceVersion { get; init; } = AzureOpenAIClientOptions.ServiceVersion.V2024_10_21;
}

/// <summary>A grader model call that failed: the deployment, the HTTP status (0 when there was no answer) and why.</summary>
public sealed class ModelGraderException(string message, int status, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
}

/// <summary>
/// <see cref="IModelGraderClient"/> over Azure.AI.OpenAI 2.1.0: one <see cref="ChatClient"/> per deployment on an
/// <see cref="AzureOpenAIClient"/>. The request body is built as the service's JSON (the protocol method of
/// <see cref="ChatClient"/>), because the typed options of 2.1.0 have no developer role and no
/// <c>reasoning_effort</c>, which o-series grader models need; the answer is read with the SDK's own
/// <see cref="ChatCompletion"/> model. Credentials never appear in messages.
/// </summary>
public sealed class AzureOpenAIModelGraderClient : IModelGraderClient
{
    private readonly AzureOpenAIClient _client;
    private readonly ModelGraderClientOptions _options;

    /// <summary>Entra ID (default: <see cref="DefaultAzureCredential"/>).</summary>
    public AzureOpenAIModelGraderClient(Uri endpoint, TokenCredential? credential = null, ModelGraderClientOptions? options = null)
    {
        _options = options ?? new ModelGraderClientOptions();
        _client = new AzureOpenAIClient(endpoint, credential ?? new DefaultAzureCredential(), ClientOptions(_options));
    }

    public AzureOpenAIModelGraderClient(Uri endpoint, ApiKeyCredential apiKey, ModelGraderClientOptions? options = null)
    {
        _options = options ?? new ModelGraderClientOptions();
        _client = new AzureOpenAIClient(endpoint, apiKey, ClientOptions(_options));
    }

    private static AzureOpenAIClientOptions ClientOptions(ModelGraderClientOptions options) => new(options.ServiceVersion)
    {
        RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
        NetworkTimeout = options.NetworkTimeout,
    };

    /// <summary>The deployment a grader model runs on.</summary>
    public string DeploymentFor(string model) =>
        _options.Deployments.TryGetValue(model, out var deployment) ? deployment : model;

    public async Task<ModelGraderResponse> CompleteAsync(ModelGraderRequest request, CancellationToken cancellationToken = default)
    {
        var deployment = DeploymentFor(request.Model);
        var chat = _client.GetChatClient(deployment);
        using var content = BinaryContent.Create(BinaryData.FromString(RequestBody(request).ToJsonString()));
        ClientResult result;
        try
        {
            result = await chat.CompleteChatAsync(content, new RequestOptions { CancellationToken = cancellationToken });
        }
        catch (ClientResultException e)
        {
            throw new ModelGraderException(e.Status == 0
                ? $"Grader model '{request.Model}' (deployment '{deployment}') got no answer: {e.Message.Split('\n')[0]}"
                : $"Grader model '{request.Model}' (deployment '{deployment}') failed with HTTP {e.Status}: {ServiceMessage(e)}", e.Status, e);
        }
        catch (AggregateException e)
        {
            // The retry policy gives up on network errors with one AggregateException of every try's failure.
            var causes = e.Flatten().InnerExceptions.Select(inner => inner.Message.Split('\n')[0]).Distinct();
            throw new ModelGraderException(
                $"Grader model '{request.Model}' (deployment '{deployment}') got no answer after {e.InnerExceptions.Count} tries: {string.Join("; ", causes)}", 0, e);
        }

        ChatCompletion completion;
        try
        {
            completion = ModelReaderWriter.Read<ChatCompletion>(result.GetRawResponse().Content)
                ?? throw new FormatException("empty answer");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            throw new ModelGraderException(
                $"Grader model '{request.Model}' (deployment '{deployment}') answered something that is not a chat completion ({e.Message}).", 200, e);
        }

        var text = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
        return new ModelGraderResponse(
            text,
            string.IsNullOrEmpty(completion.Refusal) ? null : completion.Refusal,
            completion.Usage?.InputTokenCount ?? 0,
            completion.Usage?.OutputTokenCount ?? 0);
    }

    /// <summary>The chat completions body: messages as given, the grader's sampling_params, the wanted response format.</summary>
    internal static JsonObject RequestBody(ModelGraderRequest request)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(request.Messages
                .Select(message => (JsonNode?)new JsonObject { ["role"] = message.Role, ["content"] = message.Content })
                .ToArray()),
            ["response_format"] = request.ResponseFormat.DeepClone(),
        };

        if (request.SamplingParams is { } sampling)
        {
            foreach (var (name, value) in sampling)
            {
                // The grader spells it max_completions_tokens (docs/service.md §3.2); chat completions takes max_completion_tokens.
                var key = name == "max_completions_tokens" ? "max_completion_tokens" : name;
                body[key] = value?.DeepClone();
            }
        }

        return body;
    }

    private static string ServiceMessage(ClientResultException e)
    {
        var raw = e.GetRawResponse();
        if (raw?.Content is { } content)
        {
            try
            {
                if (JsonNode.Parse(content.ToString())?["error"] is JsonObject error)
                {
                    return $"{error["code"]}: {error["message"]}";
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON: fall back to the exception's own text below.
            }
        }

        return e.Status == 0 ? "no answer (" + e.Message + ")" : e.Message.Split('\n')[0];
    }
}
