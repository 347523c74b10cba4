using static RftInfra.Core.Tests.Baseline.BaselineKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>Every output format of `rft baseline`: text, Markdown, PNG (JSON: <see cref="BaselineCommandTests"/>).</summary>
public sealed class BaselineOutputTests
{
    [Fact]
    public async Task Text_ShowsEachVariantsMeanBandTokensAndTheBest()
    {
        var (dir, model) = QuizCheckout(10, declared: 0, a: 1, b: 1);
        using var _ = dir;
        await using var emulator = await BaselineCommandTests.TestEmulatorWith(model);

        var (stdout, stderr, exit) = await CliRunner.Rft("baseline", "jobs/quiz.yaml", "--root", dir.Path,
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--rows", "10");

        Assert.True(exit == 0, stderr);
        Assert.Contains("baseline of jobs/quiz.yaml: o4-mini (deployment quiz-model), grader quiz-match (string_check)", stdout, StringComparison.Ordinal);
        Assert.Contains("10 of 10 validation rows (seed 0), 3 prompt variant(s), 0 answers from the cache", stdout, StringComparison.Ordinal);
        Assert.Contains("variant declared\n  mean 0  stdev 0", stdout.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("variant a  (best)\n  mean 1  stdev 0", stdout.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("pass 0 % (full marks), failures 100 %: no signal", stdout, StringComparison.Ordinal);
        Assert.Contains("pass 100 % (full marks), failures 0 %: too easy", stdout, StringComparison.Ordinal);
        Assert.Contains("distribution 10 0 0 0 0 0 0 0 0 0", stdout, StringComparison.Ordinal);
        Assert.Contains("best variant: a (mean 1)", stdout, StringComparison.Ordinal);
        Assert.Contains("warning RFT812: variant 'declared': rewards are too sparse", stdout, StringComparison.Ordinal);
        Assert.Contains("wrote .rft/baselines/quiz.json", stderr.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.Path, ".rft", "baselines", "quiz.json")));
        Assert.True(File.Exists(Path.Combine(dir.Path, ".rft", "baselines", "quiz.answers.jsonl")));
    }

    [Fact]
    public async Task Markdown_IsATableWithTheBestVariantMarkedAndTheFindings()
    {
        var (dir, model) = QuizCheckout(10, declared: 0, a: 1, b: 0);
        using var _ = dir;
        await using var emulator = await BaselineCommandTests.TestEmulatorWith(model);

        var (stdout, stderr, exit) = await CliRunner.Rft("baseline", "jobs/quiz.yaml", "--root", dir.Path,
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--rows", "10", "--format", "markdown");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        Assert.Equal("### Baseline of `jobs/quiz.yaml`", lines[0]);
        Assert.Contains("| variant | mean | stdev | pass | failures | band | distribution | tokens in / out | cost |", lines);
        Assert.Contains(lines, l => l.StartsWith("| declared | 0 | 0 | 0 % | 100 % | no signal | █········· |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| **a** (best) | 1 | 0 | 100 % | 0 % | too easy | ·········█ |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("- **RFT812** variant 'declared'", StringComparison.Ordinal));
        Assert.DoesNotContain("wrote", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plot_WritesAPngOfTheVariantsDistributions()
    {
        var (dir, model) = QuizCheckout(10, declared: 0.5, a: 1, b: 0);
        using var _ = dir;
        await using var emulator = await BaselineCommandTests.TestEmulatorWith(model);

        var (_, stderr, exit) = await CliRunner.Rft("baseline", "jobs/quiz.yaml", "--root", dir.Path,
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--rows", "10", "--plot", "baseline.png");

        Assert.True(exit == 0, stderr);
        Assert.Contains("wrote baseline.png", stderr, StringComparison.Ordinal);
        var png = File.ReadAllBytes(Path.Combine(dir.Path, "baseline.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.InRange(png.Length, 5_000, 2_000_000);
    }

    [Fact]
    public async Task Plot_IntoAMissingDirectory_IsAUsageErrorBeforeAnyCall()
    {
        var (dir, model) = QuizCheckout(10, 1, 1, 1);
        using var _ = dir;
        await using var emulator = await BaselineCommandTests.TestEmulatorWith(model);

        var (_, stderr, exit) = await CliRunner.Rft("baseline", "jobs/quiz.yaml", "--root", dir.Path,
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--plot", "no-such-dir/b.png");

        Assert.Equal(2, exit);
        Assert.Contains("--plot 'no-such-dir/b.png': the directory", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Server.Requests, r => r.Path.Contains("/chat/completions", StringComparison.Ordinal));
    }
}
