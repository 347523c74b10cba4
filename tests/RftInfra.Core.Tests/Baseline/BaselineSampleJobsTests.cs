using System.Text.Json.Nodes;
using RftInfra.Core.Tests.Validation;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Emulator;
using RftInfra.Graders.Evaluation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>`rft baseline` on the other sample jobs: structured output (output_json) and a multi grader's sub-graders.</summary>
public sealed class BaselineSampleJobsTests
{
    private static List<JsonObject> Rows(string file)
    {
        var diagnostics = new List<Diagnostic>();
        var rows = GradeInputs.ReadJsonl(Path.Combine(RepoRoot, file), file, diagnostics)!.Select(l => (JsonObject)l.Value!).ToList();
        Assert.Empty(diagnostics);
        return rows;
    }

    private static async Task<JsonNode> Run(string job, BaseModelDeployment model)
    {
        await using var emulator = await BaselineCommandTests.TestEmulatorWith(model);
        using var output = new TempRoot();
        var (stdout, stderr, exit) = await CliRunner.Rft("baseline", job, "--root", RepoRoot, "--endpoint", emulator.Server.BaseUrl.ToString(),
            "--deployment", model.Deployment, "--format", "json", "--out", Path.Combine(output.Path, "b.json"));
        Assert.True(exit == 0, stderr);
        return JsonNode.Parse(stdout)!;
    }

    [Fact]
    public async Task InvoiceExtract_JsonAnswersAreGradedThroughOutputJson()
    {
        var answer = JsonNode.Parse("""{"total": "{{item.expected_total}}", "currency": "{{item.expected_currency}}"}""")!;
        var json = await Run("jobs/invoice-extract.yaml", new BaseModelDeployment("invoice-base", Rows("data/invoice-valid.jsonl"), answer, 1));

        var declared = json["variants"]![0]!;
        Assert.Equal(1.0, declared["mean"]!.GetValue<double>());
        Assert.Equal(6, declared["count"]!.GetValue<int>());
        // reasoning_effort medium in the job: 256 reasoning tokens per answer.
        Assert.Equal(6 * 256, declared["tokens"]!["reasoning"]!.GetValue<long>());
    }

    [Fact]
    public async Task SupportSummary_ReportsPerSubGraderMeans()
    {
        var json = await Run("jobs/support-summary.yaml",
            new BaseModelDeployment("summary-base", Rows("data/summary-valid.jsonl"), JsonValue.Create("{{item.reference_summary}}"), 1));

        var declared = json["variants"]![0]!;
        var subGraders = declared["subGraders"]!.AsObject();
        Assert.Equal(["names_product", "similarity"], subGraders.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(1.0, subGraders["similarity"]!.GetValue<double>()); // the reference itself: ROUGE-L 1
        Assert.InRange(subGraders["names_product"]!.GetValue<double>(), 0, 1);
        Assert.Equal(0.3 * subGraders["names_product"]!.GetValue<double>() + 0.7, declared["mean"]!.GetValue<double>(), 6);
    }
}
