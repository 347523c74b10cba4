namespace RftInfra.Core.Graders.Metrics;

/// <summary>
/// bleu. Reproduces nltk 3.9.1 <c>nltk.translate.bleu_score.sentence_bleu([reference_tokens], output_tokens)</c>
/// with nltk's defaults: weights (0.25, 0.25, 0.25, 0.25), no smoothing (<c>SmoothingFunction().method0</c>:
/// an n-gram order with no match contributes <c>sys.float_info.min</c>, so the score collapses towards 0),
/// <c>auto_reweigh=False</c>, brevity penalty against the single reference. Tokens: <c>str.split()</c> of
/// each text (see <see cref="TextSimilarityMetrics.Tokenize"/>), case-sensitive like nltk.
/// </summary>
internal static class Bleu
{
    private const double PythonFloatMin = 2.2250738585072014E-308; // sys.float_info.min

    public static double Score(string output, string reference)
    {
        var ids = new TokenIds();
        var hypothesis = ids.Map(TextSimilarityMetrics.Tokenize(output));
        var referenceTokens = ids.Map(TextSimilarityMetrics.Tokenize(reference));
        return Score(hypothesis, referenceTokens);
    }

    internal static double Score(int[] hypothesis, int[] reference)
    {
        Span<double> logPrecisions = stackalloc double[NGramCounts.MaxOrder];
        for (var n = 1; n <= NGramCounts.MaxOrder; n++)
        {
            // modified_precision: hypothesis n-gram counts clipped by the reference's counts.
            var hypothesisCounts = NGramCounts.Count(hypothesis, n);
            var numerator = NGramCounts.Overlap(hypothesisCounts, NGramCounts.Count(reference, n));
            var denominator = Math.Max(1, NGramCounts.Total(hypothesisCounts));
            if (n == 1 && numerator == 0)
            {
                return 0; // corpus_bleu returns 0 when no unigram matches.
            }

            var precision = numerator != 0 ? (double)numerator / denominator : PythonFloatMin;
            logPrecisions[n - 1] = 0.25 * Math.Log(precision);
        }

        var brevityPenalty = BrevityPenalty(reference.Length, hypothesis.Length);
        return brevityPenalty * Math.Exp(ExactSum.Of(logPrecisions));
    }

    private static double BrevityPenalty(int referenceLength, int hypothesisLength)
    {
        if (hypothesisLength > referenceLength)
        {
            return 1;
        }

        return hypothesisLength == 0 ? 0 : Math.Exp(1 - ((double)referenceLength / hypothesisLength));
    }
}
