using System.Collections.Immutable;
using System.Text.Json;
using Pulumi;
using Pulumi.AzureNative.Resources;
using Pulumi.Testing;
using CognitiveServices = Pulumi.AzureNative.CognitiveServices;

namespace RftInfra.Tests;

// Checked against Pulumi.Testing (Deployment.TestAsync(IMocks, TestOptions, Func<Task<IDictionary<string, object?>>>)
// returning (Resources, Outputs), as StackTests uses it; IMocks.NewResourceAsync(MockResourceArgs) with a StackReference
// answered by an "outputs" state) and Pulumi.AzureNative 3.x (CognitiveServices.Deployment Properties.Model.Source).
/// <summary>
/// The prod stack's promotions under Pulumi.Testing mocks: the dev stack is a mocked StackReference whose outputs
/// are the same shape the dev program exports (<c>jobs</c>, <c>accounts</c>). Deployment.TestAsync must not run
/// in parallel, hence the collection.
/// </summary>
[Collection(PulumiCollection.Name)]
public class PromotionTests
{
    private const string DevAccount =
        "/subscriptions/0000/resourceGroups/rft-dev/providers/Microsoft.CognitiveServices/accounts/rft-dev-swedencentral";

    private const string DevOutputs = $$"""
        {
          "jobs": {
            "capital-qa": { "id": "ftjob-0265", "status": "succeeded", "fineTunedModel": "o4-mini-2025-04-16.ft-0265-capital-qa",
                            "region": "swedencentral", "latestMetrics": { "step": 40, "validRewardMean": 0.78 } },
            "invoice-extract": { "id": "ftjob-7d1c", "status": "succeeded", "fineTunedModel": "o4-mini-2025-04-16.ft-7d1c-invoice",
                                 "region": "swedencentral", "latestMetrics": { "validRewardMean": 0.74 } },
            "support-summary": { "id": "ftjob-1f2e", "status": "running", "region": "swedencentral",
                                 "latestMetrics": { "validRewardMean": 0.9 } }
          },
          "accounts": { "swedencentral": { "id": "{{DevAccount}}" } }
        }
        """;

    [Fact]
    public async Task ProdCreatesNoJobAndDeploysExactlyThePromotedModels()
    {
        var resources = await Run("""
            [
              { "job": "capital-qa", "targets": [ { "region": "swedencentral", "deployment": "capital-qa", "sku": "GlobalStandard", "capacity": 10 } ] },
              { "job": "invoice-extract", "minValidationReward": 0.7, "targets": [ { "region": "swedencentral" } ] }
            ]
            """);

        Assert.DoesNotContain(resources, r => r.GetResourceType().StartsWith("rft:index:", StringComparison.Ordinal));
        var deployments = resources.OfType<CognitiveServices.Deployment>().ToList();
        Assert.Equal(2, deployments.Count);

        var capital = deployments.Single(d => d.GetResourceName() == "promote-capital-qa-swedencentral");
        var properties = await Value(capital.Properties);
        Assert.Equal("o4-mini-2025-04-16.ft-0265-capital-qa", properties!.Model!.Name);
        Assert.Equal("1", properties.Model.Version);
        Assert.Equal("OpenAI", properties.Model.Format);
        Assert.Equal(DevAccount, properties.Model.Source);
        var sku = await Value(capital.Sku);
        Assert.Equal("GlobalStandard", sku!.Name);
        Assert.Equal(10, sku.Capacity);

        var invoice = deployments.Single(d => d.GetResourceName() == "promote-invoice-extract-swedencentral");
        Assert.Equal("o4-mini-2025-04-16.ft-7d1c-invoice", (await Value(invoice.Properties))!.Model!.Name);
    }

    [Fact]
    public async Task RefusesAJobThatHasNotSucceeded()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Run("""
            [ { "job": "support-summary", "targets": [ { "region": "swedencentral" } ] } ]
            """));

        Assert.Contains("dev job 'support-summary' (ftjob-1f2e) is running, not succeeded", e.ToString());
    }

    [Fact]
    public async Task RefusesAModelBelowTheRewardGate()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Run("""
            [ { "job": "invoice-extract", "minValidationReward": 0.8, "targets": [ { "region": "swedencentral" } ] } ]
            """));

        Assert.Contains("validation reward 0.74 of dev job 'invoice-extract' (ftjob-7d1c) is below the gate minValidationReward 0.8", e.ToString());
    }

    [Fact]
    public async Task NoPromotionsDeployNothing()
    {
        var resources = await Run(promotions: null);

        Assert.Empty(resources.OfType<CognitiveServices.Deployment>());
        Assert.DoesNotContain(resources, r => r.GetResourceType() == "pulumi:pulumi:StackReference");
    }

    private static async Task<IEnumerable<Resource>> Run(string? promotions)
    {
        var config = new Dictionary<string, string>
        {
            ["rft-infra:devStack"] = "rft-org/rft-infra/dev",
            ["rft-infra:regions"] = """["swedencentral"]""",
        };
        if (promotions is not null)
        {
            config["rft-infra:promotions"] = promotions;
        }

        // Pulumi.Testing reads stack config from PULUMI_CONFIG (a JSON object of "namespace:key" → string); restore
        // it so the other stack tests in this process see their own config.
        var previous = Environment.GetEnvironmentVariable("PULUMI_CONFIG");
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(config));
        try
        {
            var (resources, _) = await Pulumi.Deployment.TestAsync(
                new Mocks(Mocks.OutputsFromJson(DevOutputs)),
                new TestOptions { IsPreview = false, StackName = "prod", ProjectName = "rft-infra" },
                ProdPromotions);
            return resources;
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", previous);
        }
    }

    /// <summary>The part of the prod program under test: one prod account, then the promotions.</summary>
    private static async Task<IDictionary<string, object?>> ProdPromotions()
    {
        var group = new ResourceGroup("rg-rft-prod");
        var account = new CognitiveServices.Account("rft-prod-swedencentral", new CognitiveServices.AccountArgs
        {
            ResourceGroupName = group.Name,
            Location = "swedencentral",
            Kind = "AIServices",
            Sku = new CognitiveServices.Inputs.SkuArgs { Name = "S0" },
        });
        var promotions = await Promotions.DeployAsync([new RegionAccount { Region = "swedencentral", Account = account }], group);
        return new Dictionary<string, object?> { ["promotions"] = promotions };
    }

    private static Task<T> Value<T>(Output<T> output)
    {
        var result = new TaskCompletionSource<T>();
        output.Apply(v =>
        {
            result.SetResult(v);
            return v;
        });
        return result.Task;
    }
}
