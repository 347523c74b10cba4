using System.Text.Json.Nodes;
using Azure;
using RftInfra.AzureOpenAI;
using RftInfra.Lifecycles;
using RftInfra.Core.Tests.Azure;

namespace RftInfra.Core.Tests.Lifecycles;

/// <summary>Check runs the `rft validate` checks and never calls the service (the transport records any call).</summary>
public class LifecycleCheckTests
{
    private readonly ScriptedHandler _transport = new();
    private readonly FineTuningClient _client;

    public LifecycleCheckTests() =>
        _client = new FineTuningClient(new Uri("https://res.openai.azure.com/"), new AzureKeyCredential("k"), new FineTuningClientOptions { Transport = _transport });

    private static JsonObject Grader(string operation) => new()
    {
        ["type"] = "string_check", ["name"] = "g", ["input"] = "{{sample.output_text}}", ["reference"] = "{{item.reference_answer}}", ["operation"] = operation,
    };

    [Fact]
    public async Task GraderCheck_ReportsTheValidatorFindings()
    {
        var lifecycle = new GraderLifecycle(_client);
        var good = await lifecycle.CheckAsync([], new JsonObject { ["grader"] = Grader("eq"), ["sourceFile"] = "graders/g.json" });
        Assert.True(good.IsValid, string.Join("; ", good.Diagnostics));

        var bad = await lifecycle.CheckAsync([], new JsonObject { ["grader"] = Grader("contains"), ["sourceFile"] = "graders/g.json" });
        Assert.False(bad.IsValid);
        var finding = Assert.Single(bad.Diagnostics, d => d.IsError);
        Assert.Equal("graders/g.json", finding.File);
        Assert.Contains("contains", finding.ToString());

        var missing = await lifecycle.CheckAsync([], []);
        Assert.Equal("RFT901", Assert.Single(missing.Diagnostics).Code);
        Assert.Empty(_transport.Requests);
    }

    [Fact]
    public async Task JobCheck_RunsTheJobChecksOnTheDeclarationAndTheInputChecks()
    {
        var lifecycle = new FineTuningJobLifecycle(_client);
        var declaration = new JsonObject
        {
            ["name"] = "capital-qa", ["model"] = "o4-mini-2025-04-16", ["training_file"] = "data/t.jsonl", ["validation_file"] = "data/v.jsonl",
            ["grader"] = Grader("eq"), ["training_type"] = "globalstandard", ["region"] = "swedencentral",
            ["hyperparameters"] = new JsonObject { ["eval_samples"] = 2 },
        };
        var inputs = new JsonObject
        {
            ["model"] = "o4-mini-2025-04-16", ["trainingFileId"] = "file-t", ["validationFileId"] = "file-v", ["grader"] = Grader("eq"),
            ["declaration"] = declaration, ["sourceFile"] = "jobs/capital-qa.yaml",
        };
        var good = await lifecycle.CheckAsync([], inputs);
        Assert.True(good.IsValid, string.Join("; ", good.Diagnostics));

        declaration["hyperparameters"]!["n_epohcs"] = 3;
        inputs.Remove("validationFileId");
        var bad = await lifecycle.CheckAsync([], inputs);
        Assert.Contains(bad.Diagnostics, d => d.IsError && d.File == "jobs/capital-qa.yaml" && d.Message.Contains("n_epohcs"));
        Assert.Contains(bad.Diagnostics, d => d.Code == "RFT901" && d.Message.Contains("validationFileId"));
        Assert.Empty(_transport.Requests);
    }
}
