using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Http.Resilience;
using OpenAI.Chat;
using RftInfra.Validation.Baseline;

namespace RftInfra.AzureOpenAI.BaseModels;

/// <summary>
/// <see cref="IBaseModelClient"/> over Azure.AI.OpenAI 2.1.0's <see cref="ChatClient"/>
/// (<c>POST /openai/deployments/{deployment}/chat/completions</c>). The body is the service's JSON through the
/// protocol method, because 2.1.0's typed options have no developer role and no <c>reasoning_effort</c>. Retries
/// are the kit's resilience pipeline (<see cref="ServiceRetry"/>: 408/429/5xx with backoff, never sooner than
/// retry-after) as the SDK's transport, with the SDK's own retry policy off so a call is not retried twice over.
/// </summary>
public sealed class AzureOpenAIBaseModelClient : IBaseModelClient, IDisposable
{
    private readonly AzureOpenAIClient _client;
    private readonly HttpClient _http;

    /// <summary>Entra ID (default: <see cref="DefaultAzureCredential"/>).</summary>
    public AzureOpenAIBaseModelClient(Uri endpoint, TokenCredential? credential = null, RetrySettings? retry = null, TimeProvider? time = null)
    {
        _http = Http(retry, time);
        _client = new AzureOpenAIClient(endpoint, credential ?? new DefaultAzureCredential(), Options(_http));
    }

    public AzureOpenAIBaseModelClient(Uri endpoint, ApiKeyCredential apiKey, RetrySettings? retry = null, TimeProvider? time = null)
    {
        _http = Http(retry, time);
        _client = new AzureOpenAIClient(endpoint, apiKey, Options(_http));
    }

    private static HttpClient Http(RetrySettings? retry, TimeProvider? time)
    {
        var pipeline = new ServiceRetry(retry ?? new RetrySettings(), time ?? TimeProvider.System).Repeatable;
        // The pipeline has its own timeouts; HttpClient's would cut a long retry-after wait short.
        return new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = new SocketsHttpHandler() }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static AzureOpenAIClientOptions Options(HttpClient http) => new(AzureOpenAIClientOptions.ServiceVersion.V2024_10_21)
    {
        Transport = new HttpClientPipelineTransport(http),
        RetryPolicy = new ClientRetryPolicy(0),
        NetworkTimeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<BaseModelAnswer> AnswerAsync(BaseModelRequest request, CancellationToken cancellationToken = default)
    {
        var chat = _client.GetChatClient(request.Deployment);
        using var content = BinaryContent.Create(BinaryData.FromString(request.Body().ToJsonString()));
        ClientResult result;
        try
        {
            result = await chat.CompleteChatAsync(content, new RequestOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
        }
        catch (ClientResultException e)
        {
            throw new BaseModelCallException(e.Status == 0
                ? $"deployment '{request.Deployment}' gave no answer: {e.Message.Split('\n')[0]}"
                : $"deployment '{request.Deployment}' answered HTTP {e.Status}: {ServiceMessage(e)}", e.Status, e);
        }
        catch (AuthenticationFailedException e)
        {
            // DefaultAzureCredential found no login (or the login failed): say so without its long list of attempts.
            throw new BaseModelCallException($"no Entra ID token for deployment '{request.Deployment}': {e.Message.Split('\n')[0]} " +
                "Sign in (az login) or give a key in AZURE_OPENAI_API_KEY.", 401, e);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new BaseModelCallException($"deployment '{request.Deployment}' gave no answer: {e.Message.Split('\n')[0]}", 0, e);
        }

        ChatCompletion completion;
        try
        {
            completion = ModelReaderWriter.Read<ChatCompletion>(result.GetRawResponse().Content) ?? throw new FormatException("empty answer");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            throw new BaseModelCallException($"deployment '{request.Deployment}' answered something that is not a chat completion ({e.Message}).", 200, e);
        }

        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        return new BaseModelAnswer(text, string.IsNullOrEmpty(completion.Refusal) ? null : completion.Refusal,
            completion.Usage?.InputTokenCount ?? 0, completion.Usage?.OutputTokenCount ?? 0,
            completion.Usage?.OutputTokenDetails?.ReasoningTokenCount ?? 0);
    }

    public void Dispose() => _http.Dispose();

    private static string ServiceMessage(ClientResultException e)
    {
        if (e.GetRawResponse()?.Content is { } body)
        {
            try
            {
                if (JsonNode.Parse(body.ToString())?["error"] is JsonObject error)
                {
                    return $"{error["code"]}: {error["message"]}";
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON: the exception's first line below.
            }
        }

        return e.Message.Split('\n')[0];
    }
}
