namespace RftInfra.ProviderModel;

/// <summary>Schema types of the rft provider's properties (Pulumi package schema primitive names, plus free-form JSON).</summary>
public enum PropertyKind
{
    String,
    Integer,
    Number,
    Boolean,

    /// <summary>Any JSON value (a grader, a response format): <c>pulumi.json#/Any</c> in the schema.</summary>
    Json,

    /// <summary>A map of strings.</summary>
    StringMap,
}

/// <summary>
/// One input or output property. <see cref="ReplaceOnChanges"/> marks inputs whose change replaces the resource
/// (the lifecycle's Diff says the same; the schema lets `pulumi preview` show it before asking the provider).
/// </summary>
public sealed record PropertyDescription(
    string Name, PropertyKind Kind, string Description, bool Required = false, bool Secret = false, bool ReplaceOnChanges = false);

public sealed record ResourceTypeDescription(
    string Token, string Description, IReadOnlyList<PropertyDescription> Inputs, IReadOnlyList<PropertyDescription> Outputs)
{
    public IEnumerable<string> OutputNames => Outputs.Select(o => o.Name);

    public bool HasInput(string name) => Inputs.Any(i => i.Name == name);
}

/// <summary>
/// The three resource types of the <c>rft</c> provider and the provider's own configuration: the single
/// description the provider's GetSchema, the program's resource classes and the lifecycles' property bags follow
/// (docs/pulumi.md, resources).
/// </summary>
public static class RftResourceTypes
{
    public const string Package = "rft";
    public const string TrainingFileToken = "rft:index:TrainingFile";
    public const string GraderToken = "rft:index:Grader";
    public const string FineTuningJobToken = "rft:index:FineTuningJob";

    public static readonly IReadOnlyList<PropertyDescription> ProviderConfig =
    [
        new("endpoint", PropertyKind.String,
            "Azure OpenAI account endpoint, e.g. https://{account}.openai.azure.com/, or a Foundry project endpoint, https://{resource}.services.ai.azure.com/api/projects/{project} (docs/foundry.md).",
            Required: true),
        new("credential", PropertyKind.String, "How to authenticate: \"entra\" (default, Azure.Identity DefaultAzureCredential) or \"apikey\"."),
        new("apiKey", PropertyKind.String, "API key when credential is \"apikey\". Kept secret.", Secret: true),
    ];

    // Property names are the keys of the lifecycles' bags (Lifecycles/*Lifecycle.cs): the lifecycle is the truth,
    // this description makes it visible to the schema and to the program's resource classes.
    public static readonly ResourceTypeDescription TrainingFile = new(
        TrainingFileToken,
        "A JSONL dataset uploaded with purpose fine-tune. Identity is the content hash: an unchanged file is never uploaded again; a changed one is replaced.",
        [
            new("source", PropertyKind.String, "Path of the local JSONL file to upload (a change of path alone only updates the record).", Required: true),
            new("contentHash", PropertyKind.String, "SHA-256 of the file's bytes (lowercase hex); Check computes it from source when absent.", ReplaceOnChanges: true),
            new("purpose", PropertyKind.String, "Upload purpose; fine-tune unless stated.", ReplaceOnChanges: true),
        ],
        [
            new("fileId", PropertyKind.String, "The service's file id (file-...).", Required: true),
            new("contentHash", PropertyKind.String, "SHA-256 of the uploaded bytes.", Required: true),
            new("filename", PropertyKind.String, "File name as uploaded (carries the content hash)."),
            new("bytes", PropertyKind.Integer, "Size in bytes."),
            new("status", PropertyKind.String, "Service status: uploaded, pending, running, processed, error, ..."),
            new("purpose", PropertyKind.String, "Upload purpose."),
            new("source", PropertyKind.String, "The local path it was uploaded from."),
        ]);

    public static readonly ResourceTypeDescription Grader = new(
        GraderToken,
        "A grader validated with the service. No cloud object: its canonical JSON feeds the jobs that use it.",
        [
            new("grader", PropertyKind.Json, "The grader object, exactly as the service takes it.", Required: true),
            new("sourceFile", PropertyKind.String, "The grader file (graders/...), for messages."),
        ],
        [
            new("name", PropertyKind.String, "Grader name.", Required: true),
            new("type", PropertyKind.String, "Grader type (string_check, text_similarity, score_model, python, multi, ...).", Required: true),
            new("canonicalJson", PropertyKind.String, "The grader as canonical JSON (sorted keys).", Required: true),
            new("hash", PropertyKind.String, "SHA-256 of the canonical JSON.", Required: true),
            new("serviceValidated", PropertyKind.Boolean, "Whether the service's graders/validate accepted it (types it knows)."),
        ]);

    public static readonly ResourceTypeDescription FineTuningJob = new(
        FineTuningJobToken,
        "A reinforcement fine-tuning job. Created once per spec hash (adopted if it already exists), never waited for; refresh reads status, model and metrics. Any spec change replaces it; deleting cancels it if unfinished and keeps the model.",
        [
            new("model", PropertyKind.String, "Base model, e.g. o4-mini-2025-04-16.", Required: true, ReplaceOnChanges: true),
            // Not replace-on-change: the same content re-uploaded gets a new id but the same spec hash, and the
            // lifecycle's Diff treats that as an update (a replace would adopt, then cancel, the running job).
            new("trainingFileId", PropertyKind.String, "File id of the training set (a new id with the same content hash does not replace the job).", Required: true),
            new("validationFileId", PropertyKind.String, "File id of the validation set (a new id with the same content hash does not replace the job).", Required: true),
            new("trainingFileHash", PropertyKind.String, "Content hash of the training set (preferred over the id in the spec hash).", ReplaceOnChanges: true),
            new("validationFileHash", PropertyKind.String, "Content hash of the validation set.", ReplaceOnChanges: true),
            new("grader", PropertyKind.Json, "The grader object.", Required: true, ReplaceOnChanges: true),
            new("responseFormat", PropertyKind.Json, "Structured-output format used while sampling.", ReplaceOnChanges: true),
            new("hyperparameters", PropertyKind.Json, "method.reinforcement.hyperparameters (numbers or \"auto\").", ReplaceOnChanges: true),
            new("trainingType", PropertyKind.String, "Azure trainingType: standard, globalstandard or developer.", ReplaceOnChanges: true),
            new("seed", PropertyKind.Integer, "Training seed.", ReplaceOnChanges: true),
            new("suffix", PropertyKind.String, "Suffix of the fine-tuned model name.", ReplaceOnChanges: true),
            new("metadata", PropertyKind.StringMap, "Job metadata (the kit adds its spec hash); a change only updates the record."),
            new("sourceFile", PropertyKind.String, "The job declaration file (jobs/...), for messages."),
            new("declaration", PropertyKind.Json, "The job declaration as written, so Check runs the `rft validate` job checks."),
            new("dataRoot", PropertyKind.String, "Directory the declaration's data paths are relative to, so Check validates the datasets too."),
        ],
        [
            new("jobId", PropertyKind.String, "The service's job id (ftjob-...).", Required: true),
            new("specHash", PropertyKind.String, "Hash of everything that defines the job; stored in the job's metadata.", Required: true),
            new("status", PropertyKind.String, "Kit state: pending, running, paused, cancelling, succeeded, failed, cancelled (unknown service values kept).", Required: true),
            new("serviceStatus", PropertyKind.String, "The status string as the service wrote it."),
            new("model", PropertyKind.String, "Base model as the service reports it."),
            new("fineTunedModel", PropertyKind.String, "The fine-tuned model id once the job succeeded."),
            new("trainedTokens", PropertyKind.Integer, "Trained tokens, when reported."),
            new("error", PropertyKind.Json, "The service's error object {code, message, param} for a failed job."),
            new("trainRewardMean", PropertyKind.Number, "Latest train_reward_mean from the metrics events."),
            new("validRewardMean", PropertyKind.Number, "Latest valid_reward_mean from the metrics events."),
            new("metricsStep", PropertyKind.Integer, "Step of those latest metrics."),
            new("createdAt", PropertyKind.Integer, "Creation time (Unix seconds)."),
            new("finishedAt", PropertyKind.Integer, "Finish time (Unix seconds)."),
        ]);

    public static readonly IReadOnlyList<ResourceTypeDescription> All = [TrainingFile, Grader, FineTuningJob];

    public static ResourceTypeDescription? Find(string token) => All.FirstOrDefault(t => t.Token == token);
}
