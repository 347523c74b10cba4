using System.Text.Json.Nodes;

namespace RftInfra.Emulator;

/// <summary>The service's JSON shapes for the emulator's records (docs/service.md §1.3, §1.4, §2.5, §2.8, §2.9).</summary>
internal static class EmulatorJson
{
    public static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();

    public static JsonObject File(FileRecord file) => new()
    {
        ["id"] = file.Id,
        ["object"] = "file",
        ["bytes"] = file.Bytes,
        ["created_at"] = Unix(file.CreatedAt),
        ["expires_at"] = file.ExpiresAt is { } expires ? Unix(expires) : null,
        ["filename"] = file.Filename,
        ["purpose"] = file.Purpose,
        ["status"] = file.Status,
        ["status_details"] = file.Status == "error" ? file.StatusDetails : null,
    };

    public static JsonObject DeletedFile(FileRecord file) => new()
    {
        ["id"] = file.Id,
        ["object"] = "file",
        ["deleted"] = true,
    };

    public static JsonObject Upload(UploadRecord upload, FileRecord? file) => new()
    {
        ["id"] = upload.Id,
        ["object"] = "upload",
        ["bytes"] = upload.Bytes,
        ["created_at"] = Unix(upload.CreatedAt),
        ["expires_at"] = Unix(upload.ExpiresAt),
        ["filename"] = upload.Filename,
        ["purpose"] = upload.Purpose,
        ["status"] = upload.Status,
        ["file"] = file is null ? null : File(file),
    };

    public static JsonObject UploadPart(UploadRecord upload, UploadPartRecord part) => new()
    {
        ["id"] = part.Id,
        ["object"] = "upload.part",
        ["created_at"] = Unix(part.CreatedAt),
        ["upload_id"] = upload.Id,
        ["azure_block_id"] = part.AzureBlockId,
    };

    public static JsonObject Job(JobRecord job)
    {
        var json = new JsonObject
        {
            ["id"] = job.Id,
            ["object"] = "fine_tuning.job",
            ["created_at"] = Unix(job.CreatedAt),
            ["finished_at"] = job.FinishedAt is { } finished ? Unix(finished) : null,
            ["estimated_finish"] = null,
            ["model"] = job.Model,
            ["fine_tuned_model"] = job.FineTunedModel,
            ["organization_id"] = null,
            ["result_files"] = null,
            ["status"] = job.Status,
            ["trained_tokens"] = job.TrainedTokens,
            ["training_file"] = job.TrainingFile,
            ["validation_file"] = job.ValidationFile,
            ["seed"] = job.Seed,
            ["hyperparameters"] = job.Hyperparameters?.DeepClone(),
            ["method"] = job.Method?.DeepClone(),
            ["metadata"] = job.Metadata is null ? null : new JsonObject(job.Metadata.Select(pair =>
                KeyValuePair.Create(pair.Key, (JsonNode?)JsonValue.Create(pair.Value)))),
            ["integrations"] = job.Integrations?.DeepClone(),
            ["suffix"] = job.Suffix,
            ["user_provided_suffix"] = job.Suffix,
            ["error"] = job.Error is null ? null : new JsonObject
            {
                ["code"] = job.Error.Code,
                ["message"] = job.Error.Message,
                ["param"] = job.Error.Param,
            },
        };
        if (job.TrainingType is not null)
        {
            json["trainingType"] = job.TrainingType.DeepClone();
        }

        return json;
    }

    public static JsonObject Event(JobEventRecord jobEvent) => new()
    {
        ["id"] = jobEvent.Id,
        ["object"] = "fine_tuning.job.event",
        ["created_at"] = Unix(jobEvent.CreatedAt),
        ["level"] = jobEvent.Level,
        ["message"] = jobEvent.Message,
        ["type"] = jobEvent.Type,
        ["data"] = jobEvent.Data?.DeepClone(),
    };

    public static JsonObject Checkpoint(string jobId, CheckpointRecord checkpoint) => new()
    {
        ["id"] = checkpoint.Id,
        ["object"] = "fine_tuning.job.checkpoint",
        ["created_at"] = Unix(checkpoint.CreatedAt),
        ["fine_tuned_model_checkpoint"] = checkpoint.FineTunedModelCheckpoint,
        ["step_number"] = checkpoint.StepNumber,
        ["fine_tuning_job_id"] = jobId,
        ["metrics"] = checkpoint.Metrics.DeepClone(),
    };

    /// <summary>A list page; files and checkpoints also carry first_id/last_id.</summary>
    public static JsonObject List(IEnumerable<JsonObject> items, bool hasMore, bool withFirstAndLast)
    {
        var data = new JsonArray(items.Select(item => (JsonNode?)item).ToArray());
        var json = new JsonObject { ["object"] = "list", ["data"] = data };
        if (withFirstAndLast)
        {
            json["first_id"] = data.Count > 0 ? data[0]!["id"]!.DeepClone() : null;
            json["last_id"] = data.Count > 0 ? data[^1]!["id"]!.DeepClone() : null;
        }

        json["has_more"] = hasMore;
        return json;
    }
}
