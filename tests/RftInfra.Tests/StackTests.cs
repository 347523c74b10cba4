// Checked against Pulumi.Testing (Deployment.TestAsync(IMocks, TestOptions, Func<Task<IDictionary<string, object?>>>))
// and Pulumi.AzureNative 3.x type tokens (azure-native:cognitiveservices:Account/Deployment,
// azure-native:authorization:RoleAssignment).
using System.Collections.Immutable;
using Pulumi;
using Pulumi.Testing;
using RftInfra.Declarations;
using RftInfra.Stacks;

namespace RftInfra.Tests;

[Collection(PulumiCollection.Name)]
public sealed class StackTests
{
    private const string Principal = "11111111-2222-3333-4444-555555555555";

    internal static string RepositoryRoot { get; } = FindRoot();

    private static StackInputs Inputs(params (string Key, string Value)[] config)
    {
        var regions = RftCatalog.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, RftCatalog.RelativePath))).Regions.ToHashSet();
        var parsed = StackConfigParser.Parse("dev", config.ToDictionary(c => c.Key, c => (string?)c.Value), regions);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Diagnostics));
        var jobs = StackJobLoader.Load(RepositoryRoot, parsed.Settings!);
        Assert.Empty(jobs.Diagnostics);
        return new StackInputs(parsed.Settings!, jobs.Jobs, RepositoryRoot);
    }

    private static readonly (string, string)[] DevConfig =
    [
        ("regions", """["swedencentral","eastus2"]"""),
        ("jobs", """["jobs/capital-qa.yaml","jobs/math-judge.yaml"]"""),
        ("principals", $$"""[{"objectId":"{{Principal}}","principalType":"User"}]"""),
        ("evalDeployments", """[{"name":"grader","model":"gpt-4.1-mini","version":"2025-04-14","capacity":5},{"name":"base","model":"o4-mini","version":"2025-04-16"}]"""),
    ];

    private static async Task<(Mocks Mocks, IDictionary<string, object?> Outputs, List<ChainedDeployment> Chain)> Run(
        StackInputs inputs, ImmutableDictionary<string, object>? previousOutputs = null)
    {
        var mocks = new Mocks(previousOutputs);
        var chain = new List<ChainedDeployment>();
        var (_, outputs) = await Pulumi.Deployment.TestAsync(
            mocks,
            new TestOptions { ProjectName = "rft-infra", StackName = "dev", IsPreview = false },
            () => RftStack.RunAsync(inputs, chain.Add));
        return (mocks, outputs, chain);
    }

    private static ImmutableDictionary<string, object> PreviousJob(string job, string status, string? model = null)
    {
        var entry = ImmutableDictionary<string, object>.Empty.Add("id", $"ftjob-{job}").Add("status", status);
        if (model is not null)
        {
            entry = entry.Add("fineTunedModel", model);
        }

        return ImmutableDictionary<string, object>.Empty.Add("jobs", ImmutableDictionary<string, object>.Empty.Add(job, entry));
    }

    [Fact]
    public async Task Stack_CreatesOneAccountPerRegion_WithLocalAuthDisabled()
    {
        var (mocks, _, _) = await Run(Inputs(DevConfig));

        var accounts = mocks.OfType("azure-native:cognitiveservices:Account").ToList();
        Assert.Equal(["swedencentral", "eastus2"], accounts.Select(a => (string)a.Inputs["location"]));
        foreach (var account in accounts)
        {
            var properties = (ImmutableDictionary<string, object>)account.Inputs["properties"];
            Assert.Equal(true, properties["disableLocalAuth"]);
            Assert.Equal(account.Inputs["accountName"], properties["customSubDomainName"]);
            Assert.Equal("AIServices", account.Inputs["kind"]);
            Assert.Equal("S0", ((ImmutableDictionary<string, object>)account.Inputs["sku"])["name"]);
            Assert.Equal("SystemAssigned", ((ImmutableDictionary<string, object>)account.Inputs["identity"])["type"]);
            Assert.False(properties.ContainsKey("restore"));
        }
    }

    [Fact]
    public async Task Stack_AssignsTrainAndDeployRolesOnEveryAccount()
    {
        var (mocks, _, _) = await Run(Inputs(DevConfig));

        var roles = mocks.OfType("azure-native:authorization:RoleAssignment").ToList();
        Assert.Equal(6, roles.Count); // 2 accounts x (Foundry User, Foundry Owner, OpenAI Contributor)
        Assert.All(roles, r => Assert.Equal(Principal, r.Inputs["principalId"]));
        Assert.All(roles, r => Assert.Equal("User", r.Inputs["principalType"]));
        Assert.Contains(roles, r => (string)r.Inputs["roleDefinitionId"] ==
            $"/subscriptions/{Mocks.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{AzureRoles.FoundryUser}");
    }

    [Fact]
    public async Task Stack_ChainsTheDeploymentsOfEachAccount()
    {
        var (_, _, chain) = await Run(Inputs(DevConfig), PreviousJob("math-judge", "succeeded", "o4-mini-2025-04-16.ft-math"));

        var eastus2 = chain.Where(c => c.Region == "eastus2").ToList();
        Assert.Equal(["grader", "base", "math-judge-ft"], eastus2.Select(c => c.Planned.Name));
        Assert.Null(eastus2[0].DependsOn);
        Assert.Same(eastus2[0].Deployment, eastus2[1].DependsOn);
        Assert.Same(eastus2[1].Deployment, eastus2[2].DependsOn);
        Assert.Equal(["grader", "base"], chain.Where(c => c.Region == "swedencentral").Select(c => c.Planned.Name));
    }

    [Fact]
    public async Task Stack_DeclaresOneFileGraderAndJobSetPerJob()
    {
        var (mocks, _, _) = await Run(Inputs(DevConfig));

        Assert.Equal(4, mocks.OfType("rft:index:TrainingFile").Count());
        Assert.Equal(2, mocks.OfType("rft:index:Grader").Count());
        var jobs = mocks.OfType("rft:index:FineTuningJob").ToList();
        Assert.Equal(2, jobs.Count);
        var capital = jobs.Single(j => j.Name == "capital-qa-job");
        Assert.Equal("o4-mini-2025-04-16", capital.Inputs["model"]);
        Assert.Equal("file-capital-qa-training", capital.Inputs["trainingFileId"]);
        Assert.Equal("jobs/capital-qa.yaml", capital.Inputs["sourceFile"]);
        Assert.Equal(2, mocks.OfType("pulumi:providers:rft").Count());
    }

    [Fact]
    public async Task Stack_JobNotSucceeded_DeploysNoFineTunedModel()
    {
        var (mocks, outputs, _) = await Run(Inputs(DevConfig), PreviousJob("math-judge", "running"));

        Assert.DoesNotContain(mocks.OfType("azure-native:cognitiveservices:Deployment"), d => (string)d.Inputs["deploymentName"] == "math-judge-ft");
        var jobs = (Dictionary<string, object?>)outputs["jobs"]!;
        var math = (Dictionary<string, object?>)jobs["math-judge"]!;
        Assert.Null(math["deploymentName"]);
    }

    [Fact]
    public async Task Stack_JobSucceeded_DeploysItsModelOnItsRegionsAccount()
    {
        var (mocks, outputs, _) = await Run(Inputs(DevConfig), PreviousJob("math-judge", "succeeded", "o4-mini-2025-04-16.ft-math"));

        var deployment = Assert.Single(mocks.OfType("azure-native:cognitiveservices:Deployment"), d => (string)d.Inputs["deploymentName"] == "math-judge-ft");
        var model = (ImmutableDictionary<string, object>)((ImmutableDictionary<string, object>)deployment.Inputs["properties"])["model"];
        Assert.Equal("OpenAI", model["format"]);
        Assert.Equal("o4-mini-2025-04-16.ft-math", model["name"]);
        Assert.Equal("1", model["version"]);
        var sku = (ImmutableDictionary<string, object>)deployment.Inputs["sku"];
        Assert.Equal("GlobalStandard", sku["name"]);
        Assert.Equal(2.0, Convert.ToDouble(sku["capacity"]));
        var jobs = (Dictionary<string, object?>)outputs["jobs"]!;
        Assert.Equal("math-judge-ft", ((Dictionary<string, object?>)jobs["math-judge"]!)["deploymentName"]);
    }

    [Fact]
    public async Task Stack_WithoutJobs_DeclaresNoRftResources()
    {
        var (mocks, outputs, _) = await Run(Inputs(("regions", """["eastus2"]""")));

        Assert.DoesNotContain(mocks.Registered, r => r.Type?.StartsWith("rft:index:", StringComparison.Ordinal) == true);
        Assert.Single(mocks.OfType("azure-native:cognitiveservices:Account"));
        Assert.Empty((Dictionary<string, object?>)outputs["jobs"]!);
    }

    [Fact]
    public async Task Stack_RestoreAndNetworkSettings_ReachTheAccount()
    {
        var (mocks, _, _) = await Run(Inputs(
            ("regions", """["eastus2"]"""),
            ("restoreSoftDeleted", "true"),
            ("network", """{"publicNetworkAccess":true,"allowedIps":["203.0.113.7"]}""")));

        var properties = (ImmutableDictionary<string, object>)Assert.Single(mocks.OfType("azure-native:cognitiveservices:Account")).Inputs["properties"];
        Assert.Equal(true, properties["restore"]);
        var acls = (ImmutableDictionary<string, object>)properties["networkAcls"];
        Assert.Equal("Deny", acls["defaultAction"]);
        Assert.Equal("203.0.113.7", ((ImmutableDictionary<string, object>)((ImmutableArray<object>)acls["ipRules"])[0])["value"]);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Pulumi.yaml not found above the test binaries.");
    }
}
