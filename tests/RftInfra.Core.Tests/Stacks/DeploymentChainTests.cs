using RftInfra.Stacks;

namespace RftInfra.Core.Tests.Stacks;

public class DeploymentChainTests
{
    private static PlannedDeployment FineTuned(string job, string region) =>
        new(PlannedDeploymentKind.FineTuned, region, ResourceNames.FineTunedDeployment(job), $"o4-mini.ft-{job}", "1", "GlobalStandard", 1, job);

    [Fact]
    public void Plan_PutsEvalDeploymentsFirstThenFineTunedByJobName_PerRegion()
    {
        var evals = new[]
        {
            new EvalDeployment("grader", "gpt-4.1-mini", "2025-04-14", "GlobalStandard", 10, null),
            new EvalDeployment("base", "o4-mini", "2025-04-16", "GlobalStandard", 1, "eastus2"),
        };
        var plan = DeploymentChain.Plan(
            ["swedencentral", "eastus2"], evals,
            [FineTuned("math-judge", "eastus2"), FineTuned("capital-qa", "swedencentral"), FineTuned("invoice-extract", "eastus2")]);

        Assert.Empty(plan.Diagnostics);
        Assert.Equal(["grader", "capital-qa-ft"], plan.ByRegion["swedencentral"].Select(d => d.Name));
        Assert.Equal(["grader", "base", "invoice-extract-ft", "math-judge-ft"], plan.ByRegion["eastus2"].Select(d => d.Name));
    }

    [Fact]
    public void WithPrevious_ChainsEachDeploymentToTheOneBefore()
    {
        var chain = DeploymentChain.Plan(["eastus2"], [], [FineTuned("b", "eastus2"), FineTuned("a", "eastus2"), FineTuned("c", "eastus2")])
            .ByRegion["eastus2"];

        var pairs = DeploymentChain.WithPrevious(chain).Select(p => (p.Deployment.Name, p.Previous?.Name)).ToList();

        Assert.Equal([("a-ft", null), ("b-ft", "a-ft"), ("c-ft", "b-ft")], pairs);
    }

    [Fact]
    public void Plan_AddingAJob_KeepsTheOrderOfTheDeploymentsAlreadyThere()
    {
        var before = DeploymentChain.Plan(["eastus2"], [], [FineTuned("b", "eastus2")]).ByRegion["eastus2"];
        var after = DeploymentChain.Plan(["eastus2"], [], [FineTuned("b", "eastus2"), FineTuned("c", "eastus2")]).ByRegion["eastus2"];

        Assert.Equal(before.Select(d => d.Name), after.Take(before.Count).Select(d => d.Name));
    }

    [Fact]
    public void Plan_RegionWithoutDeployments_HasAnEmptyChain()
    {
        var plan = DeploymentChain.Plan(["swedencentral", "eastus2"], [], [FineTuned("a", "eastus2")]);

        Assert.Empty(plan.ByRegion["swedencentral"]);
    }

    [Fact]
    public void Plan_NameClashBetweenEvalAndFineTuned_IsAnError()
    {
        var plan = DeploymentChain.Plan(
            ["eastus2"], [new EvalDeployment("capital-qa-ft", "m", "1", "Standard", 1, null)], [FineTuned("capital-qa", "eastus2")]);

        var error = Assert.Single(plan.Diagnostics);
        Assert.Equal("RFT510", error.Code);
        Assert.Single(plan.ByRegion["eastus2"]);
    }

    [Fact]
    public void Plan_MoreThanFiveFineTunedOnOneAccount_Warns()
    {
        var jobs = Enumerable.Range(0, 6).Select(i => FineTuned($"job{i}", "eastus2")).ToList();

        var plan = DeploymentChain.Plan(["eastus2"], [], jobs);

        var warning = Assert.Single(plan.Diagnostics);
        Assert.Equal("RFT511", warning.Code);
        Assert.False(warning.IsError);
        Assert.Equal(6, plan.ByRegion["eastus2"].Count);
    }
}
