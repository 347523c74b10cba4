using System.Diagnostics;
using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI.BaseModels;
using RftInfra.Core.Tests.Validation;
using RftInfra.Emulator;
using RftInfra.Validation.Baseline;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>The emulator's base-model deployments behind chat completions, and the base-models file.</summary>
public sealed class EmulatedBaseModelTests
{
    private static BaseModelRequest Ask(string deployment, string question, string developer = "Answer with the name of the capital city only, no punctuation.") =>
        new(deployment, new JsonArray(
            new JsonObject { ["role"] = "developer", ["content"] = developer },
            new JsonObject { ["role"] = "user", ["content"] = question }), null, "high");

    [Fact]
    public async Task SampleDeployment_AnswersRightAtAccuracyOne_WithUsageThroughAzureOpenAIChatClient()
    {
        var rows = BaseModelScenario.Load(Path.Combine(RepoRoot, "data", "emulator-base-models.json"))[0].Rows;
        await using var emulator = await Emulator.TestEmulator.StartAsync(o => o with
        {
            BaseModels = [new BaseModelDeployment("o4-mini", rows, JsonValue.Create("{{item.reference_answer}}"), 1)],
        });
        using var client = new AzureOpenAIBaseModelClient(emulator.Server.BaseUrl, new System.ClientModel.ApiKeyCredential(emulator.Server.ApiKey));

        var answer = await client.AnswerAsync(Ask("o4-mini", "What is the capital of Chile?"));

        Assert.Equal("Santiago", answer.Text);
        Assert.Null(answer.Refusal);
        Assert.Equal(1024, answer.ReasoningTokens); // reasoning_effort high
        Assert.Equal(1024 + 1, answer.OutputTokens);
        Assert.True(answer.InputTokens > 10);
        Assert.Contains(emulator.Server.Requests, r => r.Path == "/openai/deployments/o4-mini/chat/completions" && r.Status == 200);
    }

    [Fact]
    public async Task AccuracyZero_AnswersAnotherRowsReference_AndAnUnknownQuestionIsNotGuessed()
    {
        var rows = BaseModelScenario.Load(Path.Combine(RepoRoot, "data", "emulator-base-models.json"))[0].Rows;
        await using var emulator = await Emulator.TestEmulator.StartAsync(o => o with
        {
            BaseModels = [new BaseModelDeployment("base", rows, JsonValue.Create("{{item.reference_answer}}"), 0)],
        });
        using var client = new AzureOpenAIBaseModelClient(emulator.Server.BaseUrl, new System.ClientModel.ApiKeyCredential(emulator.Server.ApiKey));
        var references = rows.Select(r => r["reference_answer"]!.GetValue<string>()).ToHashSet();

        var wrong = await client.AnswerAsync(Ask("base", "What is the capital of Chile?"));
        var unknown = await client.AnswerAsync(Ask("base", "What is the capital of Atlantis?"));

        Assert.NotEqual("Santiago", wrong.Text);
        Assert.Contains(wrong.Text, references);
        Assert.Equal("I don't know.", unknown.Text);
    }

    [Fact]
    public async Task Answers_AreDeterministicPerSeed_AndFollowThePromptsAccuracy()
    {
        var (dir, model) = BaselineKit.QuizCheckout(200, declared: 0.5, a: 0.2, b: 1);
        using var _ = dir;
        await using var emulator = await Emulator.TestEmulator.StartAsync(o => o with { BaseModels = [model] });
        using var client = new AzureOpenAIBaseModelClient(emulator.Server.BaseUrl, new System.ClientModel.ApiKeyCredential(emulator.Server.ApiKey));

        async Task<int> Right(string developer) =>
            (await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
                (await client.AnswerAsync(Ask("quiz-model", $"What is the code word of item {i}?", developer))).Text == $"word{i}"))).Count(x => x);

        var declared = await Right("Answer with one word.");
        Assert.Equal(declared, await Right("Answer with one word."));
        Assert.InRange(declared, 100 - 32, 100 + 32);
        Assert.InRange(await Right("Variant A: go."), 40 - 26, 40 + 26);
        Assert.Equal(200, await Right("Variant B: go."));
    }

    [Fact]
    public async Task ObjectAnswer_IsJsonFilledFromTheRow()
    {
        var models = BaseModelScenario.Load(Path.Combine(RepoRoot, "data", "emulator-base-models.json"));
        var invoice = models.Single(m => m.Deployment == "o4-mini-invoice");
        await using var emulator = await Emulator.TestEmulator.StartAsync(o => o with
        {
            BaseModels = [new BaseModelDeployment(invoice.Deployment, invoice.Rows, invoice.Answer, 1)],
        });
        using var client = new AzureOpenAIBaseModelClient(emulator.Server.BaseUrl, new System.ClientModel.ApiKeyCredential(emulator.Server.ApiKey));
        var question = invoice.Rows[0]["messages"]![1]!["content"]!.GetValue<string>();

        var answer = await client.AnswerAsync(Ask(invoice.Deployment, question));

        Assert.Equal("""{"total":"298.00","currency":"USD"}""", answer.Text);
    }

    [Fact]
    public async Task OtherDeployments_StillGetTheEmulatedGraderModel()
    {
        var rows = BaseModelScenario.Load(Path.Combine(RepoRoot, "data", "emulator-base-models.json"))[0].Rows;
        await using var emulator = await Emulator.TestEmulator.StartAsync(o => o with
        {
            BaseModels = [new BaseModelDeployment("o4-mini", rows, JsonValue.Create("{{item.reference_answer}}"), 1)],
        });

        var response = await emulator.Http.PostAsync("/openai/deployments/judge/chat/completions?api-version=2024-10-21",
            new StringContent("""{"messages":[{"role":"user","content":"Reference: Rome\nAnswer: Rome"}]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("1", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"baseModels": []}""", "'baseModels' must be a non-empty array")]
    [InlineData("""{"baseModels": [{"rows": "v.jsonl", "answer": "x", "accuracy": 0.5}]}""", "baseModels[0].deployment is missing")]
    [InlineData("""{"baseModels": [{"deployment": "d", "rows": "v.jsonl", "answer": "x", "accuracy": 1.5}]}""", "baseModels[0].accuracy must be a number from 0 to 1")]
    [InlineData("""{"baseModels": [{"deployment": "d", "rows": "v.jsonl", "answer": 3, "accuracy": 0.5}]}""", "baseModels[0].answer must be a template string")]
    [InlineData("""{"baseModels": [{"deployment": "d", "answer": "x", "accuracy": 0.5}]}""", "baseModels[0].rows is missing")]
    [InlineData("""{"baseModels": [{"deployment": "d", "rows": "missing.jsonl", "answer": "x", "accuracy": 0.5}]}""", "baseModels[0].rows: missing.jsonl")]
    [InlineData("""{"baseModels": [{"deployment": "d", "rows": "v.jsonl", "answer": "x", "accuracy": 0.5, "prompts": [{"contains": ""}]}]}""", "baseModels[0].prompts[0] needs 'contains'")]
    [InlineData("""{"baseModels": [{"deployment": "d", "accurracy": 0.5}]}""", "not a base-models file")]
    [InlineData("""{"baseModels": [""", "not a base-models file")]
    public void BadBaseModelsFile_IsOneErrorNamingTheFileAndField(string json, string expected)
    {
        using var dir = new TempRoot();
        dir.Write("v.jsonl", TempRoot.Row + "\n");
        dir.Write("models.json", json);

        var error = Assert.Throws<InvalidDataException>(() => BaseModelScenario.Load(Path.Combine(dir.Path, "models.json")));

        Assert.StartsWith(Path.Combine(dir.Path, "models.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeOrDeepBaseModelsFile_IsRefusedQuickly()
    {
        using var dir = new TempRoot();
        dir.Write("big.json", "{\"baseModels\":[" + new string(' ', BaseModelScenario.MaxFileBytes) + "]}");
        dir.Write("deep.json", "{\"baseModels\":[{\"answer\":" + new string('[', 10_000) + new string(']', 10_000) + "}]}");
        var clock = Stopwatch.StartNew();

        var big = Assert.Throws<InvalidDataException>(() => BaseModelScenario.Load(Path.Combine(dir.Path, "big.json")));
        var deep = Assert.Throws<InvalidDataException>(() => BaseModelScenario.Load(Path.Combine(dir.Path, "deep.json")));

        Assert.Contains("larger than 1024 KiB", big.Message, StringComparison.Ordinal);
        Assert.Contains("not a base-models file", deep.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task EmulatorCommand_BadBaseModelsFile_ExitsTwoNamingTheOption()
    {
        using var dir = new TempRoot();
        dir.Write("models.json", """{"baseModels": []}""");

        var (_, stderr, exit) = await CliRunner.Rft("emulator", "--base-models", Path.Combine(dir.Path, "models.json"));

        Assert.Equal(2, exit);
        Assert.Contains("error: --base-models ", stderr, StringComparison.Ordinal);
        Assert.Contains("'baseModels' must be a non-empty array", stderr, StringComparison.Ordinal);
    }
}
