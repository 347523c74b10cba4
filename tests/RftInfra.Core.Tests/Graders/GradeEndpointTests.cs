using System.Text.Json.Nodes;
using RftInfra.Cli.Commands;
using RftInfra.Core.Tests.Emulator;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Graders;

/// <summary>`rft grade --endpoint` scores model graders through a real chat-completions endpoint (the emulator).</summary>
public class GradeEndpointTests
{
    [Fact]
    public async Task Endpoint_ScoresTheSampleJudgeThroughTheMappedDeployment()
    {
        await using var emulator = await TestEmulator.StartAsync();
        // The key travels in the environment, never on the command line; only this test reads it.
        Environment.SetEnvironmentVariable(GradeCommand.ApiKeyVariable, emulator.Server.ApiKey);

        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", RepoRoot,
            "--grader", "graders/math-judge.json", "--data", "data/math-valid.jsonl",
            "--sample-text", "Reasoning.\nAnswer: 42", "--format", "json",
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--deployment", "gpt-4.1-mini=judge-mini");

        Assert.True(exit == 0, stderr);
        var summary = JsonNode.Parse(stdout)!["summary"]!;
        var count = summary["count"]!.GetValue<int>();
        Assert.True(count > 0);
        Assert.Equal(count, summary["scored"]!.GetValue<int>());
        Assert.Empty(summary["not_scored"]!.AsObject());
        var chats = emulator.Server.Requests.Where(r => r.Path.Contains("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.Equal(count, chats.Count);
        Assert.All(chats, r => Assert.Contains("/deployments/judge-mini/", r.Path, StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.Server.ApiKey, stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--deployment", "gpt-4.1-mini", "is not MODEL=DEPLOYMENT")]
    [InlineData("--endpoint", "not a url", "is not an http(s) URL")]
    public async Task BadEndpointOptions_ExitTwoWithTheFix(string option, string value, string expected)
    {
        var args = new List<string> { "grade", "--root", RepoRoot, "--grader", "graders/math-judge.json", "--data", "data/math-valid.jsonl", "--sample-text", "x", option, value };
        if (option == "--deployment")
        {
            args.AddRange(["--endpoint", "https://example.openai.azure.com/"]);
        }

        var (_, stderr, exit) = await CliRunner.Rft([.. args]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
