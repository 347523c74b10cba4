using System.Text.Json.Nodes;
using RftInfra.Graders.Metrics;

namespace RftInfra.Graders.Evaluation;

/// <summary>text_similarity <c>cosine</c>: the service embeds input and reference and scores their cosine.</summary>
public sealed partial class GraderEngine
{
    /// <summary>
    /// With an embeddings client, the cosine of the two embeddings (pass_threshold sets <see cref="GradeResult.Passed"/>);
    /// without one, not scored — never 0. A failed embeddings call is a failure of this run, so the row is not scored either.
    /// </summary>
    private async Task<GradeResult> CosineAsync(TextSimilarityGrader grader, JsonObject item, JsonObject sample, CancellationToken cancellationToken)
    {
        var input = TemplateRenderer.Render(grader.Input, item, sample);
        var reference = TemplateRenderer.Render(grader.Reference, item, sample);
        if (InvalidVariable(grader.Name, ("input", input), ("reference", reference)) is { } invalid)
        {
            return invalid;
        }

        if (_options.EmbeddingClient is not { } client)
        {
            return GradeResult.NotScored($"{grader.Name} uses cosine: {TextSimilarityMetrics.WhyUnavailable("cosine")!.TrimEnd('.')}");
        }

        IReadOnlyList<float[]> vectors;
        try
        {
            vectors = await client.EmbedAsync(new EmbeddingRequest(EmbeddingRequest.CosineModel, [input.Text, reference.Text]), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return GradeResult.CallFailed(new GradeError(GraderErrorKinds.ModelServer, grader.Name, e.Message));
        }

        double score;
        try
        {
            score = vectors.Count == 2
                ? Cosine.Similarity(vectors[0], vectors[1])
                : throw new ArgumentException($"the embeddings call returned {vectors.Count} vectors for 2 texts");
        }
        catch (ArgumentException e)
        {
            return GradeResult.CallFailed(new GradeError(GraderErrorKinds.ModelServer, grader.Name, $"cosine: {e.Message}"));
        }

        return GradeResult.Score(score, grader.PassThreshold is { } t ? score >= t : null);
    }
}
