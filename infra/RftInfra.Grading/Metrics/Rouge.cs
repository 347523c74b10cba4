namespace RftInfra.Graders.Metrics;

/// <summary>
/// rouge_1 … rouge_5 and rouge_l. Reproduces Google's rouge-score 0.1.2:
/// <c>rouge_scorer.RougeScorer(["rouge1".."rouge5", "rougeL"], use_stemmer=False).score(reference, output)</c>,
/// taking <c>.fmeasure</c>. Its default tokenizer: Python <c>str.lower()</c>, every run of characters outside
/// [a-z0-9] becomes a space (so accented letters, CJK and emoji vanish), split on whitespace, keep tokens
/// matching ^[a-z0-9]+$. rouge-N: clipped n-gram overlap, P = overlap / max(output n-grams, 1),
/// R = overlap / max(reference n-grams, 1); rougeL: longest common token subsequence, 0 when either side has no
/// token; F = 2PR / (P + R), 0 when P + R = 0. The stemmer is off: rouge-score's default (the service's choice
/// is not documented).
/// </summary>
internal static class Rouge
{
    public static double RougeN(int n, string output, string reference)
    {
        var ids = new TokenIds();
        var target = TokenIds(ids, reference);
        var prediction = TokenIds(ids, output);
        var ngrams = new NGramOverlap(prediction, target, ids.Count);
        ngrams.ExtendTo(n, prediction, target);

        var overlap = ngrams.Matches();
        var precision = (double)overlap / Math.Max(ngrams.OutputCount, 1);
        var recall = (double)overlap / Math.Max(ngrams.ReferenceCount, 1);
        return FMeasure(precision, recall);
    }

    public static double RougeL(string output, string reference)
    {
        var ids = new TokenIds();
        var target = TokenIds(ids, reference);
        var prediction = TokenIds(ids, output);
        if (target.Length == 0 || prediction.Length == 0)
        {
            return 0;
        }

        var lcs = new LongestCommonSubsequence(target).Length(prediction);
        var precision = (double)lcs / prediction.Length;
        var recall = (double)lcs / target.Length;
        return FMeasure(precision, recall);
    }

    /// <summary>The ids of rouge-score's <c>tokenize.tokenize(text, stemmer=None)</c> tokens.</summary>
    private static int[] TokenIds(TokenIds ids, string text)
    {
        var lowered = PythonText.Lower(text);
        var tokens = new List<int>();
        var start = -1;
        for (var i = 0; i <= lowered.Length; i++)
        {
            var isTokenChar = i < lowered.Length && lowered[i] is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (isTokenChar && start < 0)
            {
                start = i;
            }
            else if (!isTokenChar && start >= 0)
            {
                tokens.Add(ids.Id(lowered.AsSpan(start, i - start)));
                start = -1;
            }
        }

        return [.. tokens];
    }

    private static double FMeasure(double precision, double recall) =>
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}
