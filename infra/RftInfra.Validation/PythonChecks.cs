using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;
using static RftInfra.Diagnostics.DiagnosticSeverity;

namespace RftInfra.Validation;

/// <summary>Python graders in validation (RFT66x): syntax, tests not run without the opt-in, the sandbox's limits.</summary>
public static class PythonDiagnostics
{
    public const string RunPythonTestsFlag = "--run-python-tests";

    public static readonly DiagnosticDescriptor TestsSkippedDescriptor = new("RFT660", Warning,
        "python grader tests not run (no code from the checkout runs unless asked)",
        $"Run `rft validate {RunPythonTestsFlag}` to run them in the sandbox (docs/security.md).");
    public static readonly DiagnosticDescriptor SyntaxErrorDescriptor = new("RFT661", Error,
        "python grader source does not compile",
        "Fix the syntax error; the service rejects a grader whose source does not compile (docs/security.md: compiled, never run).");
    public static readonly DiagnosticDescriptor NotIsolatedDescriptor = new("RFT662", Warning,
        "python graders ran with network access (network not isolated)",
        "Run where `unshare -n` works (Linux as root, or with unprivileged user namespaces) to reproduce the service's no-network sandbox (docs/security.md).");
    public static readonly DiagnosticDescriptor NotCompiledDescriptor = new("RFT663", Info,
        "python grader source not compiled (python3 not found or not answering)",
        "Install python3 or set RFT_PYTHON so `rft validate` can check the syntax of python graders (docs/security.md).");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        [TestsSkippedDescriptor, SyntaxErrorDescriptor, NotIsolatedDescriptor, NotCompiledDescriptor];

    public static Diagnostic TestsSkipped(string testsFile, string grader) =>
        TestsSkippedDescriptor.Create(testsFile, new SourcePosition(1, 1),
            $"python grader tests of {grader} not run: `rft validate` runs no code from the checkout unless asked with {RunPythonTestsFlag}.");

    public static Diagnostic SyntaxError(string file, SourcePosition at, string field, PythonSyntaxResult result)
    {
        var where = result.Line is { } line ? $" at line {line}{(result.Column is { } column ? $", column {column}" : "")} of the source" : "";
        return SyntaxErrorDescriptor.Create(file, at, $"python source in '{field}' does not compile{where}: {result.Error}.");
    }

    public static Diagnostic NotIsolated(string file) =>
        NotIsolatedDescriptor.Create(file, new SourcePosition(1, 1), PythonSandbox.NotIsolatedNote + ".");

    public static Diagnostic NotCompiled(string file, SourcePosition at, string field, bool pythonFound) =>
        NotCompiledDescriptor.Create(file, at, $"python source in '{field}' was not compiled: " + (pythonFound
            ? "the sandboxed python3 did not answer the syntax check (it exited or timed out)."
            : PythonGraderRunner.MissingPythonMessage));

    /// <summary>Every python source of a grader (itself, or the sub-graders of a multi), with its field path.</summary>
    public static IEnumerable<(string Field, string Source)> Sources(JsonObject grader, string path)
    {
        var type = Shape.AsString(grader["type"]);
        if (type == GraderTypes.Python && Shape.AsString(grader["source"]) is { } source)
        {
            yield return (SourceMap.Child(path, "source"), source);
        }

        if (type == GraderTypes.Multi && grader["graders"] is JsonObject children)
        {
            foreach (var (key, child) in children)
            {
                if (child is JsonObject childGrader)
                {
                    foreach (var found in Sources(childGrader, SourceMap.Child(SourceMap.Child(path, "graders"), key)))
                    {
                        yield return found;
                    }
                }
            }
        }
    }
}

/// <summary>
/// Compiles every python source of the checked graders (files and inline job graders) with python's compile() in
/// the sandboxed driver: parsing only, no line of it runs. A syntax error is always a finding (RFT661).
/// </summary>
public sealed class PythonSyntaxCheck : IValidationCheck
{
    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var found = new List<(string File, SourcePosition At, string Field, string Source)>();
        foreach (var grader in context.GradersToCheck)
        {
            if (grader.Document.Object is { } json)
            {
                found.AddRange(PythonDiagnostics.Sources(json, "")
                    .Select(s => (grader.Document.DisplayPath, grader.Document.Positions.Value(s.Field), s.Field, s.Source)));
            }
        }

        foreach (var job in context.Jobs)
        {
            if (job.Json?["grader"] is JsonObject inline)
            {
                found.AddRange(PythonDiagnostics.Sources(inline, "grader")
                    .Select(s => (job.Document.DisplayPath, job.Document.Positions.Value(s.Field), s.Field, s.Source)));
            }
        }

        // Too large sources are RFT112 already; the driver is not asked to parse them.
        found.RemoveAll(f => System.Text.Encoding.UTF8.GetByteCount(f.Source) >= PythonGraderRunner.MaxSourceBytes);
        if (found.Count == 0)
        {
            return;
        }

        // Sync over async is safe here: validation runs on the CLI's or the provider's thread pool, no sync context.
        var (results, pythonFound) = CompileAsync(found.Select(f => f.Source).ToList(), cancellationToken).GetAwaiter().GetResult();
        for (var i = 0; i < found.Count; i++)
        {
            var (file, at, field, _) = found[i];
            if (results is null)
            {
                diagnostics.Add(PythonDiagnostics.NotCompiled(file, at, field, pythonFound));
            }
            else if (!results[i].Compiles)
            {
                diagnostics.Add(PythonDiagnostics.SyntaxError(file, at, field, results[i]));
            }
        }
    }

    private static async Task<(IReadOnlyList<PythonSyntaxResult>? Results, bool PythonFound)> CompileAsync(
        IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        await using var runner = new PythonGraderRunner();
        return (await runner.CheckSyntaxAsync(sources, cancellationToken), runner.Interpreter is not null);
    }
}
