using RftInfra.Diagnostics;

namespace RftInfra.Stacks;

public enum PlannedDeploymentKind
{
    /// <summary>A base or grader model for evaluation (stack config <c>evalDeployments</c>).</summary>
    Eval,

    /// <summary>The fine-tuned model of a job that has succeeded.</summary>
    FineTuned,
}

/// <summary>One model deployment on one account; <see cref="JobName"/> is set for fine-tuned models.</summary>
public sealed record PlannedDeployment(
    PlannedDeploymentKind Kind, string Region, string Name, string Model, string Version, string Sku, int Capacity,
    string? JobName = null);

/// <summary>
/// The deployments of each account, in the order the program creates them. Azure answers 409 RequestConflict when
/// two deployments on one account change at once, so the program chains them: each one depends on the previous
/// one of the same account. The order is stable (eval deployments in config order, then fine-tuned models by job
/// name) so adding a job never reorders, and so never re-chains, the deployments already there.
/// </summary>
public static class DeploymentChain
{
    /// <summary>Azure allows 5 fine-tuned deployments per resource (docs/service.md §1.9; catalog quotas).</summary>
    public const int FineTunedDeploymentsPerAccount = 5;

    public static DeploymentPlan Plan(
        IReadOnlyList<string> regions,
        IReadOnlyList<EvalDeployment> evalDeployments,
        IReadOnlyList<PlannedDeployment> fineTuned)
    {
        var diagnostics = new DiagnosticBag();
        var byRegion = new Dictionary<string, IReadOnlyList<PlannedDeployment>>(StringComparer.Ordinal);
        foreach (var region in regions)
        {
            var chain = new List<PlannedDeployment>();
            foreach (var eval in evalDeployments.Where(e => e.Region is null || e.Region == region))
            {
                chain.Add(new PlannedDeployment(
                    PlannedDeploymentKind.Eval, region, eval.Name, eval.Model, eval.Version, eval.Sku, eval.Capacity));
            }

            var models = fineTuned
                .Where(f => f.Region == region)
                .OrderBy(f => f.JobName ?? f.Name, StringComparer.Ordinal)
                .ToList();
            foreach (var model in models)
            {
                if (chain.Any(d => string.Equals(d.Name, model.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    diagnostics.Add(new Diagnostic("RFT510", DiagnosticSeverity.Error, model.JobName ?? model.Name, SourcePosition.None,
                        $"deployment name '{model.Name}' on the {region} account is used twice.",
                        "rename the eval deployment in rft-infra:evalDeployments or the job"));
                    continue;
                }

                chain.Add(model);
            }

            if (models.Count > FineTunedDeploymentsPerAccount)
            {
                diagnostics.Add(new Diagnostic("RFT511", DiagnosticSeverity.Warning, region, SourcePosition.None,
                    $"{models.Count} fine-tuned models would be deployed on the {region} account; Azure allows {FineTunedDeploymentsPerAccount} per resource.",
                    "set deploy: false on older jobs or move jobs to another region"));
            }

            byRegion[region] = chain;
        }

        return new DeploymentPlan(byRegion, diagnostics.Items);
    }

    /// <summary>Pairs each deployment with the one it must wait for (null for the first on its account).</summary>
    public static IEnumerable<(PlannedDeployment Deployment, PlannedDeployment? Previous)> WithPrevious(IReadOnlyList<PlannedDeployment> chain)
    {
        PlannedDeployment? previous = null;
        foreach (var deployment in chain)
        {
            yield return (deployment, previous);
            previous = deployment;
        }
    }
}

public sealed record DeploymentPlan(
    IReadOnlyDictionary<string, IReadOnlyList<PlannedDeployment>> ByRegion, IReadOnlyList<Diagnostic> Diagnostics);
