using RftInfra.Core.Stacks;

namespace RftInfra.Core.Tests.Stacks;

public class RegionCatalogTests
{
    [Fact]
    public void Load_ReadsTheRepositoryCatalog()
    {
        var catalog = StackTestData.Catalog;

        Assert.Contains("swedencentral", catalog.Regions);
        Assert.Contains("eastus2", catalog.Regions);
        Assert.DoesNotContain("westeurope", catalog.Regions);
    }

    [Fact]
    public void FromJson_LowercasesNamesAndSkipsEntriesWithoutOne()
    {
        var catalog = RegionCatalog.FromJson("""{"regions":[{"name":"EastUS2"},{"display_name":"x"}]}""");

        Assert.Equal(["eastus2"], catalog.Regions);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"regions":{}}""")]
    public void FromJson_Malformed_NamesTheFile(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => RegionCatalog.FromJson(json));
        Assert.StartsWith("catalog/catalog.json", error.Message);
    }
}
