namespace RftInfra.Graders.Metrics;

/// <summary>
/// bleu. Reproduces nltk 3.9.1 <c>nltk.translate.bleu_score.sentence_bleu([reference_tokens], output_tokens)</c>
/// with nltk's defaults: weights (0.25, 0.25, 0.25, 0.25), no smoothing (<c>SmoothingFunction().method0</c>:
/// an n-gram order with no match contributes <c>sys.float_info.min</c>, so the score collapses towards 0),
/// <c>auto_reweigh=False</c>, brevity penalty against the single reference, the log-sum with <c>math.fsum</c>.
/// Tokens: <c>str.split()</c> of each text (see <see cref="TextSimilarityMetrics.Tokenize"/>), case-sensitive.
/// </summary>
internal static class Bleu
{
    private const int MaxOrder = 4;
    private const double PythonFloatMin = 2.2250738585072014E-308; // sys.float_info.min

    public static double Score(string output, string reference)
    {
        var ids = new TokenIds();
        var hypothesis = ids.MapWhitespaceTokens(output);
        var referenceTokens = ids.MapWhitespaceTokens(reference);
        var ngrams = new NGramOverlap(hypothesis, referenceTokens, ids.Count);
        Span<double> weightedLogs = stackalloc double[MaxOrder];
        for (var n = 1; n <= MaxOrder; n++)
        {
            if (n > 1)
            {
                ngrams.Extend(hypothesis, referenceTokens);
            }

            // modified_precision: output n-grams clipped by the reference's counts, over max(1, output n-grams).
            var numerator = ngrams.Matches();
            var denominator = Math.Max(1, ngrams.OutputCount);
            if (n == 1 && numerator == 0)
            {
                return 0; // corpus_bleu returns 0 when no unigram matches.
            }

            var precision = numerator != 0 ? (double)numerator / denominator : PythonFloatMin;
            weightedLogs[n - 1] = 0.25 * Math.Log(precision);
        }

        var brevityPenalty = BrevityPenalty(referenceTokens.Length, hypothesis.Length);
        return brevityPenalty * Math.Exp(ExactSum.Of(weightedLogs));
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
