using System.Text.Json.Nodes;
using RftInfra.Core.ProviderModel;

namespace RftInfra.Core.Tests.ProviderModel;

public class PackageSchemaTests
{
    private static readonly JsonObject Schema = JsonNode.Parse(PackageSchema.Build("0.1.0"))!.AsObject();

    [Fact]
    public void Build_NamesThePackageAndVersion()
    {
        Assert.Equal("rft", Schema["name"]!.GetValue<string>());
        Assert.Equal("0.1.0", Schema["version"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("rft:index:TrainingFile")]
    [InlineData("rft:index:Grader")]
    [InlineData("rft:index:FineTuningJob")]
    public void Build_DescribesEveryInputAndOutputOfEachType(string token)
    {
        var type = RftResourceTypes.Find(token)!;
        var resource = Schema["resources"]![token]!.AsObject();

        Assert.Equal(type.Inputs.Select(i => i.Name), resource["inputProperties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(type.Outputs.Select(o => o.Name), resource["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(type.Inputs.Where(i => i.Required).Select(i => i.Name), resource["requiredInputs"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(type.Outputs.Where(o => o.Required).Select(o => o.Name), resource["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        foreach (var (_, spec) in resource["inputProperties"]!.AsObject())
        {
            Assert.False(string.IsNullOrWhiteSpace(spec!["description"]?.GetValue<string>()));
            Assert.True(spec["type"] is not null || spec["$ref"] is not null);
        }
    }

    [Fact]
    public void Build_JobSpecInputsReplace_MetadataDoesNot()
    {
        var inputs = Schema["resources"]!["rft:index:FineTuningJob"]!["inputProperties"]!;

        Assert.True(inputs["model"]!["replaceOnChanges"]!.GetValue<bool>());
        Assert.True(inputs["grader"]!["replaceOnChanges"]!.GetValue<bool>());
        Assert.True(inputs["trainingFileHash"]!["replaceOnChanges"]!.GetValue<bool>());
        Assert.Null(inputs["metadata"]!["replaceOnChanges"]);
        Assert.Equal("pulumi.json#/Any", inputs["grader"]!["$ref"]!.GetValue<string>());
        Assert.Equal("string", inputs["metadata"]!["additionalProperties"]!["type"]!.GetValue<string>());
        Assert.Equal("integer", inputs["seed"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Build_ApiKeyConfigIsSecret_EndpointRequired()
    {
        var variables = Schema["config"]!["variables"]!;

        Assert.True(variables["apiKey"]!["secret"]!.GetValue<bool>());
        Assert.Null(variables["endpoint"]!["secret"]);
        Assert.Equal(["endpoint"], Schema["provider"]!["requiredInputs"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Tokens_AreTheLifecyclesTokens()
    {
        Assert.Equal(RftInfra.Core.Lifecycles.TrainingFileLifecycle.Token, RftResourceTypes.TrainingFile.Token);
        Assert.Equal(RftInfra.Core.Lifecycles.GraderLifecycle.Token, RftResourceTypes.Grader.Token);
        Assert.Equal(RftInfra.Core.Lifecycles.FineTuningJobLifecycle.Token, RftResourceTypes.FineTuningJob.Token);
    }

    [Fact]
    public void Find_UnknownToken_IsNull() => Assert.Null(RftResourceTypes.Find("rft:index:Nope"));
}
