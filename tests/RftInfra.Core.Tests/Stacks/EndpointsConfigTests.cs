using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Stacks;
using static RftInfra.Core.Tests.Stacks.StackTestData;

namespace RftInfra.Core.Tests.Stacks;

public sealed class EndpointsConfigTests : IDisposable
{
    private const string TwoRegions = """["swedencentral","eastus2"]""";

    private readonly string _root = Directory.CreateTempSubdirectory("rft-endpoints-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The repository's catalog plus an open-weight model that trains only through a Foundry project.</summary>
    internal static RftCatalog CatalogWithOpenWeightModel()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, RftCatalog.RelativePath)))!.AsObject();
        json["models"]!.AsArray().Add(JsonNode.Parse("""
            {"id":"gpt-oss-120b","aliases":[],"status":"preview","methods":["reinforcement"],
             "training_types":{"globalstandard":["swedencentral","eastus2"]},"endpoint_kind":"foundry_project"}
            """));
        return RftCatalog.Parse(json.ToJsonString());
    }

    [Fact]
    public void Endpoints_AbsentKey_EveryRegionIsAnAccount()
    {
        var settings = Settings("dev", ("regions", TwoRegions));

        Assert.Empty(settings.Endpoints);
        Assert.Equal(RegionEndpoint.Account, settings.EndpointOf("swedencentral"));
        Assert.Equal("https://acct.openai.azure.com/", settings.EndpointOf("eastus2").DataPlaneEndpoint("acct"));
    }

    [Fact]
    public void Endpoints_ShorthandAndObject_ParseWithDefaultAndNamedProject()
    {
        var settings = Settings(
            "dev",
            ("regions", TwoRegions),
            ("endpoints", """{"SwedenCentral":"foundryProject","eastus2":{"kind":"FoundryProject","project":"team-rft.v2"}}"""));

        Assert.Equal(new RegionEndpoint(EndpointKind.FoundryProject, "rft-dev"), settings.EndpointOf("swedencentral"));
        Assert.Equal(new RegionEndpoint(EndpointKind.FoundryProject, "team-rft.v2"), settings.EndpointOf("eastus2"));
        Assert.Equal(
            "https://res.services.ai.azure.com/api/projects/team-rft.v2",
            settings.EndpointOf("eastus2").DataPlaneEndpoint("res"));
        Assert.Equal(
            "http://127.0.0.1:5080/api/projects/rft-dev",
            settings.EndpointOf("swedencentral").OnEmulator(new Uri("http://127.0.0.1:5080/")));
    }

    [Fact]
    public void Endpoints_ExplicitAzureOpenAI_IsAnAccount()
    {
        var settings = Settings("dev", ("regions", TwoRegions), ("endpoints", """{"eastus2":"azureOpenAI"}"""));

        Assert.Equal(RegionEndpoint.Account, settings.EndpointOf("eastus2"));
    }

    [Theory]
    [InlineData("""{"westus":"foundryProject"}""", "config rft-infra:endpoints: 'westus' is not one of this stack's regions (swedencentral, eastus2)", "pulumi config rm --path rft-infra:endpoints.westus")]
    [InlineData("""{"eastus2":"foundry"}""", "config rft-infra:endpoints: eastus2: 'foundry' is not an endpoint kind: use azureOpenAI", "pulumi config set --path rft-infra:endpoints.eastus2 foundryProject")]
    [InlineData("""{"eastus2":42}""", "eastus2: 42 is not an endpoint kind", "rft-infra:endpoints.eastus2 foundryProject")]
    [InlineData("""{"eastus2":{"kind":"foundryProject","hub":"x"}}""", "eastus2: unknown setting 'hub': an endpoint takes kind and project only.", "docs/foundry.md")]
    [InlineData("""{"eastus2":{"kind":"foundryProject","project":"-bad name"}}""", "eastus2: project \"-bad name\" is not a valid Foundry project name", "pulumi config set --path rft-infra:endpoints.eastus2.project rft-dev")]
    [InlineData("""{"eastus2":{"kind":"foundryProject","project":7}}""", "eastus2: project 7 is not a valid Foundry project name", "docs/foundry.md")]
    public void Endpoints_BadValue_IsOneErrorNamingTheKeyAndTheFix(string value, string message, string hint)
    {
        var result = Parse("dev", ("regions", TwoRegions), ("endpoints", value));

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT512", DiagnosticSeverity.Error, "Pulumi.dev.yaml"), (error.Code, error.Severity, error.File));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Hint, StringComparison.Ordinal);
        Assert.Contains("docs/foundry.md", error.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["swedencentral"]""", "RFT501", "config rft-infra:endpoints: the value must be an object.")]
    [InlineData("""{"swedencentral":""", "RFT501", "config rft-infra:endpoints: the value is not valid JSON.")]
    public void Endpoints_NotAnObject_IsRft501(string value, string code, string message)
    {
        var error = Assert.Single(Parse("dev", ("regions", TwoRegions), ("endpoints", value)).Diagnostics);

        Assert.Equal((code, message), (error.Code, error.Message));
    }

    [Fact]
    public void Endpoints_LongHostileRegionName_IsCutInTheFinding()
    {
        var region = new string('x', 5000);
        var error = Assert.Single(Parse("dev", ("regions", TwoRegions), ("endpoints", $$"""{"{{region}}":"foundryProject"}""")).Diagnostics);

        Assert.Equal("RFT512", error.Code);
        Assert.True(error.Message.Length < 300, error.Message);
        Assert.True(error.Hint!.Length < 300, error.Hint);
    }

    [Fact]
    public void Endpoints_HostileHugeObject_IsOneFindingWithinBounds()
    {
        var value = "{" + string.Join(",", Enumerable.Range(0, 200_000).Select(i => $"\"r{i}\":\"foundryProject\"")) + "}";

        var (result, _, _) = RftInfra.Core.Tests.Validation.HostileBounds.Run(() => Parse("dev", ("regions", TwoRegions), ("endpoints", value)));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT512", DiagnosticSeverity.Error), (error.Code, error.Severity));
        Assert.Equal(
            "config rft-infra:endpoints: names 200000 regions; a stack has at most 100: name only the regions of rft-infra:regions that are not plain accounts.",
            error.Message);
        Assert.Equal("""pulumi config set rft-infra:endpoints '{"swedencentral":"foundryProject"}' (docs/foundry.md)""", error.Hint);
    }

    [Fact]
    public void Endpoints_HostileDeepNesting_IsNotValidJsonWithinBounds()
    {
        var value = """{"eastus2":""" + new string('[', 100_000) + new string(']', 100_000) + "}";

        var (result, _, _) = RftInfra.Core.Tests.Validation.HostileBounds.Run(() => Parse("dev", ("regions", TwoRegions), ("endpoints", value)));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT501", "config rft-infra:endpoints: the value is not valid JSON."), (error.Code, error.Message));
    }

    [Theory]
    [InlineData("""{"eastus2":"foundryProject","eastus2":"azureOpenAI"}""", "RFT501", "config rft-infra:endpoints: the value is not valid JSON.")]
    [InlineData("""{"eastus2":"foundryProject","EastUS2":"azureOpenAI"}""", "RFT512", "config rft-infra:endpoints: 'eastus2' is named twice.")]
    [InlineData("""{"eastus2":{"kind":"foundryProject","kind":"azureOpenAI"}}""", "RFT501", "config rft-infra:endpoints: the value is not valid JSON.")]
    public void Endpoints_RegionOrKeyGivenTwice_IsAFindingNotAnException(string value, string code, string message)
    {
        var result = Parse("dev", ("regions", TwoRegions), ("endpoints", value));

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((code, message), (error.Code, error.Message));
    }

    [Fact]
    public void Tags_KeyGivenTwice_IsRft501NotAnException()
    {
        var error = Assert.Single(Parse("dev", ("tags", """{"team":"a","team":"b"}""")).Diagnostics);

        Assert.Equal(("RFT501", "config rft-infra:tags: the value is not valid JSON."), (error.Code, error.Message));
    }

    [Fact]
    public void Endpoints_ProjectOnAnAccountRegion_WarnsItHasNoEffect()
    {
        var result = Parse("dev", ("regions", TwoRegions), ("endpoints", """{"eastus2":{"kind":"azureOpenAI","project":"p1"}}"""));

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT512", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Equal("config rft-infra:endpoints: eastus2: project has no effect for azureOpenAI: only a Foundry resource has projects.", warning.Message);
    }

    [Fact]
    public void Endpoints_FoundryRegionWithOpenAIAccountKind_WarnsTheResourceIsAIServices()
    {
        var result = Parse("dev", ("regions", TwoRegions), ("accountKind", "OpenAI"), ("endpoints", """{"eastus2":"foundryProject"}"""));

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT512", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Equal(
            "config rft-infra:accountKind: 'OpenAI' applies to the account regions only: the Foundry resource of eastus2 is always kind AIServices (projects need it).",
            warning.Message);
        Assert.Equal("OpenAI", result.Settings!.AccountKind);
    }

    [Fact]
    public void Load_OpenWeightModelInAnAccountRegion_IsRft526NamingTheJobAndTheFix()
    {
        WriteJob("oss", "gpt-oss-120b", "eastus2");
        var settings = Settings("dev", ("regions", TwoRegions), ("jobs", """["jobs/oss.yaml"]"""), ("endpoints", """{"swedencentral":"foundryProject"}"""));

        var result = StackJobLoader.Load(_root, settings, CatalogWithOpenWeightModel());

        Assert.Empty(result.Jobs);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT526", DiagnosticSeverity.Error, "jobs/oss.yaml"), (error.Code, error.Severity, error.File));
        Assert.Equal(
            "job 'oss' trains gpt-oss-120b in eastus2, which this stack serves with an Azure OpenAI account; gpt-oss-120b trains only " +
            "through a Foundry project (endpoint_kind foundry_project in catalog/catalog.json).",
            error.Message);
        Assert.Equal("give eastus2 a Foundry project: pulumi config set --path rft-infra:endpoints.eastus2 foundryProject (docs/foundry.md)", error.Hint);
    }

    [Fact]
    public void Load_OpenWeightModelInAFoundryRegion_Loads()
    {
        WriteJob("oss", "gpt-oss-120b", "swedencentral");
        var settings = Settings("dev", ("regions", TwoRegions), ("jobs", """["jobs/oss.yaml"]"""), ("endpoints", """{"swedencentral":"foundryProject"}"""));

        var result = StackJobLoader.Load(_root, settings, CatalogWithOpenWeightModel());

        Assert.Empty(result.Diagnostics);
        Assert.Equal("swedencentral", Assert.Single(result.Jobs).Region);
    }

    [Fact]
    public void Load_CatalogChangeAlone_FlipsTheFinding()
    {
        WriteJob("mini", "o4-mini", "eastus2");
        var settings = Settings("dev", ("regions", TwoRegions), ("jobs", """["jobs/mini.yaml"]"""));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, RftCatalog.RelativePath)))!.AsObject();
        json["models"]!.AsArray().OfType<JsonObject>().First(m => m["id"]!.GetValue<string>() == "o4-mini-2025-04-16")["endpoint_kind"] = "foundry_project";

        var before = StackJobLoader.Load(_root, settings, RftCatalog.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, RftCatalog.RelativePath))));
        var after = StackJobLoader.Load(_root, settings, RftCatalog.Parse(json.ToJsonString()));

        Assert.Empty(before.Diagnostics);
        Assert.Single(before.Jobs);
        Assert.Equal("RFT526", Assert.Single(after.Diagnostics).Code);
    }

    [Fact]
    public void Catalog_EndpointKind_DefaultsToAzureOpenAI()
    {
        var catalog = CatalogWithOpenWeightModel();

        Assert.Equal(CatalogModel.AzureOpenAIEndpoint, catalog.FindModel("o4-mini")!.EndpointKind);
        Assert.False(catalog.FindModel("o4-mini")!.NeedsFoundryProject);
        Assert.True(catalog.FindModel("gpt-oss-120b")!.NeedsFoundryProject);
    }

    private void WriteJob(string name, string model, string region)
    {
        Write("graders/exact.json", """{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}""");
        Write("data/train.jsonl", """{"messages":[{"role":"user","content":"q"}],"answer":"a"}""" + "\n");
        Write("data/valid.jsonl", """{"messages":[{"role":"user","content":"q"}],"answer":"b"}""" + "\n");
        Write($"jobs/{name}.yaml", $"""
            name: {name}
            model: {model}
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            grader: exact
            region: {region}
            """);
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
