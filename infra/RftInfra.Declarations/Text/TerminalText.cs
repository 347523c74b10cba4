using System.Globalization;
using System.Text;

namespace RftInfra.Text;

/// <summary>
/// User text made safe for a terminal or a CI log: control characters (ESC of ANSI sequences, BEL, CR, LF, the
/// C1 range, DEL) and bidirectional overrides are written as visible escapes (<c>\x1b</c>, <c>\r</c>, <c>\n</c>,
/// <c>\u202e</c>), so a file name or message cannot recolour the screen, rewrite a line or start a new one.
/// </summary>
public static class TerminalText
{
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var b = new StringBuilder(text.Length + 16);
        foreach (var ch in text)
        {
            if (!NeedsEscape(ch))
            {
                b.Append(ch);
                continue;
            }

            b.Append(ch switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                < '\u0100' => "\\x" + ((int)ch).ToString("x2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)ch).ToString("x4", CultureInfo.InvariantCulture),
            });
        }

        return b.ToString();
    }

    private static bool NeedsEscape(char ch) =>
        (ch < ' ' && ch != '\t') || ch is >= '\u007f' and <= '\u009f'
        || ch is >= '\u202a' and <= '\u202e' || ch is >= '\u2066' and <= '\u2069' || ch is '\u200e' or '\u200f' or '\u061c';
}
