using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Declarations;

namespace RftInfra.Core.Tests.Azure;

/// <summary>The create body sends the catalog's wire literal for trainingType, so a correction is a catalog change.</summary>
public class TrainingTypeWireTests
{
    private static CreateJobRequest Request(string? trainingType) => new()
    {
        Model = "o4-mini", TrainingFile = "file-t", ValidationFile = "file-v",
        Grader = new JsonObject { ["type"] = "string_check" }, TrainingType = trainingType,
    };

    [Theory]
    [InlineData("globalstandard", "globalStandard")]
    [InlineData("developer", "developerTier")]
    [InlineData("standard", "standard")]
    [InlineData("datazone", "dataZoneStandard")]
    [InlineData("futuretier", "futuretier")]
    public void ToJson_SendsTheCatalogsWireLiteral(string trainingType, string wire) =>
        Assert.Equal(wire, Request(trainingType).ToJson()["trainingType"]!.GetValue<string>());

    [Fact]
    public void ToJson_WithoutTrainingType_SendsNone() => Assert.False(Request(null).ToJson().ContainsKey("trainingType"));

    [Fact]
    public void ToJson_AnEditedCatalog_ChangesTheLiteral()
    {
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Validation.ValidationTestKit.RepoRoot, RftCatalog.RelativePath)))!;
        json["training_types"]!["globalstandard"]!["wire"] = "GlobalStandard";
        Assert.Equal("GlobalStandard", Request("globalstandard").ToJson(RftCatalog.Parse(json.ToJsonString()))["trainingType"]!.GetValue<string>());
    }
}
