using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>
/// The escapes of a JSON string body as it stands in the line (already checked by <c>Utf8JsonReader</c>): finding the
/// ones the prompt hash's canonical form re-encodes (<c>\uXXXX</c> and <c>\/</c>), checking that surrogate escapes
/// come in pairs, and writing the canonical form: JSON's minimal escaping (<c>\"</c>, <c>\\</c>, <c>\n</c>-style
/// short forms, <c>\u00xx</c> for other control characters, everything else as UTF-8).
/// </summary>
internal static class JsonEscapes
{
    /// <summary>
    /// The index of the first backslash followed by <c>u</c> or <c>/</c>, or -1. That backslash may itself be escaped
    /// (<c>\\u</c>): <see cref="Walk"/> checks. One vectorised pass instead of a search for each.
    /// </summary>
    public static int IndexOfReencoded(ReadOnlySpan<byte> raw)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            var u = raw.IndexOf("\\u"u8);
            var slash = raw.IndexOf("\\/"u8);
            return u < 0 ? slash : slash < 0 ? u : Math.Min(u, slash);
        }

        // Each step looks at 32 bytes and the byte after each; the last step overlaps the one before.
        var last = raw.Length - Vector256<byte>.Count - 1;
        if (last < 0)
        {
            for (var i = 0; i + 1 < raw.Length; i++)
            {
                if (raw[i] == (byte)'\\' && raw[i + 1] is (byte)'u' or (byte)'/')
                {
                    return i;
                }
            }

            return -1;
        }

        ref var start = ref MemoryMarshal.GetReference(raw);
        for (var i = 0; ; i = Math.Min(i + Vector256<byte>.Count, last))
        {
            var here = Vector256.LoadUnsafe(ref start, (nuint)i);
            var next = Vector256.LoadUnsafe(ref start, (nuint)i + 1);
            var found = Vector256.Equals(here, Vector256.Create((byte)'\\'))
                & (Vector256.Equals(next, Vector256.Create((byte)'u')) | Vector256.Equals(next, Vector256.Create((byte)'/')));
            if (found != Vector256<byte>.Zero)
            {
                return i + BitOperations.TrailingZeroCount(found.ExtractMostSignificantBits());
            }

            if (i == last)
            {
                return -1;
            }
        }
    }

    /// <summary>
    /// Walks the <c>\u</c> and <c>\/</c> escapes from the candidate at <paramref name="first"/> (from
    /// <see cref="IndexOfReencoded"/>). False at an unpaired surrogate (<c>\ud800</c> alone, which no UTF-8 consumer
    /// can encode). Gives the canonical form's <paramref name="length"/> and where the last re-encoded escape ends in
    /// <paramref name="raw"/>; when <paramref name="canonical"/> is not empty (it needs <c>raw.Length</c> bytes: the
    /// canonical form is never longer) also writes the canonical form there. The other escapes (<c>\"</c>,
    /// <c>\\</c>, <c>\n</c>, ...) are canonical already and are copied with the text around them.
    /// </summary>
    public static bool Walk(ReadOnlySpan<byte> raw, int first, Span<byte> canonical, out int length, out int escapesEnd)
    {
        length = 0;
        escapesEnd = 0;
        var copied = 0; // raw[..copied] is already counted (and written)
        var at = first;
        while (at >= 0)
        {
            var next = at + 1;
            if (IsEscape(raw, at))
            {
                var codePoint = (int)'/';
                next = at + 2;
                if (raw[at + 1] == (byte)'u')
                {
                    codePoint = Hex4(raw.Slice(at + 2, 4));
                    next = at + 6;
                    if (codePoint is >= 0xD800 and <= 0xDBFF)
                    {
                        var low = LowSurrogateAt(raw, at + 6);
                        if (low < 0)
                        {
                            return false;
                        }

                        codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                        next = at + 12;
                    }
                    else if (codePoint is >= 0xDC00 and <= 0xDFFF)
                    {
                        return false;
                    }
                }

                var between = raw[copied..at];
                if (canonical.IsEmpty)
                {
                    length += between.Length + EscapedLength(codePoint);
                }
                else
                {
                    between.CopyTo(canonical[length..]);
                    length += between.Length;
                    length += MinimalEscape(codePoint, canonical[length..]);
                }

                copied = escapesEnd = next;
            }

            var found = IndexOfReencoded(raw[next..]);
            at = found < 0 ? -1 : next + found;
        }

        if (!canonical.IsEmpty)
        {
            raw[copied..].CopyTo(canonical[length..]);
        }

        length += raw.Length - copied;
        return true;
    }

    /// <summary>True when the backslash at <paramref name="at"/> starts an escape (is not itself escaped: <c>\\u</c>).</summary>
    private static bool IsEscape(ReadOnlySpan<byte> raw, int at)
    {
        var before = 0;
        while (at - before - 1 >= 0 && raw[at - before - 1] == (byte)'\\')
        {
            before++;
        }

        return before % 2 == 0;
    }

    /// <summary>The low surrogate escaped at <paramref name="at"/> (<c>\uDC00</c>–<c>\uDFFF</c>), or -1.</summary>
    private static int LowSurrogateAt(ReadOnlySpan<byte> raw, int at)
    {
        if (raw.Length < at + 6 || raw[at] != (byte)'\\' || raw[at + 1] != (byte)'u')
        {
            return -1;
        }

        var unit = Hex4(raw.Slice(at + 2, 4));
        return unit is >= 0xDC00 and <= 0xDFFF ? unit : -1;
    }

    private static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var digit in hex)
        {
            value = (value << 4) | (digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return value;
    }

    /// <summary>
    /// The byte count <see cref="MinimalEscape"/> writes for a character, from the same table. Not inlined, so the
    /// scratch buffer does not land in <see cref="Walk"/>'s loop (a stackalloc there keeps it from being fully
    /// optimised).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int EscapedLength(int codePoint) => MinimalEscape(codePoint, stackalloc byte[6]);

    /// <summary>One character in JSON's minimal escaping; returns the byte count written.</summary>
    private static int MinimalEscape(int codePoint, Span<byte> output)
    {
        byte shortForm = codePoint switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\b' => (byte)'b',
            '\t' => (byte)'t',
            '\n' => (byte)'n',
            '\f' => (byte)'f',
            '\r' => (byte)'r',
            _ => 0,
        };
        if (shortForm != 0)
        {
            output[0] = (byte)'\\';
            output[1] = shortForm;
            return 2;
        }

        if (codePoint < 0x20)
        {
            "\\u00"u8.CopyTo(output);
            output[4] = (byte)"0123456789abcdef"[codePoint >> 4];
            output[5] = (byte)"0123456789abcdef"[codePoint & 0xF];
            return 6;
        }

        return new System.Text.Rune(codePoint).EncodeToUtf8(output);
    }
}
