using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Validation;

/// <summary>A grader file of graders/: its name (the file name without extension) and its loaded content.</summary>
public sealed record GraderFile(string Name, LoadedDocument Document);

/// <summary>A job file of jobs/ as loaded.</summary>
public sealed record JobFile(LoadedDocument Document)
{
    public JsonObject? Json => Document.Object;

    public string? Name => Json is null ? null : Shape.AsString(Json["name"]);
}

/// <summary>
/// The grader a job uses, wherever it is written: a file of graders/ (<see cref="Path"/> empty) or inline in the
/// job (<see cref="File"/> is the job file and <see cref="Path"/> is <c>grader</c>); <see cref="Positions"/> is the file's map.
/// </summary>
public sealed record ResolvedGrader(string File, JsonObject Json, SourceMap Positions, string Path);

/// <summary>Everything a whole-tree check needs: the root, the catalog, the loaded jobs and graders.</summary>
public sealed class ValidationContext
{
    public ValidationContext(
        string root, RftCatalog catalog, IReadOnlyList<JobFile> jobs, IReadOnlyList<GraderFile> graders, bool allGraders, bool runPythonTests = false,
        DateOnly? today = null)
    {
        Today = today;
        RunPythonTests = runPythonTests;
        Root = Path.GetFullPath(root);
        Catalog = catalog;
        Jobs = jobs;
        Graders = graders;
        GradersToCheck = allGraders
            ? graders
            : graders.Where(g => jobs.Any(j => j.Json is not null && Shape.AsString(j.Json["grader"]) == g.Name)).ToList();
    }

    public string Root { get; }

    /// <summary>Where long work (streaming large datasets) reports how far it is; the CLI shows it on a terminal.</summary>
    public IProgress<RftInfra.Progress.WorkProgress>? Progress { get; init; }

    /// <summary>Whether python graders' sidecar tests run (the user asked: `rft validate --run-python-tests`).</summary>
    public bool RunPythonTests { get; }

    public RftCatalog Catalog { get; }

    /// <summary>The caller's date (UTC) for lifecycle checks; null skips them (no clock given).</summary>
    public DateOnly? Today { get; }

    public IReadOnlyList<JobFile> Jobs { get; }

    public IReadOnlyList<GraderFile> Graders { get; }

    /// <summary>All graders when validating the whole tree; only the ones the selected jobs use otherwise.</summary>
    public IReadOnlyList<GraderFile> GradersToCheck { get; }

    /// <summary>A path relative to the root, with forward slashes (how findings name files).</summary>
    public string DisplayPath(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    /// <summary>A job's file reference (relative to the root) as a full path.</summary>
    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    /// <summary>The job's grader, or null when it names no existing grader (the reference check reports that).</summary>
    public ResolvedGrader? GraderOf(JobFile job)
    {
        if (job.Json?["grader"] is JsonObject inline)
        {
            return new ResolvedGrader(job.Document.DisplayPath, inline, job.Document.Positions, "grader");
        }

        var name = job.Json is null ? null : Shape.AsString(job.Json["grader"]);
        var file = Graders.FirstOrDefault(g => g.Name == name);
        return file?.Document.Object is { } json
            ? new ResolvedGrader(file.Document.DisplayPath, json, file.Document.Positions, "")
            : null;
    }
}

/// <summary>
/// One whole-tree check. <see cref="RftValidator.DefaultChecks"/> lists them in order; a new kind of check
/// (e.g. grader sidecar tests) is one more implementation added to that list.
/// </summary>
public interface IValidationCheck
{
    void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken);
}
