using System.Text.Json.Nodes;
using RftInfra.Graders;

namespace RftInfra.Core.Tests;

public class SmokeTests
{
    [Fact]
    public async Task About_PrintsVersion()
    {
        var (stdout, _, exit) = await CliRunner.Rft("about");
        Assert.Equal(0, exit);
        Assert.StartsWith("rft ", stdout);
    }

    [Fact]
    public void CanonicalJson_SortsKeysRecursively()
    {
        var grader = GraderJson.Parse("""{"type":"string_check","name":"a","reference":"{{item.x}}","input":"{{sample.output_text}}","operation":"eq"}""");
        Assert.IsType<StringCheckGrader>(grader);
        Assert.Equal(
            """{"input":"{{sample.output_text}}","name":"a","operation":"eq","reference":"{{item.x}}","type":"string_check"}""",
            grader.CanonicalJson);
    }
}

public class JsonNumberTests
{
    [Fact]
    public void CheckGrader_NumbersBuiltInCode_ReadLikeParsedOnes()
    {
        // The provider builds property bags in code: JsonValue.Create(int) must validate like parsed JSON.
        var grader = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "score_model",
            ["name"] = "judge",
            ["model"] = "gpt-4.1-mini",
            ["input"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["role"] = "user", ["content"] = "Rate {{sample.output_text}} against {{item.answer}}" }),
            ["range"] = new System.Text.Json.Nodes.JsonArray(0, 5),
        };
        var findings = RftInfra.Validation.RftValidator.CheckGrader(grader, "judge");
        Assert.DoesNotContain(findings, d => d.IsError);
        Assert.Equal(5, ((ScoreModelGrader)GraderJson.FromJson(grader)).RangeMax);
    }
}
