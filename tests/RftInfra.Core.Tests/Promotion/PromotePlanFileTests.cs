namespace RftInfra.Core.Tests.Promotion;

/// <summary>`rft promote-plan` names the option and the path of a file it cannot use, in our words (exit 2).</summary>
public class PromotePlanFileTests
{
    [Fact]
    public async Task MissingDevOutputs_NamesOptionAndPath_AndHowToMakeIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"rft-missing-{Guid.NewGuid():N}.json");
        var (stdout, stderr, exit) = await CliRunner.Rft("promote-plan", "--stack-file", Validation.ValidationTestKit.RepoRoot + "/Pulumi.prod.yaml", "--dev-outputs", missing);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal(
            $"--dev-outputs {missing}: error: the file does not exist. Fix: write it with `pulumi stack output --stack dev --json > dev-outputs.json` " +
            "(samples/gitops/dev-outputs.json is an example) (docs/gitops.md).",
            stderr.TrimEnd());
    }

    [Fact]
    public async Task MissingStackFile_NamesOptionAndPath()
    {
        var (_, stderr, exit) = await CliRunner.Rft("promote-plan", "--stack-file", "no-such-prod.yaml", "--dev-outputs", "no-such-outputs.json");

        Assert.Equal(2, exit);
        Assert.StartsWith("--stack-file no-such-prod.yaml: error: the file does not exist. Fix: pass the prod stack file", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("RFT301", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevOutputsWithATrailingComma_OurWordsNotTheReadersOptions()
    {
        var outputs = Path.Combine(Path.GetTempPath(), $"rft-dev-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(outputs, "{\"jobs\": {},}");
        try
        {
            var (_, stderr, exit) = await CliRunner.Rft("promote-plan", "--stack-file", Validation.ValidationTestKit.RepoRoot + "/Pulumi.prod.yaml", "--dev-outputs", outputs);

            Assert.Equal(2, exit);
            Assert.Equal($"--dev-outputs {outputs}: error: not valid JSON at line 1, byte 13: a comma before the closing '}}' " +
                "(JSON allows no comma after the last item). Pass the output of `pulumi stack output --stack dev --json`.", stderr.TrimEnd());
        }
        finally
        {
            File.Delete(outputs);
        }
    }
}
