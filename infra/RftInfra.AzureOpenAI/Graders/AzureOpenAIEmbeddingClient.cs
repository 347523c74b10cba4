using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Azure.Core;
using Azure.Identity;
using OpenAI.Embeddings;

namespace RftInfra.Graders;

/// <summary>
/// <see cref="IEmbeddingClient"/> over Azure.AI.OpenAI 2.1.0's <see cref="EmbeddingClient"/>: the embeddings model
/// (text-embedding-3-large for cosine) goes to the deployment <see cref="ModelGraderClientOptions.Deployments"/>
/// maps it to, else a deployment of the same name. Same options, retries and credentials as the grader model client.
/// </summary>
public sealed class AzureOpenAIEmbeddingClient : IEmbeddingClient
{
    private readonly AzureOpenAIClient _client;
    private readonly ModelGraderClientOptions _options;

    /// <summary>Entra ID (default: <see cref="DefaultAzureCredential"/>).</summary>
    public AzureOpenAIEmbeddingClient(Uri endpoint, TokenCredential? credential = null, ModelGraderClientOptions? options = null)
    {
        _options = options ?? new ModelGraderClientOptions();
        _client = new AzureOpenAIClient(endpoint, credential ?? new DefaultAzureCredential(), ClientOptions(_options));
    }

    public AzureOpenAIEmbeddingClient(Uri endpoint, ApiKeyCredential apiKey, ModelGraderClientOptions? options = null)
    {
        _options = options ?? new ModelGraderClientOptions();
        _client = new AzureOpenAIClient(endpoint, apiKey, ClientOptions(_options));
    }

    private static AzureOpenAIClientOptions ClientOptions(ModelGraderClientOptions options) => new(options.ServiceVersion)
    {
        RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
        NetworkTimeout = options.NetworkTimeout,
    };

    public string DeploymentFor(string model) =>
        _options.Deployments.TryGetValue(model, out var deployment) ? deployment : model;

    public async Task<IReadOnlyList<float[]>> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        var deployment = DeploymentFor(request.Model);
        try
        {
            var result = await _client.GetEmbeddingClient(deployment).GenerateEmbeddingsAsync(request.Inputs, cancellationToken: cancellationToken);
            return result.Value.OrderBy(e => e.Index).Select(e => e.ToFloats().ToArray()).ToList();
        }
        catch (ClientResultException e)
        {
            throw new ModelGraderException(e.Status == 0
                ? $"Embeddings model '{request.Model}' (deployment '{deployment}') got no answer: {e.Message.Split('\n')[0]}"
                : $"Embeddings model '{request.Model}' (deployment '{deployment}') failed with HTTP {e.Status}: {e.Message.Split('\n')[0]}", e.Status, e);
        }
        catch (AggregateException e)
        {
            var causes = e.Flatten().InnerExceptions.Select(inner => inner.Message.Split('\n')[0]).Distinct();
            throw new ModelGraderException(
                $"Embeddings model '{request.Model}' (deployment '{deployment}') got no answer after {e.InnerExceptions.Count} tries: {string.Join("; ", causes)}", 0, e);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            throw new ModelGraderException(
                $"Embeddings model '{request.Model}' (deployment '{deployment}') answered something that is not an embeddings list ({e.Message}).", 200, e);
        }
    }
}
