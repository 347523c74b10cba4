using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Graders.Evaluation;
using RftInfra.Validation.Baseline;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>The best-practice advice that needs only the job, its grader and rows.</summary>
public sealed class BaselineAdviceTests
{
    private static (JobDeclaration Job, RftInfra.Graders.Grader Grader, List<JsonObject> Rows) MathJudge(string? stage = null)
    {
        var json = DeclarationReader.ReadFile(Path.Combine(RepoRoot, "jobs/math-judge.yaml"), "jobs/math-judge.yaml").Object!;
        if (stage is not null)
        {
            json["stage"] = stage;
        }

        var diagnostics = new List<Diagnostic>();
        var grader = GradeInputs.ReadGrader(Path.Combine(RepoRoot, "graders/math-judge.json"), "graders/math-judge.json", diagnostics)!;
        var rows = GradeInputs.ReadJsonl(Path.Combine(RepoRoot, "data/math-valid.jsonl"), "data/math-valid.jsonl", diagnostics)!
            .Select(l => (JsonObject)l.Value!).ToList();
        Assert.Empty(diagnostics);
        return (JobDeclaration.FromJson(json), grader, rows);
    }

    [Fact]
    public void ModelGraderOverShortExactReferences_IsRft810NamingOnlyTheShortField()
    {
        var (job, grader, rows) = MathJudge();

        var finding = Assert.Single(BaselineAdvice.ForJob("jobs/math-judge.yaml", job, grader, rows));

        Assert.Equal("RFT810", finding.Code);
        Assert.Equal(DiagnosticSeverity.Warning, finding.Severity);
        Assert.Contains("grader 'math-judge' asks gpt-4.1-mini to compare against {{item.answer}}, which is a short exact value", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("item.problem", finding.Message, StringComparison.Ordinal);
        Assert.Contains("string_check", finding.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LongReferences_GiveNoRft810()
    {
        var (job, grader, rows) = MathJudge();
        rows[0]["answer"] = "the answer is forty two of them";

        Assert.DoesNotContain(BaselineAdvice.ForJob("jobs/math-judge.yaml", job, grader, rows), d => d.Code == "RFT810");
    }

    [Theory]
    [InlineData("iterate", true)]
    [InlineData("stabilize", false)]
    [InlineData("production", true)]
    public void Ladder_IsStatedOnlyWhenTheGraderModelDoesNotFitTheStage(string stage, bool expected)
    {
        var (job, grader, _) = MathJudge(stage);

        var ladder = BaselineAdvice.ForJob("jobs/math-judge.yaml", job, grader, []).Where(d => d.Code == "RFT811").ToList();

        Assert.Equal(expected ? 1 : 0, ladder.Count);
        if (expected)
        {
            Assert.Contains($"the job's stage is '{stage}' but grader 'math-judge' uses gpt-4.1-mini; the ladder suggests {BaselineAdvice.Ladder[stage]}",
                ladder[0].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Sample_SameSeedSameRows_OtherSeedOtherRows_KeptInFileOrder()
    {
        var rows = Enumerable.Range(1, 500).Select(i => new BaselineRow(i, new JsonObject())).ToList();

        var a = BaselinePlan.Sample(rows, 50, 1).Select(r => r.Line).ToList();
        var again = BaselinePlan.Sample(rows, 50, 1).Select(r => r.Line).ToList();
        var other = BaselinePlan.Sample(rows, 50, 2).Select(r => r.Line).ToList();

        Assert.Equal(a, again);
        Assert.Equal(50, a.Distinct().Count());
        Assert.Equal(a.Order(), a);
        Assert.NotEqual(a, other);
        Assert.Equal(6, BaselinePlan.Sample(rows.Take(6).ToList(), 50, 1).Count);
    }
}
