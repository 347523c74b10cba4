using Xunit.Abstractions;
using static RftInfra.Core.Tests.CliRunner;

namespace RftInfra.Core.Tests.Validation;

/// <summary>
/// Hostile files through the real CLI (in-process): `validate`, `grade` (its grader and sidecar reading),
/// `promote-plan` and `preview-summary` (their file reading). Each asserts the exit code, the finding code and a
/// bound on time and allocation (<see cref="HostileBounds"/>).
/// </summary>
[Collection(HostileInputCollection.Name)]
public class HostileCliTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Validate_AliasBomb_Exit1WithRft308()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/bomb.yaml", HostileBounds.AliasBomb);
        var (stdout, _, exit) = await Cli("validate alias bomb", "validate", "--root", root.Path);
        Assert.Equal(1, exit);
        Assert.Contains("jobs/bomb.yaml\n  6:", stdout, StringComparison.Ordinal);
        Assert.Contains("error RFT308", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TrainingFileDevZero_Exit1WithRft305()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", File.ReadAllText(Path.Combine(root.Path, "jobs/qa.yaml")).Replace("data/train.jsonl", "/dev/zero", StringComparison.Ordinal));
        var (stdout, _, exit) = await Cli("validate /dev/zero", "validate", "--root", root.Path);
        Assert.Equal(1, exit);
        Assert.Contains("jobs/qa.yaml\n  3:", stdout, StringComparison.Ordinal);
        Assert.Contains("error RFT305", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_FifoJob_Exit1WithRft305()
    {
        using var root = TempRoot.Clean();
        HostileInputTests.MakeFifo(root, "jobs/fifo.yaml");
        var (stdout, _, exit) = await Cli("validate FIFO job", "validate", "--root", root.Path);
        Assert.Equal(1, exit);
        Assert.Contains("jobs/fifo.yaml\n  -        error RFT305", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bomb", "RFT308")]
    [InlineData("complex key", "RFT309")]
    [InlineData("fifo", "RFT305")]
    [InlineData("invalid utf-8", "RFT307")]
    public async Task Grade_HostileGraderFile_Exit1WithTheFinding(string kind, string code)
    {
        using var root = TempRoot.Clean();
        var grader = Path.Combine(root.Path, "graders/hostile.yaml");
        switch (kind)
        {
            case "bomb":
                root.Write("graders/hostile.yaml", HostileBounds.AliasBomb);
                break;
            case "complex key":
                root.Write("graders/hostile.yaml", "type: string_check\n? [a]\n: b\n");
                break;
            case "fifo":
                HostileInputTests.MakeFifo(root, "graders/hostile.yaml");
                break;
            default:
                File.WriteAllBytes(grader, [.. "type: string_check\nname: caf"u8, 0xE9, .. "\n"u8]);
                break;
        }

        var (stdout, stderr, exit) = await Cli($"grade {kind} grader", "grade", "--root", root.Path, "--grader", "graders/hostile.yaml", "--data", "data/train.jsonl", "--sample-text", "Paris");
        Assert.True(exit is 1 or 2, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"error {code}", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grade_FifoSidecar_IsRft305()
    {
        using var root = TempRoot.Clean();
        HostileInputTests.MakeFifo(root, "graders/match.tests.jsonl");
        var (stdout, stderr, exit) = await Cli("grade --check FIFO sidecar", "grade", "--check", "--root", root.Path, "--grader", "graders/match.json");
        Assert.True(exit is 1 or 2, $"exit {exit}: {stdout}{stderr}");
        // validate's layout: the file, then "-  error RFT305: ..." (no line: the whole file).
        Assert.Contains("graders/match.tests.jsonl\n  -        error RFT305: ", (stdout + stderr).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bomb", "RFT308")]
    [InlineData("complex key", "RFT309")]
    [InlineData("merge key", "RFT309")]
    [InlineData("fifo", "RFT305")]
    public async Task PromotePlan_HostileStackFile_Exit2WithTheFinding(string kind, string code)
    {
        using var root = TempRoot.Clean();
        var stack = Path.Combine(root.Path, "Pulumi.prod.yaml");
        switch (kind)
        {
            case "bomb":
                root.Write("Pulumi.prod.yaml", "config:\n" + string.Join("\n", HostileBounds.AliasBomb.Split('\n').Select(l => "  " + l)) + "\n");
                break;
            case "complex key":
                root.Write("Pulumi.prod.yaml", "config:\n  ? [rft-infra:devStack]\n  : org/rft-infra/dev\n");
                break;
            case "merge key":
                root.Write("Pulumi.prod.yaml", "base: &b {rft-infra:devStack: org/rft-infra/dev}\nconfig:\n  <<: *b\n");
                break;
            default:
                HostileInputTests.MakeFifo(root, "Pulumi.prod.yaml");
                break;
        }

        root.Write("dev-outputs.json", "{}");
        var (stdout, stderr, exit) = await Cli($"promote-plan {kind}", "promote-plan", "--stack-file", stack, "--dev-outputs", Path.Combine(root.Path, "dev-outputs.json"));
        Assert.Equal(2, exit);
        Assert.Contains($"error {code}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviewSummary_Fifo_Exit2()
    {
        using var root = TempRoot.Clean();
        HostileInputTests.MakeFifo(root, "preview.json");
        var (_, stderr, exit) = await Cli("preview-summary FIFO", "preview-summary", Path.Combine(root.Path, "preview.json"));
        Assert.Equal(2, exit);
        Assert.Contains("FIFO", stderr, StringComparison.Ordinal);
    }

    private async Task<(string Stdout, string Stderr, int Exit)> Cli(string name, params string[] args)
    {
        var (result, elapsed, allocated) = await HostileBounds.RunAsync(() => Rft(args));
        output.WriteLine($"HOSTILE | {name} | exit {result.ExitCode} | {elapsed.TotalMilliseconds:F0} ms | {allocated / 1024.0 / 1024.0:F1} MB allocated");
        return (result.Stdout, result.Stderr, result.ExitCode);
    }
}
