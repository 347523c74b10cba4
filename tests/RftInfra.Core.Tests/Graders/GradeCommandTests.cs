using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Graders;

public class GradeCommandTests
{
    private static GradeTestFiles Capital()
    {
        var files = new GradeTestFiles();
        files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("data/train.jsonl", GradeTestFiles.CapitalData);
        return files;
    }

    [Fact]
    public async Task Samples_PrintSummaryAndRows()
    {
        using var files = Capital();
        files.Write("outputs.jsonl", "\"Paris\"\n\"berlin\"\n\"Rome\"\n{\"city\": \"Madrid\"}\n");

        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--samples", "outputs.jsonl", "--rows");

        Assert.True(exit == 0, stderr);
        Assert.Contains("grader capital (string_check) on data/train.jsonl: 4 rows, 4 scored", stdout);
        Assert.Contains("row 1 (line 1): 1", stdout);
        Assert.Contains("row 2 (line 2): 0", stdout);
        Assert.Contains("row 3 (line 4): 1", stdout); // the blank line is skipped; line numbers stay true
        Assert.Contains("reward: mean 0.5  std 0.5  min 0  max 1", stdout);
        Assert.Contains("failures 50 % (target 25–50 %)", stdout);
        Assert.Contains("histogram:", stdout);
    }

    [Fact]
    public async Task FormatJson_WritesOnlyJson()
    {
        using var files = Capital();
        var (stdout, _, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--sample-text", "Paris", "--format", "json", "--rows");

        Assert.Equal(0, exit);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(4, json["summary"]!["count"]!.GetValue<int>());
        Assert.Equal(0.25, json["summary"]!["mean"]!.GetValue<double>());
        Assert.Equal(0.75, json["summary"]!["zero_share"]!.GetValue<double>());
        Assert.Equal(1, json["rows"]![0]!["reward"]!.GetValue<double>());
        Assert.Equal(4, json["rows"]![2]!["line"]!.GetValue<int>());
    }

    [Fact]
    public async Task CountMismatch_IsAClearError()
    {
        using var files = Capital();
        files.Write("outputs.jsonl", "\"Paris\"\n\"Berlin\"\n");
        var (_, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--samples", "outputs.jsonl");

        Assert.Equal(1, exit);
        Assert.Contains("outputs.jsonl has 2 outputs but data/train.jsonl has 4 rows", stderr);
    }

    [Fact]
    public async Task BadSampleLine_NamesFileAndLine()
    {
        using var files = Capital();
        files.Write("outputs.jsonl", "\"Paris\"\nParis\n\"Rome\"\n\"Madrid\"\n");
        var (_, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--samples", "outputs.jsonl");

        Assert.Equal(1, exit);
        Assert.Contains("outputs.jsonl(2,", stderr);
        Assert.Contains("line 2 is not valid JSON", stderr);
    }

    [Fact]
    public async Task MissingFileOrSamples_IsUsageError()
    {
        using var files = Capital();
        var missing = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/nope.json", "--data", "data/train.jsonl", "--sample-text", "x");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--grader file 'graders/nope.json' not found", missing.Stderr);

        var noSamples = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json", "--data", "data/train.jsonl");
        Assert.Equal(2, noSamples.ExitCode);
        Assert.Contains("exactly one of --samples", noSamples.Stderr);
    }

    [Fact]
    public async Task SparseRewards_Warn()
    {
        using var files = Capital();
        files.Write("data/more.jsonl", string.Join("\n", Enumerable.Range(0, 10).Select(i => $$"""{"reference_answer": "City{{i}}"}""")));
        var (stdout, _, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/more.jsonl", "--sample-text", "Paris");

        Assert.Equal(0, exit);
        Assert.Contains("warning (sparse): rewards are too sparse: 100 % of rows score 0", stdout);
    }

    [Fact]
    public async Task Plot_WritesAPng()
    {
        using var files = Capital();
        Directory.CreateDirectory(Path.Combine(files.Root, "out")); // rft grade creates no directories
        var (_, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--sample-text", "Paris", "--plot", "out/rewards.png");

        Assert.True(exit == 0, stderr);
        var png = await File.ReadAllBytesAsync(Path.Combine(files.Root, "out/rewards.png"));
        Assert.True(png.Length > 5000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public async Task Multi_PrintsSubGraderMeans()
    {
        using var files = Capital();
        files.Write("graders/multi.yaml", """
            type: multi
            name: multi
            graders:
              exact:
                type: string_check
                name: exact
                input: "{{sample.output_text}}"
                reference: "{{item.reference_answer}}"
                operation: eq
              loose:
                type: string_check
                name: loose
                input: "{{sample.output_text}}"
                reference: "{{item.reference_answer}}"
                operation: ilike
            calculate_output: "(exact + loose) / 2"
            """);
        files.Write("outputs.jsonl", "\"Paris\"\n\"berlin!\"\n\"Lyon\"\n\"Madrid\"\n");
        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/multi.yaml",
            "--data", "data/train.jsonl", "--samples", "outputs.jsonl");

        Assert.True(exit == 0, stderr);
        Assert.Contains("sub-grader means: exact 0.5  loose 0.75", stdout);
        Assert.Contains("reward: mean 0.625", stdout);
    }

    [Fact]
    public async Task Check_FailingSidecar_ExitsOneWithFileAndLine()
    {
        using var files = Capital();
        files.Write("graders/capital.tests.jsonl", """
            {"item": {"reference_answer": "Paris"}, "sample": "Paris", "expected": 1}
            {"item": {"reference_answer": "Paris"}, "sample": "Paris Paris", "expected": 1, "note": "repeated"}
            """);

        var (stdout, _, exit) = await CliRunner.Rft("grade", "--check", "--root", files.Root);

        Assert.Equal(1, exit);
        // The layout of `rft validate`: the file, then `line:col severity CODE: message` and the fix under it.
        Assert.Equal(
            """
            graders/capital.tests.jsonl
              2:1      error RFT604: grader test (repeated) failed for capital: expected reward 1, got 0.
                       fix: Fix the grader, or the expectation if the grader is right.

            grader tests: 1 passed, 1 failed, 0 not run offline.

            """, stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Check_OneGraderWithoutSidecar_SaysWhatToWrite()
    {
        using var files = Capital();
        var (_, stderr, exit) = await CliRunner.Rft("grade", "--check", "--root", files.Root, "--grader", "graders/capital.json");

        Assert.Equal(2, exit);
        Assert.Contains("graders/capital.tests.jsonl", stderr);
    }
}
