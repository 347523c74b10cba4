using System.Globalization;

namespace RftInfra.Promotion;

/// <summary>Copy a dev checkpoint into a prod account before deploying it there (docs/service.md §1.7).</summary>
public sealed record CheckpointCopyPlan(string SourceAccountId, string JobId, string CheckpointId, string Region);

/// <summary>
/// The outcome of one promotion to one target: deploy (model, version "1", the source account for a
/// cross-region deployment, or a checkpoint copy first) or refuse with the reason and the fix.
/// </summary>
public abstract record PromotionDecision(string Promotion, PromotionTarget Target);

public sealed record DeployPromotion(
    string Promotion,
    PromotionTarget Target,
    string ModelName,
    string ModelVersion,
    string? SourceAccountId,
    CheckpointCopyPlan? Copy,
    double? ValidationReward,
    string? JobId) : PromotionDecision(Promotion, Target)
{
    public const string OpenAIFormat = "OpenAI";
}

public sealed record RefusedPromotion(string Promotion, PromotionTarget Target, string Reason) : PromotionDecision(Promotion, Target);

/// <summary>
/// Decides each promotion against the dev stack's outputs. Pure: no cloud call, no Pulumi. The rules: the source
/// job must exist and have succeeded with a fine-tuned model; its latest validation reward must reach the gate
/// (the promotion's own <c>minValidationReward</c>, else the stack's); the target region must have a prod account.
/// </summary>
public static class PromotionPlanner
{
    public const string ModelVersion = "1";

    public static IReadOnlyList<PromotionDecision> Decide(
        PromotionConfig config, IReadOnlyList<DevJob> devJobs, IReadOnlyCollection<string> prodRegions)
    {
        var decisions = new List<PromotionDecision>();
        foreach (var promotion in config.Promotions)
        {
            var source = FindSource(promotion, devJobs, config.MinValidationReward, out var refusal);
            foreach (var target in promotion.Targets)
            {
                if (refusal is not null)
                {
                    decisions.Add(new RefusedPromotion(promotion.Name, target, refusal));
                }
                else if (!prodRegions.Contains(target.Region, StringComparer.OrdinalIgnoreCase))
                {
                    decisions.Add(new RefusedPromotion(promotion.Name, target,
                        $"promotion '{promotion.Name}': prod has no account in region '{target.Region}' (prod regions: {List(prodRegions)}). " +
                        "Add the region to the prod stack's regions, or pick one of those."));
                }
                else
                {
                    decisions.Add(Deploy(promotion, target, source!));
                }
            }
        }

        return decisions;
    }

    /// <summary>Finds what to promote and applies the status and reward gates; null with a reason when refused.</summary>
    private static Source? FindSource(PromotionSpec promotion, IReadOnlyList<DevJob> devJobs, double? stackGate, out string? refusal)
    {
        refusal = null;
        DevJob? job;
        if (promotion.Job is { } jobRef)
        {
            job = devJobs.FirstOrDefault(j => j.Name == jobRef) ?? devJobs.FirstOrDefault(j => j.JobId == jobRef);
            if (job is null)
            {
                refusal = $"promotion '{promotion.Name}': the dev stack has no job '{jobRef}' (dev jobs: {List(devJobs.Select(j => j.Name))}). " +
                          "Use a job name from jobs/ that dev has trained, or its ftjob id.";
                return null;
            }
        }
        else
        {
            job = devJobs.FirstOrDefault(j => j.FineTunedModel == promotion.Model);
            if (job is null)
            {
                refusal = $"promotion '{promotion.Name}': no dev job produced the model '{promotion.Model}', so its status and reward " +
                          "cannot be checked. Promote it by `job:` instead, or check the model id in `pulumi stack output jobs --stack dev`.";
                return null;
            }
        }

        var jobText = job.JobId is null ? $"'{job.Name}'" : $"'{job.Name}' ({job.JobId})";
        if (!job.Succeeded)
        {
            refusal = $"promotion '{promotion.Name}': dev job {jobText} is {job.Status}, not succeeded. " +
                      "Promote it after training succeeds (the scheduled reconcile records that in the dev stack).";
            return null;
        }

        if (job.FineTunedModel is null)
        {
            refusal = $"promotion '{promotion.Name}': dev job {jobText} succeeded but the dev stack has no fine-tuned model for it yet. " +
                      "Run the dev reconcile (`pulumi refresh` then `pulumi up` on dev) and try again.";
            return null;
        }

        if (job.AccountId is null)
        {
            refusal = $"promotion '{promotion.Name}': the dev stack does not say which account holds job {jobText} " +
                      "(`jobs.<name>.region` with the `accounts` output, or `accountId`), which the deployment needs as its model source. " +
                      "Run `pulumi up` on dev with this version of the program to record it.";
            return null;
        }

        var modelName = promotion.Model ?? job.FineTunedModel;
        var reward = job.ValidationReward;
        string? checkpointId = null;
        if (promotion.Checkpoint is { } checkpointRef)
        {
            var checkpoint = job.Checkpoints.FirstOrDefault(c => c.Id == checkpointRef || c.ModelName == checkpointRef);
            if (checkpoint is null)
            {
                refusal = $"promotion '{promotion.Name}': dev job {jobText} has no checkpoint '{checkpointRef}' " +
                          $"(checkpoints: {List(job.Checkpoints.Select(c => c.Id))}).";
                return null;
            }

            checkpointId = checkpoint.Id;
            modelName = promotion.Method == PromotionMethod.CheckpointCopy ? checkpoint.ModelName ?? checkpoint.Id : checkpoint.Id;
            reward = checkpoint.ValidationReward ?? reward;
        }

        var gate = promotion.MinValidationReward ?? stackGate;
        if (gate is { } threshold)
        {
            if (reward is null)
            {
                refusal = $"promotion '{promotion.Name}': dev job {jobText} reports no validation reward, so the gate " +
                          $"minValidationReward {Format(threshold)} cannot be checked. Wait for the job's metrics, or remove the gate on purpose.";
                return null;
            }

            if (reward < threshold)
            {
                refusal = $"promotion '{promotion.Name}': validation reward {Format(reward.Value)} of dev job {jobText} is below the gate " +
                          $"minValidationReward {Format(threshold)}. Promote a better job or checkpoint; lower the gate only on purpose.";
                return null;
            }
        }

        return new Source(job, modelName, reward, checkpointId);
    }

    private static DeployPromotion Deploy(PromotionSpec promotion, PromotionTarget target, Source source)
    {
        var copy = promotion.Method == PromotionMethod.CheckpointCopy
            ? new CheckpointCopyPlan(source.Job.AccountId!, source.Job.JobId ?? source.Job.Name, source.CheckpointId!, target.Region)
            : null;

        // A copied checkpoint lives in the prod account itself, so its deployment has no source.
        return new DeployPromotion(
            promotion.Name, target, source.ModelName, ModelVersion, copy is null ? source.Job.AccountId : null, copy,
            source.Reward, source.Job.JobId);
    }

    private static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private sealed record Source(DevJob Job, string ModelName, double? Reward, string? CheckpointId);
}
