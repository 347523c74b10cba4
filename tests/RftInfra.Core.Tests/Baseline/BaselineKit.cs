using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Cli.Commands;
using RftInfra.Core.Tests.Emulator;
using RftInfra.Core.Tests.Validation;
using RftInfra.Emulator;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>Emulators with base-model deployments, and a generated capital-style checkout of many rows.</summary>
internal static class BaselineKit
{
    /// <summary>The emulator with the repository's data/emulator-base-models.json (the key is the test emulator's).</summary>
    public static async Task<TestEmulator> SampleEmulatorAsync(Func<EmulatorOptions, EmulatorOptions>? configure = null)
    {
        var models = BaseModelScenario.Load(Path.Combine(RepoRoot, "data", "emulator-base-models.json"));
        var emulator = await TestEmulator.StartAsync(o => (configure?.Invoke(o) ?? o) with { BaseModels = models });
        // The key travels in the environment, as for `rft grade --endpoint`; every test emulator has the same key.
        Environment.SetEnvironmentVariable(GradeCommand.ApiKeyVariable, emulator.Server.ApiKey);
        return emulator;
    }

    /// <summary>
    /// A checkout with jobs/quiz.yaml over <paramref name="rows"/> generated validation rows, graded by string_check
    /// against reference_answer, with variants "a", "b" (marker text in their prompts), and the emulator's
    /// deployment "quiz-model" answering declared/a/b right at the given accuracies.
    /// </summary>
    public static (TempRoot Dir, BaseModelDeployment Model) QuizCheckout(int rows, double declared, double a, double b, string extraJob = "")
    {
        var dir = new TempRoot();
        var train = new StringBuilder();
        var valid = new StringBuilder();
        var items = new List<JsonObject>();
        for (var i = 0; i < rows; i++)
        {
            var row = new JsonObject
            {
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "developer", ["content"] = "Answer with one word." },
                    new JsonObject { ["role"] = "user", ["content"] = $"What is the code word of item {i}?" }),
                ["reference_answer"] = $"word{i.ToString(CultureInfo.InvariantCulture)}",
            };
            items.Add(row);
            valid.Append(row.ToJsonString()).Append('\n');
            var trainRow = (JsonObject)row.DeepClone();
            trainRow["messages"]![1]!["content"] = $"Which code word belongs to training item {i}?";
            train.Append(trainRow.ToJsonString()).Append('\n');
        }

        dir.Write("data/quiz-valid.jsonl", valid.ToString());
        dir.Write("data/quiz-train.jsonl", train.ToString());
        dir.Write("graders/quiz-match.json",
            """{"type": "string_check", "name": "quiz-match", "input": "{{sample.output_text}}", "reference": "{{item.reference_answer}}", "operation": "eq"}""");
        dir.Write("jobs/quiz.yaml", $"""
            name: quiz
            model: o4-mini
            training_file: data/quiz-train.jsonl
            validation_file: data/quiz-valid.jsonl
            grader: quiz-match
            training_type: globalstandard
            region: swedencentral
            hyperparameters:
              reasoning_effort: low
            baseline:
              deployment: quiz-model
              rows: 100
              variants:
                - name: a
                  prompt: "Variant A: say the code word."
                - name: b
                  prompt: "Variant B: say the code word."
            {extraJob}
            """);
        var model = new BaseModelDeployment("quiz-model", items, JsonValue.Create("{{item.reference_answer}}"), declared, seed: 11,
            [new PromptAccuracy("Variant A", a), new PromptAccuracy("Variant B", b)]);
        return (dir, model);
    }

    /// <summary>Three standard errors of a mean of n Bernoulli(p) draws: "within sampling error".</summary>
    public static double SamplingError(double p, int n) => 3 * Math.Sqrt(p * (1 - p) / n);
}
