namespace RftInfra.Core.Graders.Metrics;

/// <summary>
/// gleu. Reproduces nltk 3.9.1 <c>nltk.translate.gleu_score.sentence_gleu([reference_tokens], output_tokens)</c>
/// with its defaults min_len=1, max_len=4: over all 1..4-grams, matches / max(output n-grams, reference
/// n-grams), 0.0 when both are empty. Tokens: <c>str.split()</c>, case-sensitive.
/// </summary>
internal static class Gleu
{
    public static double Score(string output, string reference)
    {
        var ids = new TokenIds();
        var hypothesis = ids.Map(TextSimilarityMetrics.Tokenize(output));
        var referenceTokens = ids.Map(TextSimilarityMetrics.Tokenize(reference));
        var hypothesisCounts = NGramCounts.Count(hypothesis, 1, NGramCounts.MaxOrder);
        var referenceCounts = NGramCounts.Count(referenceTokens, 1, NGramCounts.MaxOrder);
        var truePositivesAndFalsePositives = NGramCounts.Total(hypothesisCounts);
        var truePositivesAndFalseNegatives = NGramCounts.Total(referenceCounts);
        var all = Math.Max(truePositivesAndFalsePositives, truePositivesAndFalseNegatives);
        return all == 0 ? 0.0 : (double)NGramCounts.Overlap(referenceCounts, hypothesisCounts) / all;
    }
}
