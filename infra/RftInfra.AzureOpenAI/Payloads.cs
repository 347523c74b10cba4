using System.Text.Json;
using RftInfra.Declarations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RftInfra.AzureOpenAI;

// The service's JSON shapes (docs/service.md §1.3-§2.9), as the kit reads and writes them with System.Text.Json.
// `required` members are the ones the kit cannot work without: a missing one is a clear error, not a null.

/// <summary>The serializer settings of every payload, built in one place.</summary>
internal static class PayloadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}

/// <summary>A file (§1.3). Azure statuses: uploaded, pending, running, processed, error, deleting, deleted.</summary>
public sealed record FileObject
{
    public required string Id { get; init; }
    public long Bytes { get; init; }
    public long CreatedAt { get; init; }
    public long? ExpiresAt { get; init; }
    public string Filename { get; init; } = "";
    public string Purpose { get; init; } = "";
    public required string Status { get; init; }
    public string? StatusDetails { get; init; }

    public bool IsProcessed => Status.Equals("processed", StringComparison.OrdinalIgnoreCase);

    public bool IsFailed => Status.Equals("error", StringComparison.OrdinalIgnoreCase);

    public bool IsGone =>
        Status.Equals("deleted", StringComparison.OrdinalIgnoreCase) || Status.Equals("deleting", StringComparison.OrdinalIgnoreCase);
}

/// <summary>One page of a list answer: <c>data</c>, <c>has_more</c>, <c>first_id</c>, <c>last_id</c>.</summary>
public sealed record Page<T>
{
    public required IReadOnlyList<T> Data { get; init; }
    public bool HasMore { get; init; }
    public string? FirstId { get; init; }
    public string? LastId { get; init; }
}

/// <summary>A large-file upload (§1.4); <see cref="File"/> is set once completed.</summary>
public sealed record UploadObject
{
    public required string Id { get; init; }
    public string Status { get; init; } = "";
    public long Bytes { get; init; }
    public string Filename { get; init; } = "";
    public string Purpose { get; init; } = "";
    public long? ExpiresAt { get; init; }
    public FileObject? File { get; init; }
}

public sealed record UploadPart
{
    public required string Id { get; init; }
    public string? UploadId { get; init; }
    public string? AzureBlockId { get; init; }
}

/// <summary>The job's <c>error</c> (§2.5): code, message and param (usually training_file or validation_file).</summary>
public sealed record JobError
{
    public string? Code { get; init; }
    public string? Message { get; init; }
    public string? Param { get; init; }
}

/// <summary>A fine-tuning job (§2.5). Fields Azure leaves null (organization_id, result_files) are not read.</summary>
public sealed record FineTuningJob
{
    public required string Id { get; init; }
    public required JobStatus Status { get; init; }
    public string Model { get; init; } = "";
    public string? FineTunedModel { get; init; }
    public long? TrainedTokens { get; init; }
    public string? TrainingFile { get; init; }
    public string? ValidationFile { get; init; }
    public long? Seed { get; init; }
    public JsonObject? Method { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public JobError? Error { get; init; }
    public long CreatedAt { get; init; }
    public long? FinishedAt { get; init; }
    public long? EstimatedFinish { get; init; }
    public string? UserProvidedSuffix { get; init; }

    [JsonPropertyName("trainingType")]
    public JsonNode? TrainingType { get; init; }
}

/// <summary>A job event (§2.8); <c>type</c> "metrics" events carry reward figures in <see cref="Data"/>.</summary>
public sealed record JobEvent
{
    public required string Id { get; init; }
    public long CreatedAt { get; init; }
    public string Level { get; init; } = "";
    public string Message { get; init; } = "";
    public string? Type { get; init; }
    public JsonObject? Data { get; init; }
}

/// <summary>A job checkpoint (§2.9).</summary>
public sealed record JobCheckpoint
{
    public required string Id { get; init; }
    public long CreatedAt { get; init; }
    public string? FineTunedModelCheckpoint { get; init; }
    public int StepNumber { get; init; }
    public string? FineTuningJobId { get; init; }
    public JsonObject? Metrics { get; init; }
}

/// <summary>The answer of graders/run (§1.6).</summary>
public sealed record GraderRunResult
{
    public required double Reward { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonNode? SubRewards { get; init; }
    public JsonNode? ModelGraderTokenUsagePerModel { get; init; }
}

/// <summary>
/// What an RFT job create needs (§2.1-§2.4). <see cref="ToJson"/> writes the service's body: the grader,
/// response_format and hyperparameters under <c>method.reinforcement</c> (never top level), and the Azure-only
/// <c>trainingType</c> at the top level as the catalog's wire literal (<see cref="RftCatalog.WireTrainingType"/>:
/// <c>globalstandard</c> goes out as <c>globalStandard</c>).
/// </summary>
public sealed record CreateJobRequest
{
    public required string Model { get; init; }
    public required string TrainingFile { get; init; }
    public required string ValidationFile { get; init; }
    public required JsonObject Grader { get; init; }
    public JsonObject? ResponseFormat { get; init; }
    public JsonObject? Hyperparameters { get; init; }
    public string? TrainingType { get; init; }
    public long? Seed { get; init; }
    public string? Suffix { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The service's body; <paramref name="catalog"/> (default: the built-in one) gives the trainingType literal.</summary>
    public JsonObject ToJson(RftCatalog? catalog = null)
    {
        var reinforcement = new JsonObject { ["grader"] = Grader.DeepClone() };
        if (ResponseFormat is not null)
        {
            reinforcement["response_format"] = ResponseFormat.DeepClone();
        }

        if (Hyperparameters is not null)
        {
            reinforcement["hyperparameters"] = Hyperparameters.DeepClone();
        }

        var body = new JsonObject
        {
            ["model"] = Model,
            ["training_file"] = TrainingFile,
            ["validation_file"] = ValidationFile,
            ["method"] = new JsonObject { ["type"] = "reinforcement", ["reinforcement"] = reinforcement },
        };
        if (TrainingType is not null)
        {
            body["trainingType"] = (catalog ?? RftCatalog.Default).WireTrainingType(TrainingType);
        }

        if (Seed is not null)
        {
            body["seed"] = Seed.Value;
        }

        if (Suffix is not null)
        {
            body["suffix"] = Suffix;
        }

        if (Metadata is { Count: > 0 })
        {
            var metadata = new JsonObject();
            foreach (var (key, value) in Metadata)
            {
                metadata[key] = value;
            }

            body["metadata"] = metadata;
        }

        return body;
    }
}

/// <summary>The service's error body: <c>{"error": {"code", "message", "param", "type"}}</c>.</summary>
internal sealed record ErrorEnvelope
{
    public ErrorBody? Error { get; init; }
}

internal sealed record ErrorBody
{
    public string? Code { get; init; }
    public string? Message { get; init; }
    public string? Param { get; init; }
    public string? Type { get; init; }
}
