using RftInfra.Declarations;
using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Graders;

namespace RftInfra.Lifecycles;

/// <summary>
/// rft:index:FineTuningJob (docs/pulumi.md, resources). Inputs: model, trainingFileId, validationFileId,
/// trainingFileHash, validationFileHash (optional: content hashes, preferred over ids in the spec), grader (object),
/// responseFormat, hyperparameters, trainingType, seed, suffix, metadata; for Check only: sourceFile (the declaration's
/// path, for messages), declaration (the job declaration object as written, for the full `rft validate` job checks)
/// and dataRoot (the directory its data paths are relative to, to check the datasets too).
/// The spec hash covers everything the service cannot change after creation and is stored in the job's metadata
/// under <see cref="SpecHashKey"/>; Create adopts a live job with that hash instead of making a second one.
/// Create never waits for training. Outputs: jobId, specHash, status (kit state), serviceStatus, fineTunedModel,
/// trainedTokens, error, trainRewardMean, validRewardMean, metricsStep, createdAt, finishedAt.
/// </summary>
public sealed class FineTuningJobLifecycle(FineTuningClient client) : IResourceLifecycle
{
    public const string Token = "rft:index:FineTuningJob";

    /// <summary>The job metadata key holding the spec hash (the idempotency tag).</summary>
    public const string SpecHashKey = "rft_spec_hash";

    /// <summary>The inputs in the spec hash, in the order the detailed diff reports them.</summary>
    private static readonly string[] SpecKeys =
    [
        "model", "trainingFileId", "trainingFileHash", "validationFileId", "validationFileHash", "grader", "responseFormat",
        "hyperparameters", "trainingType", "seed", "suffix",
    ];

    public string TypeToken => Token;

    public Task<CheckResult> CheckAsync(JsonObject oldInputs, JsonObject newInputs, CancellationToken cancellationToken = default)
    {
        var file = Props.Str(newInputs, "sourceFile") ?? Token;
        return Task.FromResult(new CheckResult(Props.Clone(newInputs), LifecycleChecks.Job(newInputs, file)));
    }

    /// <summary>
    /// Replace when the spec hash changes, naming each changed field; metadata, name or source file changes only
    /// update the record. Status, metrics and the fine-tuned model are outputs and never make a diff.
    /// </summary>
    public DiffResult Diff(string id, JsonObject oldInputs, JsonObject oldOutputs, JsonObject newInputs)
    {
        var detail = new Dictionary<string, PropertyChangeKind>();
        var replace = SpecHash(oldInputs) != SpecHash(newInputs);
        foreach (var key in SpecKeys)
        {
            if (!Props.SameJson(oldInputs[key], newInputs[key]))
            {
                detail[key] = Kind(oldInputs[key], newInputs[key], replace);
            }
        }

        foreach (var key in new[] { "metadata", "sourceFile" })
        {
            if (!Props.SameJson(oldInputs[key], newInputs[key]))
            {
                detail[key] = Kind(oldInputs[key], newInputs[key], replace: false);
            }
        }

        if (detail.Count == 0)
        {
            return DiffResult.NoChange;
        }

        var replaces = replace ? detail.Where(d => d.Value is PropertyChangeKind.UpdateReplace or PropertyChangeKind.AddReplace
            or PropertyChangeKind.DeleteReplace).Select(d => d.Key).ToList() : [];
        return new DiffResult(replace ? DiffChange.Replace : DiffChange.Update, replaces, detail);
    }

    public async Task<CreateResult> CreateAsync(JsonObject inputs, bool preview, CancellationToken cancellationToken = default)
    {
        var request = ToRequest(inputs, out var specHash);
        if (preview)
        {
            return new CreateResult("", new JsonObject { ["specHash"] = specHash });
        }

        var filter = new Dictionary<string, string> { [SpecHashKey] = specHash };
        FineTuningJob job;
        try
        {
            (job, _) = await FindOrCreate.RunAsync(
                client,
                async ct =>
                {
                    // A cancelled or failed job with the same spec is history, not something to adopt.
                    await foreach (var existing in client.GetJobsAsync(filter, ct).ConfigureAwait(false))
                    {
                        var state = existing.Status.State;
                        if (state != JobState.Cancelled && state != JobState.Cancelling && state != JobState.Failed)
                        {
                            return existing;
                        }
                    }

                    return null;
                },
                ct => client.CreateJobAsync(request, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RftServiceException e) when (e.MayHaveBeenApplied)
        {
            throw new RftServiceException(
                $"Creating the job could not be confirmed after {client.Options.Retry.MaxRetries + 1} tries: {e.Message} " +
                $"Run again: the next run adopts the job by its spec hash ({SpecHashKey}={specHash}) if the service made it.",
                e.Operation, e.Resource, e.Status, e.ErrorCode, e.Param, e.ServiceMessage, e.Attempts, true, e);
        }

        return new CreateResult(job.Id, Outputs(job, specHash, metrics: null));
    }

    /// <summary>Refresh, or import from the id alone (inputs rebuilt from the job). A deleted job reads as gone.</summary>
    public async Task<ReadResult> ReadAsync(string id, JsonObject? inputs, JsonObject? outputs, CancellationToken cancellationToken = default)
    {
        FineTuningJob job;
        try
        {
            job = await client.GetJobAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (RftServiceException e) when (e.Status == 404)
        {
            return new ReadResult(null, inputs ?? [], outputs ?? []);
        }

        // A pending job has no metrics yet: skip the events call.
        var metrics = job.Status.State == JobState.Pending ? null : await LatestMetricsAsync(id, cancellationToken).ConfigureAwait(false);
        var newInputs = inputs is null ? InputsFromJob(job) : Props.Clone(inputs);
        var specHash = job.Metadata?.GetValueOrDefault(SpecHashKey) ?? Props.Str(outputs, "specHash") ?? SpecHash(newInputs);
        return new ReadResult(job.Id, newInputs, Outputs(job, specHash, metrics));
    }

    /// <summary>Only metadata or the source file changed (the service cannot change a job): record the new inputs.</summary>
    public Task<UpdateResult> UpdateAsync(
        string id, JsonObject oldOutputs, JsonObject newInputs, bool preview, CancellationToken cancellationToken = default) =>
        Task.FromResult(new UpdateResult(Props.Clone(oldOutputs)));

    /// <summary>Cancels the job unless it has finished (pending and validating included); the fine-tuned model is never deleted.</summary>
    public async Task DeleteAsync(string id, JsonObject outputs, CancellationToken cancellationToken = default)
    {
        FineTuningJob job;
        try
        {
            job = await client.GetJobAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (RftServiceException e) when (e.Status == 404)
        {
            return;
        }

        if (job.Status.IsTerminal || job.Status.State == JobState.Cancelling)
        {
            return;
        }

        try
        {
            await client.CancelJobAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (RftServiceException e) when (e.Status is 400 or 404 or 409)
        {
            // The job may have finished (or a lost cancel answer was applied) in between: fine if it is now over.
            var now = e.Status == 404 ? null : await client.GetJobAsync(id, cancellationToken).ConfigureAwait(false);
            if (now is not null && !now.Status.IsTerminal && now.Status.State != JobState.Cancelling)
            {
                throw;
            }
        }
    }

    /// <summary>The spec hash: SHA-256 of the canonical JSON of everything that defines the training run.</summary>
    public static string SpecHash(JsonObject inputs)
    {
        var grader = Props.Obj(inputs, "grader");
        var spec = new JsonObject
        {
            ["model"] = Props.Str(inputs, "model"),
            ["training_file"] = Props.Str(inputs, "trainingFileHash") ?? Props.Str(inputs, "trainingFileId"),
            ["validation_file"] = Props.Str(inputs, "validationFileHash") ?? Props.Str(inputs, "validationFileId"),
            ["grader"] = grader is null ? null : JsonNode.Parse(GraderJson.FromJson(grader).CanonicalJson),
            ["response_format"] = inputs["responseFormat"]?.DeepClone(),
            ["hyperparameters"] = inputs["hyperparameters"]?.DeepClone(),
            ["training_type"] = Props.Str(inputs, "trainingType"),
            ["seed"] = Props.Long(inputs, "seed"),
            ["suffix"] = Props.Str(inputs, "suffix"),
        };
        return Props.Sha256(CanonicalJsonWriter.Write(spec));
    }

    private static CreateJobRequest ToRequest(JsonObject inputs, out string specHash)
    {
        specHash = SpecHash(inputs);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Props.Obj(inputs, "metadata") ?? [])
        {
            if (value is JsonValue v && v.TryGetValue(out string? s))
            {
                metadata[key] = s;
            }
        }

        metadata[SpecHashKey] = specHash;
        return new CreateJobRequest
        {
            Model = Props.Required(inputs, "model", Token),
            TrainingFile = Props.Required(inputs, "trainingFileId", Token),
            ValidationFile = Props.Required(inputs, "validationFileId", Token),
            Grader = Props.RequiredObject(inputs, "grader", Token),
            ResponseFormat = Props.Obj(inputs, "responseFormat"),
            Hyperparameters = Props.Obj(inputs, "hyperparameters"),
            TrainingType = Props.Str(inputs, "trainingType"),
            Seed = Props.Long(inputs, "seed"),
            Suffix = Props.Str(inputs, "suffix"),
            Metadata = metadata,
        };
    }

    private static PropertyChangeKind Kind(JsonNode? before, JsonNode? after, bool replace) => (before, after) switch
    {
        (null, _) => replace ? PropertyChangeKind.AddReplace : PropertyChangeKind.Add,
        (_, null) => replace ? PropertyChangeKind.DeleteReplace : PropertyChangeKind.Delete,
        _ => replace ? PropertyChangeKind.UpdateReplace : PropertyChangeKind.Update,
    };

    /// <summary>The newest metrics event's rewards (docs/service.md §2.8: flat or under <c>scores</c>, OpenAI or Azure names).</summary>
    private async Task<JobMetrics?> LatestMetricsAsync(string jobId, CancellationToken cancellationToken)
    {
        var page = await client.ListJobEventsAsync(jobId, limit: 100, cancellationToken: cancellationToken).ConfigureAwait(false);
        var latest = page.Data
            .Where(e => string.Equals(e.Type, "metrics", StringComparison.OrdinalIgnoreCase) && e.Data is not null)
            .OrderByDescending(e => Props.Long(e.Data, "step") ?? 0)
            .ThenByDescending(e => e.CreatedAt)
            .FirstOrDefault();
        if (latest?.Data is not { } data)
        {
            return null;
        }

        var scores = Props.Obj(data, "scores");
        return new JobMetrics(
            Props.Long(data, "step"),
            Number(data, "train_reward_mean") ?? Number(scores, "train_reward_mean") ?? Number(data, "train_mean_reward"),
            Number(data, "valid_reward_mean") ?? Number(scores, "valid_reward_mean") ?? Number(data, "full_valid_mean_reward"));
    }

    private static double? Number(JsonObject? bag, string key) => Props.Double(bag, key);

    private static JsonObject Outputs(FineTuningJob job, string specHash, JobMetrics? metrics) => new()
    {
        ["jobId"] = job.Id,
        ["specHash"] = specHash,
        ["status"] = job.Status.State.Value,
        ["serviceStatus"] = job.Status.Value,
        ["model"] = job.Model,
        ["fineTunedModel"] = job.FineTunedModel,
        ["trainedTokens"] = job.TrainedTokens,
        ["error"] = job.Error is { } e && (e.Code ?? e.Message) is not null
            ? new JsonObject { ["code"] = e.Code, ["message"] = e.Message, ["param"] = e.Param }
            : null,
        ["trainRewardMean"] = metrics?.TrainRewardMean,
        ["validRewardMean"] = metrics?.ValidRewardMean,
        ["metricsStep"] = metrics?.Step,
        ["createdAt"] = job.CreatedAt,
        ["finishedAt"] = job.FinishedAt,
    };

    /// <summary>Import: the declaration as far as the job tells it (file hashes are unknown, ids stand in).</summary>
    private static JsonObject InputsFromJob(FineTuningJob job)
    {
        var reinforcement = job.Method?["reinforcement"] as JsonObject;
        var inputs = new JsonObject
        {
            ["model"] = job.Model,
            ["trainingFileId"] = job.TrainingFile,
            ["validationFileId"] = job.ValidationFile,
        };
        AddIfPresent(inputs, "grader", reinforcement?["grader"]);
        AddIfPresent(inputs, "responseFormat", reinforcement?["response_format"]);
        AddIfPresent(inputs, "hyperparameters", reinforcement?["hyperparameters"]);
        // The service answers with the wire literal (globalStandard); declarations use the catalog's name (globalstandard).
        AddIfPresent(inputs, "trainingType", job.TrainingType is JsonValue type && type.TryGetValue(out string? literal)
            ? JsonValue.Create(RftCatalog.Default.TrainingTypeOfWire(literal) ?? literal)
            : job.TrainingType);
        AddIfPresent(inputs, "seed", job.Seed is { } seed ? JsonValue.Create(seed) : null);
        AddIfPresent(inputs, "suffix", job.UserProvidedSuffix is { } suffix ? JsonValue.Create(suffix) : null);
        var metadata = job.Metadata?.Where(m => m.Key != SpecHashKey).ToList();
        if (metadata is { Count: > 0 })
        {
            inputs["metadata"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
        }

        return inputs;
    }

    private static void AddIfPresent(JsonObject bag, string key, JsonNode? value)
    {
        if (value is not null)
        {
            bag[key] = value.DeepClone();
        }
    }

    private sealed record JobMetrics(long? Step, double? TrainRewardMean, double? ValidRewardMean);
}
