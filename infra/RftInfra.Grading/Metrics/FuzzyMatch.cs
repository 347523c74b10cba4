namespace RftInfra.Graders.Metrics;

/// <summary>
/// fuzzy_match. Reproduces rapidfuzz 3.10.1 (the grader image's version, docs/service.md §3.3):
/// <c>rapidfuzz.fuzz.WRatio(output, reference, processor=rapidfuzz.utils.default_process) / 100.0</c>.
/// The service documents only "fuzzy string match, using rapidfuzz"; this scorer and processor are the ones
/// OpenAI's graders guide shows for a rapidfuzz python grader, so they are our choice (UNCONFIRMED for the
/// built-in metric). Strings are compared as code points, like Python; the C++ implementation's results are
/// reproduced: partial_ratio takes the best of every full-length window and every prefix/suffix overlap.
/// </summary>
internal static class FuzzyMatch
{
    private const double UnbaseScale = 0.95;

    public static double Score(string output, string reference) =>
        WRatio(DefaultProcess(output), DefaultProcess(reference)) / 100.0;

    /// <summary>
    /// <c>rapidfuzz.utils.default_process</c>: every code point that is not alphanumeric (Python
    /// <c>str.isalnum</c>) becomes a space, the rest is lowercased (simple mapping), then spaces are trimmed.
    /// </summary>
    internal static int[] DefaultProcess(string text)
    {
        var codePoints = PythonText.CodePoints(text);
        for (var i = 0; i < codePoints.Length; i++)
        {
            var cp = codePoints[i];
            codePoints[i] = PythonText.IsAlnum(cp) ? PythonText.SimpleLower(cp) : ' ';
        }

        var start = 0;
        var end = codePoints.Length;
        while (end > 0 && codePoints[end - 1] == ' ')
        {
            end--;
        }

        while (start < end && codePoints[start] == ' ')
        {
            start++;
        }

        return codePoints[start..end];
    }

    /// <summary><c>fuzz.WRatio</c> on already processed strings, 0..100.</summary>
    internal static double WRatio(int[] s1, int[] s2)
    {
        // rapidfuzz (like FuzzyWuzzy) scores 0 when either string is empty.
        if (s1.Length == 0 || s2.Length == 0)
        {
            return 0;
        }

        double len1 = s1.Length;
        double len2 = s2.Length;
        var lenRatio = len1 > len2 ? len1 / len2 : len2 / len1;
        var endRatio = Ratio(s1, s2);
        if (lenRatio < 1.5)
        {
            return Math.Max(endRatio, TokenRatio(s1, s2) * UnbaseScale);
        }

        var partialScale = lenRatio < 8.0 ? 0.9 : 0.6;
        endRatio = Math.Max(endRatio, PartialRatio(s1, s2) * partialScale);
        return Math.Max(endRatio, PartialTokenRatio(s1, s2) * UnbaseScale * partialScale);
    }

    /// <summary><c>fuzz.ratio</c>: normalized Indel similarity × 100.</summary>
    internal static double Ratio(ReadOnlySpan<int> s1, ReadOnlySpan<int> s2) =>
        Ratio(new LongestCommonSubsequence(s1), s2);

    private static double Ratio(LongestCommonSubsequence s1, ReadOnlySpan<int> s2)
    {
        var lensum = s1.PatternLength + s2.Length;
        if (lensum == 0)
        {
            return 100;
        }

        var distance = lensum - (2 * s1.Length(s2));
        return (1.0 - ((double)distance / lensum)) * 100;
    }

    /// <summary><c>fuzz.partial_ratio</c>: the best ratio of the shorter string against parts of the longer.</summary>
    internal static double PartialRatio(int[] s1, int[] s2)
    {
        if (s1.Length == 0 || s2.Length == 0)
        {
            return s1.Length == s2.Length ? 100 : 0;
        }

        var (shorter, longer) = s1.Length <= s2.Length ? (s1, s2) : (s2, s1);
        var score = PartialRatioImpl(shorter, longer);
        if (score != 100 && s1.Length == s2.Length)
        {
            score = Math.Max(score, PartialRatioImpl(longer, shorter));
        }

        return score;
    }

    // rapidfuzz's fuzz_detail::partial_ratio_impl, with len(s1) <= len(s2). The C++ code prunes windows that
    // cannot beat the best one; taking the plain maximum gives the same score.
    private static double PartialRatioImpl(int[] s1, int[] s2)
    {
        var len1 = s1.Length;
        var len2 = s2.Length;
        var needle = new LongestCommonSubsequence(s1);
        double best = 0;
        if (len2 > len1)
        {
            var maximum = 2 * len1;
            var bestDistance = int.MaxValue;
            for (var start = 0; start < len2 - len1; start++)
            {
                var distance = maximum - (2 * needle.Length(s2.AsSpan(start, len1)));
                bestDistance = Math.Min(bestDistance, distance);
            }

            if (bestDistance < maximum)
            {
                best = (1.0 - ((double)bestDistance / maximum)) * 100;
            }
        }

        for (var i = 1; i < len1; i++)
        {
            if (needle.Contains(s2[i - 1]))
            {
                best = Math.Max(best, Ratio(needle, s2.AsSpan(0, i)));
            }
        }

        for (var i = len2 - len1; i < len2; i++)
        {
            if (needle.Contains(s2[i]))
            {
                best = Math.Max(best, Ratio(needle, s2.AsSpan(i)));
            }
        }

        return best;
    }

    /// <summary><c>fuzz.token_ratio</c>: the better of token_set_ratio and token_sort_ratio.</summary>
    internal static double TokenRatio(int[] s1, int[] s2)
    {
        var tokensA = SortedSplit(s1);
        var tokensB = SortedSplit(s2);
        var (intersection, diffAb, diffBa) = Decompose(tokensA, tokensB);
        if (intersection.Count > 0 && (diffAb.Count == 0 || diffBa.Count == 0))
        {
            return 100;
        }

        var diffAbJoined = Join(diffAb);
        var diffBaJoined = Join(diffBa);
        var abLength = diffAbJoined.Length;
        var baLength = diffBaJoined.Length;
        var sectLength = Join(intersection).Length;
        var hasSect = sectLength > 0 ? 1 : 0;

        var result = Ratio(Join(tokensA), Join(tokensB));

        var sectAbLength = sectLength + hasSect + abLength;
        var sectBaLength = sectLength + hasSect + baLength;
        var distance = abLength + baLength - (2 * LongestCommonSubsequence.Length(diffAbJoined, diffBaJoined));
        result = Math.Max(result, NormDistance(distance, sectAbLength + sectBaLength));
        if (sectLength == 0)
        {
            return result;
        }

        var sectAbRatio = NormDistance(hasSect + abLength, sectLength + sectAbLength);
        var sectBaRatio = NormDistance(hasSect + baLength, sectLength + sectBaLength);
        return Math.Max(result, Math.Max(sectAbRatio, sectBaRatio));
    }

    /// <summary><c>fuzz.partial_token_ratio</c>.</summary>
    internal static double PartialTokenRatio(int[] s1, int[] s2)
    {
        var tokensA = SortedSplit(s1);
        var tokensB = SortedSplit(s2);
        var (intersection, diffAb, diffBa) = Decompose(tokensA, tokensB);
        if (intersection.Count > 0)
        {
            return 100;
        }

        var result = PartialRatio(Join(tokensA), Join(tokensB));
        if (tokensA.Count == diffAb.Count && tokensB.Count == diffBa.Count)
        {
            return result;
        }

        return Math.Max(result, PartialRatio(Join(diffAb), Join(diffBa)));
    }

    private static double NormDistance(int distance, int lensum) =>
        lensum > 0 ? 100.0 - (100.0 * distance / lensum) : 100.0;

    // Tokens split on Python whitespace, sorted by code point like Python's sorted() on str.
    private static List<int[]> SortedSplit(int[] text)
    {
        var tokens = new List<int[]>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isSeparator = i == text.Length || PythonText.IsSpace(text[i]);
            if (isSeparator && start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }
            else if (!isSeparator && start < 0)
            {
                start = i;
            }
        }

        tokens.Sort(CompareCodePoints);
        return tokens;
    }

    private static int CompareCodePoints(int[] a, int[] b) => a.AsSpan().SequenceCompareTo(b);

    // rapidfuzz's set_decomposition: both sides deduplicated; common words, words only in a, words only in b.
    private static (List<int[]> Intersection, List<int[]> DiffAb, List<int[]> DiffBa) Decompose(
        List<int[]> sortedA, List<int[]> sortedB)
    {
        var a = Deduplicate(sortedA);
        var b = Deduplicate(sortedB);
        var intersection = new List<int[]>();
        var diffAb = new List<int[]>();
        foreach (var token in a)
        {
            var index = b.FindIndex(other => other.AsSpan().SequenceEqual(token));
            if (index >= 0)
            {
                intersection.Add(token);
                b.RemoveAt(index);
            }
            else
            {
                diffAb.Add(token);
            }
        }

        return (intersection, diffAb, b);
    }

    private static List<int[]> Deduplicate(List<int[]> sorted)
    {
        var result = new List<int[]>(sorted.Count);
        foreach (var token in sorted)
        {
            if (result.Count == 0 || !result[^1].AsSpan().SequenceEqual(token))
            {
                result.Add(token);
            }
        }

        return result;
    }

    private static int[] Join(List<int[]> tokens)
    {
        if (tokens.Count == 0)
        {
            return [];
        }

        var result = new int[tokens.Sum(t => t.Length) + tokens.Count - 1];
        var position = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i > 0)
            {
                result[position++] = ' ';
            }

            tokens[i].CopyTo(result, position);
            position += tokens[i].Length;
        }

        return result;
    }
}
