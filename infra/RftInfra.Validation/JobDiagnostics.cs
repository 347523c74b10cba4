using RftInfra.Diagnostics;
using RftInfra.Text;
using static RftInfra.Diagnostics.DiagnosticSeverity;
using RftInfra.Declarations;

namespace RftInfra.Validation;

/// <summary>Job checks, RFT2xx: fields, model, training type and region, hyperparameters, limits, leakage.</summary>
public static class JobDiagnostics
{
    public static readonly DiagnosticDescriptor MissingFieldDescriptor = new("RFT200", Error,
        "Required job field missing", "Add the field (name, model, training_file, validation_file, grader, training_type, region).");
    public static readonly DiagnosticDescriptor UnknownFieldDescriptor = new("RFT201", Error,
        "Unknown or misspelt job field", "Remove the field or correct its spelling.");
    public static readonly DiagnosticDescriptor WrongTypeDescriptor = new("RFT202", Error,
        "Job field has the wrong type", "Give the field the expected type.");
    public static readonly DiagnosticDescriptor ModelNotTrainableDescriptor = new("RFT203", Error,
        "Model cannot be trained with RFT", "Use o4-mini-2025-04-16 (or a fine-tuned model of it for continuous fine-tuning).");
    public static readonly DiagnosticDescriptor ModelPreviewDescriptor = new("RFT204", Warning,
        "Model's RFT support is a preview", "Make sure the subscription is enrolled, or use a GA model.");
    public static readonly DiagnosticDescriptor UnknownTrainingTypeDescriptor = new("RFT205", Error,
        "Unknown training_type", "Use standard, globalstandard, developer or datazone (the tiers of catalog/catalog.json).");
    public static readonly DiagnosticDescriptor UnknownRegionDescriptor = new("RFT206", Error,
        "Region is not an RFT training region", "Use the ARM name of a region in catalog/catalog.json, e.g. swedencentral.");
    public static readonly DiagnosticDescriptor TrainingTypeNotAvailableDescriptor = new("RFT207", Error,
        "Training type not available for this model in this region", "Pick a region the catalog lists for this model and training type, or another training type.");
    public static readonly DiagnosticDescriptor HyperparameterDescriptor = new("RFT208", Error,
        "Hyperparameter out of range", "Use \"auto\" or a value in the documented range (docs/service.md §2.3).");
    public static readonly DiagnosticDescriptor ValidationFileMissingDescriptor = new("RFT209", Error,
        "RFT requires a validation file", "Add validation_file: a JSONL of held-out prompts in the same format as training_file.");
    public static readonly DiagnosticDescriptor SuffixDescriptor = new("RFT210", Error,
        "Invalid suffix", "Use at most 40 characters from a-z, A-Z, 0-9, '-' and '_'.");
    public static readonly DiagnosticDescriptor MetadataDescriptor = new("RFT211", Error,
        "Invalid metadata", "Use at most 16 string pairs, keys up to 64 and values up to 512 characters.");
    public static readonly DiagnosticDescriptor SeedDescriptor = new("RFT212", Error,
        "Invalid seed", "Use an integer from 0 to 2147483647.");
    public static readonly DiagnosticDescriptor TooManyTrainingRowsDescriptor = new("RFT213", Error,
        "Training file has too many rows", "Keep the training file at or below 50 000 rows.");
    public static readonly DiagnosticDescriptor TooManyValidationRowsDescriptor = new("RFT214", Error,
        "Validation file has too many rows", "Keep the validation file at or below 1 000 rows.");
    public static readonly DiagnosticDescriptor FileTooLargeDescriptor = new("RFT215", Error,
        "Data file too large", "Keep each file under 512 MB: drop rows or shorten prompts.");
    public static readonly DiagnosticDescriptor LeakageDescriptor = new("RFT216", Warning,
        "The same prompt is in training and validation", "Remove the repeated prompts from one of the files so validation measures generalisation.");
    public static readonly DiagnosticDescriptor ResponseFormatDescriptor = new("RFT217", Error,
        "response_format is not valid for strict structured outputs", "Give a json_schema with name, strict: true and an object schema whose objects set additionalProperties: false and require every property.");
    public static readonly DiagnosticDescriptor DeployDescriptor = new("RFT218", Error,
        "Invalid deploy section", "Use sku Standard, GlobalStandard or DeveloperTier and a capacity of at least 1.");
    public static readonly DiagnosticDescriptor NameDescriptor = new("RFT219", Error,
        "Invalid job name", "Use 1–64 characters from a-z, A-Z, 0-9, '-', '_' and '.'.");

    public static IReadOnlyList<DiagnosticDescriptor> All =>
    [
        MissingFieldDescriptor, UnknownFieldDescriptor, WrongTypeDescriptor, ModelNotTrainableDescriptor, ModelPreviewDescriptor,
        UnknownTrainingTypeDescriptor, UnknownRegionDescriptor, TrainingTypeNotAvailableDescriptor, HyperparameterDescriptor,
        ValidationFileMissingDescriptor, SuffixDescriptor, MetadataDescriptor, SeedDescriptor, TooManyTrainingRowsDescriptor,
        TooManyValidationRowsDescriptor, FileTooLargeDescriptor, LeakageDescriptor, ResponseFormatDescriptor, DeployDescriptor,
        NameDescriptor, .. CatalogFactDiagnostics.All,
    ];

    public static readonly ShapeFindings Findings = new(UnknownField, MissingField, WrongType);

    public static Diagnostic MissingField(string file, SourcePosition at, string field, string where) =>
        MissingFieldDescriptor.Create(file, at, $"Required field '{field}' is missing in {where} of the job.");

    public static Diagnostic UnknownField(string file, SourcePosition at, string field, string where, IReadOnlyList<string> allowed) =>
        UnknownFieldDescriptor.Create(file, at, $"Unknown field '{field}' in {where} of the job.{EditDistance.DidYouMean(field, allowed)}",
            $"Allowed fields here: {string.Join(", ", allowed.Where(a => a != "$schema"))}.");

    public static Diagnostic WrongType(string file, SourcePosition at, string field, string expected, string found) =>
        WrongTypeDescriptor.Create(file, at, $"Field {field} must be {expected}; found {found}.");

    public static Diagnostic NotAnObject(string file, SourcePosition at, string found) =>
        WrongTypeDescriptor.Create(file, at, $"A job file must hold one object; found {found}.",
            "Write the job as a mapping of name, model, training_file, validation_file, grader, ….");

    public static Diagnostic ModelNotTrainable(string file, SourcePosition at, string model, IReadOnlyList<string> trainable) =>
        ModelNotTrainableDescriptor.Create(file, at,
            $"Model '{model}' cannot be trained with reinforcement fine-tuning.{EditDistance.DidYouMean(model, trainable)}",
            $"Use one of: {string.Join(", ", trainable)}.");

    public static Diagnostic ModelPreview(string file, SourcePosition at, string model) =>
        ModelPreviewDescriptor.Create(file, at, $"RFT for '{model}' is a preview.");

    public static Diagnostic UnknownTrainingType(string file, SourcePosition at, string value, IReadOnlyList<string> known)
    {
        var lower = value.ToLowerInvariant();
        var suggestion = lower switch
        {
            "global" or "global_standard" or "global-standard" => "globalstandard",
            "developertier" or "developer_tier" or "dev" => "developer",
            "regional" => "standard",
            _ => EditDistance.Closest(value, known),
        };
        return UnknownTrainingTypeDescriptor.Create(file, at,
            $"training_type '{value}' is not known." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"),
            $"Use one of: {string.Join(", ", known)}.");
    }

    public static Diagnostic UnknownRegion(string file, SourcePosition at, string region, IReadOnlyList<string> known)
    {
        var squashed = region.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        var suggestion = known.Contains(squashed) ? squashed : EditDistance.Closest(region, known);
        return UnknownRegionDescriptor.Create(file, at,
            $"Region '{region}' is not an RFT training region in the catalog." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"),
            $"Use an ARM region name: {string.Join(", ", known)}.");
    }

    public static Diagnostic TrainingTypeNotAvailable(string file, SourcePosition at, string model, string trainingType, string region, IReadOnlyList<string> regions) =>
        TrainingTypeNotAvailableDescriptor.Create(file, at,
            $"'{trainingType}' training of {model} is not available in {region}.",
            regions.Count == 0
                ? $"{model} has no '{trainingType}' training; use another training_type."
                : $"For '{trainingType}' training use region {OneOf(regions)}, or another training_type.");

    public static Diagnostic Hyperparameter(string file, SourcePosition at, string name, string problem) =>
        HyperparameterDescriptor.Create(file, at, $"hyperparameters.{name}: {problem}");

    public static Diagnostic ValidationFileMissing(string file, SourcePosition at) =>
        ValidationFileMissingDescriptor.Create(file, at, "The job has no validation_file; reinforcement fine-tuning requires one.");

    public static Diagnostic Suffix(string file, SourcePosition at, string problem) => SuffixDescriptor.Create(file, at, problem);

    public static Diagnostic Metadata(string file, SourcePosition at, string problem, string? hint = null) =>
        MetadataDescriptor.Create(file, at, problem, hint);

    public static Diagnostic Seed(string file, SourcePosition at, string problem) => SeedDescriptor.Create(file, at, problem);

    public static Diagnostic TooManyTrainingRows(string file, SourcePosition at, string dataFile, int rows, int limit) =>
        TooManyTrainingRowsDescriptor.Create(file, at, $"{dataFile} has {rows:N0} rows; a training file may have at most {limit:N0}.");

    public static Diagnostic TooManyValidationRows(string file, SourcePosition at, string dataFile, int rows, int limit) =>
        TooManyValidationRowsDescriptor.Create(file, at, $"{dataFile} has {rows:N0} rows; a validation file may have at most {limit:N0}.");

    public static Diagnostic FileTooLarge(string file, SourcePosition at, string dataFile, long bytes, long limit) =>
        FileTooLargeDescriptor.Create(file, at, $"{dataFile} is {bytes:N0} bytes; each file must be under {limit:N0} bytes (512 MB).");

    public static Diagnostic Leakage(string file, SourcePosition at, string trainingFile, string validationFile, int count, IReadOnlyList<int> lines) =>
        LeakageDescriptor.Create(file, at,
            $"{count} prompt(s) of {trainingFile} also appear in {validationFile} (training lines {FormatLines(lines, count)}).");

    public static Diagnostic ResponseFormat(string file, SourcePosition at, string problem, string? hint = null) =>
        ResponseFormatDescriptor.Create(file, at, problem, hint);

    public static Diagnostic Deploy(string file, SourcePosition at, string problem, string? hint = null) =>
        DeployDescriptor.Create(file, at, problem, hint);

    public static Diagnostic Name(string file, SourcePosition at, string name) =>
        NameDescriptor.Create(file, at, $"Job name '{name}' is not valid.");

    /// <summary>"a", "a or b", "a, b or c".</summary>
    public static string OneOf(IReadOnlyList<string> values) =>
        values.Count <= 1 ? string.Join("", values) : $"{string.Join(", ", values.Take(values.Count - 1))} or {values[^1]}";

    /// <summary>"1, 2, 3, 4, 5, …" — the first few of <paramref name="total"/> line numbers.</summary>
    public static string FormatLines(IReadOnlyList<int> lines, int total, int shown = 5) =>
        DiagnosticDescriptor.FormatLines(lines, total, shown);
}
