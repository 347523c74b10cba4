namespace RftInfra.Graders.Evaluation;

/// <summary>
/// The service's grader error names (docs/service.md §1.6, <c>metadata.errors</c> of the run API). A row with one of
/// these scores 0, like the service scores it.
/// </summary>
public static class GraderErrorKinds
{
    public const string FormulaParse = "formula_parse_error";
    public const string SampleParse = "sample_parse_error";
    public const string InvalidVariable = "invalid_variable_error";
    public const string Other = "other_error";
    public const string PythonServer = "python_grader_server_error";
    public const string PythonRuntime = "python_grader_runtime_error";
    public const string ModelServer = "model_grader_server_error";
    public const string ModelRefusal = "model_grader_refusal_error";
    public const string ModelParse = "model_grader_parse_error";
}

/// <summary>One error flag raised while grading a row: the service's name, the grader that raised it, details.</summary>
public sealed record GradeError(string Kind, string Grader, string Message);

/// <summary>A model grader's prompt after template rendering (what the grader model is, or would be, sent).</summary>
public sealed record RenderedPrompt(string Grader, string Model, IReadOnlyList<GraderMessage> Messages);

/// <summary>
/// The outcome of grading one row. <see cref="Reward"/> is null when the kit cannot compute it offline
/// (<see cref="NotScoredReason"/> says why: a model grader without an endpoint, cosine, no python3) — the kit
/// never invents a score. <see cref="SubRewards"/> holds a multi grader's children by key (null = not scored).
/// <see cref="Passed"/> is set when the grader has a pass_threshold.
/// </summary>
public sealed record GradeResult(
    double? Reward,
    IReadOnlyList<KeyValuePair<string, double?>> SubRewards,
    IReadOnlyList<GradeError> Errors,
    IReadOnlyList<RenderedPrompt> Prompts,
    string? NotScoredReason = null,
    bool? Passed = null)
{
    public bool IsScored => Reward is not null;

    public static GradeResult Score(double reward, bool? passed = null, IReadOnlyList<RenderedPrompt>? prompts = null) =>
        new(reward, [], [], prompts ?? [], null, passed);

    /// <summary>The service's failure semantics: the row scores 0 and the error is flagged.</summary>
    public static GradeResult Failed(GradeError error, IReadOnlyList<RenderedPrompt>? prompts = null) =>
        new(0, [], [error], prompts ?? []);

    public static GradeResult NotScored(string reason, IReadOnlyList<RenderedPrompt>? prompts = null) =>
        new(null, [], [], prompts ?? [], reason);

    /// <summary>
    /// The grader model could not be asked (no answer, HTTP 401, a missing deployment…): a failure of this run, not
    /// of the sample, so the row is not scored (no made-up 0) and the error says why.
    /// </summary>
    public static GradeResult CallFailed(GradeError error, IReadOnlyList<RenderedPrompt>? prompts = null) =>
        new(null, [], [error], prompts ?? [], $"the grader model call failed: {error.Message}");

    /// <summary>The error of a model call that failed (see <see cref="CallFailed"/>), also inside a multi grader; null otherwise.</summary>
    public GradeError? CallFailure => Reward is null ? Errors.FirstOrDefault(e => e.Kind == GraderErrorKinds.ModelServer) : null;
}
