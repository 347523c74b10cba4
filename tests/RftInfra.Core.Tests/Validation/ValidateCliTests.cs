using System.Text.Json;
using RftInfra.Cli;
using RftInfra.Cli.Commands;
using RftInfra.Diagnostics;
using static RftInfra.Core.Tests.CliRunner;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Validation;

public class ValidateCliTests
{
    private static readonly string BadRoot = Path.Combine(RepoRoot, "tests/RftInfra.Core.Tests/Samples/bad-root");

    [Fact]
    public async Task Samples_Text_ExitZero()
    {
        var (stdout, stderr, exit) = await Rft("validate", "--root", RepoRoot);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        // The judge's tests need a grader model: a note saying how to run them, not a warning (0 errors, 0 warnings).
        Assert.Contains("note RFT605: 7 grader test(s) of math-judge not run", stdout, StringComparison.Ordinal);
        Assert.Contains("fix: Run them against a grader model: rft grade --check --grader <file> --endpoint URL", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", stdout, StringComparison.Ordinal);
        Assert.EndsWith("4 jobs, 4 graders checked: no problems found (1 note).\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRoot_Text_MatchesSnapshot()
    {
        var (stdout, _, exit) = await Rft("validate", "--root", BadRoot);
        Assert.Equal(1, exit);
        Assert.DoesNotContain("\u001b[", stdout, StringComparison.Ordinal);
        Snapshot.Match("ValidateCliTests.BadRoot_Text", stdout);
    }

    [Fact]
    public async Task BadRoot_Json_MatchesSnapshotAndParses()
    {
        var (stdout, _, exit) = await Rft("validate", "--root", BadRoot, "--format", "json");
        Assert.Equal(1, exit);
        using var document = JsonDocument.Parse(stdout);
        var finding = document.RootElement.GetProperty("findings")[0];
        Assert.Equal("RFT320", finding.GetProperty("code").GetString());
        Assert.Equal(5, finding.GetProperty("line").GetInt32());
        Assert.Equal(16, finding.GetProperty("column").GetInt32());
        Assert.Equal(2, document.RootElement.GetProperty("errors").GetInt32());
        Snapshot.Match("ValidateCliTests.BadRoot_Json", stdout);
    }

    [Fact]
    public async Task BadRoot_Sarif_MatchesSnapshotAndIsSarif210()
    {
        var (stdout, _, exit) = await Rft("validate", "--root", BadRoot, "--format", "sarif");
        Assert.Equal(1, exit);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal("2.1.0", document.RootElement.GetProperty("version").GetString());
        var run = document.RootElement.GetProperty("runs")[0];
        var result = run.GetProperty("results")[0];
        Assert.Equal("RFT320", result.GetProperty("ruleId").GetString());
        Assert.Equal("error", result.GetProperty("level").GetString());
        var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("graders/capital-match.json", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(5, location.GetProperty("region").GetProperty("startLine").GetInt32());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(["RFT320"], rules);
        Snapshot.Match("ValidateCliTests.BadRoot_Sarif", stdout);
    }

    [Fact]
    public async Task OneJobFile_RelativeToRoot()
    {
        var (stdout, _, exit) = await Rft("validate", "jobs/math-judge.yaml", "--root", RepoRoot);
        Assert.Equal(0, exit);
        Assert.Contains("1 job, 1 grader checked", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate", "--root", "/nonexistent/rft-root")]
    [InlineData("validate", "--format", "xml")]
    [InlineData("validate", "jobs/no-such-job.yaml")]
    [InlineData("validate", "--no-such-option")]
    public async Task UsageAndIoErrors_ExitTwo_OneLineOnStderr(params string[] args)
    {
        var (stdout, stderr, exit) = await Rft(args);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("rft", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_ColourOnlyOnATerminal()
    {
        var result = new global::RftInfra.Validation.ValidationResult(
            [new Diagnostic("RFT105", DiagnosticSeverity.Error, "graders/a.json", new SourcePosition(3, 4), "m", "h")], 1, 1);
        var plain = new StringWriter();
        ValidationOutput.WriteText(plain, result, color: false);
        var coloured = new StringWriter();
        ValidationOutput.WriteText(coloured, result, color: true);
        Assert.DoesNotContain("\u001b[", plain.ToString(), StringComparison.Ordinal);
        Assert.Contains("\u001b[31merror\u001b[0m", coloured.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnderGitHubActions_AnnotationsAfterTheReport()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var io = CliRunner.Io(stdout, stderr, isGitHubActions: true);
        var exit = ValidateCommand.Run(new ValidateArguments([], BadRoot, "text"), io);
        Assert.Equal(1, exit);
        var lines = stdout.ToString().ReplaceLineEndings("\n").Split('\n');
        var token = Assert.Single(lines, l => l.StartsWith("::stop-commands::", StringComparison.Ordinal))["::stop-commands::".Length..];
        Assert.Matches("^[0-9a-f]{32}$", token);
        Assert.Equal("::stop-commands::" + token, lines[0]);
        var resume = Array.IndexOf(lines, $"::{token}::");
        Assert.True(resume > 0, "the report does not resume workflow commands");
        var annotations = lines.Where(l => l.StartsWith("::error ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, annotations.Count);
        Assert.All(annotations, a => Assert.True(Array.IndexOf(lines, a) > resume, "an annotation inside the stopped block"));
        Assert.All(annotations, a => Assert.Contains("graders/capital-match.json,line=5,col=16,title=RFT320::", a, StringComparison.Ordinal));

        var json = new StringWriter();
        var jsonErrors = new StringWriter();
        ValidateCommand.Run(new ValidateArguments([], BadRoot, "json"), CliRunner.Io(json, jsonErrors, isGitHubActions: true));
        using var document = JsonDocument.Parse(json.ToString());
        Assert.Equal(2, jsonErrors.ToString().Split("::error ", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public void GitHubAnnotations_EscapedWorkflowCommands()
    {
        var output = new StringWriter();
        ValidationOutput.WriteGitHubAnnotations(output,
        [
            new Diagnostic("RFT320", DiagnosticSeverity.Error, "graders/a,b.json", new SourcePosition(5, 16), "100% missing\nsecond line", "Use x."),
            new Diagnostic("RFT216", DiagnosticSeverity.Warning, "jobs/qa.yaml", SourcePosition.None, "leak"),
        ], "repo/");
        Assert.Equal(
            "::error file=repo/graders/a%2Cb.json,line=5,col=16,title=RFT320::100%25 missing%0Asecond line%0AFix: Use x.\n"
            + "::warning file=repo/jobs/qa.yaml,title=RFT216::leak\n",
            output.ToString().ReplaceLineEndings("\n"));
    }

    private static readonly Diagnostic Hostile = new("RFT320", DiagnosticSeverity.Error, "data/\u001b[2Jx.jsonl", new SourcePosition(3, 1),
        "row \u0007bell\r\n4 jobs checked: no problems found.\u202e\n::error file=x::forged", "::add-mask::x\u009b");

    [Fact]
    public void Text_HostileUserText_IsEscapedExactly()
    {
        var output = new StringWriter();
        ValidationOutput.WriteText(output, new global::RftInfra.Validation.ValidationResult([Hostile], 1, 0), color: false);

        Assert.Equal(
            "data/\\x1b[2Jx.jsonl\n"
            + "  3:1      error RFT320: row \\x07bell\\r\\n4 jobs checked: no problems found.\\u202e\\n::error file=x::forged\n"
            + "           fix: ::add-mask::x\\x9b\n\n"
            + "1 job, 0 graders checked: 1 error, 0 warnings.\n",
            output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Text_UnderGitHubActions_IsFencedByStopCommands()
    {
        var output = new StringWriter();
        ValidationOutput.WriteText(output, new global::RftInfra.Validation.ValidationResult([Hostile], 1, 0), color: false, stopCommandsToken: "0123abcd");

        var lines = output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("::stop-commands::0123abcd", lines[0]);
        Assert.Equal("::0123abcd::", lines[^1]);
        Assert.All(lines[1..^1], l => Assert.False(l.StartsWith("::", StringComparison.Ordinal), l));
    }

    [Fact]
    public void GitHubAnnotations_HostileUserText_IsEscapedExactly()
    {
        var output = new StringWriter();
        ValidationOutput.WriteGitHubAnnotations(output, [Hostile]);

        Assert.Equal(
            "::error file=data/\\x1b[2Jx.jsonl,line=3,col=1,title=RFT320::row \\x07bell%0D%0A4 jobs checked: no problems found.\\u202e%0A::error file=x::forged%0AFix: ::add-mask::x\\x9b\n",
            output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void EveryFormat_MasksSecretValuesFromTheEnvironment()
    {
        const string secret = "sk-output-test-0123456789abcdef";
        Environment.SetEnvironmentVariable("RFT_OUTPUT_TEST_API_KEY", secret);
        var result = new global::RftInfra.Validation.ValidationResult(
            [new Diagnostic("RFT604", DiagnosticSeverity.Error, "graders/g.tests.jsonl", new SourcePosition(1, 1), $"KeyError: '{secret}'", $"not {secret}")], 0, 1);
        var text = new StringWriter();
        var json = new StringWriter();
        var sarif = new StringWriter();
        var annotations = new StringWriter();

        ValidationOutput.WriteText(text, result, color: false);
        ValidationOutput.WriteJson(json, result);
        ValidationOutput.WriteSarif(sarif, result);
        ValidationOutput.WriteGitHubAnnotations(annotations, result.Diagnostics);

        Assert.All(new[] { text, json, sarif, annotations }, w =>
        {
            Assert.DoesNotContain(secret, w.ToString(), StringComparison.Ordinal);
            Assert.Contains("KeyError: '***'", w.ToString(), StringComparison.Ordinal);
        });
    }
}
