using RftInfra.Diagnostics;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

public class GraderTestRunnerTests
{
    [Fact]
    public async Task FailingTest_IsErrorAtItsLine()
    {
        using var files = new GradeTestFiles();
        var grader = files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("graders/capital.tests.jsonl", """
            {"item": {"reference_answer": "Paris"}, "sample": "Paris", "expected": 1, "note": "exact"}
            {"item": {"reference_answer": "Paris"}, "sample": "paris", "expected": 1, "note": "wrongly expects ilike"}
            {"item": {"reference_answer": "Paris"}, "sample": "", "expected": {"max": 0.2}, "note": "empty"}
            """);

        var report = await GraderTestRunner.RunAsync(grader, "graders/capital.json");

        Assert.Equal(2, report.Passed);
        Assert.Equal(1, report.Failed);
        var failure = Assert.Single(report.Diagnostics);
        Assert.Equal(GradeCodes.GraderTestFailed, failure.Code);
        Assert.Equal(DiagnosticSeverity.Error, failure.Severity);
        Assert.Equal("graders/capital.tests.jsonl", failure.File);
        Assert.Equal(2, failure.Position.Line);
        Assert.Contains("(wrongly expects ilike)", failure.Message);
        Assert.Contains("expected reward 1, got 0", failure.Message);
    }

    [Fact]
    public async Task MalformedLines_AreReportedWithLineAndShape()
    {
        using var files = new GradeTestFiles();
        var grader = files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("graders/capital.tests.jsonl", """
            {"item": {"reference_answer": "Paris"}, "sample": "Paris"}
            {"item": "Paris", "sample": "Paris", "expected": 1}
            {"item": {}, "sample": "x", "expected": 1
            {"item": {}, "expected": 0}
            {"item": {}, "sample": "x", "expected": {"min": 1, "max": 0}}
            """);

        var report = await GraderTestRunner.RunAsync(grader, "graders/capital.json");

        Assert.Equal([1, 2, 3, 4, 5], report.Diagnostics.Select(d => d.Position.Line));
        Assert.All(report.Diagnostics, d => Assert.Equal(GradeCodes.JsonlLineInvalid, d.Code));
        Assert.Contains("\"expected\" must be a number", report.Diagnostics[0].Message);
        Assert.Contains("\"item\" must be an object", report.Diagnostics[1].Message);
        Assert.Contains("not valid JSON", report.Diagnostics[2].Message);
        Assert.Contains("\"sample\" is missing", report.Diagnostics[3].Message);
        Assert.True(report.HasErrors);
    }

    [Fact]
    public async Task UnscoredModelGraderTests_AreOneNote()
    {
        using var files = new GradeTestFiles();
        var grader = files.Write("graders/judge.json", """
            {"type": "score_model", "name": "judge", "model": "gpt-4.1-mini", "input": [{"role": "user", "content": "{{sample.output_text}}"}]}
            """);
        files.Write("graders/judge.tests.jsonl", """
            {"item": {}, "sample": "a", "expected": 1}
            {"item": {}, "sample": "b", "expected": 0}
            """);

        var report = await GraderTestRunner.RunAsync(grader, "graders/judge.json");

        // Without an endpoint nothing is wrong: a note that says how to run them, not a warning.
        Assert.Equal(2, report.NotScored);
        var note = Assert.Single(report.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("not run (lines 1, 2): needs a model endpoint", note.Message);
        Assert.StartsWith("Run them against a grader model: rft grade --check --grader <file> --endpoint URL", note.Hint, StringComparison.Ordinal);
        Assert.False(report.HasErrors);
    }

    [Fact]
    public async Task RunAll_FindsEverySidecarIncludingYamlGraders()
    {
        using var files = new GradeTestFiles();
        files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("graders/capital.tests.jsonl", """{"item": {"reference_answer": "Paris"}, "sample": "Paris", "expected": 1}""");
        files.Write("graders/contains.yaml", """
            type: string_check
            name: contains
            input: "{{sample.output_text}}"
            reference: "{{item.reference_answer}}"
            operation: ilike
            """);
        files.Write("graders/contains.tests.jsonl", """{"item": {"reference_answer": "Paris"}, "sample": "It is PARIS", "expected": 1}""");
        files.Write("graders/untested.json", GradeTestFiles.CapitalGrader);

        var report = await GraderTestRunner.RunAllAsync(Path.Combine(files.Root, "graders"), "graders");

        Assert.Equal(2, report.Passed);
        Assert.Empty(report.Diagnostics);
    }

    [Fact]
    public async Task SampleGraders_PassTheirSidecars()
    {
        var root = GradeTestFiles.RepositoryRoot();
        var report = await GraderTestRunner.RunAllAsync(Path.Combine(root, "graders"), "graders");

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Diagnostics));
        Assert.True(report.Passed >= 20, $"only {report.Passed} sample grader tests ran");
        // Every sample grader has a sidecar.
        foreach (var grader in Directory.EnumerateFiles(Path.Combine(root, "graders")).Where(f => !f.EndsWith(".jsonl", StringComparison.Ordinal)))
        {
            Assert.True(File.Exists(GraderTestRunner.SidecarPath(grader)), $"{grader} has no grader tests");
        }
    }
}
