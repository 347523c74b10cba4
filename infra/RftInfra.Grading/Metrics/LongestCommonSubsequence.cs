using System.Numerics;

namespace RftInfra.Graders.Metrics;

/// <summary>
/// Length of the longest common subsequence of two code point sequences, bit-parallel (Hyyrö 2004, the
/// algorithm rapidfuzz's Indel distance uses): one pass over the second sequence, 64 cells per machine word.
/// </summary>
internal sealed class LongestCommonSubsequence
{
    private readonly int _length;
    private readonly int _words;
    private readonly ulong[] _asciiMasks;
    private readonly Dictionary<int, ulong[]> _otherMasks = [];
    private readonly HashSet<int> _characters = [];

    /// <summary>Prepares the match masks of <paramref name="pattern"/>, reused for every comparison.</summary>
    public LongestCommonSubsequence(ReadOnlySpan<int> pattern)
    {
        _length = pattern.Length;
        _words = Math.Max(1, (pattern.Length + 63) / 64);
        _asciiMasks = new ulong[128 * _words];
        for (var i = 0; i < pattern.Length; i++)
        {
            var cp = pattern[i];
            _characters.Add(cp);
            var bit = 1UL << (i % 64);
            if (cp < 128)
            {
                _asciiMasks[(cp * _words) + (i / 64)] |= bit;
            }
            else
            {
                if (!_otherMasks.TryGetValue(cp, out var masks))
                {
                    masks = new ulong[_words];
                    _otherMasks[cp] = masks;
                }

                masks[i / 64] |= bit;
            }
        }
    }

    public int PatternLength => _length;

    public bool Contains(int codePoint) => _characters.Contains(codePoint);

    public static int Length(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => new LongestCommonSubsequence(a).Length(b);

    /// <summary>LCS length of the pattern and <paramref name="text"/>.</summary>
    public int Length(ReadOnlySpan<int> text)
    {
        if (_length == 0 || text.Length == 0)
        {
            return 0;
        }

        Span<ulong> state = _words <= 16 ? stackalloc ulong[_words] : new ulong[_words];
        state.Fill(ulong.MaxValue);
        foreach (var cp in text)
        {
            ReadOnlySpan<ulong> masks;
            if (cp < 128)
            {
                masks = _asciiMasks.AsSpan(cp * _words, _words);
            }
            else if (_otherMasks.TryGetValue(cp, out var found))
            {
                masks = found;
            }
            else
            {
                continue; // no match: the state is unchanged (u = 0, S + 0 | S - 0 = S).
            }

            ulong carry = 0;
            for (var w = 0; w < _words; w++)
            {
                var s = state[w];
                var u = s & masks[w];
                var sum = s + u;
                var carryOut = sum < s ? 1UL : 0UL;
                var sumWithCarry = sum + carry;
                if (sumWithCarry < sum)
                {
                    carryOut = 1;
                }

                state[w] = sumWithCarry | (s - u);
                carry = carryOut;
            }
        }

        var lcs = 0;
        for (var w = 0; w < _words; w++)
        {
            var valid = w == _words - 1 && _length % 64 != 0 ? (1UL << (_length % 64)) - 1 : ulong.MaxValue;
            lcs += BitOperations.PopCount(~state[w] & valid);
        }

        return lcs;
    }
}
