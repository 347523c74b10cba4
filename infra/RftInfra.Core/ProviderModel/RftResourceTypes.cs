namespace RftInfra.Core.ProviderModel;

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
/// (DESIGN.md, "Resources the kit declares").
/// </summary>
public static class RftResourceTypes
{
    public const string Package = "rft";
    public const string TrainingFileToken = "rft:index:TrainingFile";
    public const string GraderToken = "rft:index:Grader";
    public const string FineTuningJobToken = "rft:index:FineTuningJob";

    public static readonly IReadOnlyList<PropertyDescription> ProviderConfig =
    [
        new("endpoint", PropertyKind.String, "Azure OpenAI account endpoint, e.g. https://{account}.openai.azure.com/.", Required: true),
        new("credential", PropertyKind.String, "How to authenticate: \"entra\" (default, Azure.Identity DefaultAzureCredential) or \"apikey\"."),
        new("apiKey", PropertyKind.String, "API key when credential is \"apikey\". Kept secret.", Secret: true),
    ];

    public static readonly ResourceTypeDescription TrainingFile = new(
        TrainingFileToken,
        "A JSONL dataset uploaded with purpose fine-tune. Identity is the content hash: an unchanged file is never uploaded again; a changed one is replaced.",
        [
            new("path", PropertyKind.String, "Repository-relative path of the JSONL file.", Required: true, ReplaceOnChanges: true),
            new("contentHash", PropertyKind.String, "SHA-256 of the file's bytes (lowercase hex).", Required: true, ReplaceOnChanges: true),
            new("purpose", PropertyKind.String, "Upload purpose; fine-tune unless stated.", ReplaceOnChanges: true),
        ],
        [
            new("fileId", PropertyKind.String, "The service's file id (file-...).", Required: true),
            new("filename", PropertyKind.String, "File name as uploaded."),
            new("bytes", PropertyKind.Integer, "Size in bytes."),
            new("status", PropertyKind.String, "Service status: uploaded, pending, running, processed, error, ...", Required: true),
            new("contentHash", PropertyKind.String, "SHA-256 of the uploaded bytes.", Required: true),
        ]);

    public static readonly ResourceTypeDescription Grader = new(
        GraderToken,
        "A grader validated with the service. No cloud object: its canonical JSON feeds the jobs that use it.",
        [
            new("name", PropertyKind.String, "Grader name (the file name under graders/).", Required: true),
            new("grader", PropertyKind.Json, "The grader object, exactly as the service takes it.", Required: true),
        ],
        [
            new("name", PropertyKind.String, "Grader name.", Required: true),
            new("type", PropertyKind.String, "Grader type (string_check, text_similarity, score_model, python, multi, ...).", Required: true),
            new("canonicalJson", PropertyKind.String, "The grader as canonical JSON (sorted keys).", Required: true),
            new("graderHash", PropertyKind.String, "SHA-256 of the canonical JSON.", Required: true),
        ]);

    public static readonly ResourceTypeDescription FineTuningJob = new(
        FineTuningJobToken,
        "A reinforcement fine-tuning job. Created once per spec hash (adopted if it already exists), never waited for; refresh reads status, model and metrics. Any spec change replaces it; deleting cancels it if unfinished and keeps the model.",
        [
            new("name", PropertyKind.String, "The job declaration's name.", Required: true),
            new("model", PropertyKind.String, "Base model, e.g. o4-mini-2025-04-16.", Required: true, ReplaceOnChanges: true),
            new("trainingFileId", PropertyKind.String, "File id of the training set.", Required: true, ReplaceOnChanges: true),
            new("validationFileId", PropertyKind.String, "File id of the validation set.", Required: true, ReplaceOnChanges: true),
            new("grader", PropertyKind.Json, "The grader object.", Required: true, ReplaceOnChanges: true),
            new("responseFormat", PropertyKind.Json, "Structured-output format used while sampling.", ReplaceOnChanges: true),
            new("hyperparameters", PropertyKind.Json, "method.reinforcement.hyperparameters (numbers or \"auto\").", ReplaceOnChanges: true),
            new("trainingType", PropertyKind.String, "Azure trainingType: standard, globalstandard or developer.", ReplaceOnChanges: true),
            new("suffix", PropertyKind.String, "Suffix of the fine-tuned model name.", ReplaceOnChanges: true),
            new("seed", PropertyKind.Integer, "Training seed.", ReplaceOnChanges: true),
            new("metadata", PropertyKind.StringMap, "Job metadata (the kit adds its spec hash)."),
            new("retrainToken", PropertyKind.String, "Change this value to retrain an unchanged spec on purpose.", ReplaceOnChanges: true),
        ],
        [
            new("jobId", PropertyKind.String, "The service's job id (ftjob-...).", Required: true),
            new("status", PropertyKind.String, "Normalised status: pending, running, paused, cancelling, succeeded, failed, cancelled, or the service's own value.", Required: true),
            new("fineTunedModel", PropertyKind.String, "The fine-tuned model id once the job succeeded."),
            new("trainedTokens", PropertyKind.Integer, "Trained tokens, when reported."),
            new("specHash", PropertyKind.String, "Hash of everything that defines the job; stored in the job's metadata.", Required: true),
            new("error", PropertyKind.Json, "The service's error object for a failed job."),
            new("latestMetrics", PropertyKind.Json, "Latest metrics event data: step, train_reward_mean, valid_reward_mean, ..."),
        ]);

    public static readonly IReadOnlyList<ResourceTypeDescription> All = [TrainingFile, Grader, FineTuningJob];

    public static ResourceTypeDescription? Find(string token) => All.FirstOrDefault(t => t.Token == token);
}
