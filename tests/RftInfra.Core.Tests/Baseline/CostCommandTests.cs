using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Core.Tests.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>`rft cost` in every format, with its figures recomputed from the stated rule and the catalog.</summary>
public sealed class CostCommandTests
{
    [Fact]
    public async Task Json_CapitalQa_TrainingBoundsFromRowsEpochsAndTheTierRate_NoGraderTokens()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("cost", "jobs/capital-qa.yaml", "--root", RepoRoot, "--format", "json");

        Assert.True(exit == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("rft-cost", json["kind"]!.GetValue<string>());
        Assert.Equal(14, json["trainingRows"]!.GetValue<int>());
        Assert.Equal(1, json["epochs"]!["low"]!.GetValue<double>()); // n_epochs auto: 1-3
        Assert.Equal(3, json["epochs"]!["high"]!.GetValue<double>());
        var hours = json["training"]!["hours"]!;
        Assert.Equal(Math.Round(14 * 1 * 2 / 3600.0, 4), hours["low"]!.GetValue<double>());
        Assert.Equal(Math.Round(14 * 3 * 12 / 3600.0, 4), hours["high"]!.GetValue<double>());
        var usd = json["training"]!["usd"]!;
        Assert.Equal(Math.Round(14 * 2 / 3600.0 * 70, 4), usd["low"]!.GetValue<double>()); // globalstandard $70-90/h
        Assert.Equal(Math.Round(14 * 3 * 12 / 3600.0 * 90, 4), usd["high"]!.GetValue<double>());
        Assert.Empty(json["graders"]!.AsArray());
        Assert.Equal(0, json["graderUsd"]!["high"]!.GetValue<double>());
        Assert.Equal(1.7, json["hosting"]!["usdPerHour"]!["low"]!.GetValue<double>());
        Assert.Equal(5000, json["autoPauseUsd"]!.GetValue<double>());
        Assert.Contains("Rough:", json["rough"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_MathJudge_GraderTokensAreRowsTimesEpochsTimesEvalSamplesAtTheGraderModelsPrice()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("cost", "jobs/math-judge.yaml", "--root", RepoRoot, "--format", "json");

        Assert.True(exit == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        var grader = json["graders"]!.AsArray().Single()!;
        Assert.Equal("gpt-4.1-mini", grader["model"]!.GetValue<string>());
        Assert.Equal(12 * 1 * 4, grader["calls"]!["low"]!.GetValue<double>()); // 12 rows × 1-3 epochs × eval_samples 4
        Assert.Equal(12 * 3 * 4, grader["calls"]!["high"]!.GetValue<double>());
        var input = grader["inputTokensPerCall"]!["low"]!.GetValue<double>();
        Assert.InRange(input, 60, 400);
        Assert.Equal(input + 450, grader["inputTokensPerCall"]!["high"]!.GetValue<double>());
        var expectedLow = 48 * ((input * 0.4) + (20 * 1.6)) / 1_000_000;
        Assert.Equal(Math.Round(expectedLow, 4), grader["usd"]!["low"]!.GetValue<double>());
        Assert.Equal(Math.Round(json["training"]!["hours"]!["high"]!.GetValue<double>(), 4),
            Math.Round(12 * 3 * 12 * 2.0 / 3600, 4)); // compute_multiplier 2 doubles the hours
    }

    [Fact]
    public async Task Text_SaysHowRoughItIs()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("cost", "jobs/math-judge.yaml", "--root", RepoRoot);

        Assert.True(exit == 0, stderr);
        Assert.Contains("cost estimate of jobs/math-judge.yaml (prices as of 2026-12):", stdout, StringComparison.Ordinal);
        Assert.Contains("training     0.01-0.24 h on 12 rows × 1-3 epochs × compute 2 at $70-90/h (globalstandard)", stdout, StringComparison.Ordinal);
        Assert.Contains("grader       math-judge (gpt-4.1-mini): 48-144 calls", stdout, StringComparison.Ordinal);
        Assert.Contains("the service auto-pauses at $5,000", stdout, StringComparison.Ordinal);
        Assert.Contains("hosting      GlobalStandard: $1.7/h", stdout, StringComparison.Ordinal);
        Assert.Contains("Rough: training hours are this kit's assumption", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_IsATableWithTheTotal()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("cost", "jobs/capital-qa.yaml", "--root", RepoRoot, "--format", "markdown");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        Assert.Equal("### Cost estimate of `jobs/capital-qa.yaml`", lines[0]);
        Assert.Contains("| part | basis | estimate |", lines);
        Assert.Contains(lines, l => l.StartsWith("| training | 0.01-0.14 h, 14 rows × 1-3 epochs at $70-90/h (globalstandard) | $0.54-12.60 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| **total** | training + grading | **$0.54-12.60** |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| hosting | GlobalStandard after success | $1.7/h |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThousandsOfRowsAndAMismatchedLadder_GiveRft815AndRft811()
    {
        using var dir = new TempRoot();
        var rows = new StringBuilder();
        for (var i = 0; i < 1200; i++)
        {
            rows.Append(TempRoot.Row.Replace("PLACE", $"place {i}", StringComparison.Ordinal)).Append('\n');
        }

        dir.Write("data/train.jsonl", rows.ToString());
        dir.WriteRows("data/valid.jsonl", "Peru", "Chad");
        dir.Write("jobs/big.yaml", """
            name: big
            model: o4-mini
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            training_type: globalstandard
            region: swedencentral
            stage: iterate
            grader:
              type: score_model
              name: judge
              model: gpt-4.1
              input:
                - role: user
                  content: "Reference: {{item.reference_answer}}\nAnswer: {{sample.output_text}}"
              range: [0, 1]
            """);

        var (stdout, stderr, exit) = await CliRunner.Rft("cost", "jobs/big.yaml", "--root", dir.Path, "--format", "json");

        Assert.True(exit == 0, stderr);
        var findings = JsonNode.Parse(stdout)!["findings"]!.AsArray();
        var ladder = findings.Single(f => f!["code"]!.GetValue<string>() == "RFT811")!;
        Assert.Contains("the job's stage is 'iterate' but grader 'judge' uses gpt-4.1; the ladder suggests gpt-4.1-nano", ladder["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var large = findings.Single(f => f!["code"]!.GetValue<string>() == "RFT815")!;
        Assert.Contains("data/train.jsonl has 1,200 rows", large["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, large["line"]!.GetValue<int>()); // training_file
    }

    [Fact]
    public async Task MissingJob_ExitsTwo_AndAJobWithErrors_ExitsOne()
    {
        var missing = await CliRunner.Rft("cost", "jobs/nope.yaml", "--root", RepoRoot);
        using var dir = new TempRoot();
        dir.Write("jobs/bad.yaml", "name: bad\nmodel: o4-mini\n");

        var bad = await CliRunner.Rft("cost", "jobs/bad.yaml", "--root", dir.Path);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("rft cost: job file 'jobs/nope.yaml' not found", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error RFT", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("no estimate. Run `rft validate`", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal("", bad.Stdout);
    }
}
