using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Promotion;

/// <summary>A checkpoint a dev job kept: its id (ftchkpt-…), the deployable model name, step and validation reward.</summary>
public sealed record DevCheckpoint(string Id, string? ModelName, int? Step, double? ValidationReward);

/// <summary>
/// What prod needs to know about one dev job, from the dev stack's <c>jobs</c> output: the job id, status, the
/// fine-tuned model, the dev account it lives in (ARM id, the deployment's <c>model.source</c>), its region and
/// the latest validation reward.
/// </summary>
public sealed record DevJob(
    string Name,
    string? JobId,
    string Status,
    string? FineTunedModel,
    string? AccountId,
    string? Region,
    double? ValidationReward,
    IReadOnlyList<DevCheckpoint> Checkpoints)
{
    public bool Succeeded => string.Equals(Status, "succeeded", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads the dev stack's <c>jobs</c> output: a map from job name to an object. Field names are matched in the
/// camelCase the program exports and in the service's snake_case, so the reader survives either:
/// <c>id|jobId</c>, <c>status</c>, <c>fineTunedModel|fine_tuned_model</c>, <c>accountId|sourceAccountId</c>,
/// <c>region|location</c>, and the reward from <c>validationReward</c> or <c>latestMetrics|metrics</c>
/// (<c>validRewardMean|valid_reward_mean|fullValidMeanReward|full_valid_mean_reward</c>). When a job entry has no
/// account id, the <c>accounts</c> output (region → ARM id, or region → object with <c>id</c>) gives the account
/// of the job's region.
/// </summary>
public static class DevStackOutputs
{
    public const string JobsOutput = "jobs";
    public const string AccountsOutput = "accounts";

    private static readonly string[] RewardKeys =
        ["validRewardMean", "valid_reward_mean", "fullValidMeanReward", "full_valid_mean_reward"];

    /// <summary>
    /// From the whole output object (<c>pulumi stack output --json</c>, or a StackReference's outputs): the
    /// <c>jobs</c> entry. Throws <see cref="FormatException"/> naming the job and field when the shape is wrong.
    /// </summary>
    public static IReadOnlyList<DevJob> FromStackOutputs(JsonNode? outputs)
    {
        if (outputs is not JsonObject root)
        {
            throw new FormatException("the dev stack outputs must be a JSON object (`pulumi stack output --json --stack dev`).");
        }

        return root[JobsOutput] switch
        {
            null => [],
            JsonObject jobs => FromJobs(jobs, root[AccountsOutput] as JsonObject),
            JsonValue text when text.GetValueKind() == JsonValueKind.String => FromJobs(
                JsonNode.Parse(text.GetValue<string>()) as JsonObject
                ?? throw new FormatException($"the dev stack output `{JobsOutput}` must be an object keyed by job name."),
                root[AccountsOutput] as JsonObject),
            _ => throw new FormatException($"the dev stack output `{JobsOutput}` must be an object keyed by job name."),
        };
    }

    public static IReadOnlyList<DevJob> FromJobs(JsonObject jobs, JsonObject? accounts = null)
    {
        var result = new List<DevJob>();
        foreach (var (name, node) in jobs)
        {
            if (node is not JsonObject job)
            {
                throw new FormatException($"dev job '{name}' in the `{JobsOutput}` output must be an object, found {node?.ToJsonString() ?? "null"}.");
            }

            var metrics = job["latestMetrics"] as JsonObject ?? job["metrics"] as JsonObject;
            var reward = Number(job["validationReward"]) ?? FirstNumber(metrics, RewardKeys) ?? FirstNumber(job, RewardKeys);
            var checkpoints = new List<DevCheckpoint>();
            if (job["checkpoints"] is JsonArray array)
            {
                foreach (var checkpoint in array.OfType<JsonObject>())
                {
                    if (Text(checkpoint, "id") is not { } id)
                    {
                        continue;
                    }

                    var checkpointMetrics = checkpoint["metrics"] as JsonObject;
                    checkpoints.Add(new DevCheckpoint(
                        id,
                        Text(checkpoint, "fineTunedModelCheckpoint") ?? Text(checkpoint, "fine_tuned_model_checkpoint"),
                        (int?)(Number(checkpoint["stepNumber"]) ?? Number(checkpoint["step_number"])),
                        Number(checkpoint["validationReward"]) ?? FirstNumber(checkpointMetrics, RewardKeys)));
                }
            }

            var region = Text(job, "region") ?? Text(job, "location");
            var accountId = Text(job, "accountId") ?? Text(job, "sourceAccountId") ?? AccountOfRegion(accounts, region);
            result.Add(new DevJob(
                name,
                Text(job, "id") ?? Text(job, "jobId"),
                Text(job, "status") ?? "unknown",
                Text(job, "fineTunedModel") ?? Text(job, "fine_tuned_model"),
                accountId,
                region,
                reward,
                checkpoints));
        }

        return result;
    }

    /// <summary>The account of the job's region; with no region, the only account when dev has exactly one.</summary>
    private static string? AccountOfRegion(JsonObject? accounts, string? region)
    {
        var entry = region is not null ? accounts?[region] : accounts is { Count: 1 } ? accounts.First().Value : null;
        return entry switch
        {
            JsonObject obj => Text(obj, "id") ?? Text(obj, "accountId"),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => null,
        };
    }

    private static double? FirstNumber(JsonObject? obj, string[] keys)
    {
        if (obj is null)
        {
            return null;
        }

        foreach (var key in keys)
        {
            if (Number(obj[key]) is { } n)
            {
                return n;
            }
        }

        return null;
    }

    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String &&
                         double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;
}
