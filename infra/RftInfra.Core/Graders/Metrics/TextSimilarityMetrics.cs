namespace RftInfra.Core.Graders.Metrics;

/// <summary>
/// text_similarity's evaluation metrics, reproducing the reference implementations the service is built on
/// (rapidfuzz, nltk, rouge-score). Each metric's own file says which function and parameters it reproduces.
/// </summary>
public static partial class TextSimilarityMetrics
{
    /// <summary>The metric names a text_similarity grader may use, cosine included.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "fuzzy_match", "bleu", "gleu", "meteor",
        "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l", "cosine",
    ];

    /// <summary>True for metrics computed offline (all but cosine, which needs an embeddings model).</summary>
    public static bool IsComputedOffline(string metric) => Names.Contains(metric) && metric != "cosine";

    /// <summary>Scores <paramref name="output"/> (the rendered input) against <paramref name="reference"/>.</summary>
    public static double Score(string metric, string output, string reference) =>
        throw new NotImplementedException("Implemented by the metrics work (Graders/Metrics/).");
}
