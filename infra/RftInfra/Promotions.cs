using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.CognitiveServices.Inputs;
using RftInfra.Promotion;
using RftInfra.Stacks;
using AzureDeployment = Pulumi.AzureNative.CognitiveServices.Deployment;
using AzureDeploymentArgs = Pulumi.AzureNative.CognitiveServices.DeploymentArgs;

namespace RftInfra;

/// <summary>
/// Prod's half of promotion: reads the <c>rft-infra:promotions</c> config, the dev stack's outputs through a
/// StackReference, lets <see cref="PromotionPlanner"/> decide, and deploys each promoted model into the prod
/// account of its region. A refused promotion stops the update with the planner's message (the same text
/// `rft promote-plan` prints), so a regressed or unfinished model never reaches prod by accident.
/// </summary>
public static class Promotions
{
    /// <returns>The stack output <c>promotions</c>: per promotion and region the deployment, model, source and reward.</returns>
    public static async Task<ImmutableDictionary<string, object>> DeployAsync(
        IReadOnlyList<RegionAccount> accounts, Pulumi.AzureNative.Resources.ResourceGroup group)
    {
        var config = new Config(PromotionConfig.Namespace);
        var promotionsJson = config.Get("promotions");
        if (promotionsJson is null)
        {
            return ImmutableDictionary<string, object>.Empty;
        }

        var (settings, diagnostics) = PromotionConfigReader.FromConfigValues(
            config.Get("devStack"), config.Get("minValidationReward"), promotionsJson, config.Get("jobs"));
        if (settings is null)
        {
            throw new RunException(string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())));
        }

        // Read the dev stack's outputs as plain values before declaring anything (as RftStack reads its own
        // previous outputs): the deployments below are then declared at top level, not inside an Apply, so
        // `pulumi preview` shows exactly the deployments `pulumi up` creates.
        var dev = new StackReference("dev-stack", new StackReferenceArgs { Name = settings.DevStack });
        var devOutputs = new Dictionary<string, object?>
        {
            [DevStackOutputs.JobsOutput] = await dev.GetValueAsync(DevStackOutputs.JobsOutput),
            [DevStackOutputs.AccountsOutput] = await dev.GetValueAsync(DevStackOutputs.AccountsOutput),
        };
        IReadOnlyList<DevJob> devJobs;
        try
        {
            devJobs = DevStackOutputs.FromStackOutputs(PlainValues.ToJsonNode(devOutputs));
        }
        catch (FormatException e)
        {
            throw new RunException($"reading the outputs of stack '{settings.DevStack}': {e.Message}");
        }

        var decisions = PromotionPlanner.Decide(settings, devJobs, accounts.Select(a => a.Region).ToList());
        var refused = decisions.OfType<RefusedPromotion>().ToList();
        if (refused.Count > 0)
        {
            // Refuse the whole update: a partial promotion would leave prod half-way between two models.
            throw new RunException(string.Join(Environment.NewLine, refused.Select(r => r.Reason)));
        }

        var result = ImmutableDictionary.CreateBuilder<string, object>();
        foreach (var decision in decisions.OfType<DeployPromotion>())
        {
            var account = accounts.First(a => string.Equals(a.Region, decision.Target.Region, StringComparison.OrdinalIgnoreCase));
            CreateDeployment(decision, account, group);
            result[$"{decision.Promotion}/{decision.Target.Region}"] = ImmutableDictionary<string, object>.Empty
                .Add("deploymentName", decision.Target.DeploymentName)
                .Add("model", decision.ModelName)
                .Add("version", decision.ModelVersion)
                .Add("source", decision.SourceAccountId ?? "")
                .Add("checkpointCopied", decision.Copy is not null)
                .Add("validationReward", decision.ValidationReward is { } reward ? reward : "none reported")
                .Add("jobId", decision.JobId ?? "");
        }

        return result.ToImmutable();
    }

    private static AzureDeployment CreateDeployment(DeployPromotion decision, RegionAccount account, Pulumi.AzureNative.Resources.ResourceGroup group)
    {
        var model = new DeploymentModelArgs
        {
            Format = DeployPromotion.OpenAIFormat,
            Version = decision.ModelVersion,
        };
        if (decision.Copy is { } copy)
        {
            // The copied checkpoint lives in the prod account itself (no source); the deployment's model name
            // resolves only once the copy has completed, so the deployment waits for it.
            model.Name = CopiedModelName(copy, decision.ModelName, account);
        }
        else
        {
            // Cross-region / cross-subscription deployment: the model stays in the dev account (docs/service.md §6).
            model.Name = decision.ModelName;
            if (decision.SourceAccountId is { } source)
            {
                model.Source = source;
            }
        }

        var dependsOn = new List<Resource>();
        if (account.LastDeployment is { } previous)
        {
            // Azure answers 409 RequestConflict when two deployments on one account change at once: chain them.
            dependsOn.Add(previous);
        }

        var deployment = new AzureDeployment($"promote-{decision.Promotion}-{decision.Target.Region}", new AzureDeploymentArgs
        {
            AccountName = account.Account.Name,
            ResourceGroupName = group.Name,
            DeploymentName = decision.Target.DeploymentName,
            Properties = new DeploymentPropertiesArgs { Model = model },
            Sku = new SkuArgs { Name = decision.Target.Sku, Capacity = decision.Target.Capacity },
        }, new CustomResourceOptions { Parent = account.Account, DependsOn = dependsOn });

        account.LastDeployment = deployment;
        return deployment;
    }

    /// <summary>
    /// Copies the checkpoint into the prod account (preview API, docs/service.md §1.7) during `pulumi up`; a preview
    /// copies nothing. Already-completed copies are detected and not repeated.
    /// </summary>
    private static Output<string> CopiedModelName(CheckpointCopyPlan copy, string modelName, RegionAccount account) =>
        account.Account.Id.Apply(async destinationId =>
        {
            if (Pulumi.Deployment.Instance.IsDryRun)
            {
                return modelName;
            }

            using var http = new HttpClient();
            var client = new CheckpointCopyClient(http, new Azure.Identity.DefaultAzureCredential());
            await client.CopyAsync(copy, destinationId, CheckpointCopyClient.DefaultTimeout);
            return modelName;
        });
}
