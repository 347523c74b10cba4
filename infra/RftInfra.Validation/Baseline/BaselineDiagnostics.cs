using RftInfra.Diagnostics;

namespace RftInfra.Validation.Baseline;

/// <summary>Findings of <c>rft baseline</c> and <c>rft cost</c> and the best-practice advice (RFT8xx, docs/baseline.md).</summary>
public static class BaselineDiagnostics
{
    public static readonly DiagnosticDescriptor SettingInvalid = new("RFT800", DiagnosticSeverity.Error,
        "The job's baseline section is not valid", "Fix the baseline section of the job (rows 10-100, variants with a name and a prompt); see docs/baseline.md.");

    public static readonly DiagnosticDescriptor NoRows = new("RFT801", DiagnosticSeverity.Error,
        "The job's validation file has no rows to ask", "Give the job a validation_file with rows (JSONL, one row per line); see docs/baseline.md.");

    public static readonly DiagnosticDescriptor ModelGraderOnExactValues = new("RFT810", DiagnosticSeverity.Warning,
        "A model grader compares against short exact values", "Use a string_check grader (eq, or ilike for case): it is cheaper, faster and deterministic; see docs/baseline.md.");

    public static readonly DiagnosticDescriptor GraderModelLadder = new("RFT811", DiagnosticSeverity.Info,
        "The grader model does not fit the job's stage", "Follow the ladder: gpt-4.1-nano while iterating, gpt-4.1-mini once the rubric is stable, gpt-4.1 for production; see docs/baseline.md.");

    public static readonly DiagnosticDescriptor BaselineSparse = new("RFT812", DiagnosticSeverity.Warning,
        "The baseline rewards are too sparse to learn from", "Give partial credit or check that the grader reads the fields the rows and answers have; see docs/baseline.md.");

    public static readonly DiagnosticDescriptor BaselineUniform = new("RFT813", DiagnosticSeverity.Warning,
        "The baseline rewards are too uniform to learn from", "Make the grader tell better answers from worse ones; see docs/baseline.md.");

    public static readonly DiagnosticDescriptor BaselineSaturated = new("RFT814", DiagnosticSeverity.Warning,
        "The base model already passes more than 90 % of the rows", "Make the task or the grader harder: training has little left to teach; see docs/baseline.md.");

    public static readonly DiagnosticDescriptor FirstJobTooLarge = new("RFT815", DiagnosticSeverity.Info,
        "A first job of a task trains on thousands of rows", "Start with 10-100 rows to check grader and data, then scale up; see docs/baseline.md.");

    public static readonly DiagnosticDescriptor JobsDifferInManyVariables = new("RFT816", DiagnosticSeverity.Info,
        "Two jobs of the same task differ in more than one variable", "Change one variable per job (model, data, grader or one hyperparameter) so a change in reward can be attributed; see docs/baseline.md.");

    public static IReadOnlyList<DiagnosticDescriptor> All =>
        [SettingInvalid, NoRows, ModelGraderOnExactValues, GraderModelLadder, BaselineSparse, BaselineUniform, BaselineSaturated,
         FirstJobTooLarge, JobsDifferInManyVariables];
}
