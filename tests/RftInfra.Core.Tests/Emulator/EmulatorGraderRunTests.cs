using System.Text.Json.Nodes;
using RftInfra.Core.Tests.Graders;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorGraderRunTests
{
    private const string Run = "/openai/v1/fine_tuning/alpha/graders/run";

    [Theory]
    [InlineData("Paris", 1.0)]
    [InlineData("Lyon", 0.0)]
    public async Task Run_StringCheck_ScoresTheSampleAgainstTheItem(string sample, double expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (status, body) = await emulator.Post(Run, new JsonObject
        {
            ["grader"] = TestEmulator.StringCheckGrader(),
            ["model_sample"] = sample,
            ["item"] = new JsonObject { ["reference_answer"] = "Paris" },
        });

        Assert.Equal(200, status);
        Assert.Equal(expected, body!["reward"]!.GetValue<double>());
        Assert.Equal("string_check", body["metadata"]!["type"]!.GetValue<string>());
        Assert.False(body["metadata"]!["errors"]!["invalid_variable_error"]!.GetValue<bool>());
        Assert.IsType<JsonObject>(body["sub_rewards"]);
        Assert.IsType<JsonObject>(body["model_grader_token_usage_per_model"]);
    }

    [Fact]
    public async Task Run_MissingItemKey_FlagsInvalidVariableAndScoresZero()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (_, body) = await emulator.Post(Run, new JsonObject
        {
            ["grader"] = TestEmulator.StringCheckGrader(),
            ["model_sample"] = "Paris",
            ["item"] = new JsonObject { ["capital"] = "Paris" },
        });

        Assert.Equal(0.0, body!["reward"]!.GetValue<double>());
        Assert.True(body["metadata"]!["errors"]!["invalid_variable_error"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Run_MultiWithScoreModel_ReportsSubRewardsAndModelTokenUsage()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var grader = JsonNode.Parse("""
            {"type":"multi","name":"combo","calculate_output":"0.5 * exact + 0.5 * judge",
             "graders":{
               "exact":{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"},
               "judge":{"type":"score_model","name":"judge","model":"gpt-4.1-mini",
                        "input":[{"role":"user","content":"Reference: {{item.answer}}\nResponse: {{sample.output_text}}"}]}}}
            """);

        var (status, body) = await emulator.Post(Run, new JsonObject
        {
            ["grader"] = grader,
            ["model_sample"] = "Paris",
            ["item"] = new JsonObject { ["answer"] = "Paris" },
        });

        Assert.True(status == 200, body?.ToJsonString());
        Assert.Equal(1.0, body!["sub_rewards"]!["exact"]!.GetValue<double>());
        Assert.Equal(1.0, body["sub_rewards"]!["judge"]!.GetValue<double>());
        Assert.Equal(1.0, body["reward"]!.GetValue<double>(), 6);
        Assert.True(body["model_grader_token_usage_per_model"]!["gpt-4.1-mini"]!["total_tokens"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Run_BadBody_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        TestEmulator.AssertError(400, "invalidPayload",
            await emulator.Post(Run, new JsonObject { ["grader"] = TestEmulator.StringCheckGrader() }), "model_sample");
        TestEmulator.AssertError(400, "invalidPayload",
            await emulator.Post(Run, new JsonObject { ["grader"] = TestEmulator.StringCheckGrader(), ["model_sample"] = "x", ["item"] = "row" }), "item");
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Run, new JsonObject { ["model_sample"] = "x" }), "grader");
    }
}

/// <summary>graders/run executes python only when the emulator was started with --allow-python-graders.</summary>
public class EmulatorPythonGraderTests
{
    private const string Run = "/openai/v1/fine_tuning/alpha/graders/run";

    private static readonly JsonObject Python = new()
    {
        ["type"] = "python",
        ["name"] = "py",
        ["source"] = "def grade(sample, item):\n    return 0.75\n",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PythonGrader_IsRefusedUnlessAllowed(bool multi)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var grader = multi
            ? new JsonObject { ["type"] = "multi", ["name"] = "m", ["calculate_output"] = "py", ["graders"] = new JsonObject { ["py"] = Python.DeepClone() } }
            : (JsonObject)Python.DeepClone();

        var (status, body) = await emulator.Post(Run, new JsonObject { ["grader"] = grader, ["model_sample"] = "x" });

        Assert.Equal(403, status);
        Assert.Equal("pythonGradersDisabled", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("grader", body["error"]!["param"]!.GetValue<string>());
        Assert.Equal(
            "This emulator does not run python graders: running one executes the caller's code on this machine. " +
            "Start it with `rft emulator --allow-python-graders` to allow it (docs/security.md).",
            body["error"]!["message"]!.GetValue<string>());
    }

    [PythonFact]
    public async Task PythonGrader_RunsWhenAllowed()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { AllowPythonGraders = true });

        var (status, body) = await emulator.Post(Run, new JsonObject { ["grader"] = Python.DeepClone(), ["model_sample"] = "x" });

        Assert.Equal(200, status);
        Assert.Equal(0.75, body!["reward"]!.GetValue<double>());
    }
}
