using RftInfra.Diagnostics;
using RftInfra.Graders.Evaluation;
using RftInfra.Templates;
using RftInfra.Text;
using static RftInfra.Diagnostics.DiagnosticSeverity;
using RftInfra.Declarations;

namespace RftInfra.Validation;

/// <summary>Grader checks, RFT1xx: shape, operations, metrics, multi formulas, models, python source, templates.</summary>
public static class GraderDiagnostics
{
    public static readonly DiagnosticDescriptor NotAnObjectDescriptor = new("RFT100", Error,
        "A grader must be an object with a 'type'", "Write the grader as an object with 'type' and 'name', as the service takes it.");
    public static readonly DiagnosticDescriptor UnknownTypeDescriptor = new("RFT101", Error,
        "Unknown grader type", "Use one of string_check, text_similarity, score_model, python, multi.");
    public static readonly DiagnosticDescriptor UnknownFieldDescriptor = new("RFT102", Error,
        "Unknown or misspelt grader field", "Remove the field or correct its spelling; the service rejects unknown fields.");
    public static readonly DiagnosticDescriptor MissingFieldDescriptor = new("RFT103", Error,
        "Required grader field missing", "Add the field; see docs/service.md §3.2 for each type's required fields.");
    public static readonly DiagnosticDescriptor WrongTypeDescriptor = new("RFT104", Error,
        "Grader field has the wrong JSON type", "Give the field the expected type.");
    public static readonly DiagnosticDescriptor InvalidOperationDescriptor = new("RFT105", Error,
        "Invalid string_check operation", "Use eq, ne, like (contains, case-sensitive) or ilike (contains, case-insensitive).");
    public static readonly DiagnosticDescriptor InvalidMetricDescriptor = new("RFT106", Error,
        "Invalid text_similarity evaluation_metric", "Use fuzzy_match, bleu, gleu, meteor, rouge_1 … rouge_5, rouge_l or cosine (embeddings, scored by the service).");
    public static readonly DiagnosticDescriptor FormulaSyntaxDescriptor = new("RFT107", Error,
        "multi calculate_output does not parse", "Write an arithmetic formula over the sub-grader names with + - * / ^, parentheses and min max abs floor ceil exp sqrt log.");
    public static readonly DiagnosticDescriptor FormulaUnknownNameDescriptor = new("RFT108", Error,
        "multi calculate_output names a grader that is not in 'graders'", "Use only the keys of 'graders' (and the functions min max abs floor ceil exp sqrt log).");
    public static readonly DiagnosticDescriptor NestedMultiDescriptor = new("RFT109", Error,
        "multi grader inside a multi grader", "Flatten the sub-graders into one multi grader and combine them in one calculate_output.");
    public static readonly DiagnosticDescriptor ChildTypeNotAllowedDescriptor = new("RFT110", Error,
        "Sub-grader type not allowed in multi", "Use string_check, text_similarity, score_model or python sub-graders.");
    public static readonly DiagnosticDescriptor ModelNotAllowedDescriptor = new("RFT111", Error,
        "Model grader uses a model the service does not allow", "Use an allowed grader model (catalog/catalog.json grader_models), e.g. gpt-4.1-mini.");
    public static readonly DiagnosticDescriptor PythonTooLargeDescriptor = new("RFT112", Error,
        "python grader source is too large", "Keep the source under 256 KB: move data into the dataset rows (item) instead of the code.");
    public static readonly DiagnosticDescriptor PythonNoGradeDescriptor = new("RFT113", Error,
        "python grader source has no grade(sample, item)", "Define 'def grade(sample, item) -> float:' at the top level of the source.");
    public static readonly DiagnosticDescriptor TemplateSyntaxDescriptor = new("RFT114", Error,
        "Template syntax error", "Write variables as {{item.key}} or {{sample.output_text}} with balanced braces.");
    public static readonly DiagnosticDescriptor TemplateNamespaceDescriptor = new("RFT115", Error,
        "Template uses an unknown namespace", "Use item (the dataset row) or sample (the model output).");
    public static readonly DiagnosticDescriptor TemplateSpacesDescriptor = new("RFT116", Warning,
        "Spaces inside {{ }}", "Remove the spaces: sources disagree whether the service substitutes '{{ item.x }}' (docs/service.md §3.1).");
    public static readonly DiagnosticDescriptor LabelModelTopLevelDescriptor = new("RFT117", Error,
        "label_model cannot be an RFT grader", "Use score_model (a numeric score) instead; label_model is not accepted for RFT jobs.");
    public static readonly DiagnosticDescriptor EndpointPreviewDescriptor = new("RFT118", Warning,
        "endpoint grader is a private preview", "Make sure the subscription is enrolled in the endpoint grader preview, or use a python grader.");
    public static readonly DiagnosticDescriptor InvalidRangeDescriptor = new("RFT119", Error,
        "score_model range or pass_threshold is invalid", "Write range as [min, max] with min < max, and pass_threshold inside it.");
    public static readonly DiagnosticDescriptor InvalidLabelsDescriptor = new("RFT120", Error,
        "label_model labels are invalid", "Give at least two labels, and passing_labels that are a non-empty subset of labels.");
    public static readonly DiagnosticDescriptor InvalidRoleDescriptor = new("RFT121", Error,
        "Model grader message has an invalid role", "Use system, developer, user or assistant.");
    public static readonly DiagnosticDescriptor UnusedChildDescriptor = new("RFT122", Warning,
        "multi sub-grader is not used by calculate_output", "Use the sub-grader in calculate_output or remove it (it still costs time, and tokens for model graders).");
    public static readonly DiagnosticDescriptor IgnoresSampleDescriptor = new("RFT123", Warning,
        "Grader never reads the model output", "Reference {{sample.output_text}} (or sample.output_json) in input or reference, or every sample gets the same reward.");
    public static readonly DiagnosticDescriptor InvalidSamplingParamDescriptor = new("RFT124", Error,
        "score_model sampling_params value is invalid", "Use reasoning_effort low/medium/high, temperature 0–2, top_p 0–1, a positive max_completions_tokens.");
    public static readonly DiagnosticDescriptor FormulaOverLimitDescriptor = new("RFT130", Error,
        "multi calculate_output is too long or nests too deep", $"Keep calculate_output under {Formula.MaxLength} characters and {Formula.MaxDepth} levels of nesting (docs/limits-grading.md).");
    public static readonly DiagnosticDescriptor TemplateTooLongDescriptor = new("RFT131", Error,
        "Template is too long", $"Keep each template under {TemplateParser.MaxLength} characters: put long reference text in the dataset rows and read it with {{{{item.key}}}} (docs/limits-grading.md).");

    public static IReadOnlyList<DiagnosticDescriptor> All =>
    [
        NotAnObjectDescriptor, UnknownTypeDescriptor, UnknownFieldDescriptor, MissingFieldDescriptor, WrongTypeDescriptor,
        InvalidOperationDescriptor, InvalidMetricDescriptor, FormulaSyntaxDescriptor, FormulaUnknownNameDescriptor,
        NestedMultiDescriptor, ChildTypeNotAllowedDescriptor, ModelNotAllowedDescriptor, PythonTooLargeDescriptor,
        PythonNoGradeDescriptor, TemplateSyntaxDescriptor, TemplateNamespaceDescriptor, TemplateSpacesDescriptor,
        LabelModelTopLevelDescriptor, EndpointPreviewDescriptor, InvalidRangeDescriptor, InvalidLabelsDescriptor,
        InvalidRoleDescriptor, UnusedChildDescriptor, IgnoresSampleDescriptor, InvalidSamplingParamDescriptor,
        FormulaOverLimitDescriptor, TemplateTooLongDescriptor,
    ];

    public static readonly ShapeFindings Findings = new(UnknownField, MissingField, WrongType);

    public static Diagnostic NotAnObject(string file, SourcePosition at, string found) =>
        NotAnObjectDescriptor.Create(file, at, $"A grader must be a JSON object with a 'type'; found {found}.");

    public static Diagnostic MissingType(string file, SourcePosition at, string path) =>
        NotAnObjectDescriptor.Create(file, at, $"The grader at {Shape.Describe(path)} has no 'type'.",
            "Add \"type\": one of string_check, text_similarity, score_model, python, multi.");

    public static Diagnostic UnknownType(string file, SourcePosition at, string type) =>
        UnknownTypeDescriptor.Create(file, at, $"Unknown grader type '{type}'.{EditDistance.DidYouMean(type, Graders.GraderTypes.All)}");

    public static Diagnostic UnknownField(string file, SourcePosition at, string field, string where, IReadOnlyList<string> allowed) =>
        UnknownFieldDescriptor.Create(file, at, $"Unknown field '{field}' in {where} of the grader.{EditDistance.DidYouMean(field, allowed)}",
            $"Allowed fields here: {string.Join(", ", allowed.Where(a => a != "$schema"))}.");

    public static Diagnostic MissingField(string file, SourcePosition at, string field, string where) =>
        MissingFieldDescriptor.Create(file, at, $"Required field '{field}' is missing in {where} of the grader.");

    public static Diagnostic WrongType(string file, SourcePosition at, string field, string expected, string found) =>
        WrongTypeDescriptor.Create(file, at, $"Field {field} must be {expected}; found {found}.");

    public static Diagnostic InvalidOperation(string file, SourcePosition at, string operation)
    {
        var right = operation.ToLowerInvariant() switch
        {
            "contains" => "like",
            "icontains" => "ilike",
            "neq" or "!=" or "not_equal" => "ne",
            "==" or "equals" or "equal" => "eq",
            _ => EditDistance.Closest(operation, StringCheckOperations),
        };
        return InvalidOperationDescriptor.Create(file, at,
            $"string_check operation '{operation}' is not one the service accepts." + (right is null ? "" : $" Did you mean '{right}'?"),
            right is null ? null : $"Use \"operation\": \"{right}\". Valid: eq, ne, like (contains, case-sensitive), ilike (contains, case-insensitive).");
    }

    public static Diagnostic InvalidMetric(string file, SourcePosition at, string metric) =>
        InvalidMetricDescriptor.Create(file, at,
            $"evaluation_metric '{metric}' is not one the service knows.{EditDistance.DidYouMean(metric, EvaluationMetrics)}");

    public static Diagnostic FormulaSyntax(string file, SourcePosition at, string formula, string problem) =>
        FormulaSyntaxDescriptor.Create(file, at, $"calculate_output \"{Formula.Excerpt(formula)}\" does not parse: {problem}");

    public static Diagnostic FormulaOverLimit(string file, SourcePosition at, string field, string formula, FormulaError error) =>
        FormulaOverLimitDescriptor.Create(file, at, $"{field} \"{Formula.Excerpt(formula)}\" is over a limit at {error}");

    public static Diagnostic TemplateTooLong(string file, SourcePosition at, string field, string message) =>
        TemplateTooLongDescriptor.Create(file, at, $"In {field}: {message}");

    public static Diagnostic FormulaUnknownName(string file, SourcePosition at, string name, IReadOnlyList<string> graders) =>
        FormulaUnknownNameDescriptor.Create(file, at,
            $"calculate_output uses '{name}', which is not a key of 'graders' ({string.Join(", ", graders)}).{EditDistance.DidYouMean(name, graders)}");

    public static Diagnostic NestedMulti(string file, SourcePosition at, string key) =>
        NestedMultiDescriptor.Create(file, at, $"Sub-grader '{key}' is a multi grader; the service does not allow nested multi graders.");

    public static Diagnostic ChildTypeNotAllowed(string file, SourcePosition at, string key, string type) =>
        ChildTypeNotAllowedDescriptor.Create(file, at, $"Sub-grader '{key}' has type '{type}', which a multi grader cannot hold.");

    public static Diagnostic ModelNotAllowed(string file, SourcePosition at, string model, IReadOnlyList<string> allowed) =>
        ModelNotAllowedDescriptor.Create(file, at,
            $"Grader model '{model}' is not an allowed RFT grader model.{EditDistance.DidYouMean(model, allowed)}",
            $"Use one of: {string.Join(", ", allowed)}.");

    public static Diagnostic PythonTooLarge(string file, SourcePosition at, long bytes, long limit) =>
        PythonTooLargeDescriptor.Create(file, at, $"python source is {bytes:N0} bytes; the service takes less than {limit:N0} bytes.");

    public static Diagnostic PythonNoGrade(string file, SourcePosition at, string? found) =>
        PythonNoGradeDescriptor.Create(file, at, found is null
            ? "python source defines no top-level 'grade(sample, item)' function."
            : $"python source defines '{found}', but the service calls grade(sample, item) with exactly two positional arguments.");

    public static Diagnostic TemplateSyntax(string file, SourcePosition at, string field, string message) =>
        TemplateSyntaxDescriptor.Create(file, at, $"In {field}: {message}");

    public static Diagnostic TemplateNamespace(string file, SourcePosition at, string field, string message) =>
        TemplateNamespaceDescriptor.Create(file, at, $"In {field}: {message}");

    public static Diagnostic TemplateSpaces(string file, SourcePosition at, string field, string raw) =>
        TemplateSpacesDescriptor.Create(file, at, $"In {field}: '{{{{{raw}}}}}' has spaces inside the braces.",
            $"Write '{{{{{raw.Trim()}}}}}'.");

    public static Diagnostic LabelModelTopLevel(string file, SourcePosition at) =>
        LabelModelTopLevelDescriptor.Create(file, at, "A label_model grader is not accepted as the grader of an RFT job.");

    public static Diagnostic EndpointPreview(string file, SourcePosition at) =>
        EndpointPreviewDescriptor.Create(file, at, "The endpoint grader is an Azure private preview; jobs fail on subscriptions without it.");

    public static Diagnostic InvalidRange(string file, SourcePosition at, string problem) =>
        InvalidRangeDescriptor.Create(file, at, problem);

    public static Diagnostic InvalidLabels(string file, SourcePosition at, string problem) =>
        InvalidLabelsDescriptor.Create(file, at, problem);

    public static Diagnostic InvalidRole(string file, SourcePosition at, string role) =>
        InvalidRoleDescriptor.Create(file, at, $"Message role '{role}' is not valid in a model grader's input.{EditDistance.DidYouMean(role, MessageRoles)}");

    public static Diagnostic UnusedChild(string file, SourcePosition at, string key) =>
        UnusedChildDescriptor.Create(file, at, $"Sub-grader '{key}' is not used in calculate_output.");

    public static Diagnostic IgnoresSample(string file, SourcePosition at, string name) =>
        IgnoresSampleDescriptor.Create(file, at, $"Grader '{name}' reads no sample.* variable in input or reference: its reward does not depend on the model's answer.");

    public static Diagnostic InvalidSamplingParam(string file, SourcePosition at, string problem) =>
        InvalidSamplingParamDescriptor.Create(file, at, problem);

    public static IReadOnlyList<string> StringCheckOperations => GraderShape.StringCheckOperations;

    public static IReadOnlyList<string> EvaluationMetrics => GraderShape.EvaluationMetrics;

    public static IReadOnlyList<string> MessageRoles => GraderShape.MessageRoles;
}
