using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RftInfra.Emulator;

// The emulator's state: plain mutable classes guarded by EmulatorStore's lock, each record stored as one JSON row
// of the state database (EmulatorDatabase); file and part bytes live only there, never in memory between
// requests. Times are kept exact (DateTimeOffset) and shown to callers as Unix seconds.

internal sealed class EmulatorState
{
    public List<FileRecord> Files { get; set; } = [];

    public List<UploadRecord> Uploads { get; set; } = [];

    public List<JobRecord> Jobs { get; set; } = [];

    /// <summary>When the training slot (one running job per resource) was last freed.</summary>
    public DateTimeOffset? SlotFreedAt { get; set; }
}

internal sealed class FileRecord
{
    public string Id { get; set; } = "";

    public string Filename { get; set; } = "";

    public string Purpose { get; set; } = "";

    public long Bytes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>pending until <see cref="ReadyAt"/>, then processed or error (decided at upload from the content).</summary>
    public string Status { get; set; } = "pending";

    public DateTimeOffset ReadyAt { get; set; }

    /// <summary>The status the file reaches at <see cref="ReadyAt"/>.</summary>
    public string FinalStatus { get; set; } = "processed";

    public string? StatusDetails { get; set; }
}

internal sealed class UploadRecord
{
    public string Id { get; set; } = "";

    public string Filename { get; set; } = "";

    public string Purpose { get; set; } = "";

    public string MimeType { get; set; } = "";

    public long Bytes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>pending, completed, cancelled, expired.</summary>
    public string Status { get; set; } = "pending";

    /// <summary>Stored as rows of their own (with their bytes).</summary>
    [JsonIgnore]
    public List<UploadPartRecord> Parts { get; set; } = [];

    public string? FileId { get; set; }
}

internal sealed class UploadPartRecord
{
    public string Id { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string AzureBlockId { get; set; } = "";

    /// <summary>The part's size; its bytes are in the state database.</summary>
    public long Bytes { get; set; }
}

internal sealed class JobRecord
{
    public string Id { get; set; } = "";

    public string Model { get; set; } = "";

    public string TrainingFile { get; set; } = "";

    public string? ValidationFile { get; set; }

    public long Seed { get; set; }

    public string? Suffix { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }

    public JsonObject? Method { get; set; }

    public JsonObject? Hyperparameters { get; set; }

    public JsonArray? Integrations { get; set; }

    public JsonNode? TrainingType { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string Status { get; set; } = JobStatuses.Pending;

    public DateTimeOffset StatusChangedAt { get; set; }

    /// <summary>When the job joined the queue (queued or resuming): the queue is first come, first served.</summary>
    public DateTimeOffset? QueuedAt { get; set; }

    public DateTimeOffset? LastStepAt { get; set; }

    public int StepsDone { get; set; }

    public int TotalSteps { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? FineTunedModel { get; set; }

    public long? TrainedTokens { get; set; }

    public JobErrorRecord? Error { get; set; }

    /// <summary>Stored as rows of their own: both lists only grow, so a change adds rows instead of rewriting the job.</summary>
    [JsonIgnore]
    public List<JobEventRecord> Events { get; set; } = [];

    [JsonIgnore]
    public List<CheckpointRecord> Checkpoints { get; set; } = [];
}

internal sealed record JobErrorRecord(string Code, string Message, string? Param);

internal sealed class JobEventRecord
{
    public string Id { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string Level { get; set; } = "info";

    public string Message { get; set; } = "";

    /// <summary>message or metrics.</summary>
    public string Type { get; set; } = "message";

    public JsonObject? Data { get; set; }
}

internal sealed class CheckpointRecord
{
    public string Id { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string FineTunedModelCheckpoint { get; set; } = "";

    public int StepNumber { get; set; }

    public JsonObject Metrics { get; set; } = [];
}

/// <summary>The job statuses the emulator produces (Azure's set: pending rather than validating_files).</summary>
internal static class JobStatuses
{
    public const string Pending = "pending";
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Resuming = "resuming";
    public const string Cancelling = "cancelling";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string status) => status is Succeeded or Failed or Cancelled;

    /// <summary>Waiting for the training slot; counts against the queued-jobs quota.</summary>
    public static bool IsWaiting(string status) => status is Pending or Queued or Resuming;
}
