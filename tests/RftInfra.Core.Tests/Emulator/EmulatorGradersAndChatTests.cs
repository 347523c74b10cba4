using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorGradersAndChatTests
{
    private const string Chat = "/openai/deployments/grader-4-1-mini/chat/completions?api-version=2024-10-21";

    [Fact]
    public async Task ValidateGrader_EchoesAValidGrader()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (status, body) = await emulator.Post("/openai/v1/fine_tuning/alpha/graders/validate",
            new JsonObject { ["grader"] = TestEmulator.StringCheckGrader() });

        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(TestEmulator.StringCheckGrader(), body!["grader"]));
    }

    [Theory]
    [InlineData("""{"type":"string_check","name":"g","input":"{{sample.output_text}}","reference":"x","operation":"contains"}""", "grader.operation")]
    [InlineData("""{"type":"text_similarity","name":"g","input":"a","reference":"b","evaluation_metric":"cosin"}""", "grader.evaluation_metric")]
    [InlineData("""{"type":"score_model","name":"g","model":"gpt-4.1","input":[{"role":"judge","content":"x"}]}""", "grader.input[0].role")]
    [InlineData("""{"type":"score_model","name":"g","model":"gpt-4.1","input":[{"role":"user","content":"x"}],"range":[1,0]}""", "grader.range")]
    [InlineData("""{"type":"python","name":"g","source":"print(1)"}""", "grader.source")]
    [InlineData("""{"type":"multi","name":"g","calculate_output":"a","graders":{"a":{"type":"multi","name":"b"}}}""", "grader.graders.a.type")]
    [InlineData("""{"type":"label_model","name":"g"}""", "grader.type")]
    [InlineData("""{"name":"g"}""", "grader.type")]
    public async Task ValidateGrader_BadGrader_Answers400NamingTheField(string grader, string param)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var result = await emulator.Post("/openai/v1/fine_tuning/alpha/graders/validate", new JsonObject { ["grader"] = JsonNode.Parse(grader) });
        TestEmulator.AssertError(400, "invalidPayload", result, param);
    }

    [Fact]
    public async Task ChatCompletion_AnswersInTheRequestedSchemaWithOverlapScore()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (status, completion) = await emulator.Post(Chat, ChatRequest(
            "Reference: The capital of France is Paris\nResponse: Paris is the capital of France"));

        Assert.Equal(200, status);
        Assert.Equal("chat.completion", completion!["object"]!.GetValue<string>());
        var message = completion["choices"]![0]!["message"]!;
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        var answer = TestEmulator.Parse(message["content"]!.GetValue<string>());
        Assert.Equal(1.0, answer["result"]!.GetValue<double>(), 3);   // same tokens, different order: F1 = 1
        Assert.Single(answer["steps"]!.AsArray());
        Assert.True(completion["usage"]!["prompt_tokens"]!.GetValue<int>() > 0);

        var (_, partial) = await emulator.Post(Chat, ChatRequest("Reference: Paris\nResponse: Lyon or Paris"));
        var score = TestEmulator.Parse(partial!["choices"]![0]!["message"]!["content"]!.GetValue<string>())["result"]!.GetValue<double>();
        Assert.Equal(0.5, score, 3);   // precision 1/3, recall 1

        var (_, wrong) = await emulator.Post(Chat, ChatRequest("<reference>Paris</reference> <response>Berlin</response>"));
        Assert.Equal(0.0, TestEmulator.Parse(wrong!["choices"]![0]!["message"]!["content"]!.GetValue<string>())["result"]!.GetValue<double>());
    }

    [Fact]
    public async Task ChatCompletion_RefusesOrAnswersGarbageOnMarker()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (_, refused) = await emulator.Post(Chat, ChatRequest("[emulator:refuse] grade this"));
        var message = refused!["choices"]![0]!["message"]!;
        Assert.Null(message["content"]);
        Assert.False(string.IsNullOrEmpty(message["refusal"]!.GetValue<string>()));

        var (_, garbage) = await emulator.Post(Chat, ChatRequest("[emulator:garbage] grade this"));
        var content = garbage!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonNode.Parse(content));
    }

    [Fact]
    public async Task ChatCompletion_UnknownDeploymentOrNoMessages_AnswersLikeAzure()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { Deployments = new HashSet<string> { "grader" } });
        TestEmulator.AssertError(404, "DeploymentNotFound", await emulator.Post(Chat, ChatRequest("x")));
        TestEmulator.AssertError(400, "invalidPayload",
            await emulator.Post("/openai/deployments/grader/chat/completions?api-version=2024-10-21", new JsonObject { ["messages"] = new JsonArray() }),
            "messages");
        TestEmulator.AssertError(400, "BadRequest", await emulator.Post("/openai/deployments/grader/chat/completions", ChatRequest("x")));
    }

    internal static JsonObject ChatRequest(string userText) => new()
    {
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "You grade answers. Reply with a score from 0 to 1." },
            new JsonObject { ["role"] = "user", ["content"] = userText }),
        // The grader engine's own score format, so the emulator is tested with what the kit really sends.
        ["response_format"] = RftInfra.Graders.Evaluation.GraderEngine.ScoreResponseFormat(),
    };
}

public class EmulatorValidatorIntegrationTests
{
    [Fact]
    public async Task ValidateGrader_RunsTheKitsValidatorAfterTheShapeChecks()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var multi = JsonNode.Parse("""
            {"type":"multi","name":"m","calculate_output":"exact + missing",
             "graders":{"exact":{"type":"string_check","name":"e","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}}}
            """);

        var result = await emulator.Post("/openai/v1/fine_tuning/alpha/graders/validate", new JsonObject { ["grader"] = multi });
        TestEmulator.AssertError(400, "invalidPayload", result, "grader");
        Assert.Matches(@"\(RFT\d+\)$", result.Body!["error"]!["message"]!.GetValue<string>());
        Assert.Contains("missing", result.Body!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateJob_TrainingTypeNotOfferedInTheResourcesRegion_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { Region = "francecentral" });
        var body = TestEmulator.JobBody(await emulator.ProcessedFile(), await emulator.ProcessedFile());
        body["trainingType"] = "standard";

        var result = await emulator.Post("/openai/fine_tuning/jobs?api-version=2025-04-01-preview", body);
        TestEmulator.AssertError(400, "invalidPayload", result);
        Assert.Contains("francecentral", result.Body!["error"]!["message"]!.GetValue<string>());

        body["trainingType"] = "globalStandard";
        Assert.Equal(201, (await emulator.Post("/openai/fine_tuning/jobs?api-version=2025-04-01-preview", body)).Status);
    }
}
