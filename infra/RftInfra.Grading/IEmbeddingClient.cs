namespace RftInfra.Graders;

/// <summary>
/// Embeds texts for text_similarity <c>cosine</c>. The engine renders input and reference and takes the cosine of
/// their embeddings; an implementation only carries the embeddings call (Azure OpenAI through Azure.AI.OpenAI, or
/// the local emulator). Like <see cref="IModelGraderClient"/>, it is given only when `rft grade` has an endpoint.
/// </summary>
public interface IEmbeddingClient
{
    /// <summary>One vector per input, in order.</summary>
    Task<IReadOnlyList<float[]>> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The embeddings model (mapped to a deployment by the client's configuration) and the texts to embed.</summary>
public sealed record EmbeddingRequest(string Model, IReadOnlyList<string> Inputs)
{
    /// <summary>The model the service's cosine uses (docs/service.md §0, §3.2).</summary>
    public const string CosineModel = "text-embedding-3-large";
}
