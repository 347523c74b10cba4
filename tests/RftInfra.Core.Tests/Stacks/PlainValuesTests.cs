using System.Collections.Immutable;
using RftInfra.Stacks;

namespace RftInfra.Core.Tests.Stacks;

public class PlainValuesTests
{
    [Fact]
    public void ToJsonNode_ConvertsNestedDictionariesListsAndScalars()
    {
        object value = ImmutableDictionary<string, object?>.Empty
            .Add("s", "text")
            .Add("n", 1.5)
            .Add("i", 3)
            .Add("b", true)
            .Add("none", null)
            .Add("list", ImmutableArray.Create<object>("a", 2.0, ImmutableDictionary<string, object>.Empty.Add("k", "v")));

        var json = PlainValues.ToJsonNode(value)!;

        Assert.Equal("""{"b":true,"i":3,"list":["a",2,{"k":"v"}],"n":1.5,"none":null,"s":"text"}""",
            RftInfra.Graders.CanonicalJsonWriter.Write(json));
    }

    [Fact]
    public void FromJsonNode_RoundTripsThroughPlainValues()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"multi","graders":{"a":{"range":[0,5]}},"strict":true,"none":null,"w":0.25}""");

        var plain = PlainValues.FromJsonNode(json);

        var dictionary = Assert.IsType<ImmutableDictionary<string, object?>>(plain);
        Assert.Equal("multi", dictionary["type"]);
        Assert.Equal(0.25, dictionary["w"]);
        Assert.Equal(true, dictionary["strict"]);
        var range = Assert.IsType<ImmutableArray<object?>>(((ImmutableDictionary<string, object?>)((ImmutableDictionary<string, object?>)dictionary["graders"]!)["a"]!)["range"]);
        Assert.Equal([0.0, 5.0], range.Cast<double>());
        Assert.Equal(
            RftInfra.Graders.CanonicalJsonWriter.Write(json),
            RftInfra.Graders.CanonicalJsonWriter.Write(PlainValues.ToJsonNode(plain)));
    }

    [Fact]
    public void ToJsonNode_Null_IsNull() => Assert.Null(PlainValues.ToJsonNode(null));
}
