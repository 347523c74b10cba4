using System.Collections.Immutable;
using RftInfra.Stacks;

namespace RftInfra.Core.Tests.Stacks;

public class FineTunedDeploymentDecisionTests
{
    private static JobRecord Record(string? status, string? model = null, string? deployed = null) =>
        new("capital-qa", "ftjob-1", status, model, deployed);

    [Fact]
    public void Decide_SucceededWithModel_DeploysIt()
    {
        var decision = FineTunedDeploymentDecision.Decide(Record("succeeded", "o4-mini.ft-1"), deployEnabled: true);

        Assert.True(decision.Deploy);
        Assert.Equal("o4-mini.ft-1", decision.Model);
        Assert.Contains("ftjob-1 succeeded", decision.Reason);
    }

    [Theory]
    [InlineData("running")]
    [InlineData("pending")]
    [InlineData("validating_files")]
    [InlineData("paused")]
    [InlineData("failed")]
    [InlineData("cancelled")]
    [InlineData(null)]
    public void Decide_NotSucceeded_DeploysNothing(string? status)
    {
        var decision = FineTunedDeploymentDecision.Decide(Record(status, model: "o4-mini.ft-partial"), deployEnabled: true);

        Assert.False(decision.Deploy);
        Assert.Contains("nothing to deploy", decision.Reason);
    }

    [Fact]
    public void Decide_SucceededWithoutModel_DeploysNothing()
    {
        var decision = FineTunedDeploymentDecision.Decide(Record("Succeeded"), deployEnabled: true);

        Assert.False(decision.Deploy);
        Assert.Contains("no fine-tuned model", decision.Reason);
    }

    [Fact]
    public void Decide_StatusIsCaseInsensitive() =>
        Assert.True(FineTunedDeploymentDecision.Decide(Record("SUCCEEDED", "m"), deployEnabled: true).Deploy);

    [Fact]
    public void Decide_FirstRun_DeploysNothing()
    {
        var decision = FineTunedDeploymentDecision.Decide(null, deployEnabled: true);

        Assert.False(decision.Deploy);
        Assert.Contains("no job state recorded", decision.Reason);
    }

    [Fact]
    public void Decide_RetrainingAfterADeployment_KeepsTheDeployedModel()
    {
        var decision = FineTunedDeploymentDecision.Decide(Record("running", deployed: "o4-mini.ft-old"), deployEnabled: true);

        Assert.Equal("o4-mini.ft-old", decision.Model);
        Assert.Contains("keeping the previously deployed model", decision.Reason);
    }

    [Fact]
    public void Decide_DeployDisabled_DeploysNothingEvenWhenSucceeded() =>
        Assert.False(FineTunedDeploymentDecision.Decide(Record("succeeded", "m", "m"), deployEnabled: false).Deploy);

    [Fact]
    public void JobRecords_ReadThePreviousJobsOutput_FromPlainPulumiValues()
    {
        // The shape StackReference.GetValueAsync hands back: immutable dictionaries, strings, doubles.
        var output = ImmutableDictionary<string, object>.Empty
            .Add("capital-qa", ImmutableDictionary<string, object>.Empty
                .Add("id", "ftjob-1").Add("status", "succeeded").Add("fineTunedModel", "o4-mini.ft-1")
                .Add("latestMetrics", ImmutableDictionary<string, object>.Empty.Add("step", 12.0)))
            .Add("math-judge", ImmutableDictionary<string, object>.Empty.Add("status", "running").Add("deployedModel", "o4-mini.ft-0"))
            .Add("broken", "not an object");

        var records = JobRecords.FromStackOutput(PlainValues.ToJsonNode(output));

        Assert.Equal(new JobRecord("capital-qa", "ftjob-1", "succeeded", "o4-mini.ft-1", null), records["capital-qa"]);
        Assert.Equal(new JobRecord("math-judge", null, "running", null, "o4-mini.ft-0"), records["math-judge"]);
        Assert.False(records.ContainsKey("broken"));
    }

    [Fact]
    public void JobRecords_NothingRecorded_IsEmpty()
    {
        Assert.Empty(JobRecords.FromStackOutput(null));
        Assert.Empty(JobRecords.FromStackOutput(PlainValues.ToJsonNode("text")));
    }
}
