namespace RftInfra.Graders.Metrics;

/// <summary>
/// gleu. Reproduces nltk 3.9.1 <c>nltk.translate.gleu_score.sentence_gleu([reference_tokens], output_tokens)</c>
/// with its defaults min_len=1, max_len=4: over all 1..4-grams, matches / max(output n-grams, reference
/// n-grams), 0.0 when both are empty. Tokens: <c>str.split()</c>, case-sensitive.
/// </summary>
internal static class Gleu
{
    private const int MaxOrder = 4;

    public static double Score(string output, string reference)
    {
        var ids = new TokenIds();
        var hypothesis = ids.MapWhitespaceTokens(output);
        var referenceTokens = ids.MapWhitespaceTokens(reference);
        var ngrams = new NGramOverlap(hypothesis, referenceTokens, ids.Count);
        int matches = 0, outputNGrams = 0, referenceNGrams = 0;
        for (var n = 1; n <= MaxOrder; n++)
        {
            if (n > 1)
            {
                ngrams.Extend(hypothesis, referenceTokens);
            }

            matches += ngrams.Matches();
            outputNGrams += ngrams.OutputCount; // true positives + false positives
            referenceNGrams += ngrams.ReferenceCount; // true positives + false negatives
        }

        var all = Math.Max(outputNGrams, referenceNGrams);
        return all == 0 ? 0.0 : (double)matches / all;
    }
}
