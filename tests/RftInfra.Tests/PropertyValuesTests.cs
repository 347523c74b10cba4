// Checked against the PropertyValue API of Pulumi .NET 3.81+ as described in infra/RftInfra.Provider/PropertyValues.cs
// (value constructors, PropertyValue.Null/Computed, IsSecret, WithSecret(bool), TryGetMap/TryGetArray/TryGetString).
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi.Experimental;
using Pulumi.Experimental.Provider;
using RftInfra.ProviderModel;
using RftInfra.ResourceProvider;

namespace RftInfra.Tests;

public sealed class PropertyValuesTests
{
    private static PropertyValue Map(params (string Key, PropertyValue Value)[] pairs) =>
        new(pairs.ToImmutableDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void ToBag_ConvertsNestedObjectsArraysNumbersAndBooleans()
    {
        var inputs = ImmutableDictionary<string, PropertyValue>.Empty
            .Add("model", new PropertyValue("o4-mini"))
            .Add("seed", new PropertyValue(42))
            .Add("grader", Map(
                ("type", new PropertyValue("multi")),
                ("graders", Map(("a", Map(("range", new PropertyValue([new PropertyValue(0), new PropertyValue(5)])))))),
                ("strict", new PropertyValue(true)),
                ("none", PropertyValue.Null)));

        var (bag, secrets) = PropertyValues.ToBag(inputs);

        Assert.Empty(secrets);
        Assert.Equal(
            """{"grader":{"graders":{"a":{"range":[0,5]}},"none":null,"strict":true,"type":"multi"},"model":"o4-mini","seed":42}""",
            RftInfra.Graders.CanonicalJsonWriter.Write(bag));
    }

    [Fact]
    public void RoundTrip_KeepsTheValues()
    {
        var inputs = ImmutableDictionary<string, PropertyValue>.Empty
            .Add("hyperparameters", Map(("n_epochs", new PropertyValue("auto")), ("compute_multiplier", new PropertyValue(1.5))))
            .Add("tags", new PropertyValue([new PropertyValue("a"), new PropertyValue(2)]));

        var (bag, secrets) = PropertyValues.ToBag(inputs);
        var back = PropertyValues.FromBag(bag, secrets);

        Assert.Equal(inputs["hyperparameters"], back["hyperparameters"]);
        Assert.Equal(inputs["tags"], back["tags"]);
    }

    [Fact]
    public void Unknowns_BecomeTheSentinelAndComeBackUnknown()
    {
        var inputs = ImmutableDictionary<string, PropertyValue>.Empty
            .Add("trainingFileId", PropertyValue.Computed)
            .Add("grader", Map(("reference", PropertyValue.Computed)))
            .Add("model", new PropertyValue("o4-mini"));

        var (bag, _) = PropertyValues.ToBag(inputs);

        Assert.Equal(PropertyBags.UnknownSentinel, bag["trainingFileId"]!.GetValue<string>());
        // The bag follows the ImmutableDictionary's enumeration order, which varies with the per-process string
        // hash: compare the keys as a set.
        Assert.Equal(["grader", "trainingFileId"], PropertyBags.UnknownKeys(bag).Order(StringComparer.Ordinal));
        Assert.True(PropertyValues.FromBag(bag, new HashSet<string>())["trainingFileId"].IsComputed);
    }

    [Fact]
    public void Secrets_AnywhereInAProperty_MarkThatPropertySecretOnTheWayBack()
    {
        var inputs = ImmutableDictionary<string, PropertyValue>.Empty
            .Add("metadata", Map(("token", new PropertyValue("s3cr3t").WithSecret(true))))
            .Add("model", new PropertyValue("o4-mini"));

        var (bag, secrets) = PropertyValues.ToBag(inputs);
        var back = PropertyValues.FromBag(bag, secrets);

        Assert.Equal(["metadata"], secrets);
        Assert.True(back["metadata"].IsSecret);
        Assert.False(back["model"].IsSecret);
    }

    [Fact]
    public void FromBag_LongBackedNumbers_BecomeNumbers()
    {
        var bag = new JsonObject { ["bytes"] = JsonValue.Create(1234L), ["status"] = "processed" };

        var values = PropertyValues.FromBag(bag, new HashSet<string>(), unknownKeys: ["fileId"]);

        Assert.True(values["bytes"].TryGetNumber(out var bytes));
        Assert.Equal(1234, bytes);
        Assert.True(values["fileId"].IsComputed);
    }
}
