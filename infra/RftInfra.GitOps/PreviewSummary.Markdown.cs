namespace RftInfra.GitOps;

/// <summary>Plain text made safe for the PR comment: one line, bounded, no Markdown, HTML or mention from user input.</summary>
public static partial class PreviewSummaryWriter
{
    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";

    private static string OneLine(string s) => string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    /// <summary>Keeps one summary line short, so a pathological name cannot blow the budget.</summary>
    private static string Line(string s)
    {
        var line = Truncate(s, MaxLineChars);
        return line.Count(ch => ch == '`') % 2 == 1 ? line + "`" : line; // never leave a code span open
    }

    /// <summary>
    /// User text inside backticks (GitHub renders no Markdown, HTML or @mention there): a backtick would end the
    /// span, a line break could end the paragraph and the span with it, and the comment marker must stay unique.
    /// </summary>
    internal static string Code(string s) => Flat(s).Replace('`', '\'');

    internal static string Cell(string s) => Code(s).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>User text inside an HTML element (the details summary): entities, and no @mention.</summary>
    internal static string Html(string s) => Flat(s).Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("@", "&#64;", StringComparison.Ordinal);

    /// <summary>One line of plain characters: control characters and bidi overrides become spaces; no HTML comment opens or closes.</summary>
    private static string Flat(string s)
    {
        var chars = s.Select(ch => char.IsControl(ch) || ch is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' ? ' ' : ch).ToArray();
        return new string(chars).Replace("<!--", "< !--", StringComparison.Ordinal).Replace("-->", "-- >", StringComparison.Ordinal);
    }
}
