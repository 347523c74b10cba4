namespace RftInfra.Graders.Metrics;

/// <summary>Gives each distinct token of one (output, reference) pair a small integer id.</summary>
internal sealed class TokenIds
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public TokenIds() => _bySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _ids.Count;

    /// <summary>The id of <paramref name="token"/> (no string is allocated for a token seen before).</summary>
    public int Id(ReadOnlySpan<char> token)
    {
        if (!_bySpan.TryGetValue(token, out var id))
        {
            id = _ids.Count;
            _bySpan[token] = id;
        }

        return id;
    }

    /// <summary>The ids of Python's <c>text.split()</c> tokens.</summary>
    public int[] MapWhitespaceTokens(string text)
    {
        var ids = new List<int>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            // No whitespace code point lies outside the BMP, so surrogates are never separators.
            var isSeparator = i == text.Length || PythonText.IsSpace(text[i]);
            if (isSeparator && start >= 0)
            {
                ids.Add(Id(text.AsSpan(start, i - start)));
                start = -1;
            }
            else if (!isSeparator && start < 0)
            {
                start = i;
            }
        }

        return [.. ids];
    }
}

/// <summary>
/// N-gram counting for one (output, reference) pair, like Python's <c>Counter(ngrams(tokens, n))</c> compared
/// with <c>&amp;</c>/<c>min</c>. Each distinct n-gram gets a dense id, built order by order: an n-gram is its
/// (n−1)-gram prefix's id plus its last token, so counts live in plain arrays.
/// </summary>
internal sealed class NGramOverlap
{
    private readonly Dictionary<long, int> _ids = [];
    private int[] _output;
    private int[] _reference;
    private int _distinct;

    /// <summary>Starts at order 1 with the token ids of both sides (from one <see cref="TokenIds"/>).</summary>
    public NGramOverlap(int[] output, int[] reference, int vocabularySize)
    {
        _output = output;
        _reference = reference;
        _distinct = vocabularySize;
        Order = 1;
    }

    public int Order { get; private set; }

    /// <summary>Number of n-grams of the current order in the output.</summary>
    public int OutputCount => _output.Length;

    /// <summary>Number of n-grams of the current order in the reference.</summary>
    public int ReferenceCount => _reference.Length;

    /// <summary>Σ over n-grams of min(output count, reference count): the clipped matches.</summary>
    public int Matches()
    {
        if (_output.Length == 0 || _reference.Length == 0)
        {
            return 0;
        }

        var referenceCounts = new int[_distinct];
        foreach (var id in _reference)
        {
            referenceCounts[id]++;
        }

        var matches = 0;
        foreach (var id in _output)
        {
            // Each output occurrence uses up one reference occurrence: min(count_out, count_ref) in total.
            if (referenceCounts[id] > 0)
            {
                referenceCounts[id]--;
                matches++;
            }
        }

        return matches;
    }

    /// <summary>
    /// Moves to order <paramref name="n"/>. From order 1 with up to 5-grams of fewer than 4096 distinct tokens,
    /// each n-gram packs into one 60-bit key (one pass); otherwise order by order.
    /// </summary>
    public void ExtendTo(int n, int[] outputTokens, int[] referenceTokens)
    {
        if (Order == 1 && n is > 1 and <= 5 && _distinct < 4096)
        {
            _ids.Clear();
            _output = PackedIds(outputTokens, n);
            _reference = PackedIds(referenceTokens, n);
            _distinct = _ids.Count;
            Order = n;
            return;
        }

        while (Order < n)
        {
            Extend(outputTokens, referenceTokens);
        }
    }

    private int[] PackedIds(int[] tokens, int n)
    {
        var ids = new int[Math.Max(0, tokens.Length - n + 1)];
        for (var i = 0; i < ids.Length; i++)
        {
            long key = 0;
            for (var k = 0; k < n; k++)
            {
                key |= (long)tokens[i + k] << (12 * k);
            }

            if (!_ids.TryGetValue(key, out var id))
            {
                id = _ids.Count;
                _ids[key] = id;
            }

            ids[i] = id;
        }

        return ids;
    }

    /// <summary>Moves to the next order: n-grams one token longer.</summary>
    public void Extend(int[] outputTokens, int[] referenceTokens)
    {
        _ids.Clear();
        _output = ExtendSide(_output, outputTokens);
        _reference = ExtendSide(_reference, referenceTokens);
        _distinct = _ids.Count;
        Order++;
    }

    private int[] ExtendSide(int[] previous, int[] tokens)
    {
        var next = new int[Math.Max(0, previous.Length - 1)];
        for (var i = 0; i < next.Length; i++)
        {
            var key = ((long)previous[i] << 32) | (uint)tokens[i + Order];
            if (!_ids.TryGetValue(key, out var id))
            {
                id = _ids.Count;
                _ids[key] = id;
            }

            next[i] = id;
        }

        return next;
    }
}
