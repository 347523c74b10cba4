using System.Text.Json.Nodes;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

public class GraderEngineTests
{
    private static JsonObject Item(string json = """{"reference_answer": "Paris", "n": 42.5, "ok": true, "tags": ["a", "b"], "nested": {"x": 1}}""") =>
        (JsonObject)JsonNode.Parse(json)!;

    private static Grader StringCheck(string input, string reference, string operation) =>
        GraderJson.Parse(new JsonObject
        {
            ["type"] = "string_check",
            ["name"] = "check",
            ["input"] = input,
            ["reference"] = reference,
            ["operation"] = operation,
        }.ToJsonString());

    private static async Task<GradeResult> Grade(Grader grader, JsonObject sample, JsonObject? item = null)
    {
        await using var engine = new GraderEngine();
        return await engine.GradeAsync(grader, item ?? Item(), sample);
    }

    [Theory]
    [InlineData("eq", "Paris", "Paris", 1)]
    [InlineData("eq", "paris", "Paris", 0)]
    [InlineData("eq", "Paris ", "Paris", 0)]
    [InlineData("ne", "Lyon", "Paris", 1)]
    [InlineData("ne", "Paris", "Paris", 0)]
    [InlineData("like", "It is Paris.", "Paris", 1)]
    [InlineData("like", "It is paris.", "Paris", 0)]
    [InlineData("ilike", "It is PARIS.", "Paris", 1)]
    [InlineData("ilike", "It is Lyon.", "Paris", 0)]
    [InlineData("like", "anything", "", 1)]
    public async Task StringCheck_Operations_ScoreOneOrZero(string operation, string output, string reference, double expected)
    {
        var result = await Grade(StringCheck("{{sample.output_text}}", reference, operation), GraderSample.FromText(output));
        Assert.Equal(expected, result.Reward);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task StringCheck_UnknownOperation_IsOtherError()
    {
        var result = await Grade(StringCheck("{{sample.output_text}}", "x", "contains"), GraderSample.FromText("x"));
        Assert.Equal(0, result.Reward);
        Assert.Equal(GraderErrorKinds.Other, Assert.Single(result.Errors).Kind);
        Assert.Contains("'contains'", result.Errors[0].Message);
    }

    [Fact]
    public async Task Template_UnresolvableVariable_ScoresZeroAsInvalidVariable()
    {
        var result = await Grade(StringCheck("{{sample.output_text}}", "{{item.capital}}", "eq"), GraderSample.FromText("Paris"));
        Assert.Equal(0, result.Reward);
        var error = Assert.Single(result.Errors);
        Assert.Equal(GraderErrorKinds.InvalidVariable, error.Kind);
        Assert.Contains("{{item.capital}}", error.Message);
        Assert.Contains("reference", error.Message);
    }

    [Fact]
    public async Task Template_OutputJsonOnlyWhenTheOutputParses()
    {
        var grader = StringCheck("{{sample.output_json.city}}", "{{item.reference_answer}}", "eq");
        Assert.Equal(1, (await Grade(grader, GraderSample.FromText("""{"city": "Paris"}"""))).Reward);
        var prose = await Grade(grader, GraderSample.FromText("The city is Paris"));
        Assert.Equal(0, prose.Reward);
        Assert.Equal(GraderErrorKinds.InvalidVariable, Assert.Single(prose.Errors).Kind);
    }

    [Theory]
    [InlineData("{{item.n}}", "42.5")]
    [InlineData("{{item.ok}}", "true")]
    [InlineData("{{item.tags}}", """["a","b"]""")]
    [InlineData("{{item.tags[1]}}", "b")]
    [InlineData("{{item.nested}}", """{"x":1}""")]
    [InlineData("{{ item.reference_answer }}!", "Paris!")]
    [InlineData("{{item[\"reference_answer\"]}}", "Paris")]
    public void Template_NonStringValues_RenderAsCompactJson(string template, string expected)
    {
        var rendered = TemplateRenderer.Render(template, Item(), GraderSample.FromText("x"));
        Assert.True(rendered.IsValid);
        Assert.Equal(expected, rendered.Text);
    }

    [Fact]
    public void Sample_ToolCallsAndChoices_FollowChatCompletions()
    {
        var tools = (JsonArray)JsonNode.Parse("""[{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"x\"}"}}]""")!;
        var sample = GraderSample.FromText("", tools);
        Assert.Equal("lookup", TemplateRenderer.Render("{{sample.output_tools[0].function.name}}", Item(), sample).Text);
        Assert.Equal("tool_calls", TemplateRenderer.Render("{{sample.choices[0].finish_reason}}", Item(), sample).Text);
        Assert.Equal("call_1", TemplateRenderer.Render("{{sample.choices[0].message.tool_calls[0].id}}", Item(), sample).Text);
        Assert.False(sample.ContainsKey("output_json"));
    }

    [Fact]
    public void Sample_FromValue_StringIsTextObjectIsJson()
    {
        var text = GraderSample.FromValue(JsonValue.Create("Paris"));
        Assert.Equal("Paris", text["output_text"]!.GetValue<string>());
        Assert.False(text.ContainsKey("output_json"));

        var json = GraderSample.FromValue(JsonNode.Parse("""{"total": "37.60"}"""));
        Assert.Equal("""{"total":"37.60"}""", json["output_text"]!.GetValue<string>());
        Assert.Equal("37.60", json["output_json"]!["total"]!.GetValue<string>());

        var full = GraderSample.FromValue(JsonNode.Parse("""{"output_text": "hi", "output_tools": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}"""));
        Assert.Equal("hi", full["output_text"]!.GetValue<string>());
        Assert.Equal("f", full["output_tools"]![0]!["function"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("The Aurora X2 router loses Wi-Fi every evening even after restarts and a firmware update.", 28.0 / 33, true)]
    [InlineData("Aurora X2 router", 0.3, false)]
    [InlineData("The customer's Aurora X2 router loses Wi-Fi every evening despite restarts and a firmware update.", 1.0, true)]
    [InlineData("", 0.0, false)]
    public async Task TextSimilarity_RewardIsTheScore_PassThresholdOnlyFlagsPass(string output, double expected, bool passed)
    {
        // ROUGE-L F1 by hand: the reference has 17 tokens (rouge-score lower-cases and splits on non-alphanumerics);
        // the paraphrase has 16 with an LCS of 14 → 2·14·14 / (16·17) ÷ (14/16 + 14/17) = 28/33.
        var grader = GraderJson.Parse("""
            {"type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "{{item.summary}}",
             "evaluation_metric": "rouge_l", "pass_threshold": 0.8}
            """);
        var item = new JsonObject { ["summary"] = "The customer's Aurora X2 router loses Wi-Fi every evening despite restarts and a firmware update." };
        var result = await Grade(grader, GraderSample.FromText(output), item);
        Assert.Equal(expected, result.Reward!.Value, 12);
        Assert.Equal(passed, result.Passed);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task TextSimilarity_WithoutThreshold_HasNoPassFlag()
    {
        var grader = GraderJson.Parse("""{"type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "a b c d", "evaluation_metric": "rouge_1"}""");
        var result = await Grade(grader, GraderSample.FromText("a b"));
        Assert.Equal(2.0 / 3, result.Reward!.Value, 12); // P = 1, R = 1/2 → F1 = 2/3
        Assert.Null(result.Passed);
    }

    [Fact]
    public async Task TextSimilarity_Cosine_IsNotScoredOffline()
    {
        var grader = GraderJson.Parse("""{"type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "{{item.reference_answer}}", "evaluation_metric": "cosine"}""");
        var result = await Grade(grader, GraderSample.FromText("Paris"));
        Assert.Null(result.Reward);
        Assert.Contains("not computed offline", result.NotScoredReason);
    }

    [Fact]
    public async Task TextSimilarity_UnknownMetric_IsOtherError()
    {
        var grader = GraderJson.Parse("""{"type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "x", "evaluation_metric": "bleurt"}""");
        var result = await Grade(grader, GraderSample.FromText("Paris"));
        Assert.Equal(0, result.Reward);
        Assert.Contains("'bleurt'", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public async Task Endpoint_IsNotScoredOffline()
    {
        var grader = GraderJson.Parse("""{"type": "endpoint", "name": "ep", "url": "https://example.invalid/grade"}""");
        var result = await Grade(grader, GraderSample.FromText("x"));
        Assert.Null(result.Reward);
        Assert.Contains("endpoint grader", result.NotScoredReason);
    }

    [Fact]
    public async Task Multi_CombinesSubRewardsByName()
    {
        var grader = GraderJson.Parse("""
            {"type": "multi", "name": "m", "calculate_output": "0.25 * exact + 0.75 * contains",
             "graders": {
               "exact": {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}", "reference": "{{item.reference_answer}}", "operation": "eq"},
               "contains": {"type": "string_check", "name": "contains", "input": "{{sample.output_text}}", "reference": "{{item.reference_answer}}", "operation": "ilike"}}}
            """);
        var result = await Grade(grader, GraderSample.FromText("It is paris"));
        Assert.Equal(0.75, result.Reward);
        Assert.Equal([new("exact", 0), new("contains", 1)], result.SubRewards);
    }

    [Fact]
    public async Task Multi_FormulaError_ScoresZeroAsFormulaParseError()
    {
        var grader = GraderJson.Parse("""
            {"type": "multi", "name": "m", "calculate_output": "0.5 * exact + 0.5 * fuzzy",
             "graders": {"exact": {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}", "reference": "a", "operation": "eq"}}}
            """);
        var result = await Grade(grader, GraderSample.FromText("a"));
        Assert.Equal(0, result.Reward);
        var error = Assert.Single(result.Errors);
        Assert.Equal(GraderErrorKinds.FormulaParse, error.Kind);
        Assert.Contains("column 21", error.Message);
        Assert.Contains("unknown name 'fuzzy'", error.Message);
    }

    [Fact]
    public async Task Multi_DivisionByZero_IsOtherErrorScoredZero()
    {
        var grader = GraderJson.Parse("""
            {"type": "multi", "name": "m", "calculate_output": "1 / exact",
             "graders": {"exact": {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}", "reference": "a", "operation": "eq"}}}
            """);
        var result = await Grade(grader, GraderSample.FromText("b"));
        Assert.Equal(0, result.Reward);
        Assert.Equal(GraderErrorKinds.Other, Assert.Single(result.Errors).Kind);
    }

    [Fact]
    public async Task Multi_WithUnscoredChild_IsNotScoredButKeepsOtherSubRewards()
    {
        var grader = GraderJson.Parse("""
            {"type": "multi", "name": "m", "calculate_output": "a + b",
             "graders": {
               "a": {"type": "string_check", "name": "a", "input": "{{sample.output_text}}", "reference": "x", "operation": "eq"},
               "b": {"type": "text_similarity", "name": "b", "input": "{{sample.output_text}}", "reference": "x", "evaluation_metric": "cosine"}}}
            """);
        var result = await Grade(grader, GraderSample.FromText("x"));
        Assert.Null(result.Reward);
        Assert.Equal(1, result.SubRewards[0].Value);
        Assert.Null(result.SubRewards[1].Value);
        Assert.StartsWith("b: ", result.NotScoredReason);
    }

    [Fact]
    public async Task UnknownType_IsOtherError()
    {
        var result = await Grade(GraderJson.Parse("""{"type": "regex", "name": "r"}"""), GraderSample.FromText("x"));
        Assert.Equal(0, result.Reward);
        Assert.Contains("'regex'", Assert.Single(result.Errors).Message);
    }
}
