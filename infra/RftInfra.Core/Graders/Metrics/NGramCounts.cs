namespace RftInfra.Core.Graders.Metrics;

/// <summary>Gives each distinct token of one (output, reference) pair a small integer id.</summary>
internal sealed class TokenIds
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public int Count => _ids.Count;

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
