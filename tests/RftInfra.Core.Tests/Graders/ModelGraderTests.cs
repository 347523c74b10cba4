using System.Text.Json.Nodes;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

public class ModelGraderTests
{
    private const string ScoreModel = """
        {"type": "score_model", "name": "judge", "model": "gpt-4.1-mini", "range": [0, 5], "pass_threshold": 3,
         "sampling_params": {"seed": 42},
         "input": [{"role": "developer", "content": "Grade it."},
                   {"role": "user", "content": "Reference: {{item.answer}}\nStudent: {{sample.output_text}}"}]}
        """;

    private const string LabelModel = """
        {"type": "label_model", "name": "tone", "model": "gpt-4o-2024-08-06", "labels": ["polite", "rude", "neutral"],
         "passing_labels": ["polite", "neutral"],
         "input": [{"role": "user", "content": "Classify: {{sample.output_text}}"}]}
        """;

    private static readonly JsonObject Item = new() { ["answer"] = "72" };

    /// <summary>Answers with a fixed response and records the requests.</summary>
    private sealed class FakeClient(string content, string? refusal = null, Exception? failure = null) : IModelGraderClient
    {
        public List<ModelGraderRequest> Requests { get; } = [];

        public Task<ModelGraderResponse> CompleteAsync(ModelGraderRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return failure is null
                ? Task.FromResult(new ModelGraderResponse(content, refusal, 10, 5))
                : Task.FromException<ModelGraderResponse>(failure);
        }
    }

    private static async Task<GradeResult> Grade(string grader, IModelGraderClient? client, string output = "Answer: 72")
    {
        await using var engine = new GraderEngine(new GraderEngineOptions { ModelClient = client });
        return await engine.GradeAsync(GraderJson.Parse(grader), Item, GraderSample.FromText(output));
    }

    [Fact]
    public async Task ScoreModel_WithoutClient_RendersPromptAndNeedsEndpoint()
    {
        var result = await Grade(ScoreModel, null);
        Assert.Null(result.Reward);
        Assert.StartsWith("needs a model endpoint", result.NotScoredReason);
        var prompt = Assert.Single(result.Prompts);
        Assert.Equal("gpt-4.1-mini", prompt.Model);
        Assert.Equal(new GraderMessage("user", "Reference: 72\nStudent: Answer: 72"), prompt.Messages[1]);
    }

    [Theory]
    [InlineData("""{"steps": [], "result": 4}""", 4, true)]
    [InlineData("""{"steps": [], "result": 2.5}""", 2.5, false)]
    [InlineData("""{"steps": [], "result": 7}""", 5, true)] // clipped to the range
    [InlineData("""{"steps": [], "result": -1}""", 0, false)]
    public async Task ScoreModel_ParsesAndClipsToRange(string answer, double reward, bool passed)
    {
        var client = new FakeClient(answer);
        var result = await Grade(ScoreModel, client);
        Assert.Equal(reward, result.Reward);
        Assert.Equal(passed, result.Passed);
        var request = Assert.Single(client.Requests);
        Assert.Equal("gpt-4.1-mini", request.Model);
        Assert.Equal(42, request.SamplingParams!["seed"]!.GetValue<int>());
        Assert.Equal("json_schema", request.ResponseFormat["type"]!.GetValue<string>());
        Assert.Equal("number", request.ResponseFormat["json_schema"]!["schema"]!["properties"]!["result"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"steps": [], "result": "four"}""")]
    [InlineData("""I'd give it a 4.""")]
    [InlineData("""{"steps": []}""")]
    public async Task ScoreModel_NonNumericAnswer_IsParseErrorScoredZero(string answer)
    {
        var result = await Grade(ScoreModel, new FakeClient(answer));
        Assert.Equal(0, result.Reward);
        Assert.Equal(GraderErrorKinds.ModelParse, Assert.Single(result.Errors).Kind);
        Assert.Single(result.Prompts);
    }

    [Fact]
    public async Task ScoreModel_Refusal_IsRefusalErrorScoredZero()
    {
        var result = await Grade(ScoreModel, new FakeClient("", "I can't help with that."));
        Assert.Equal(0, result.Reward);
        Assert.Equal(GraderErrorKinds.ModelRefusal, Assert.Single(result.Errors).Kind);
    }

    [Fact]
    public async Task ScoreModel_ClientFailure_IsNotScoredAndNamesTheServerError()
    {
        // A call that failed says nothing about the sample: no made-up 0, and the error stays visible.
        var result = await Grade(ScoreModel, new FakeClient("", failure: new HttpRequestException("503 from the endpoint")));
        Assert.Null(result.Reward);
        var error = Assert.Single(result.Errors);
        Assert.Equal(GraderErrorKinds.ModelServer, error.Kind);
        Assert.Same(error, result.CallFailure);
        Assert.Contains("503", error.Message);
        Assert.StartsWith("the grader model call failed: ", result.NotScoredReason);
    }

    [Fact]
    public async Task ScoreModel_UnresolvedVariable_DoesNotCallTheModel()
    {
        var client = new FakeClient("""{"steps": [], "result": 1}""");
        await using var engine = new GraderEngine(new GraderEngineOptions { ModelClient = client });
        var result = await engine.GradeAsync(GraderJson.Parse(ScoreModel), new JsonObject(), GraderSample.FromText("x"));
        Assert.Equal(0, result.Reward);
        Assert.Equal(GraderErrorKinds.InvalidVariable, Assert.Single(result.Errors).Kind);
        Assert.Contains("input[1].content", result.Errors[0].Message);
        Assert.Empty(client.Requests);
    }

    [Theory]
    [InlineData("polite", 1)]
    [InlineData("neutral", 1)]
    [InlineData("rude", 0)]
    public async Task LabelModel_PassingLabelsScoreOne(string label, double reward)
    {
        var client = new FakeClient($$"""{"steps": [], "result": "{{label}}"}""");
        var result = await Grade(LabelModel, client, "Thanks!");
        Assert.Equal(reward, result.Reward);
        var schema = client.Requests[0].ResponseFormat["json_schema"]!["schema"]!["properties"]!["result"]!;
        Assert.Equal(3, schema["enum"]!.AsArray().Count);
    }

    [Fact]
    public async Task LabelModel_UnknownLabel_IsParseError()
    {
        var result = await Grade(LabelModel, new FakeClient("""{"steps": [], "result": "sarcastic"}"""));
        Assert.Equal(0, result.Reward);
        Assert.Equal(GraderErrorKinds.ModelParse, Assert.Single(result.Errors).Kind);
    }
}
