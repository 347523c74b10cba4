using System.Text.Json.Nodes;
using RftInfra.Core.Graders;

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
