// Pulumi.Testing (SDK 3.112.0): the rehearsal stack's program path, with the same mocks as StackTests.
using System.Collections.Immutable;
using Pulumi.Testing;
using RftInfra.Declarations;
using RftInfra.Stacks;

namespace RftInfra.Tests;

/// <summary>
/// <c>rft-infra:rehearsal</c> set: the program declares the rft resources of every job on providers pointed at
/// the emulator with its key, and nothing in Azure (docs/pulumi.md, "Rehearsal").
/// </summary>
[Collection(PulumiCollection.Name)]
public sealed class RehearsalTests
{
    private const string Endpoint = "http://127.0.0.1:5080/";
    private const string ApiKey = "rehearsal-key-123";

    private static StackInputs Inputs(params (string Key, string Value)[] extra)
    {
        var root = StackTests.RepositoryRoot;
        var regions = RftCatalog.Parse(File.ReadAllText(Path.Combine(root, RftCatalog.RelativePath))).Regions.ToHashSet();
        (string Key, string Value)[] config =
        [
            ("regions", """["swedencentral","eastus2"]"""),
            ("jobs", """["jobs/capital-qa.yaml","jobs/math-judge.yaml"]"""),
            ("rehearsal", $$"""{"endpoint":"{{Endpoint}}","apiKey":"{{ApiKey}}"}"""),
            .. extra,
        ];
        var parsed = StackConfigParser.Parse("rehearsal", config.ToDictionary(c => c.Key, c => (string?)c.Value), regions);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Diagnostics));
        var jobs = StackJobLoader.Load(root, parsed.Settings!);
        Assert.Empty(jobs.Diagnostics);
        return new StackInputs(parsed.Settings!, jobs.Jobs, root);
    }

    private static async Task<(Mocks Mocks, IDictionary<string, object?> Outputs)> Run(
        StackInputs inputs, ImmutableDictionary<string, object>? previousOutputs = null, bool preview = false)
    {
        var mocks = new Mocks(previousOutputs);
        var (_, outputs) = await Pulumi.Deployment.TestAsync(
            mocks,
            new TestOptions { ProjectName = "rft-infra", StackName = "rehearsal", IsPreview = preview },
            () => RftStack.RunAsync(inputs));
        return (mocks, outputs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rehearsal_DeclaresNoAzureResource_AndCallsNoAzureFunction(bool preview)
    {
        var (mocks, _) = await Run(Inputs(), preview: preview);

        Assert.DoesNotContain(mocks.Registered, r => r.Type?.StartsWith("azure-native:", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(mocks.Registered, r => r.Type == "pulumi:providers:azure-native");
        Assert.DoesNotContain(mocks.Calls, c => c.Token?.StartsWith("azure-native:", StringComparison.Ordinal) == true);
        // Only the self reference (deploy-after-success), the providers and the rft resources.
        Assert.Equal(
            ["pulumi:providers:rft", "pulumi:pulumi:StackReference", "rft-infra:index:Job", "rft:index:FineTuningJob", "rft:index:Grader", "rft:index:TrainingFile"],
            mocks.Registered.Select(r => r.Type!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rehearsal_DeclaresEveryJobsRftResources_OnTheEmulatorProviders()
    {
        var (mocks, _) = await Run(Inputs());

        Assert.Equal(4, mocks.OfType("rft:index:TrainingFile").Count());
        Assert.Equal(2, mocks.OfType("rft:index:Grader").Count());
        Assert.Equal(["capital-qa-job", "math-judge-job"], mocks.OfType("rft:index:FineTuningJob").Select(j => j.Name).Order(StringComparer.Ordinal));

        var providers = mocks.OfType("pulumi:providers:rft").ToList();
        Assert.Equal(["rft-eastus2", "rft-swedencentral"], providers.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var provider in providers)
        {
            Assert.Equal(Endpoint, provider.Inputs["endpoint"]);
            Assert.Equal("apikey", provider.Inputs["credential"]);
            Assert.Equal(ApiKey, provider.Inputs["apiKey"]);
        }

        // Each job's resources use the provider of the job's region (capital-qa: swedencentral, math-judge: eastus2).
        var capital = mocks.OfType("rft:index:FineTuningJob").Single(j => j.Name == "capital-qa-job");
        Assert.Contains("::rft-swedencentral::", capital.Provider);
        var math = mocks.OfType("rft:index:TrainingFile").Where(f => f.Name!.StartsWith("math-judge-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, math.Count);
        Assert.All(math, f => Assert.Contains("::rft-eastus2::", f.Provider));
        Assert.Equal("file-capital-qa-training", capital.Inputs["trainingFileId"]);
    }

    [Fact]
    public async Task Rehearsal_KeepsTheDeployDecision_AsAnOutputOnly()
    {
        var previous = ImmutableDictionary<string, object>.Empty.Add("jobs", ImmutableDictionary<string, object>.Empty
            .Add("math-judge", ImmutableDictionary<string, object>.Empty
                .Add("id", "ftjob-math").Add("status", "succeeded").Add("fineTunedModel", "o4-mini-2025-04-16.ft-math")));

        var (mocks, outputs) = await Run(Inputs(), previous);

        Assert.Empty(mocks.OfType("azure-native:cognitiveservices:Deployment"));
        var jobs = (Dictionary<string, object?>)outputs["jobs"]!;
        var math = (Dictionary<string, object?>)jobs["math-judge"]!;
        Assert.Equal("math-judge-ft", math["deploymentName"]);
        Assert.Equal("o4-mini-2025-04-16.ft-math", math["deployedModel"]);
        Assert.Equal(Endpoint, outputs["rehearsal"]);
        Assert.Empty((ImmutableDictionary<string, object>)outputs["promotions"]!);
        Assert.False(outputs.ContainsKey("resourceGroup"));
    }

    [Fact]
    public async Task Rehearsal_TheKeyReachesOnlyTheProviders_NeverAnOutput()
    {
        var (mocks, outputs) = await Run(Inputs());

        // (Mocks see inputs unwrapped; the program passes the key through Output.CreateSecret.)
        Assert.All(mocks.Registered.Where(r => r.Type != "pulumi:providers:rft"),
            r => Assert.DoesNotContain(ApiKey, System.Text.Json.JsonSerializer.Serialize(r.Inputs), StringComparison.Ordinal));
        Assert.DoesNotContain(ApiKey, System.Text.Json.JsonSerializer.Serialize(outputs), StringComparison.Ordinal);
    }
}
