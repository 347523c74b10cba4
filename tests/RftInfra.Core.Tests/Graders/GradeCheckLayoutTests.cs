using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Graders;

/// <summary>`rft grade --check` prints findings in `rft validate`'s layout; a model grader's tests offline are a note.</summary>
public class GradeCheckLayoutTests
{
    [Fact]
    public async Task Samples_ModelGraderTestsAreANoteInValidatesLayout()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--check", "--root", RepoRoot);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var lines = stdout.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("graders/math-judge.tests.jsonl", lines[0]);
        Assert.StartsWith("  1:1      note RFT605: 7 grader test(s) of math-judge not run (lines 1, 2, 3, 4, 5, 6, 7): needs a model endpoint", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("           fix: Run them against a grader model: rft grade --check --grader <file> --endpoint URL", lines[2], StringComparison.Ordinal);
        Assert.Equal("", lines[3]);
        Assert.Matches(@"^grader tests: \d+ passed, 0 failed, 7 not run offline\.$", lines[4]);
    }
}
