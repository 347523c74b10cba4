using RftInfra.Stacks;
using static RftInfra.Core.Tests.Stacks.StackTestData;

namespace RftInfra.Core.Tests.Stacks;

public class StackPlannerTests
{
    private static readonly StackSettings DevSettings = Settings(
        "dev",
        ("jobs", """["jobs/capital-qa.yaml","jobs/invoice-extract.yaml","jobs/math-judge.yaml"]"""),
        ("evalDeployments", """[{"name":"grader","model":"gpt-4.1-mini","version":"2025-04-14","capacity":5}]"""));

    private static readonly IReadOnlyList<StackJob> Jobs = StackJobLoader.Load(RepositoryRoot, DevSettings).Jobs;

    [Fact]
    public void Plan_NothingRecorded_DeploysNoFineTunedModel_ButKeepsEvalDeployments()
    {
        var plan = StackPlanner.Plan(DevSettings, Jobs, new Dictionary<string, JobRecord>());

        Assert.Equal(3, plan.Jobs.Count);
        Assert.All(plan.Jobs, j => Assert.Null(j.Deployment));
        Assert.Equal(["grader"], plan.Deployments.ByRegion["swedencentral"].Select(d => d.Name));
        Assert.Equal(["grader"], plan.Deployments.ByRegion["eastus2"].Select(d => d.Name));
    }

    [Fact]
    public void Plan_SucceededJob_DeploysItsModelWithTheDeclaredSkuAfterTheEvalDeployments()
    {
        var previous = new Dictionary<string, JobRecord>
        {
            ["math-judge"] = new("math-judge", "ftjob-9", "succeeded", "o4-mini-2025-04-16.ft-9", null),
            ["invoice-extract"] = new("invoice-extract", "ftjob-8", "running", null, null),
        };

        var plan = StackPlanner.Plan(DevSettings, Jobs, previous);

        var math = plan.Jobs.Single(j => j.Job.Name == "math-judge");
        Assert.Equal(
            new PlannedDeployment(PlannedDeploymentKind.FineTuned, "eastus2", "math-judge-ft", "o4-mini-2025-04-16.ft-9", "1", "GlobalStandard", 2, "math-judge"),
            math.Deployment);
        Assert.Null(plan.Jobs.Single(j => j.Job.Name == "invoice-extract").Deployment);
        Assert.Equal(["grader", "math-judge-ft"], plan.Deployments.ByRegion["eastus2"].Select(d => d.Name));
    }

    [Fact]
    public void Plan_DeployFalseInTheDeclaration_NeverDeploys()
    {
        var job = Jobs.Single(j => j.Name == "capital-qa") with { Deploy = null };
        var previous = new Dictionary<string, JobRecord> { ["capital-qa"] = new("capital-qa", "ftjob-1", "succeeded", "m", null) };

        var plan = StackPlanner.Plan(DevSettings, [job], previous);

        Assert.Null(Assert.Single(plan.Jobs).Deployment);
        Assert.Equal("deploy: false in the job declaration", plan.Jobs[0].Decision.Reason);
    }
}
