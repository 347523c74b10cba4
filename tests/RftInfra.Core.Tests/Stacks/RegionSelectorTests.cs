using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Stacks;

namespace RftInfra.Core.Tests.Stacks;

/// <summary>rft-infra:regions naming a model's tier: resolved from the catalog, the resolved list reported.</summary>
public class RegionSelectorTests
{
    private const string O4MiniGlobal = """{"model": "o4-mini", "training_type": "globalstandard"}""";

    [Fact]
    public void Selector_ResolvesEveryGlobalStandardRegionOfO4Mini()
    {
        var result = StackTestData.Parse("prod", ("regions", O4MiniGlobal));

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var regions = result.Settings!.Regions;
        Assert.Equal(26, regions.Count);
        Assert.DoesNotContain("uaenorth", regions);
        Assert.Equal(RftCatalog.Default.Regions.Where(regions.Contains), regions);
        var info = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT540", DiagnosticSeverity.Info), (info.Code, info.Severity));
        Assert.StartsWith("config rft-infra:regions: every 'globalstandard' region of o4-mini-2025-04-16 in catalog/catalog.json: australiaeast, brazilsouth,", info.Message, StringComparison.Ordinal);
        Assert.EndsWith("westus, westus3 (26, 13 inferred).", info.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Selector_ConfirmedOnly_LeavesOutInferredRegions()
    {
        var settings = StackTestData.Settings("prod", ("regions", """{"model": "o4-mini", "training_type": "globalstandard", "confirmed_only": true}"""));
        Assert.Equal(13, settings.Regions.Count);
        Assert.DoesNotContain("westeurope", settings.Regions);
        Assert.Contains("swedencentral", settings.Regions);
    }

    [Fact]
    public void Selector_FollowsTheCatalog_WithoutAStackEdit()
    {
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(StackTestData.RepositoryRoot, RftCatalog.RelativePath)))!;
        var model = json["models"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "o4-mini-2025-04-16")!;
        model["training_types"]!["globalstandard"]!["regions"]!.AsArray().Add("uaenorth");
        var catalog = RftCatalog.Parse(json.ToJsonString());

        var result = StackConfigParser.Parse("prod", new Dictionary<string, string?> { ["regions"] = O4MiniGlobal }, catalog.Regions.ToHashSet(), catalog);

        Assert.True(result.IsValid);
        Assert.Equal(27, result.Settings!.Regions.Count);
        Assert.Contains("uaenorth", result.Settings.Regions);
    }

    [Theory]
    [InlineData("""{"model": "gpt-4o", "training_type": "globalstandard"}""", "RFT502", "names model 'gpt-4o', which catalog/catalog.json does not list")]
    [InlineData("""{"model": "gpt-5", "training_type": "globalstandard"}""", "RFT502", "gpt-5-2025-08-07 has no 'globalstandard' training in catalog/catalog.json; it has: standard.")]
    [InlineData("""{"model": "o4-mini", "training_type": "datazone", "confirmed_only": true}""", "RFT502", "no region is confirmed for 'datazone' training")]
    [InlineData("""{"model": "o4-mini", "tier": "globalstandard"}""", "RFT501", "'tier' is not a field of a region selector")]
    [InlineData("""{"model": "o4-mini"}""", "RFT501", "needs the strings 'model' and 'training_type'")]
    [InlineData("""{"model": "o4-mini", "training_type": "globalstandard", "confirmed_only": "yes"}""", "RFT501", "'confirmed_only' must be true or false")]
    [InlineData("""{"model": "o4-mini",""", "RFT501", "not valid JSON")]
    public void BadSelector_IsAnErrorWithTheFix(string value, string code, string expected)
    {
        var result = StackTestData.Parse("prod", ("regions", value));

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(code, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("pulumi config set rft-infra:regions " + RegionSelector.Example, error.Hint);
    }

    [Fact]
    public void RegionList_StillWorks() =>
        Assert.Equal(["westeurope", "uksouth"], StackTestData.Settings("prod", ("regions", """["westeurope", "uksouth"]""")).Regions);
}
