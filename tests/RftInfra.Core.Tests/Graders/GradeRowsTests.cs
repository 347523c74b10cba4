using System.Text.Json.Nodes;
using RftInfra.Cli.Commands;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

/// <summary>`rft grade --rows`: output and reference side by side with the reward, escaped and cut safely.</summary>
public sealed class GradeRowsTests
{
    [Theory]
    [InlineData("Paris", 8, "Paris   ")]
    [InlineData("exactly8", 8, "exactly8")]
    [InlineData("ninechars", 8, "ninecha…")]
    [InlineData("", 3, "   ")]
    // Control characters and ANSI escapes become visible escapes before the cut; so do tabs.
    [InlineData("a\u001b[31mb", 12, "a\\x1b[31mb  ")]
    [InlineData("a\nb\tc", 8, "a\\nb\\tc ")]
    [InlineData("\u202eevil", 10, "\\u202eevil")]
    // East Asian wide characters take two columns: 4 fit in 8, not 5; the ellipsis never overflows (3 + … + pad).
    [InlineData("東京東京", 8, "東京東京")]
    [InlineData("東京東京東", 8, "東京東… ")]
    public void Cell_EscapesCutsAndPadsToTheColumn(string text, int width, string expected) =>
        Assert.Equal(expected, GradeRows.Cell(text, width));

    [Fact]
    public void Cell_NeverCutsASurrogatePairOrACombiningSequence()
    {
        // "e" + U+0301 is one text element, 😀 one surrogate pair: the cut keeps each whole or drops it whole.
        // a b 😀(2) é = 5 columns, then the ellipsis: 6.
        Assert.Equal("ab😀e\u0301…", GradeRows.Cell("ab😀e\u0301😀e\u0301xyz", 6));
        Assert.Equal("abcd…", GradeRows.Cell("abcd😀", 5));
        Assert.Equal("abc😀", GradeRows.Cell("abc😀", 5));
        Assert.Equal("abc…", GradeRows.Cell("abc😀x", 4));
    }

    [Fact]
    public void Cell_OfAHugeOutput_StaysOneBoundedLine()
    {
        var cell = GradeRows.Cell(new string('x', 5_000_000) + "\n", GradeRows.TextWidth);
        Assert.Equal(GradeRows.TextWidth, cell.Length);
        Assert.EndsWith("…", cell, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_PutsRewardOutputAndReferenceOnOneLinePerRow()
    {
        var grader = Grader("""{"type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "{{item.answer}}", "evaluation_metric": "bleu", "pass_threshold": 0.5}""");
        var items = new List<(int Line, JsonObject Item)> { (3, new JsonObject { ["answer"] = "the cat\nsat" }) };
        var samples = new List<JsonObject> { GraderSample.FromText("\u001b]0;pwned\u0007a cat") };
        var results = new List<GradeResult> { GradeResult.Score(0.25, passed: false) };
        var o = new StringWriter();

        GradeRows.Write(o, grader, items, samples, results);

        var lines = o.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal($"    row   line  reward  pass  {"output",-36} │ reference", lines[0]);
        Assert.Equal($"      1      3  0.25    fail  {"\\x1b]0;pwned\\x07a cat",-36} │ the cat\\nsat", lines[1]);
        Assert.DoesNotContain('\u001b', o.ToString());
    }

    [Fact]
    public void ReferenceTemplate_IsTheGradersOrTheFirstSubGradersOrNone()
    {
        Assert.Equal("{{item.r}}", GradeRows.ReferenceTemplate(Grader("""{"type": "string_check", "name": "s", "input": "{{sample.output_text}}", "reference": "{{item.r}}", "operation": "eq"}""")));
        Assert.Null(GradeRows.ReferenceTemplate(Grader("""{"type": "python", "name": "p", "source": "def grade(sample, item):\n    return 1.0\n"}""")));
    }

    private static Grader Grader(string json) => GraderJson.Parse(json);
}
