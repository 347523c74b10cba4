// Checked against Pulumi.Testing (Deployment.TestAsync) and the Pulumi.AzureNative 3.28.0 type tokens
// (azure-native:cognitiveservices:Account/Project, azure-native:authorization:RoleAssignment).
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi.Testing;
using RftInfra.Declarations;
using RftInfra.Stacks;

namespace RftInfra.Tests;

/// <summary>A stack with one region served through a Foundry resource and project, one through a plain account (docs/foundry.md).</summary>
[Collection(PulumiCollection.Name)]
public sealed class FoundryStackTests
{
    private const string Principal = "11111111-2222-3333-4444-555555555555";
    private const string ProjectName = "geo-rft";

    private static readonly (string, string)[] Config =
    [
        ("regions", """["swedencentral","eastus2"]"""),
        ("jobs", """["jobs/capital-qa.yaml","jobs/math-judge.yaml"]"""),
        ("principals", $$"""[{"objectId":"{{Principal}}","principalType":"User"}]"""),
        ("endpoints", $$$"""{"swedencentral":{"kind":"foundryProject","project":"{{{ProjectName}}}"}}"""),
    ];

    private static StackInputs Inputs(RftCatalog? catalog = null, string stack = "dev", params (string Key, string Value)[] config)
    {
        var root = StackTests.RepositoryRoot;
        catalog ??= RftCatalog.Parse(File.ReadAllText(Path.Combine(root, RftCatalog.RelativePath)));
        var parsed = StackConfigParser.Parse(stack, config.ToDictionary(c => c.Key, c => (string?)c.Value), catalog.Regions.ToHashSet());
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Diagnostics));
        var jobs = StackJobLoader.Load(root, parsed.Settings!, catalog);
        Assert.Empty(jobs.Diagnostics);
        return new StackInputs(parsed.Settings!, jobs.Jobs, root);
    }

    private static async Task<(Mocks Mocks, IDictionary<string, object?> Outputs)> Run(StackInputs inputs, string stack = "dev")
    {
        var mocks = new Mocks();
        var (_, outputs) = await Pulumi.Deployment.TestAsync(
            mocks, new TestOptions { ProjectName = "rft-infra", StackName = stack, IsPreview = false }, () => RftStack.RunAsync(inputs));
        return (mocks, outputs);
    }

    private static MockResourceArgs AccountIn(Mocks mocks, string region) =>
        mocks.OfType("azure-native:cognitiveservices:Account").Single(a => (string)a.Inputs["location"] == region);

    [Fact]
    public async Task FoundryRegion_IsAnAIServicesResourceWithProjectManagement_AndOneProject()
    {
        var (mocks, _) = await Run(Inputs(config: [.. Config, ("accountKind", "OpenAI")]));

        var sweden = AccountIn(mocks, "swedencentral");
        var swedenProperties = (ImmutableDictionary<string, object>)sweden.Inputs["properties"];
        Assert.Equal("AIServices", sweden.Inputs["kind"]);
        Assert.Equal(true, swedenProperties["allowProjectManagement"]);
        Assert.Equal(true, swedenProperties["disableLocalAuth"]);
        Assert.Equal(sweden.Inputs["accountName"], swedenProperties["customSubDomainName"]);
        var eastus2 = AccountIn(mocks, "eastus2");
        Assert.Equal("OpenAI", eastus2.Inputs["kind"]);
        Assert.False(((ImmutableDictionary<string, object>)eastus2.Inputs["properties"]).ContainsKey("allowProjectManagement"));

        var project = Assert.Single(mocks.OfType("azure-native:cognitiveservices:Project"));
        Assert.Equal("project-swedencentral", project.Name);
        Assert.Equal(sweden.Inputs["accountName"], project.Inputs["accountName"]);
        Assert.Equal(ProjectName, project.Inputs["projectName"]);
        Assert.Equal("swedencentral", project.Inputs["location"]);
        Assert.Equal("rg-rft-dev", project.Inputs["resourceGroupName"]);
        Assert.Equal("SystemAssigned", ((ImmutableDictionary<string, object>)project.Inputs["identity"])["type"]);
        Assert.Equal(ProjectName, ((ImmutableDictionary<string, object>)project.Inputs["properties"])["displayName"]);
    }

    [Fact]
    public async Task FoundryRegion_ItsRftProviderTalksToTheProjectEndpoint_TheOtherToTheAccount()
    {
        var (mocks, outputs) = await Run(Inputs(config: Config));

        var swedenName = (string)AccountIn(mocks, "swedencentral").Inputs["accountName"];
        var eastName = (string)AccountIn(mocks, "eastus2").Inputs["accountName"];
        var providers = mocks.OfType("pulumi:providers:rft").ToDictionary(p => p.Name!);
        Assert.Equal($"https://{swedenName}.services.ai.azure.com/api/projects/{ProjectName}", providers["rft-swedencentral"].Inputs["endpoint"]);
        Assert.Equal($"https://{eastName}.openai.azure.com/", providers["rft-eastus2"].Inputs["endpoint"]);
        Assert.All(providers.Values, p => Assert.Equal("entra", p.Inputs["credential"]));

        // capital-qa trains in swedencentral: its rft resources go through the project's provider.
        var capital = mocks.OfType("rft:index:FineTuningJob").Single(j => j.Name == "capital-qa-job");
        Assert.Contains("::rft-swedencentral::", capital.Provider, StringComparison.Ordinal);

        var accounts = (Dictionary<string, object?>)outputs["accounts"]!;
        var sweden = (Dictionary<string, object?>)accounts["swedencentral"]!;
        Assert.Equal("foundryProject", sweden["endpointKind"]);
        Assert.Equal(ProjectName, sweden["project"]);
        Assert.Equal($"https://{swedenName}.services.ai.azure.com/api/projects/{ProjectName}", sweden["endpoint"]);
        var east = (Dictionary<string, object?>)accounts["eastus2"]!;
        Assert.Equal("azureOpenAI", east["endpointKind"]);
        Assert.Null(east["project"]);
    }

    [Fact]
    public async Task FoundryRegion_GetsFoundryUserAndOwnerOnItsResource()
    {
        var (mocks, _) = await Run(Inputs(config: Config));

        var swedenId = $"/subscriptions/{Mocks.SubscriptionId}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/{AccountIn(mocks, "swedencentral").Inputs["accountName"]}";
        var roles = mocks.OfType("azure-native:authorization:RoleAssignment").Where(r => (string)r.Inputs["scope"] == swedenId).ToList();
        Assert.Equal(
            new[] { AzureRoles.AzureAIUser, AzureRoles.AzureAIOwner, AzureRoles.CognitiveServicesOpenAIContributor }
                .Select(role => $"/subscriptions/{Mocks.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{role}").Order(StringComparer.Ordinal),
            roles.Select(r => (string)r.Inputs["roleDefinitionId"]).Order(StringComparer.Ordinal));
        Assert.All(roles, r => Assert.Equal(Principal, r.Inputs["principalId"]));
    }

    [Fact]
    public async Task ModelThatNeedsAProject_PlannedIntoTheFoundryRegion_IsDeclaredOnTheProjectProvider()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(StackTests.RepositoryRoot, RftCatalog.RelativePath)))!.AsObject();
        json["models"]!.AsArray().OfType<JsonObject>().First(m => (string?)m["id"] == "o4-mini-2025-04-16")["endpoint_kind"] = "foundry_project";
        var catalog = RftCatalog.Parse(json.ToJsonString());

        var (mocks, _) = await Run(Inputs(catalog, config: [Config[0], ("jobs", """["jobs/capital-qa.yaml"]"""), Config[3]]));

        var job = Assert.Single(mocks.OfType("rft:index:FineTuningJob"));
        Assert.Contains("::rft-swedencentral::", job.Provider, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rehearsal_FoundryRegion_UsesTheProjectPathOnTheEmulator()
    {
        var inputs = Inputs(stack: "rehearsal", config:
        [
            Config[0], Config[1], Config[3],
            ("rehearsal", """{"endpoint":"http://127.0.0.1:5080/","apiKey":"rehearsal-key-123"}"""),
        ]);

        var (mocks, _) = await Run(inputs, "rehearsal");

        Assert.DoesNotContain(mocks.Registered, r => r.Type?.StartsWith("azure-native:", StringComparison.Ordinal) == true);
        var providers = mocks.OfType("pulumi:providers:rft").ToDictionary(p => p.Name!);
        Assert.Equal($"http://127.0.0.1:5080/api/projects/{ProjectName}", providers["rft-swedencentral"].Inputs["endpoint"]);
        Assert.Equal("http://127.0.0.1:5080/", providers["rft-eastus2"].Inputs["endpoint"]);
    }
}
