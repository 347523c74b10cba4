using System.Collections.Immutable;
using RftInfra.Core.Stacks;

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
            RftInfra.Core.Graders.CanonicalJsonWriter.Write(json));
    }

    [Fact]
    public void ToJsonNode_Null_IsNull() => Assert.Null(PlainValues.ToJsonNode(null));
}
