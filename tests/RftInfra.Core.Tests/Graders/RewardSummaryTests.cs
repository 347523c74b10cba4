using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

public class RewardSummaryTests
{
    private static readonly Grader StringCheck = GraderJson.Parse(
        """{"type": "string_check", "name": "c", "input": "{{sample.output_text}}", "reference": "x", "operation": "eq"}""");

    private static RewardSummary Summarize(Grader grader, params double[] rewards) =>
        RewardSummary.Compute(grader, rewards.Select(r => GradeResult.Score(r)).ToList());

    [Fact]
    public void Statistics_AreHandChecked()
    {
        var s = Summarize(StringCheck, 0, 0, 1, 1, 1, 0, 1, 0);
        Assert.Equal(8, s.Count);
        Assert.Equal(0.5, s.Mean);
        Assert.Equal(0.5, s.Std); // population std of four 0s and four 1s
        Assert.Equal(0, s.Min);
        Assert.Equal(1, s.Max);
        Assert.Equal(0.5, s.ZeroShare);
        Assert.Equal(0.5, s.MaxShare);
        Assert.Equal(0.5, s.PassShare);
        Assert.Equal(4, s.Histogram[0].Count);
        Assert.Equal(4, s.Histogram[9].Count);
        Assert.Equal(0.3, s.Histogram[3].Low); // rounded edge, not 0.30000000000000004
        Assert.Empty(s.Warnings);
    }

    [Fact]
    public void Histogram_PutsEachRewardInItsBinAndTheMaximumInTheLast()
    {
        var s = Summarize(StringCheck, 0.05, 0.1, 0.15, 0.55, 1);
        Assert.Equal([1, 2, 0, 0, 0, 1, 0, 0, 0, 1], s.Histogram.Select(b => b.Count));
    }

    [Fact]
    public void Sparse_WhenAlmostAllZero()
    {
        var s = Summarize(StringCheck, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        var warning = Assert.Single(s.Warnings);
        Assert.Equal("sparse", warning.Kind);
        Assert.Contains("90 % of rows score 0", warning.Message);
        Assert.Contains("25–50 % failures", warning.Message);
    }

    [Fact]
    public void Saturated_WhenMoreThanNinetyPercentPass()
    {
        var s = Summarize(StringCheck, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0);
        var warning = Assert.Single(s.Warnings);
        Assert.Equal("saturated", warning.Kind);
        Assert.Contains("91.7 % of outputs already pass", warning.Message);
        Assert.Contains("25–50 % failures", warning.Message);
    }

    [Fact]
    public void Uniform_WhenAlmostAllTheSameValue()
    {
        var grader = GraderJson.Parse("""{"type": "python", "name": "p", "source": ""}""");
        var s = Summarize(grader, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.9);
        var warning = Assert.Single(s.Warnings);
        Assert.Equal("uniform", warning.Kind);
        Assert.Contains("90 % of rows score 0.4", warning.Message);
    }

    [Fact]
    public void PassThreshold_AndScoreModelRange_DefineThePassShareAndScale()
    {
        var grader = GraderJson.Parse("""{"type": "score_model", "name": "j", "model": "m", "input": [], "range": [0, 5], "pass_threshold": 3}""");
        var s = Summarize(grader, 1, 2, 3, 4, 5);
        Assert.Equal(0.6, s.PassShare, 12);
        Assert.Equal(0.2, s.MaxShare, 12);
        Assert.Equal(5, s.ScaleMax);
        Assert.Equal(0.5, s.Histogram[0].High);
    }

    [Fact]
    public void FewRows_RaiseNoWarnings()
    {
        Assert.Empty(Summarize(StringCheck, 0, 0, 0).Warnings);
    }

    [Fact]
    public void SubGraderMeans_ErrorsAndUnscoredRows_AreCounted()
    {
        var results = new List<GradeResult>
        {
            new(1, [new("a", 1), new("b", 0.5)], [], []),
            new(0, [new("a", 0), new("b", 0)], [new GradeError(GraderErrorKinds.InvalidVariable, "b", "x")], []),
            GradeResult.NotScored("needs a model endpoint"),
        };
        var s = RewardSummary.Compute(StringCheck, results);
        Assert.Equal(3, s.Count);
        Assert.Equal(2, s.Scored);
        Assert.Equal([new("a", 0.5), new("b", 0.25)], s.SubGraderMeans);
        Assert.Equal([new(GraderErrorKinds.InvalidVariable, 1)], s.ErrorCounts);
        Assert.Equal([new("needs a model endpoint", 1)], s.NotScoredReasons);
    }
}
