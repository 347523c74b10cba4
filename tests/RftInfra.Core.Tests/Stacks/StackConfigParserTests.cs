using RftInfra.Stacks;
using static RftInfra.Core.Tests.Stacks.StackTestData;

namespace RftInfra.Core.Tests.Stacks;

public class StackConfigParserTests
{
    [Fact]
    public void Parse_DevStackWithoutRegions_UsesTheTwoDevDefaultRegions()
    {
        var settings = Settings("dev");

        Assert.Equal("dev", settings.Environment);
        Assert.Equal(["swedencentral", "eastus2"], settings.Regions);
        Assert.Equal("rft", settings.NamePrefix);
        Assert.Equal("AIServices", settings.AccountKind);
        Assert.False(settings.RestoreSoftDeleted);
        Assert.True(settings.DeployFineTunedModels);
        Assert.Empty(settings.JobPaths);
        Assert.True(settings.Network.PublicNetworkAccess);
    }

    [Fact]
    public void Parse_ProdStackWithoutRegions_FailsNamingTheKeyAndTheCommand()
    {
        var result = Parse("prod");

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT503", error.Code);
        Assert.Equal("Pulumi.prod.yaml", error.File);
        Assert.Contains("rft-infra:regions", error.Message);
        Assert.Equal("""pulumi config set rft-infra:regions '["swedencentral"]'""", error.Hint);
    }

    [Fact]
    public void Parse_MisspeltRegion_SuggestsTheCatalogRegion()
    {
        var result = Parse("dev", ("regions", """["swedencentrl"]"""));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT502", error.Code);
        Assert.Contains("did you mean 'swedencentral'", error.Message);
        Assert.Equal("""pulumi config set rft-infra:regions '["swedencentral"]'""", error.Hint);
    }

    [Fact]
    public void Parse_RegionOutsideTheCatalog_IsRefused()
    {
        var result = Parse("dev", ("regions", """["centralus"]"""));

        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == "RFT502" && d.Message.Contains("'centralus'"));
    }

    [Fact]
    public void Parse_RegionsThatAreNotJson_ShowAnExample()
    {
        var result = Parse("dev", ("regions", "swedencentral, eastus2"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT501", error.Code);
        Assert.Contains("not valid JSON", error.Message);
        Assert.StartsWith("pulumi config set rft-infra:regions", error.Hint);
    }

    [Fact]
    public void Parse_RegionsWithDuplicatesOrEmptyList_AreRefused()
    {
        Assert.Contains(Parse("dev", ("regions", """["eastus2","EastUS2"]""")).Diagnostics, d => d.Message.Contains("listed twice"));
        Assert.Contains(Parse("dev", ("regions", "[]")).Diagnostics, d => d.Code == "RFT503");
    }

    [Fact]
    public void Parse_FullConfig_BindsEveryKey()
    {
        var settings = Settings(
            "staging",
            ("environment", "stg"),
            ("regions", """["eastus2","norwayeast"]"""),
            ("namePrefix", "acme"),
            ("tags", """{"team":"ml","cost-center":"42"}"""),
            ("jobs", """["jobs/capital-qa.yaml","jobs/invoice-extract.yaml"]"""),
            ("principals", """[{"objectId":"11111111-2222-3333-4444-555555555555","principalType":"group","roles":["train"]},{"objectId":"AAAAAAAA-2222-3333-4444-555555555555","principalType":"ServicePrincipal"}]"""),
            ("evalDeployments", """[{"model":"gpt-4.1-mini","version":"2025-04-14","sku":"GlobalStandard","capacity":10},{"name":"base","model":"o4-mini","version":"2025-04-16","region":"eastus2"}]"""),
            ("network", """{"publicNetworkAccess":true,"allowedIps":["203.0.113.7","198.51.100.0/24"]}"""),
            ("accountKind", "openai"),
            ("restoreSoftDeleted", "true"),
            ("deployFineTunedModels", "false"));

        Assert.Equal("stg", settings.Environment);
        Assert.Equal(["eastus2", "norwayeast"], settings.Regions);
        Assert.Equal("acme", settings.NamePrefix);
        Assert.Equal("ml", settings.Tags["team"]);
        Assert.Equal("rft-infra", settings.Tags["managed-by"]);
        Assert.Equal("stg", settings.Tags["environment"]);
        Assert.Equal(["jobs/capital-qa.yaml", "jobs/invoice-extract.yaml"], settings.JobPaths);

        Assert.Equal(2, settings.Principals.Count);
        Assert.Equal("Group", settings.Principals[0].PrincipalType);
        Assert.Equal([PrincipalRole.Train], settings.Principals[0].Roles);
        Assert.Equal("aaaaaaaa-2222-3333-4444-555555555555", settings.Principals[1].ObjectId);
        Assert.Equal([PrincipalRole.Train, PrincipalRole.Deploy], settings.Principals[1].Roles);

        Assert.Equal(new EvalDeployment("gpt-4.1-mini", "gpt-4.1-mini", "2025-04-14", "GlobalStandard", 10, null), settings.EvalDeployments[0]);
        Assert.Equal(new EvalDeployment("base", "o4-mini", "2025-04-16", "GlobalStandard", 1, "eastus2"), settings.EvalDeployments[1]);

        Assert.Equal(["203.0.113.7", "198.51.100.0/24"], settings.Network.AllowedIps);
        Assert.Equal("Deny", settings.Network.DefaultAction);
        Assert.Equal("Enabled", settings.Network.PublicNetworkAccessValue);
        Assert.Equal("OpenAI", settings.AccountKind);
        Assert.True(settings.RestoreSoftDeleted);
        Assert.False(settings.DeployFineTunedModels);
    }

    [Theory]
    [InlineData("""["data/capital-train.jsonl"]""")]
    [InlineData("""["jobs/../secrets/key.yaml"]""")]
    [InlineData("""["/etc/passwd"]""")]
    [InlineData("""["jobs/capital-qa.txt"]""")]
    [InlineData("""[42]""")]
    public void Parse_JobPathOutsideJobsFolder_IsRefused(string jobs)
    {
        var result = Parse("dev", ("jobs", jobs));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT505", error.Code);
        Assert.Equal("""pulumi config set rft-infra:jobs '["jobs/capital-qa.yaml"]'""", error.Hint);
    }

    [Theory]
    [InlineData("""[{"objectId":"not-a-guid","principalType":"User"}]""", "objectId")]
    [InlineData("""[{"objectId":"11111111-2222-3333-4444-555555555555","principalType":"Robot"}]""", "principalType")]
    [InlineData("""[{"objectId":"11111111-2222-3333-4444-555555555555","roles":["admin"]}]""", "role")]
    [InlineData("""["11111111-2222-3333-4444-555555555555"]""", "must be an object")]
    public void Parse_BadPrincipal_NamesTheField(string principals, string expected)
    {
        var result = Parse("dev", ("principals", principals));

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT506", error.Code);
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("pulumi config set rft-infra:principals '[{\"objectId\"", error.Hint);
    }

    [Theory]
    [InlineData("""[{"model":"gpt-4.1-mini"}]""", "version")]
    [InlineData("""[{"model":"gpt-4.1-mini","version":"1","capacity":0}]""", "capacity")]
    [InlineData("""[{"model":"gpt-4.1-mini","version":"1","capacity":1.5}]""", "capacity")]
    [InlineData("""[{"model":"gpt-4.1-mini","version":"1","region":"norwayeast"}]""", "not one of the stack's regions")]
    [InlineData("""[{"model":"gpt-4.1-mini","version":"1"},{"model":"gpt-4.1-mini","version":"2"}]""", "used twice")]
    [InlineData("""[{"name":"has space","model":"m","version":"1"}]""", "may hold only")]
    public void Parse_BadEvalDeployment_IsRefused(string deployments, string expected)
    {
        var result = Parse("dev", ("evalDeployments", deployments));

        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == "RFT507" && d.Message.Contains(expected));
    }

    [Theory]
    [InlineData("""{"allowedIps":["300.1.2.3"]}""", "300.1.2.3")]
    [InlineData("""{"allowedIps":["2001:db8::1"]}""", "IPv4")]
    [InlineData("""{"allowedIps":["10.0.0.0/33"]}""", "10.0.0.0/33")]
    [InlineData("""{"publicNetworkAccess":"yes"}""", "true or false")]
    [InlineData("""{"publicNetworkAccess":false,"allowedIps":["203.0.113.7"]}""", "no effect")]
    [InlineData("""{"allowedIp":["203.0.113.7"]}""", "unknown setting 'allowedIp'")]
    public void Parse_BadNetwork_IsRefused(string network, string expected)
    {
        var result = Parse("dev", ("network", network));

        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == "RFT508" && d.Message.Contains(expected));
    }

    [Fact]
    public void Parse_PrivateNetwork_DisablesPublicAccess()
    {
        var settings = Settings("dev", ("network", """{"publicNetworkAccess":false}"""));

        Assert.Equal("Disabled", settings.Network.PublicNetworkAccessValue);
        Assert.Equal("Allow", settings.Network.DefaultAction);
    }

    [Theory]
    [InlineData("environment", "Dev-1")]
    [InlineData("environment", "d")]
    [InlineData("namePrefix", "1rft")]
    [InlineData("namePrefix", "averyveryverylongprefix")]
    [InlineData("accountKind", "FormRecognizer")]
    [InlineData("restoreSoftDeleted", "maybe")]
    [InlineData("tags", """{"team":1}""")]
    [InlineData("tags", """["team"]""")]
    public void Parse_BadScalarOrShape_NamesTheKey(string key, string value)
    {
        var result = Parse("dev", (key, value));

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics);
        Assert.Contains($"config rft-infra:{key}:", error.Message);
        Assert.StartsWith($"pulumi config set rft-infra:{key} ", error.Hint);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var result = Parse("dev", ("regions", """["nowhere"]"""), ("namePrefix", "X"), ("jobs", """["x.yaml"]"""));

        Assert.Equal(["RFT504", "RFT502", "RFT505"], result.Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void IsIpv4OrCidr_AcceptsAddressesAndRanges()
    {
        Assert.True(StackConfigParser.IsIpv4OrCidr("203.0.113.7"));
        Assert.True(StackConfigParser.IsIpv4OrCidr("0.0.0.0/0"));
        Assert.False(StackConfigParser.IsIpv4OrCidr("203.0.113"));
        Assert.False(StackConfigParser.IsIpv4OrCidr("203.0.113.7/"));
    }
}
