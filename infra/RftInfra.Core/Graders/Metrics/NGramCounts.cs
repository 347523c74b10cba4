namespace RftInfra.Core.Graders.Metrics;

/// <summary>An n-gram (n ≤ 5) of token ids; ids come from one <see cref="TokenIds"/> per scored pair.</summary>
internal readonly record struct NGram(int Length, int A, int B, int C, int D, int E);

/// <summary>Gives each distinct token of one (output, reference) pair a small integer id.</summary>
internal sealed class TokenIds
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public int[] Map(IReadOnlyList<string> tokens)
    {
        var ids = new int[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!_ids.TryGetValue(tokens[i], out var id))
            {
                id = _ids.Count;
                _ids[tokens[i]] = id;
            }

            ids[i] = id;
        }

        return ids;
    }
}

/// <summary>Counts of n-grams, like Python's <c>collections.Counter(nltk.util.ngrams(tokens, n))</c>.</summary>
internal static class NGramCounts
{
    /// <summary>The highest n-gram order nltk's bleu and gleu use.</summary>
    public const int MaxOrder = 4;

    public static Dictionary<NGram, int> Count(int[] tokens, int n) => Count(tokens, n, n);

    /// <summary>All n-grams with <paramref name="minOrder"/> ≤ n ≤ <paramref name="maxOrder"/> (nltk's everygrams).</summary>
    public static Dictionary<NGram, int> Count(int[] tokens, int minOrder, int maxOrder)
    {
        var counts = new Dictionary<NGram, int>();
        for (var n = minOrder; n <= maxOrder; n++)
        {
            for (var i = 0; i + n <= tokens.Length; i++)
            {
                var gram = Of(tokens, i, n);
                counts[gram] = counts.GetValueOrDefault(gram) + 1;
            }
        }

        return counts;
    }

    public static NGram Of(int[] tokens, int start, int n) => new(
        n,
        tokens[start],
        n > 1 ? tokens[start + 1] : -1,
        n > 2 ? tokens[start + 2] : -1,
        n > 3 ? tokens[start + 3] : -1,
        n > 4 ? tokens[start + 4] : -1);

    /// <summary>Σ min(a[g], b[g]): the clipped overlap of two n-gram multisets.</summary>
    public static int Overlap(Dictionary<NGram, int> a, Dictionary<NGram, int> b)
    {
        var overlap = 0;
        foreach (var (gram, count) in a)
        {
            if (b.TryGetValue(gram, out var other))
            {
                overlap += Math.Min(count, other);
            }
        }

        return overlap;
    }

    public static int Total(Dictionary<NGram, int> counts)
    {
        var total = 0;
        foreach (var count in counts.Values)
        {
            total += count;
        }

        return total;
    }
}
