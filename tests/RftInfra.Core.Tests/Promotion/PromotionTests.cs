using System.Text.Json.Nodes;
using RftInfra.Promotion;

namespace RftInfra.Core.Tests.Promotion;

public class PromotionTests
{
    private const string DevAccount =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rft-dev/providers/Microsoft.CognitiveServices/accounts/rft-dev-swedencentral";

    private static readonly string[] ProdRegions = ["swedencentral"];

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "GitOps", "Fixtures", name);

    private static IReadOnlyList<DevJob> DevJobs() =>
        DevStackOutputs.FromStackOutputs(JsonNode.Parse(File.ReadAllText(Fixture("dev-outputs.json"))));

    private static PromotionConfig Config(string promotionsYaml, string extra = "")
    {
        var (config, diagnostics) = PromotionConfigReader.FromStackFile(
            $"config:\n  rft-infra:devStack: org/rft-infra/dev\n{extra}  rft-infra:promotions:\n{promotionsYaml}", "Pulumi.prod.yaml");
        Assert.Empty(diagnostics);
        return config!;
    }

    private static PromotionDecision Single(string promotionsYaml, string extra = "") =>
        Assert.Single(PromotionPlanner.Decide(Config(promotionsYaml, extra), DevJobs(), ProdRegions));

    [Fact]
    public void RepositoryProdStack_IsValidPromotesOnlyAndNeverTrains()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RftInfra.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        var (config, diagnostics) = PromotionConfigReader.FromStackFile(
            File.ReadAllText(Path.Combine(root, "Pulumi.prod.yaml")), "Pulumi.prod.yaml");

        Assert.Empty(diagnostics);
        Assert.NotNull(config);
        Assert.Empty(config.TrainInProd);
        Assert.Equal(["capital-qa", "invoice-extract"], config.Promotions.Select(p => p.Name));
        Assert.Equal(["swedencentral"], config.Regions);
    }

    [Fact]
    public void DevOutputs_ReadStatusModelAccountAndReward()
    {
        var jobs = DevJobs();

        var capital = jobs.Single(j => j.Name == "capital-qa");
        Assert.True(capital.Succeeded);
        Assert.Equal(0.78, capital.ValidationReward);
        Assert.Equal(DevAccount, capital.AccountId);
        Assert.Equal(0.81, Assert.Single(capital.Checkpoints).ValidationReward);
        Assert.EndsWith("/accounts/rft-dev-swedencentral", jobs.Single(j => j.Name == "math-judge").AccountId);
        Assert.False(jobs.Single(j => j.Name == "support-summary").Succeeded);
        Assert.Null(jobs.Single(j => j.Name == "math-judge").ValidationReward);
    }

    [Fact]
    public void SucceededJobAboveTheGate_DeploysItsModelFromTheDevAccount()
    {
        var decision = Assert.IsType<DeployPromotion>(Single("""
                - job: capital-qa
                  targets:
                    - region: swedencentral
                      deployment: capital-qa
                      sku: GlobalStandard
                      capacity: 10
            """, "  rft-infra:minValidationReward: 0.7\n"));

        Assert.Equal("o4-mini-2025-04-16.ft-0265d673b0b24b5d8f0a7c1e2d3f4a5b-capital-qa", decision.ModelName);
        Assert.Equal("1", decision.ModelVersion);
        Assert.Equal(DevAccount, decision.SourceAccountId);
        Assert.Null(decision.Copy);
        Assert.Equal(new PromotionTarget("swedencentral", "capital-qa", "GlobalStandard", 10), decision.Target);
        Assert.Equal("ftjob-0265d673b0b24b5d8f0a7c1e2d3f4a5b", decision.JobId);
    }

    [Fact]
    public void RewardBelowThePromotionsOwnGate_IsRefused()
    {
        var decision = Assert.IsType<RefusedPromotion>(Single("""
                - job: invoice-extract
                  minValidationReward: 0.8
                  targets:
                    - region: swedencentral
            """, "  rft-infra:minValidationReward: 0.5\n"));

        Assert.Contains("validation reward 0.74 of dev job 'invoice-extract' (ftjob-7d1c2b3a4e5f60718293a4b5c6d7e8f9) is below the gate minValidationReward 0.8", decision.Reason);
    }

    [Fact]
    public void StackGateApplies_WhenThePromotionHasNone()
    {
        var decision = Assert.IsType<RefusedPromotion>(Single("""
                - job: invoice-extract
                  targets:
                    - region: swedencentral
            """, "  rft-infra:minValidationReward: 0.75\n"));

        Assert.Contains("below the gate minValidationReward 0.75", decision.Reason);
    }

    [Theory]
    [InlineData("support-summary", "dev job 'support-summary' (ftjob-1f2e3d4c5b6a79880796a5b4c3d2e1f0) is running, not succeeded")]
    [InlineData("no-such-job", "the dev stack has no job 'no-such-job' (dev jobs: capital-qa, invoice-extract, support-summary, math-judge)")]
    public void UnsucceededOrUnknownJob_IsRefused(string job, string expected)
    {
        var decision = Assert.IsType<RefusedPromotion>(Single($"""
                - job: {job}
                  targets:
                    - region: swedencentral
            """));

        Assert.Contains(expected, decision.Reason);
    }

    [Fact]
    public void GateWithoutAReportedReward_IsRefused()
    {
        var decision = Assert.IsType<RefusedPromotion>(Single("""
                - job: math-judge
                  minValidationReward: 0.6
                  targets:
                    - region: swedencentral
            """));

        Assert.Contains("reports no validation reward, so the gate minValidationReward 0.6 cannot be checked", decision.Reason);
    }

    [Fact]
    public void NoGateConfigured_DeploysASucceededJobWithoutAReward()
    {
        Assert.IsType<DeployPromotion>(Single("""
                - job: math-judge
                  targets:
                    - region: swedencentral
            """));
    }

    [Fact]
    public void PromotionByModelId_FindsTheJobForItsGateAndAccount()
    {
        var decision = Assert.IsType<DeployPromotion>(Single("""
                - name: capital-by-model
                  model: o4-mini-2025-04-16.ft-0265d673b0b24b5d8f0a7c1e2d3f4a5b-capital-qa
                  targets:
                    - region: swedencentral
            """, "  rft-infra:minValidationReward: 0.7\n"));

        Assert.Equal(DevAccount, decision.SourceAccountId);
        Assert.Equal("capital-by-model", decision.Target.DeploymentName);
        Assert.Equal(("GlobalStandard", 1), (decision.Target.Sku, decision.Target.Capacity));
    }

    [Fact]
    public void UnknownModelId_IsRefused()
    {
        var decision = Assert.IsType<RefusedPromotion>(Single("""
                - model: o4-mini-2025-04-16.ft-ffffffffffffffffffffffffffffffff
                  targets:
                    - region: swedencentral
            """));

        Assert.Contains("no dev job produced the model 'o4-mini-2025-04-16.ft-ffffffffffffffffffffffffffffffff'", decision.Reason);
    }

    [Fact]
    public void Checkpoint_DeploysTheCheckpointIdAndGatesOnItsOwnReward()
    {
        var decision = Assert.IsType<DeployPromotion>(Single("""
                - job: capital-qa
                  checkpoint: ftchkpt-9a8b7c6d5e4f30211203a4b5c6d7e8f9
                  minValidationReward: 0.8
                  targets:
                    - region: swedencentral
            """));

        Assert.Equal("ftchkpt-9a8b7c6d5e4f30211203a4b5c6d7e8f9", decision.ModelName);
        Assert.Equal(0.81, decision.ValidationReward);
        Assert.Equal(DevAccount, decision.SourceAccountId);
    }

    [Fact]
    public void CheckpointCopy_PlansTheCopyAndDeploysWithoutASource()
    {
        var decision = Assert.IsType<DeployPromotion>(Single("""
                - job: capital-qa
                  checkpoint: ftchkpt-9a8b7c6d5e4f30211203a4b5c6d7e8f9
                  method: checkpointCopy
                  targets:
                    - region: swedencentral
            """));

        Assert.Null(decision.SourceAccountId);
        Assert.Equal("o4-mini-2025-04-16.ft-0265d673b0b24b5d8f0a7c1e2d3f4a5b-capital-qa:ckpt-step-30", decision.ModelName);
        Assert.Equal(
            new CheckpointCopyPlan(DevAccount, "ftjob-0265d673b0b24b5d8f0a7c1e2d3f4a5b", "ftchkpt-9a8b7c6d5e4f30211203a4b5c6d7e8f9", "swedencentral"),
            decision.Copy);
    }

    [Fact]
    public void TargetRegionWithoutAProdAccount_IsRefusedAndOtherTargetsStillDeploy()
    {
        var decisions = PromotionPlanner.Decide(Config("""
                - job: capital-qa
                  targets:
                    - region: swedencentral
                    - region: westeurope
            """), DevJobs(), ProdRegions);

        Assert.IsType<DeployPromotion>(decisions[0]);
        var refused = Assert.IsType<RefusedPromotion>(decisions[1]);
        Assert.Contains("prod has no account in region 'westeurope' (prod regions: swedencentral)", refused.Reason);
    }

    [Theory]
    [InlineData("    - job: a\n      model: b\n      targets:\n        - region: swedencentral\n", 4, "give exactly one of `job`")]
    [InlineData("    - job: a\n      colour: red\n      targets:\n        - region: swedencentral\n", 4, "unknown key `colour`")]
    [InlineData("    - job: a\n", 4, "`targets` must list at least one prod region")]
    [InlineData("    - job: a\n      targets:\n        - region: swedencentral\n          capacity: lots\n", 4, "capacity must be a whole number above 0")]
    [InlineData("    - job: a\n      method: teleport\n      targets:\n        - region: swedencentral\n", 4, "unknown method `teleport`")]
    [InlineData("    - job: a\n      method: checkpointCopy\n      targets:\n        - region: swedencentral\n", 4, "add `checkpoint: ftchkpt-…`")]
    public void BadPromotion_IsADiagnosticWithItsLine(string promotions, int line, string expected)
    {
        var (config, diagnostics) = PromotionConfigReader.FromStackFile(
            $"config:\n  rft-infra:devStack: org/rft-infra/dev\n  rft-infra:promotions:\n{promotions}", "Pulumi.prod.yaml");

        Assert.Null(config);
        var diagnostic = Assert.Single(diagnostics, d => d.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(line, diagnostic.Position.Line);
        Assert.StartsWith($"Pulumi.prod.yaml({line},", diagnostic.ToString());
    }

    [Fact]
    public void MissingDevStack_SaysWhichCommandSetsIt()
    {
        var (config, diagnostics) = PromotionConfigReader.FromStackFile("config:\n  rft-infra:promotions: []\n", "Pulumi.prod.yaml");

        Assert.Null(config);
        Assert.Contains("pulumi config set --stack prod rft-infra:devStack", Assert.Single(diagnostics).Hint);
    }

    [Fact]
    public void BrokenYaml_IsADiagnosticNotAnException()
    {
        var (config, diagnostics) = PromotionConfigReader.FromStackFile("config:\n  rft-infra:promotions: [\n", "Pulumi.prod.yaml");

        Assert.Null(config);
        var finding = Assert.Single(diagnostics);
        Assert.Equal("RFT300", finding.Code);
        Assert.Equal(3, finding.Position.Line);
    }

    [Fact]
    public void ConfigValuesFromTheProgram_AcceptPulumiStringNumbers()
    {
        var (config, diagnostics) = PromotionConfigReader.FromConfigValues(
            "org/rft-infra/dev", "\"0.7\"",
            """[{"job":"capital-qa","targets":[{"region":"swedencentral","capacity":3}]}]""", null);

        Assert.Empty(diagnostics);
        Assert.Equal(0.7, config!.MinValidationReward);
        Assert.Equal(3, config.Promotions[0].Targets[0].Capacity);
        Assert.Empty(config.TrainInProd);
    }

    [Fact]
    public void DevOutputs_WithoutRegionUseTheOnlyAccountAndRefuseWhenAmbiguous()
    {
        const string job = """{"id":"ftjob-1","status":"succeeded","fineTunedModel":"m","latestMetrics":{"validRewardMean":0.9}}""";
        var single = DevStackOutputs.FromStackOutputs(JsonNode.Parse(
            "{\"jobs\":{\"a\":" + job + "},\"accounts\":{\"swedencentral\":{\"id\":\"" + DevAccount + "\"}}}"));
        var two = DevStackOutputs.FromStackOutputs(JsonNode.Parse(
            "{\"jobs\":{\"a\":" + job + "},\"accounts\":{\"swedencentral\":{\"id\":\"x\"},\"eastus2\":{\"id\":\"y\"}}}"));

        Assert.Equal(DevAccount, Assert.Single(single).AccountId);
        Assert.Null(Assert.Single(two).AccountId);
        var decision = Assert.Single(PromotionPlanner.Decide(Config("    - job: a\n      targets: [{region: swedencentral}]\n"), two, ProdRegions));
        Assert.Contains("does not say which account holds job 'a' (ftjob-1)", Assert.IsType<RefusedPromotion>(decision).Reason);
    }

    [Fact]
    public void DevOutputs_WrongShapeNamesTheJob()
    {
        var e = Assert.Throws<FormatException>(() => DevStackOutputs.FromStackOutputs(JsonNode.Parse("""{"jobs":{"capital-qa":"ftjob-1"}}""")));

        Assert.Contains("dev job 'capital-qa'", e.Message);
    }

    [Fact]
    public async Task Cli_PromotePlanExits1WhenAPromotionIsRefused()
    {
        var stackFile = Path.Combine(Path.GetTempPath(), $"rft-prod-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(stackFile, """
            config:
              rft-infra:regions: [swedencentral]
              rft-infra:devStack: org/rft-infra/dev
              rft-infra:minValidationReward: 0.7
              rft-infra:promotions:
                - job: capital-qa
                  targets: [{region: swedencentral, capacity: 2}]
                - job: support-summary
                  targets: [{region: swedencentral}]
            """);
        try
        {
            var (stdout, stderr, exit) = await CliRunner.Rft("promote-plan", "--stack-file", stackFile, "--dev-outputs", Fixture("dev-outputs.json"));

            Assert.Equal(1, exit);
            Assert.Equal("", stderr);
            Assert.Contains("deploy  capital-qa -> capital-qa in swedencentral: model o4-mini-2025-04-16.ft-0265d673b0b24b5d8f0a7c1e2d3f4a5b-capital-qa v1", stdout);
            Assert.Contains("refuse  support-summary -> support-summary in swedencentral: promotion 'support-summary': dev job", stdout);
        }
        finally
        {
            File.Delete(stackFile);
        }
    }

    [Fact]
    public async Task Cli_PromotePlan_HostileModelIdCannotForgeALineOrAnEscape()
    {
        var outputs = JsonNode.Parse(await File.ReadAllTextAsync(Fixture("dev-outputs.json")))!;
        outputs["jobs"]!["capital-qa"]!["fineTunedModel"] = "x\n::error::forged\u001b[31m";
        var outputsFile = Path.Combine(Path.GetTempPath(), $"rft-dev-{Guid.NewGuid():N}.json");
        var stackFile = Path.Combine(Path.GetTempPath(), $"rft-prod-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(outputsFile, outputs.ToJsonString());
        await File.WriteAllTextAsync(stackFile, """
            config:
              rft-infra:regions: [swedencentral]
              rft-infra:devStack: org/rft-infra/dev
              rft-infra:promotions:
                - job: capital-qa
                  targets: [{region: swedencentral}]
            """);
        try
        {
            var (stdout, _, _) = await CliRunner.Rft("promote-plan", "--stack-file", stackFile, "--dev-outputs", outputsFile);

            Assert.DoesNotContain("\n::error", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', stdout);
            Assert.Contains("x\\n::error::forged\\x1b[31m", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(outputsFile);
            File.Delete(stackFile);
        }
    }

    [Fact]
    public async Task Cli_PromotePlanOnTheRepositoryStackFileDeploysWhatPassesTheGates()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RftInfra.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var (stdout, _, exit) = await CliRunner.Rft(
            "promote-plan", "--stack-file", Path.Combine(root, "Pulumi.prod.yaml"), "--dev-outputs", Fixture("dev-outputs.json"));

        Assert.Equal(1, exit);
        Assert.Contains("deploy  capital-qa -> capital-qa in swedencentral", stdout);
        Assert.Contains("refuse  invoice-extract -> invoice-extract in swedencentral", stdout);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"jobs\":{},\"jobs\":{}}")]
    public async Task Cli_PromotePlanBadOutputsExit2(string text)
    {
        var outputs = Path.Combine(Path.GetTempPath(), $"rft-dev-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(outputs, text);
        try
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "RftInfra.sln")))
            {
                root = Path.GetDirectoryName(root)!;
            }

            var (_, stderr, exit) = await CliRunner.Rft("promote-plan", "--stack-file", Path.Combine(root, "Pulumi.prod.yaml"), "--dev-outputs", outputs);

            Assert.Equal(2, exit);
            Assert.StartsWith($"--dev-outputs {outputs}: error:", stderr);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(outputs);
        }
    }
}
