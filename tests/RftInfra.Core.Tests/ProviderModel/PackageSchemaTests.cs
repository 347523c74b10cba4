using System.Text.Json.Nodes;
using RftInfra.ProviderModel;

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
        var replacingInputsThatAreNoOutputs = type.Inputs.Where(i => i.ReplaceOnChanges && type.Outputs.All(o => o.Name != i.Name)).Select(i => i.Name);
        Assert.Equal(type.Outputs.Select(o => o.Name).Concat(replacingInputsThatAreNoOutputs), resource["properties"]!.AsObject().Select(p => p.Key));
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

    [Theory]
    [InlineData("rft:index:TrainingFile")]
    [InlineData("rft:index:Grader")]
    [InlineData("rft:index:FineTuningJob")]
    public void Build_ReplaceOnChanges_IsUnderProperties_ForExactlyTheReplacingInputs(string token)
    {
        // Pulumi reads replaceOnChanges from "properties" (the resource's state), not from "inputProperties".
        var type = RftResourceTypes.Find(token)!;
        var properties = Schema["resources"]![token]!["properties"]!.AsObject();

        var flagged = properties.Where(p => p.Value!["replaceOnChanges"]?.GetValue<bool>() == true).Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(type.Inputs.Where(i => i.ReplaceOnChanges).Select(i => i.Name).Order(StringComparer.Ordinal), flagged);
    }

    [Fact]
    public void Build_JobProperties_ReplaceOnModelGraderAndHashes_NotOnMetadataOrStatus()
    {
        var properties = Schema["resources"]!["rft:index:FineTuningJob"]!["properties"]!;

        Assert.True(properties["model"]!["replaceOnChanges"]!.GetValue<bool>());
        Assert.True(properties["grader"]!["replaceOnChanges"]!.GetValue<bool>());
        Assert.True(properties["trainingFileHash"]!["replaceOnChanges"]!.GetValue<bool>());
        Assert.Null(properties["status"]!["replaceOnChanges"]);
        Assert.Null(properties["metadata"]);
        Assert.Null(properties["trainingFileId"]);
        // An input listed under properties is never a required output.
        Assert.DoesNotContain("grader", Schema["resources"]!["rft:index:FineTuningJob"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
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
        Assert.Equal(RftInfra.Lifecycles.TrainingFileLifecycle.Token, RftResourceTypes.TrainingFile.Token);
        Assert.Equal(RftInfra.Lifecycles.GraderLifecycle.Token, RftResourceTypes.Grader.Token);
        Assert.Equal(RftInfra.Lifecycles.FineTuningJobLifecycle.Token, RftResourceTypes.FineTuningJob.Token);
    }

    [Fact]
    public void Find_UnknownToken_IsNull() => Assert.Null(RftResourceTypes.Find("rft:index:Nope"));
}
