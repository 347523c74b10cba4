using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Stacks;

/// <summary>
/// What the previous <c>pulumi up</c> recorded about one job in the stack output <c>jobs</c>
/// (<see cref="StackOutputKeys.Jobs"/>): the job's last known status and model, and the model deployed then.
/// </summary>
public sealed record JobRecord(string Name, string? JobId, string? Status, string? FineTunedModel, string? DeployedModel);

/// <summary>The names of the stack outputs the program writes and reads back through its self reference.</summary>
public static class StackOutputKeys
{
    public const string Accounts = "accounts";
    public const string Jobs = "jobs";
    public const string Promotions = "promotions";

    // Keys inside each entry of "jobs".
    public const string JobId = "id";
    public const string Status = "status";
    public const string FineTunedModel = "fineTunedModel";
    public const string LatestMetrics = "latestMetrics";
    public const string DeploymentName = "deploymentName";
    public const string DeployedModel = "deployedModel";
    public const string DeployReason = "deployReason";
}

public static class JobRecords
{
    /// <summary>
    /// Reads the <c>jobs</c> output of the previous run. Anything missing or malformed is skipped: an unreadable
    /// record only means "nothing known yet", which never deploys anything.
    /// </summary>
    public static IReadOnlyDictionary<string, JobRecord> FromStackOutput(JsonNode? jobs)
    {
        var records = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        if (jobs is not JsonObject obj)
        {
            return records;
        }

        foreach (var (name, value) in obj)
        {
            if (value is not JsonObject entry)
            {
                continue;
            }

            records[name] = new JobRecord(
                name,
                Str(entry, StackOutputKeys.JobId),
                Str(entry, StackOutputKeys.Status),
                Str(entry, StackOutputKeys.FineTunedModel),
                Str(entry, StackOutputKeys.DeployedModel));
        }

        return records;
    }

    private static string? Str(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;
}

/// <summary>Whether to deploy a job's fine-tuned model on this run, and why (shown in the stack outputs).</summary>
public sealed record DeployDecision(string? Model, string Reason)
{
    public bool Deploy => Model is not null;
}

/// <summary>
/// "Deploy the fine-tuned model of job X now?" The answer depends only on what the previous run recorded, never on
/// a value that is unknown until the cloud answers, so <c>pulumi preview</c> shows exactly what <c>pulumi up</c>
/// will do. A model is deployed only once its job has succeeded and named a fine-tuned model; while a retrained job
/// runs, the model deployed before stays deployed.
/// </summary>
public static class FineTunedDeploymentDecision
{
    public const string Succeeded = "succeeded";

    public static DeployDecision Decide(JobRecord? previous, bool deployEnabled)
    {
        if (!deployEnabled)
        {
            return new DeployDecision(null, "deployFineTunedModels is false for this stack");
        }

        if (previous is null)
        {
            return new DeployDecision(null, "no job state recorded yet; a later `pulumi up` deploys the model once training succeeds");
        }

        if (string.Equals(previous.Status, Succeeded, StringComparison.OrdinalIgnoreCase) && previous.FineTunedModel is not null)
        {
            return new DeployDecision(previous.FineTunedModel, $"job {previous.JobId ?? previous.Name} succeeded");
        }

        var status = previous.Status ?? "unknown";
        if (previous.DeployedModel is not null)
        {
            return new DeployDecision(previous.DeployedModel,
                $"job {previous.JobId ?? previous.Name} is {status}; keeping the previously deployed model until it succeeds");
        }

        return string.Equals(status, Succeeded, StringComparison.OrdinalIgnoreCase)
            ? new DeployDecision(null, "job succeeded but reported no fine-tuned model")
            : new DeployDecision(null, $"job {previous.JobId ?? previous.Name} is {status}; nothing to deploy until it succeeds");
    }
}
