using System.Globalization;
using System.Text;

namespace RftInfra.Graders.Metrics;

/// <summary>
/// The few Python 3 string operations the reference metrics are built on, reproduced exactly: Python works on
/// code points (an emoji is one character, not two UTF-16 units), <c>str.split()</c> splits on Python's notion
/// of whitespace (wider than .NET's), and <c>str.lower()</c> uses Unicode's full lowercase mapping (U+0130 →
/// "i̇", final sigma).
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace()</c> for one code point (bidi class WS/B/S or category Zs).</summary>
    public static bool IsSpace(int codePoint) => codePoint switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x20 => true,
        0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>Python's <c>str.split()</c> with no argument: runs of whitespace separate, no empty tokens.</summary>
    public static List<string> SplitWhitespace(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            // No whitespace code point lies outside the BMP, so surrogates are never separators.
            if (IsSpace(text[i]))
            {
                if (start >= 0)
                {
                    tokens.Add(text[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        if (start >= 0)
        {
            tokens.Add(text[start..]);
        }

        return tokens;
    }

    /// <summary>The code points of <paramref name="text"/> (a lone surrogate stays one code point, as in Python).</summary>
    public static int[] CodePoints(string text)
    {
        var result = new int[text.Length];
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result[count++] = char.ConvertToUtf32(c, text[i + 1]);
                i++;
            }
            else
            {
                result[count++] = c;
            }
        }

        return count == result.Length ? result : result[..count];
    }

    /// <summary>Python's <c>str.lower()</c>: full lowercase mapping, including the final-sigma rule.</summary>
    public static string Lower(string text)
    {
        if (IsAsciiWithoutUpper(text))
        {
            return text;
        }

        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && !text.Contains('\u0130') && !text.Contains('\u03A3'))
        {
            // BMP only and no character with a special rule: a char-for-char simple mapping.
            return string.Create(text.Length, text, static (span, source) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    var c = source[i];
                    span[i] = c < 0x80 ? (c is >= 'A' and <= 'Z' ? (char)(c + 32) : c) : char.ToLowerInvariant(c);
                }
            });
        }

        var codePoints = CodePoints(text);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < codePoints.Length; i++)
        {
            var cp = codePoints[i];
            if (cp == 0x130)
            {
                // SpecialCasing.txt: LATIN CAPITAL LETTER I WITH DOT ABOVE lowercases to i + COMBINING DOT ABOVE.
                builder.Append("i\u0307");
            }
            else if (cp == 0x3A3)
            {
                builder.Append(IsFinalSigma(codePoints, i) ? 'ς' : 'σ');
            }
            else
            {
                AppendCodePoint(builder, SimpleLower(cp));
            }
        }

        return builder.ToString();
    }

    /// <summary>Unicode's simple (one code point) lowercase mapping.</summary>
    public static int SimpleLower(int codePoint)
    {
        if (codePoint < 0x80)
        {
            return codePoint is >= 'A' and <= 'Z' ? codePoint + 32 : codePoint;
        }

        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return codePoint;
        }

        // .NET's invariant mapping leaves U+0130 alone (a Turkish special case); UnicodeData maps it to 'i'.
        if (codePoint == 0x130)
        {
            return 'i';
        }

        return Rune.ToLowerInvariant(new Rune(codePoint)).Value;
    }

    public static void AppendCodePoint(StringBuilder builder, int codePoint)
    {
        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            builder.Append((char)codePoint);
        }
        else
        {
            builder.Append(new Rune(codePoint).ToString());
        }
    }

    public static string FromCodePoints(ReadOnlySpan<int> codePoints)
    {
        var builder = new StringBuilder(codePoints.Length);
        foreach (var cp in codePoints)
        {
            AppendCodePoint(builder, cp);
        }

        return builder.ToString();
    }

    /// <summary>Python's <c>str.isalnum()</c> for one code point: letters (L*) and numerics (N*).</summary>
    public static bool IsAlnum(int codePoint)
    {
        if (codePoint < 0x80)
        {
            return codePoint is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z';
        }

        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }

        return Rune.GetUnicodeCategory(new Rune(codePoint)) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
                or UnicodeCategory.OtherNumber => true,
            _ => false,
        };
    }

    private static bool IsAsciiWithoutUpper(string text)
    {
        foreach (var c in text)
        {
            if (c >= 0x80 || c is >= 'A' and <= 'Z')
            {
                return false;
            }
        }

        return true;
    }

    // Python's rule (Unicode 3.13 Final_Sigma): a cased letter, then case-ignorables, before the sigma, and no
    // case-ignorables followed by a cased letter after it.
    private static bool IsFinalSigma(int[] codePoints, int index)
    {
        var j = index - 1;
        while (j >= 0 && IsCaseIgnorable(codePoints[j]))
        {
            j--;
        }

        if (j < 0 || !IsCased(codePoints[j]))
        {
            return false;
        }

        j = index + 1;
        while (j < codePoints.Length && IsCaseIgnorable(codePoints[j]))
        {
            j++;
        }

        return j == codePoints.Length || !IsCased(codePoints[j]);
    }

    private static bool IsCased(int codePoint)
    {
        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }

        var rune = new Rune(codePoint);
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter
            || Rune.ToLowerInvariant(rune) != rune || Rune.ToUpperInvariant(rune) != rune;
    }

    private static bool IsCaseIgnorable(int codePoint)
    {
        if (codePoint is '\'' or '.' or ':' or '^' or '`' or 0xAD or 0xB7 or 0x2019)
        {
            return true;
        }

        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }

        return Rune.GetUnicodeCategory(new Rune(codePoint)) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.Format or UnicodeCategory.ModifierLetter
            or UnicodeCategory.ModifierSymbol;
    }
}
