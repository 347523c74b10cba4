using System.Globalization;
using System.Text;

namespace RftInfra.Templates;

/// <summary>
/// Parses grader templates: literal text with <c>{{namespace.path}}</c> variables, namespaces <c>item</c> (the
/// dataset row) and <c>sample</c> (the model output), paths of <c>.name</c>, <c>[index]</c> and
/// <c>["name"]</c> steps. Never throws: problems come back as <see cref="TemplateError"/>s with offsets.
/// </summary>
public static class TemplateParser
{
    public static readonly IReadOnlyList<string> Namespaces = ["item", "sample"];

    /// <summary>
    /// Longest template accepted, in characters (256 Ki, the service's bound on python source; it documents none for
    /// templates). Longer text is not parsed at all: one <see cref="TemplateErrorKind.TooLong"/> error.
    /// </summary>
    public const int MaxLength = 256 * 1024;

    /// <summary>Syntax errors kept per template; a template with thousands of stray braces needs only the first few named.</summary>
    public const int MaxErrors = 10;

    public static Template Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            return new Template(text, [], [new TemplateError(TemplateErrorKind.TooLong, MaxLength, "",
                $"The template is {text.Length} characters long; the limit is {MaxLength}.")]);
        }

        var parts = new List<TemplatePart>();
        var errors = new List<TemplateError>();
        var literal = new StringBuilder();
        var literalStart = 0;
        var i = 0;
        var errorCount = 0;
        var pathErrors = new List<TemplateError>();

        // The next "}}" and "{{" at or after a position, found once and reused while still ahead: every character is
        // scanned a bounded number of times, so 400 000 unclosed "{{" take linear time, not quadratic.
        var close = NotSearched;
        var nextOpen = NotSearched;

        void Error(TemplateError error)
        {
            if (++errorCount <= MaxErrors)
            {
                errors.Add(error);
            }
        }

        void FlushLiteral(int end)
        {
            if (literal.Length > 0)
            {
                parts.Add(new LiteralPart(literal.ToString(), literalStart, end - literalStart));
                literal.Clear();
            }
        }

        while (i < text.Length)
        {
            if (At(text, i, "{{"))
            {
                close = NextAtOrAfter(text, "}}", i + 2, close);
                nextOpen = NextAtOrAfter(text, "{{", i + 2, nextOpen);
                if (close < 0 || (nextOpen >= 0 && nextOpen < close))
                {
                    Error(new TemplateError(
                        TemplateErrorKind.UnbalancedBraces, i, "{{", "'{{' is not closed by '}}'."));
                    literal.Append("{{");
                    i += 2;
                    continue;
                }

                FlushLiteral(i);
                var raw = text[(i + 2)..close];
                var length = close + 2 - i;
                pathErrors.Clear();
                var path = ParsePath(raw.Trim(), i, pathErrors);
                pathErrors.ForEach(Error);
                if (path is not null)
                {
                    parts.Add(new VariablePart(path, raw, raw.Length != raw.Trim().Length, i, length));
                }
                else
                {
                    parts.Add(new LiteralPart(text.Substring(i, length), i, length));
                }

                i = close + 2;
                literalStart = i;
                continue;
            }

            if (At(text, i, "}}"))
            {
                Error(new TemplateError(
                    TemplateErrorKind.UnbalancedBraces, i, "}}", "'}}' has no opening '{{'."));
            }

            if (literal.Length == 0)
            {
                literalStart = i;
            }

            literal.Append(text[i]);
            i++;
        }

        FlushLiteral(text.Length);
        if (errorCount > MaxErrors)
        {
            errors.Add(new TemplateError(TemplateErrorKind.UnbalancedBraces, text.Length, "",
                $"{errorCount - MaxErrors} more template errors are not listed."));
        }

        return new Template(text, parts, errors);
    }

    private const int NotSearched = int.MinValue;

    /// <summary>
    /// The first <paramref name="token"/> at or after <paramref name="from"/>, reusing <paramref name="known"/> (an
    /// earlier answer for a smaller start) while it is still ahead; -1 stays -1 (there is none further on).
    /// </summary>
    private static int NextAtOrAfter(string text, string token, int from, int known) =>
        known == -1 || known >= from ? known : text.IndexOf(token, from, StringComparison.Ordinal);

    /// <summary>Parses <c>item.a.b[0]</c> (no braces). Null with an error when it is not a valid path.</summary>
    public static ValuePath? ParsePath(string expression, int offset, List<TemplateError> errors)
    {
        var i = 0;
        var ns = ReadName(expression, ref i);
        if (ns.Length == 0)
        {
            errors.Add(new TemplateError(TemplateErrorKind.BadPath, offset, expression,
                expression.Length == 0 ? "Empty '{{ }}'." : $"'{expression}' is not a variable path."));
            return null;
        }

        if (!Namespaces.Contains(ns))
        {
            errors.Add(new TemplateError(TemplateErrorKind.UnknownNamespace, offset, expression,
                $"Unknown namespace '{ns}' in '{{{{{expression}}}}}': use item (the dataset row) or sample (the model output)."));
            return null;
        }

        var segments = new List<PathSegment>();
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c == '.')
            {
                i++;
                var name = ReadName(expression, ref i);
                if (name.Length == 0)
                {
                    return Bad(expression, offset, errors);
                }

                segments.Add(PathSegment.Name(name));
            }
            else if (c == '[')
            {
                var end = expression.IndexOf(']', i);
                if (end < 0)
                {
                    return Bad(expression, offset, errors);
                }

                var inner = expression[(i + 1)..end].Trim();
                if (inner.Length >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[^1] == inner[0])
                {
                    segments.Add(PathSegment.Name(inner[1..^1]));
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(PathSegment.At(index));
                }
                else
                {
                    return Bad(expression, offset, errors);
                }

                i = end + 1;
            }
            else
            {
                return Bad(expression, offset, errors);
            }
        }

        return new ValuePath(ns, segments);
    }

    private static ValuePath? Bad(string expression, int offset, List<TemplateError> errors)
    {
        errors.Add(new TemplateError(TemplateErrorKind.BadPath, offset, expression,
            $"'{expression}' is not a valid path: use names and indexes like item.answer or sample.output_json.items[0]."));
        return null;
    }

    private static string ReadName(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_' || s[i] == '-'))
        {
            i++;
        }

        return s[start..i];
    }

    private static bool At(string text, int i, string token) =>
        string.CompareOrdinal(text, i, token, 0, token.Length) == 0;
}
