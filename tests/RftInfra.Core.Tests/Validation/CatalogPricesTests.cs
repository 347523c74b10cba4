using System.Text.Json;
using RftInfra.Declarations;
using Xunit;

namespace RftInfra.Core.Tests.Validation;

public class CatalogPricesTests
{
    private static readonly CatalogPrices Prices = RftCatalog.Default.Prices;

    [Fact]
    public void BuiltInCatalog_HasTrainingRatesForEveryTrainingType_WithASource()
    {
        foreach (var type in RftCatalog.Default.TrainingTypes)
        {
            var rate = Prices.TrainingRate(type);
            Assert.True(rate is not null, $"no training rate for '{type}'");
            Assert.InRange(rate!.Low, 0, rate.High);
            Assert.NotEmpty(rate.Source);
        }
        Assert.Equal(100, Prices.TrainingRate("Standard")!.High);
        Assert.Equal(5000, Prices.AutoPauseUsd);
    }

    [Theory]
    [InlineData("gpt-4.1-mini", 0.4)]
    [InlineData("gpt-4.1-mini-2025-04-14", 0.4)]
    [InlineData("gpt-4.1-2025-04-14", 2.0)]
    [InlineData("o4-mini", 1.1)]
    public void TokenPriceOf_FindsTheLongestKnownName(string model, double inputPerMillion) =>
        Assert.Equal(inputPerMillion, Prices.TokenPriceOf(model)!.InputPerMillion);

    [Fact]
    public void TokenPriceOf_UnknownModel_IsNull() => Assert.Null(Prices.TokenPriceOf("gpt-4.1x"));

    [Fact]
    public void TokenPrice_Cost_IsPerMillion() =>
        Assert.Equal(1.1 + 4.4 * 2, new TokenPrice(1.1, 4.4, "", false).Cost(1_000_000, 2_000_000), 9);

    [Fact]
    public void CatalogWithoutPrices_HasNone()
    {
        var json = File.ReadAllText(Path.Combine(RftInfra.Core.Tests.Stacks.StackTestData.RepositoryRoot, RftCatalog.RelativePath));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove("prices");
        Assert.Same(CatalogPrices.None, RftCatalog.Parse(node.ToJsonString()).Prices);
    }

    [Fact]
    public void NegativePrice_IsRejectedWithTheField()
    {
        var json = File.ReadAllText(Path.Combine(RftInfra.Core.Tests.Stacks.StackTestData.RepositoryRoot, RftCatalog.RelativePath));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node["prices"]!["training_per_hour"]!["standard"]!["low"] = -1;
        var error = Assert.Throws<JsonException>(() => RftCatalog.Parse(node.ToJsonString()));
        Assert.Contains("prices.training_per_hour.standard.low", error.Message);
    }
}
