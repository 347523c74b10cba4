namespace RftInfra.Stacks;

/// <summary>One job of the stack, whether its fine-tuned model is deployed on this run, and that deployment.</summary>
public sealed record JobDeployment(StackJob Job, DeployDecision Decision, PlannedDeployment? Deployment);

/// <summary>Everything the program declares besides the accounts themselves, decided before any resource exists.</summary>
public sealed record StackPlan(IReadOnlyList<JobDeployment> Jobs, DeploymentPlan Deployments);

public static class StackPlanner
{
    /// <summary>The version Azure expects for a fine-tuned model deployment (docs/service.md §6).</summary>
    public const string FineTunedModelVersion = "1";

    /// <param name="previous">What the previous run recorded per job (<see cref="JobRecords.FromStackOutput"/>).</param>
    public static StackPlan Plan(StackSettings settings, IReadOnlyList<StackJob> jobs, IReadOnlyDictionary<string, JobRecord> previous)
    {
        var planned = new List<JobDeployment>();
        foreach (var job in jobs)
        {
            var decision = job.Deploy is null
                ? new DeployDecision(null, "deploy: false in the job declaration")
                : FineTunedDeploymentDecision.Decide(previous.GetValueOrDefault(job.Name), settings.DeployFineTunedModels);

            PlannedDeployment? deployment = null;
            if (decision.Model is not null && job.Deploy is not null)
            {
                deployment = new PlannedDeployment(
                    PlannedDeploymentKind.FineTuned, job.Region, ResourceNames.FineTunedDeployment(job.Name), decision.Model,
                    FineTunedModelVersion, job.Deploy.Sku, job.Deploy.Capacity, job.Name);
            }

            planned.Add(new JobDeployment(job, decision, deployment));
        }

        var deployments = DeploymentChain.Plan(
            settings.Regions, settings.EvalDeployments, planned.Where(p => p.Deployment is not null).Select(p => p.Deployment!).ToList());
        return new StackPlan(planned, deployments);
    }
}
