using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Json;

namespace RftInfra.Graders.Evaluation;

/// <summary>What one grader-test line expects: a reward (to 1e-9) or a range [Min, Max].</summary>
public sealed record ExpectedReward(double Min, double Max)
{
    public const double Tolerance = 1e-9;

    public bool Matches(double reward) => reward >= Min - Tolerance && reward <= Max + Tolerance;

    public override string ToString() => (Min, Max) switch
    {
        _ when Min == Max => F(Min),
        (double.NegativeInfinity, _) => $"at most {F(Max)}",
        (_, double.PositiveInfinity) => $"at least {F(Min)}",
        _ => $"between {F(Min)} and {F(Max)}",
    };

    private static string F(double value) => value.ToString("G9", CultureInfo.InvariantCulture);
}

/// <summary>One grader-test line's outcome.</summary>
public sealed record GraderTestOutcome(string TestsFile, int Line, string? Note, ExpectedReward Expected, GradeResult Result, bool Passed);

/// <summary>The outcome of grader tests: counts, each line's outcome, and findings (failures with file and line).</summary>
public sealed record GraderTestReport(
    int Passed, int Failed, int NotScored, IReadOnlyList<GraderTestOutcome> Outcomes, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// Runs grader tests: a sidecar <c>graders/&lt;name&gt;.tests.jsonl</c> beside <c>graders/&lt;name&gt;.json</c>
/// (or .yaml), one test per line: <c>{"item": {…}, "sample": "text" | {…}, "expected": 1 | {"min": 0, "max": 0.2},
/// "note": "why"}</c>. <c>sample</c> takes the samples-file forms (<see cref="GraderSample.FromValue"/>). A test that
/// scores outside its expectation is an error at its line; one that cannot be scored offline is a warning.
/// </summary>
public static class GraderTestRunner
{
    public const string SidecarSuffix = ".tests.jsonl";

    public static readonly IReadOnlyList<string> GraderExtensions = [".json", ".yaml", ".yml"];

    /// <summary>The sidecar of a grader file: <c>graders/x.json</c> → <c>graders/x.tests.jsonl</c>.</summary>
    public static string SidecarPath(string graderPath) =>
        Path.Combine(Path.GetDirectoryName(graderPath) ?? "", Path.GetFileNameWithoutExtension(graderPath) + SidecarSuffix);

    /// <summary>Runs the sidecar tests of every grader file in <paramref name="gradersDirectory"/> that has one.</summary>
    public static async Task<GraderTestReport> RunAllAsync(
        string gradersDirectory, string displayDirectory, GraderEngineOptions? options = null, CancellationToken cancellationToken = default)
    {
        var reports = new List<GraderTestReport>();
        if (Directory.Exists(gradersDirectory))
        {
            var graders = Directory.EnumerateFiles(gradersDirectory)
                .Where(f => GraderExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !f.EndsWith(SidecarSuffix, StringComparison.Ordinal))
                .Where(f => File.Exists(SidecarPath(f)))
                .OrderBy(f => f, StringComparer.Ordinal);
            foreach (var grader in graders)
            {
                reports.Add(await RunAsync(grader, Path.Combine(displayDirectory, Path.GetFileName(grader)), options, cancellationToken));
            }
        }

        return new GraderTestReport(
            reports.Sum(r => r.Passed), reports.Sum(r => r.Failed), reports.Sum(r => r.NotScored),
            reports.SelectMany(r => r.Outcomes).ToList(), reports.SelectMany(r => r.Diagnostics).ToList());
    }

    /// <summary>Runs the sidecar tests of one grader file (none = an empty report).</summary>
    public static async Task<GraderTestReport> RunAsync(
        string graderPath, string displayGraderPath, GraderEngineOptions? options = null, CancellationToken cancellationToken = default)
    {
        var diagnostics = new List<Diagnostic>();
        var testsPath = SidecarPath(graderPath);
        var displayTests = SidecarPath(displayGraderPath);
        if (!File.Exists(testsPath))
        {
            return new GraderTestReport(0, 0, 0, [], []);
        }

        var grader = GradeInputs.ReadGrader(graderPath, displayGraderPath, diagnostics);
        var lines = GradeInputs.ReadJsonl(testsPath, displayTests, diagnostics);
        if (grader is null || lines is null)
        {
            return new GraderTestReport(0, 0, 0, [], diagnostics);
        }

        var outcomes = new List<GraderTestOutcome>();
        await using var engine = new GraderEngine(options);
        foreach (var line in lines)
        {
            if (ParseTest(line, displayTests, diagnostics) is not { } test)
            {
                continue;
            }

            var result = await engine.GradeAsync(grader, test.Item, GraderSample.FromValue(test.Sample), cancellationToken);
            var passed = result.Reward is { } reward && test.Expected.Matches(reward);
            outcomes.Add(new GraderTestOutcome(displayTests, line.Line, test.Note, test.Expected, result, passed));
            var about = test.Note is null ? "" : $" ({test.Note})";
            if (result.Reward is { } got && !passed)
            {
                var errors = result.Errors.Count == 0 ? "" : $"; errors: {string.Join("; ", result.Errors.Select(e => $"{e.Kind} ({e.Grader}): {e.Message.TrimEnd('.')}"))}";
                diagnostics.Add(new Diagnostic(GradeCodes.GraderTestFailed, DiagnosticSeverity.Error, displayTests,
                    new SourcePosition(line.Line, 1),
                    $"grader test{about} failed for {grader.Name}: expected reward {test.Expected}, got {got.ToString("G9", CultureInfo.InvariantCulture)}{errors}.",
                    "Fix the grader, or the expectation if the grader is right."));
            }
        }

        // Tests that cannot be scored offline are one finding per reason, at the first such line. A model grader
        // without an endpoint is a note: nothing is wrong, its tests run with --endpoint. Anything else left unscored
        // (no python3, cosine) is a warning; a grader model call that failed (wrong key, no answer) is an error of the
        // run, not a test left for later.
        foreach (var group in outcomes.Where(o => !o.Result.IsScored).GroupBy(o => o.Result.NotScoredReason))
        {
            var callFailed = group.First().Result.CallFailure is not null;
            var needsEndpoint = options?.ModelClient is null && group.First().Result.Prompts.Count > 0;
            var severity = callFailed ? DiagnosticSeverity.Error : needsEndpoint ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning;
            diagnostics.Add(new Diagnostic(GradeCodes.GraderTestNotScored, severity, displayTests,
                new SourcePosition(group.First().Line, 1),
                $"{group.Count()} grader test(s) of {grader.Name} not run (lines {string.Join(", ", group.Select(o => o.Line))}): {group.Key?.TrimEnd('.')}.",
                callFailed
                    ? "Check --endpoint, --deployment and AZURE_OPENAI_API_KEY (or the Entra ID login) (docs/limits-grading.md)."
                    : needsEndpoint
                        ? "Run them against a grader model: rft grade --check --grader <file> --endpoint URL (an Azure OpenAI resource or rft emulator; docs/grading.md)."
                        : "Run them where the grader can be scored (python3 for python graders; docs/grading.md)."));
        }

        return new GraderTestReport(
            outcomes.Count(o => o.Passed), outcomes.Count(o => !o.Passed && o.Result.IsScored), outcomes.Count(o => !o.Result.IsScored),
            outcomes, [.. diagnostics.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Position.Line)]);
    }

    private sealed record GraderTest(JsonObject Item, JsonNode? Sample, ExpectedReward Expected, string? Note);

    private static GraderTest? ParseTest(JsonlLine line, string displayTests, List<Diagnostic> diagnostics)
    {
        string? problem = null;
        ExpectedReward? expected = null;
        if (line.Value is not JsonObject test)
        {
            problem = "a grader test must be an object with item, sample, expected and note";
        }
        else if (test["item"] is not JsonObject)
        {
            problem = "\"item\" must be an object: the dataset row the grader sees";
        }
        else if (!test.ContainsKey("sample"))
        {
            problem = "\"sample\" is missing: the model output, a string (text) or an object/array (JSON output)";
        }
        else if ((expected = Expected(test["expected"])) is null)
        {
            problem = "\"expected\" must be a number or a range {\"min\": number, \"max\": number} (either side may be left out) with min ≤ max";
        }

        if (problem is not null)
        {
            diagnostics.Add(new Diagnostic(GradeCodes.JsonlLineInvalid, DiagnosticSeverity.Error, displayTests,
                new SourcePosition(line.Line, 1), $"grader test on line {line.Line}: {problem}.",
                "{\"item\": {…}, \"sample\": \"…\", \"expected\": 1, \"note\": \"…\"}"));
            return null;
        }

        var obj = (JsonObject)line.Value!;
        var note = obj["note"] is JsonValue n && n.TryGetValue(out string? s) ? s : null;
        return new GraderTest((JsonObject)obj["item"]!, obj["sample"], expected!, note);
    }

    private static ExpectedReward? Expected(JsonNode? node)
    {
        static double? Number(JsonNode? n) =>
            JsonNumber.AsDouble(n);

        if (Number(node) is { } exact)
        {
            return new ExpectedReward(exact, exact);
        }

        // A range may leave one side open: {"max": 0.2} for "must score low".
        if (node is not JsonObject range || (range["min"] is null && range["max"] is null))
        {
            return null;
        }

        var min = range["min"] is null ? double.NegativeInfinity : Number(range["min"]);
        var max = range["max"] is null ? double.PositiveInfinity : Number(range["max"]);
        return min is { } lo && max is { } hi && lo <= hi ? new ExpectedReward(lo, hi) : null;
    }
}
