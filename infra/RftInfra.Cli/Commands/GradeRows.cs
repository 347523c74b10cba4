using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;
using RftInfra.Text;

namespace RftInfra.Cli.Commands;

/// <summary>
/// `rft grade --rows` as a table: each row's reward beside the model output and the grader's reference, user
/// text escaped for the terminal (no control or bidi character reaches it), secrets scrubbed, and cut to a
/// column on a character boundary (never inside a surrogate pair or a combining sequence).
/// </summary>
internal static class GradeRows
{
    /// <summary>Display columns for the output and for the reference.</summary>
    internal const int TextWidth = 36;

    internal static void Write(TextWriter o, Grader grader, List<(int Line, JsonObject Item)> items,
        IReadOnlyList<JsonObject> samples, List<GradeResult> results)
    {
        var reference = ReferenceTemplate(grader);
        o.WriteLine($"  {"row",5} {"line",6}  {"reward",-7} {"pass",-4}  {Cell("output", TextWidth)} │ {(reference is null ? "reference (this grader has none)" : "reference")}");
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var output = TemplateRenderer.ValueText(samples[i]["output_text"]);
            var expected = reference is null ? "" : TemplateRenderer.Render(reference, items[i].Item, samples[i]).Text;
            var reward = r.Reward is { } value ? F(value) : "-";
            var pass = r.Passed switch { true => "pass", false => "fail", null => "" };
            o.WriteLine($"  {i + 1,5} {items[i].Line,6}  {reward,-7} {pass,-4}  {Cell(output, TextWidth)} │ {Cell(expected, TextWidth).TrimEnd()}");

            var details = new List<string>();
            if (r.SubRewards.Count > 0)
            {
                details.Add("[" + string.Join(", ", r.SubRewards.Select(x => $"{x.Key}={(x.Value is { } v ? F(v) : "-")}")) + "]");
            }

            details.AddRange(r.Errors.Select(e => Shown($"{e.Kind} ({e.Grader}): {e.Message}")));
            if (r.NotScoredReason is not null && i == results.FindIndex(x => x.NotScoredReason == r.NotScoredReason))
            {
                details.Add($"not scored: {r.NotScoredReason}");
            }

            if (details.Count > 0)
            {
                o.WriteLine($"{"",16}" + string.Join("  ", details));
            }

            foreach (var prompt in r.Prompts)
            {
                o.WriteLine($"    prompt of {prompt.Grader} for {prompt.Model}:");
                foreach (var message in prompt.Messages)
                {
                    o.WriteLine($"      {message.Role}: {Cell(message.Content, 300).TrimEnd()}");
                }
            }
        }
    }

    /// <summary>The reference a row is compared with: string_check's or text_similarity's, or a sub-grader's.</summary>
    internal static string? ReferenceTemplate(Grader grader) => grader switch
    {
        StringCheckGrader s => s.Reference,
        TextSimilarityGrader t => t.Reference,
        MultiGrader m => m.Graders.Select(g => ReferenceTemplate(g.Value)).FirstOrDefault(t => t is not null),
        _ => null,
    };

    /// <summary>
    /// <paramref name="text"/> on one line of exactly <paramref name="width"/> display columns: escaped (tabs too),
    /// scrubbed, cut with "…" at a text-element boundary, and padded. East Asian wide characters take two columns.
    /// </summary>
    internal static string Cell(string text, int width)
    {
        var shown = Shown(text).Replace("\t", "\\t", StringComparison.Ordinal);
        // Every element takes at least one column, so width + 1 of them decide whether the text fits.
        var elements = new List<string>(width + 1);
        var enumerator = StringInfo.GetTextElementEnumerator(shown);
        while (elements.Count <= width && enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        var fits = elements.Count <= width && elements.Sum(Columns) <= width;
        var b = new StringBuilder(width + 8);
        var used = 0;
        foreach (var element in elements)
        {
            var columns = Columns(element);
            if (!fits && used + columns > width - 1)
            {
                break;
            }

            b.Append(element);
            used += columns;
        }

        if (!fits)
        {
            b.Append('…');
            used++;
        }

        return b.Append(' ', Math.Max(0, width - used)).ToString();
    }

    private static int Columns(string element)
    {
        var rune = Rune.GetRuneAt(element, 0);
        return IsWide(rune.Value) ? 2 : 1;
    }

    private static bool IsWide(int cp) =>
        cp is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1F64F
            or >= 0x1F900 and <= 0x1F9FF or >= 0x20000 and <= 0x3FFFD;

    private static string Shown(string text) => TerminalText.Escape(SecretScrubber.Scrub(text));

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
