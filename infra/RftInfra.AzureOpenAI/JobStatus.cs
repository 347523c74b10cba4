using System.Text.Json;
using System.Text.Json.Serialization;

namespace RftInfra.AzureOpenAI;

/// <summary>
/// The kit's view of a job's state (docs/service.md §2.6): pending, running, paused, cancelling, succeeded, failed,
/// cancelled. Extensible like openai-dotnet's FineTuningStatus: a status the kit does not know is kept as its own
/// state (lower-cased), never thrown on.
/// </summary>
public readonly struct JobState : IEquatable<JobState>
{
    private readonly string? _value;

    private JobState(string value) => _value = value;

    public static JobState Pending { get; } = new("pending");
    public static JobState Running { get; } = new("running");
    public static JobState Paused { get; } = new("paused");
    public static JobState Cancelling { get; } = new("cancelling");
    public static JobState Succeeded { get; } = new("succeeded");
    public static JobState Failed { get; } = new("failed");
    public static JobState Cancelled { get; } = new("cancelled");

    public string Value => _value ?? "unknown";

    /// <summary>True for one of the seven states above; false for a service value the kit has not met.</summary>
    public bool IsKnown => Value is "pending" or "running" or "paused" or "cancelling" or "succeeded" or "failed" or "cancelled";

    /// <summary>Succeeded, failed or cancelled: the job will not change again.</summary>
    public bool IsTerminal => Equals(Succeeded) || Equals(Failed) || Equals(Cancelled);

    /// <summary>Maps a service status, case-insensitively (§2.6 mapping).</summary>
    public static JobState FromServiceStatus(string? status)
    {
        var s = (status ?? "").Trim().ToLowerInvariant();
        return s switch
        {
            "created" or "pending" or "validating_files" or "queued" or "notrunning" => Pending,
            "running" or "resuming" => Running,
            "pausing" or "paused" => Paused,
            "cancelling" or "canceling" => Cancelling,
            "succeeded" => Succeeded,
            "failed" => Failed,
            "cancelled" or "canceled" => Cancelled,
            "" => new JobState("unknown"),
            _ => new JobState(s),
        };
    }

    public bool Equals(JobState other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is JobState other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(JobState left, JobState right) => left.Equals(right);

    public static bool operator !=(JobState left, JobState right) => !left.Equals(right);

    public override string ToString() => Value;
}

/// <summary>
/// A job status exactly as the service sent it (any casing, any value), compared case-insensitively, with its
/// <see cref="State"/> in kit terms.
/// </summary>
[JsonConverter(typeof(JobStatusJsonConverter))]
public readonly struct JobStatus : IEquatable<JobStatus>
{
    private readonly string? _value;

    public JobStatus(string value) => _value = value;

    public static JobStatus ValidatingFiles { get; } = new("validating_files");
    public static JobStatus Queued { get; } = new("queued");
    public static JobStatus Pending { get; } = new("pending");
    public static JobStatus Running { get; } = new("running");
    public static JobStatus Paused { get; } = new("paused");
    public static JobStatus Cancelling { get; } = new("cancelling");
    public static JobStatus Succeeded { get; } = new("succeeded");
    public static JobStatus Failed { get; } = new("failed");
    public static JobStatus Cancelled { get; } = new("cancelled");

    public string Value => _value ?? "";

    public JobState State => JobState.FromServiceStatus(_value);

    public bool IsTerminal => State.IsTerminal;

    public bool Equals(JobStatus other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is JobStatus other && Equals(other);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    public static bool operator ==(JobStatus left, JobStatus right) => left.Equals(right);

    public static bool operator !=(JobStatus left, JobStatus right) => !left.Equals(right);

    public override string ToString() => Value;
}

internal sealed class JobStatusJsonConverter : JsonConverter<JobStatus>
{
    public override JobStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new JobStatus(reader.GetString()!)
            : throw new JsonException($"A job status must be a string, not {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, JobStatus value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
