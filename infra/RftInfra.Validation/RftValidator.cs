using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Files;

namespace RftInfra.Validation;

/// <summary>The outcome of validating a checkout: findings sorted by file and position, and what was looked at.</summary>
public sealed record ValidationResult(IReadOnlyList<Diagnostic> Diagnostics, int JobCount, int GraderCount)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// The offline validator behind <c>rft validate</c> and the provider's Check: single-resource entry points
/// (<see cref="CheckGrader"/>, <see cref="CheckJob"/>) and the whole tree (<see cref="ValidateRoot"/>).
/// Findings are data; nothing here prints or throws on bad declarations.
/// </summary>
public static class RftValidator
{
    /// <summary>The whole-tree checks, in order. Add a check by adding an <see cref="IValidationCheck"/> here.</summary>
    public static IReadOnlyList<IValidationCheck> DefaultChecks { get; } =
    [
        new GraderFilesCheck(),
        new JobFilesCheck(),
        new ReferencesCheck(),
        new OutputJsonCheck(),
        new DatasetsCheck(),
        new PythonSyntaxCheck(),
        new Baseline.JobComparisonCheck(),
        new GraderTestsCheck(),
    ];

    /// <summary>Checks one grader object (as the service takes it). <paramref name="positions"/> adds line:column when known.</summary>
    public static IReadOnlyList<Diagnostic> CheckGrader(
        JsonObject grader, string displayName, RftCatalog? catalog = null, SourceMap? positions = null)
    {
        var diagnostics = new List<Diagnostic>();
        new GraderChecker(displayName, positions ?? SourceMap.Empty, catalog ?? RftCatalog.Default, diagnostics).Check(grader);
        return diagnostics;
    }

    /// <summary>
    /// Checks one job object. With <paramref name="grader"/> (the resolved grader when the job names one), also
    /// checks sample.output_json against the response format; with <paramref name="dataRoot"/>, also streams the
    /// job's data files (relative to that directory): row format, grader keys, limits, leakage.
    /// </summary>
    public static IReadOnlyList<Diagnostic> CheckJob(
        JsonObject job,
        string displayName,
        JsonObject? grader = null,
        string? dataRoot = null,
        RftCatalog? catalog = null,
        SourceMap? positions = null,
        CancellationToken cancellationToken = default,
        TimeProvider? time = null)
    {
        catalog ??= RftCatalog.Default;
        positions ??= SourceMap.Empty;
        var diagnostics = new List<Diagnostic>();
        new JobChecker(displayName, positions, catalog, diagnostics, Today(time)).Check(job);
        var resolved = job["grader"] is JsonObject inline
            ? new ResolvedGrader(displayName, inline, positions, "grader")
            : grader is null ? null : new ResolvedGrader(displayName, grader, SourceMap.Empty, "");
        if (resolved is not null)
        {
            OutputJsonCheck.Check(job, displayName, resolved, diagnostics);
        }

        if (dataRoot is not null)
        {
            foreach (var field in new[] { "training_file", "validation_file" })
            {
                if (Shape.AsString(job[field]) is { } path && DatasetsCheck.DataFile(dataRoot, path, out var problem) is null)
                {
                    diagnostics.Add(DeclarationDiagnostics.DataFileRefused(displayName, positions.Value(field), field, path, problem!));
                }
            }

            DatasetsCheck.CheckJobData(job, displayName, positions, resolved, dataRoot, catalog, diagnostics, cancellationToken);
        }

        return Normalize(diagnostics);
    }

    /// <summary>
    /// Validates a checkout: graders/, jobs/ (or only <paramref name="jobFiles"/> and the graders they use), data
    /// they reference, against <c>catalog/catalog.json</c> of the checkout (else the built-in catalog).
    /// </summary>
    /// <remarks>
    /// No code from the checkout runs: python sources are only compiled; their sidecar tests run only with
    /// <paramref name="runPythonTests"/> (the user's explicit opt-in), in the sandbox (docs/security.md).
    /// <para>With <paramref name="time"/>, a job whose base model retires within 90 days (or takes no new customers) is warned about (RFT232).</para>
    /// </remarks>
    /// <exception cref="DirectoryNotFoundException">The root does not exist.</exception>
    public static ValidationResult ValidateRoot(
        string root,
        IReadOnlyCollection<string>? jobFiles = null,
        IReadOnlyList<IValidationCheck>? checks = null,
        CancellationToken cancellationToken = default,
        bool runPythonTests = false,
        IProgress<RftInfra.Progress.WorkProgress>? progress = null,
        TimeProvider? time = null)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Directory '{root}' does not exist.");
        }

        var diagnostics = new List<Diagnostic>();
        string Display(string full) => Path.GetRelativePath(root, full).Replace('\\', '/');

        var catalog = LoadCatalog(root, diagnostics);
        var graders = DeclarationFiles(Path.Combine(root, "graders"))
            .Select(f => new GraderFile(Path.GetFileNameWithoutExtension(f), DeclarationReader.ReadFile(f, Display(f), root)))
            .ToList();
        var jobPaths = jobFiles is { Count: > 0 }
            ? jobFiles.Select(Path.GetFullPath).Distinct().ToList()
            : DeclarationFiles(Path.Combine(root, "jobs"));
        // Job files named by the user may lie anywhere; those found under jobs/ must stay inside the checkout.
        var jobsRoot = jobFiles is { Count: > 0 } ? null : root;
        var jobs = jobPaths.Select(f => new JobFile(DeclarationReader.ReadFile(f, Display(f), jobsRoot))).ToList();

        var wholeTree = jobFiles is not { Count: > 0 };
        if (wholeTree && jobs.Count == 0)
        {
            diagnostics.Add(DeclarationDiagnostics.NoJobs("jobs/"));
        }

        diagnostics.AddRange(jobs.SelectMany(j => j.Document.Diagnostics));
        diagnostics.AddRange((wholeTree ? graders : graders.Where(g => jobs.Any(j => j.Json is not null && Shape.AsString(j.Json["grader"]) == g.Name)))
            .SelectMany(g => g.Document.Diagnostics));

        var context = new ValidationContext(root, catalog, jobs, graders, wholeTree, runPythonTests, Today(time)) { Progress = progress };
        foreach (var check in checks ?? DefaultChecks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            check.Run(context, diagnostics, cancellationToken);
        }

        return new ValidationResult(Normalize(diagnostics), jobs.Count, context.GradersToCheck.Count);
    }

    /// <summary>Today (UTC) from the caller's clock; without one the lifecycle checks (RFT232) are skipped.</summary>
    private static DateOnly? Today(TimeProvider? time) =>
        time is null ? null : DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static List<string> DeclarationFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory).Where(DeclarationReader.IsDeclarationFile).Order(StringComparer.Ordinal).ToList()
            : [];

    private static RftCatalog LoadCatalog(string root, List<Diagnostic> diagnostics)
    {
        var path = Path.Combine(root, RftCatalog.RelativePath);
        if (!File.Exists(path) && !Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            return RftCatalog.Default;
        }

        // Present but not a readable regular file (a directory, a FIFO, a link out of the checkout): say so.
        if (CheckoutFile.ReadText(path, root, CheckoutFile.DeclarationMaxBytes, out var problem) is not { } text)
        {
            var refused = DeclarationDiagnostics.FileRefused(RftCatalog.RelativePath, problem!);
            diagnostics.Add(refused with
            {
                Message = refused.Message + " The built-in catalog is used instead.",
                Hint = "Make catalog/catalog.json a regular file (compare with the kit's copy), or delete it to use the built-in one.",
            });
            return RftCatalog.Default;
        }

        try
        {
            return RftCatalog.Parse(text);
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidCastException or InvalidOperationException or FormatException)
        {
            diagnostics.Add(DeclarationDiagnostics.SyntaxError(RftCatalog.RelativePath, SourcePosition.None,
                $"The catalog cannot be read: {e.Message} The built-in catalog is used instead.",
                "Fix catalog/catalog.json (compare with the kit's copy), or delete it to use the built-in one."));
            return RftCatalog.Default;
        }
    }

    /// <summary>Drops repeats (two jobs sharing a data file) and orders by file, line, column.</summary>
    private static List<Diagnostic> Normalize(List<Diagnostic> diagnostics) =>
        diagnostics.Distinct()
            .OrderBy(d => d.File, StringComparer.Ordinal)
            .ThenBy(d => d.Position.Line)
            .ThenBy(d => d.Position.Column)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToList();
}
