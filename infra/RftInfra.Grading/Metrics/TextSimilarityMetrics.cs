namespace RftInfra.Graders.Metrics;

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

    /// <summary>
    /// Why <paramref name="metric"/> cannot be scored here, or null when <see cref="Score"/> can compute it:
    /// cosine needs the service's embeddings model; meteor needs the WordNet 3.0 database for its synonym stage.
    /// </summary>
    public static string? WhyUnavailable(string metric) => metric switch
    {
        "cosine" => "cosine compares text-embedding-3-large embeddings computed by the service; it is not " +
            "computed offline. Give rft grade --endpoint URL (with --deployment text-embedding-3-large=NAME for an embeddings " +
            "deployment of another name) to score it through an embeddings deployment, or pick another metric.",
        "meteor" => WordNet.Default is null ? WordNet.MissingMessage : null,
        _ when Names.Contains(metric) => null,
        _ => $"unknown text_similarity metric '{metric}'; use one of: {string.Join(", ", Names)}.",
    };

    /// <summary>Scores <paramref name="output"/> (the rendered input) against <paramref name="reference"/>.</summary>
    /// <exception cref="NotSupportedException">cosine, an unknown metric, or meteor without WordNet
    /// (<see cref="WhyUnavailable"/> says which and what to do).</exception>
    public static double Score(string metric, string output, string reference)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reference);
        return metric switch
        {
            "fuzzy_match" => FuzzyMatch.Score(output, reference),
            "bleu" => Bleu.Score(output, reference),
            "gleu" => Gleu.Score(output, reference),
            "meteor" => Meteor.Score(output, reference, WordNet.Default
                ?? throw new NotSupportedException(WordNet.MissingMessage)),
            "rouge_1" => Rouge.RougeN(1, output, reference),
            "rouge_2" => Rouge.RougeN(2, output, reference),
            "rouge_3" => Rouge.RougeN(3, output, reference),
            "rouge_4" => Rouge.RougeN(4, output, reference),
            "rouge_5" => Rouge.RougeN(5, output, reference),
            "rouge_l" => Rouge.RougeL(output, reference),
            _ => throw new NotSupportedException(WhyUnavailable(metric)),
        };
    }

    /// <summary>
    /// The tokens bleu, gleu and meteor score: Python's <c>text.split()</c> (runs of Unicode whitespace).
    /// nltk's metrics take pre-tokenized input and the service does not publish its tokenizer; whitespace
    /// splitting is our documented choice (nltk.word_tokenize would also need the punkt model).
    /// </summary>
    internal static List<string> Tokenize(string text) => PythonText.SplitWhitespace(text);
}
