using RftInfra.Stacks;

namespace RftInfra.Core.Tests.Stacks;

public class ResourceNamesTests
{
    [Fact]
    public void Account_IsPrefixEnvRegionAndAStableHash()
    {
        var name = ResourceNames.Account("rft", "dev", "swedencentral", "acme/rft-infra/dev");

        Assert.Matches("^rft-dev-swedencentral-[a-z2-7]{6}$", name);
        Assert.Equal(name, ResourceNames.Account("rft", "dev", "swedencentral", "acme/rft-infra/dev"));
        Assert.True(ResourceNames.IsValidAccountName(name));
    }

    [Fact]
    public void Account_DiffersBetweenOrganizationsAndRegions()
    {
        var a = ResourceNames.Account("rft", "dev", "eastus2", "acme/rft-infra/dev");
        var b = ResourceNames.Account("rft", "dev", "eastus2", "contoso/rft-infra/dev");
        var c = ResourceNames.Account("rft", "dev", "swedencentral", "acme/rft-infra/dev");

        Assert.NotEqual(a, b);
        Assert.NotEqual(a[^6..], c[^6..]);
    }

    [Fact]
    public void Account_LongestConfigurableNames_StayWithin64ValidCharacters()
    {
        var name = ResourceNames.Account("abcdefghijkl", "abcdefghijkl", "germanywestcentral", "org/project/stack");

        Assert.True(name.Length <= ResourceNames.MaxAccountNameLength, name);
        Assert.True(ResourceNames.IsValidAccountName(name), name);

        var truncated = ResourceNames.Account(new string('a', 30), new string('b', 30), "germanywestcentral", "o/p/s");
        Assert.Equal(64, truncated.Length);
        Assert.True(ResourceNames.IsValidAccountName(truncated), truncated);
        Assert.EndsWith(ResourceNames.ShortHash("o/p/s|germanywestcentral"), truncated);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("ab_c")]
    [InlineData("ABC")]
    public void IsValidAccountName_RejectsInvalidSubdomains(string name) =>
        Assert.False(ResourceNames.IsValidAccountName(name));

    [Fact]
    public void ShortHash_IsDeterministicBase32()
    {
        Assert.Equal(ResourceNames.ShortHash("x"), ResourceNames.ShortHash("x"));
        Assert.NotEqual(ResourceNames.ShortHash("x"), ResourceNames.ShortHash("y"));
        Assert.Matches("^[a-z2-7]{10}$", ResourceNames.ShortHash("x", 10));
    }

    [Fact]
    public void FineTunedDeployment_IsJobNamePlusFt_Within64Characters()
    {
        Assert.Equal("capital-qa-ft", ResourceNames.FineTunedDeployment("capital-qa"));
        Assert.Equal("a-b-ft", ResourceNames.FineTunedDeployment("a b"));
        Assert.Equal(64, ResourceNames.FineTunedDeployment(new string('j', 100)).Length);
    }

    [Fact]
    public void ResourceGroup_NamesPrefixAndEnvironment() =>
        Assert.Equal("rg-rft-prod", ResourceNames.ResourceGroup("rft", "prod"));
}
