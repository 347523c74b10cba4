using System.Text.Json.Nodes;
using RftInfra.Datasets;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Files;

namespace RftInfra.Validation;

/// <summary>Each grader file on its own (RFT1xx).</summary>
public sealed class GraderFilesCheck : IValidationCheck
{
    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var grader in context.GradersToCheck)
        {
            if (grader.Document.Root is null)
            {
                // Unreadable files were reported by the loader; a file that reads as null (`~`, `null`) is not a grader.
                if (!grader.Document.Diagnostics.Any(d => d.IsError))
                {
                    diagnostics.Add(GraderDiagnostics.NotAnObject(grader.Document.DisplayPath, grader.Document.Positions.Value(""), Shape.KindOf(null)));
                }

                continue;
            }

            if (grader.Document.Object is not { } json)
            {
                diagnostics.Add(GraderDiagnostics.NotAnObject(grader.Document.DisplayPath, grader.Document.Positions.Value(""), Shape.KindOf(grader.Document.Root)));
                continue;
            }

            new GraderChecker(grader.Document.DisplayPath, grader.Document.Positions, context.Catalog, diagnostics).Check(json);
        }
    }
}

/// <summary>Each job file on its own (RFT2xx, and RFT1xx for inline graders).</summary>
public sealed class JobFilesCheck : IValidationCheck
{
    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var job in context.Jobs)
        {
            if (job.Document.Root is null)
            {
                if (!job.Document.Diagnostics.Any(d => d.IsError))
                {
                    diagnostics.Add(JobDiagnostics.NotAnObject(job.Document.DisplayPath, job.Document.Positions.Value(""), Shape.KindOf(null)));
                }

                continue;
            }

            if (job.Json is not { } json)
            {
                diagnostics.Add(JobDiagnostics.NotAnObject(job.Document.DisplayPath, job.Document.Positions.Value(""), Shape.KindOf(job.Document.Root)));
                continue;
            }

            new JobChecker(job.Document.DisplayPath, job.Document.Positions, context.Catalog, diagnostics, context.Today).Check(json);
        }
    }
}

/// <summary>References between declarations: graders and data files exist; names are unique (RFT31x).</summary>
public sealed class ReferencesCheck : IValidationCheck
{
    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var group in context.Graders.GroupBy(g => g.Name).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var other in group.Skip(1))
            {
                diagnostics.Add(DeclarationDiagnostics.DuplicateGraderName(other.Document.DisplayPath, other.Name, first.Document.DisplayPath));
            }
        }

        var names = new Dictionary<string, JobFile>(StringComparer.Ordinal);
        foreach (var job in context.Jobs)
        {
            if (job.Json is not { } json)
            {
                continue;
            }

            var file = job.Document.DisplayPath;
            var positions = job.Document.Positions;
            if (job.Name is { } name && name.Length > 0)
            {
                if (names.TryGetValue(name, out var other))
                {
                    diagnostics.Add(DeclarationDiagnostics.DuplicateJobName(file, positions.Value("name"), name, other.Document.DisplayPath));
                }
                else
                {
                    names[name] = job;
                }
            }

            if (Shape.AsString(json["grader"]) is { } graderName && context.Graders.All(g => g.Name != graderName))
            {
                diagnostics.Add(DeclarationDiagnostics.GraderNotFound(file, positions.Value("grader"), graderName,
                    context.Graders.Select(g => g.Name).Distinct().Order(StringComparer.Ordinal).ToList()));
            }

            foreach (var field in new[] { "training_file", "validation_file" })
            {
                if (Shape.AsString(json[field]) is { } path && DatasetsCheck.DataFile(context.Root, path, out var problem) is null)
                {
                    diagnostics.Add(DeclarationDiagnostics.DataFileRefused(file, positions.Value(field), field, path, problem!));
                }
            }
        }
    }
}

/// <summary>
/// A job's grader against its response_format: <c>sample.output_json</c> needs a json_schema response format,
/// and each property read must exist in that schema (RFT321, RFT322).
/// </summary>
public sealed class OutputJsonCheck : IValidationCheck
{
    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var job in context.Jobs)
        {
            if (job.Json is { } json && context.GraderOf(job) is { } grader)
            {
                Check(json, job.Document.DisplayPath, grader, diagnostics);
            }
        }
    }

    public static void Check(JsonObject job, string jobFile, ResolvedGrader grader, List<Diagnostic> diagnostics)
    {
        var responseFormat = job["response_format"] as JsonObject;
        var schema = responseFormat is not null && ResponseFormats.ProducesJson(responseFormat)
            ? ResponseFormats.FindSchema(responseFormat, "response_format").Schema
            : null;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var use in GraderVariables.Uses(grader.Json, grader.Path))
        {
            var path = use.Path;
            if (path.Namespace != "sample" || path.Segments is not [{ Property: "output_json" }, ..] || !reported.Add(path.ToString()))
            {
                continue;
            }

            var at = grader.Positions.Value(use.FieldPath);
            if (responseFormat is null || !ResponseFormats.ProducesJson(responseFormat))
            {
                diagnostics.Add(DeclarationDiagnostics.OutputJsonWithoutFormat(grader.File, at, path.ToString(), jobFile));
            }
            else if (schema is not null && !ResponseFormats.TryResolve(schema, path.Segments.Skip(1), out var available))
            {
                diagnostics.Add(DeclarationDiagnostics.OutputJsonNotInSchema(grader.File, at, path.ToString(), jobFile, available));
            }
        }
    }
}

/// <summary>
/// Streams each job's training and validation files once (via <see cref="DatasetScanner"/>): row format findings
/// (RFT0xx, from the scanner), grader keys missing from rows (RFT320), row counts and sizes (RFT213–215) and
/// prompts shared by both files (RFT216).
/// </summary>
public sealed class DatasetsCheck : IValidationCheck
{
    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var job in context.Jobs)
        {
            if (job.Json is { } json)
            {
                var grader = context.GraderOf(job);
                CheckJobData(json, job.Document.DisplayPath, job.Document.Positions, grader, context.Root, context.Catalog, diagnostics, cancellationToken, context.Progress);
            }
        }
    }

    public static void CheckJobData(
        JsonObject job, string jobFile, SourceMap jobPositions, ResolvedGrader? grader, string root, RftCatalog catalog,
        List<Diagnostic> diagnostics, CancellationToken cancellationToken, IProgress<RftInfra.Progress.WorkProgress>? progress = null)
    {
        var uses = grader is null ? [] : GraderVariables.Uses(grader.Json, grader.Path);
        var itemPaths = uses.Where(u => u.Path.Namespace == "item" && u.Path.Segments.Count > 0).Select(u => u.Path).Distinct().ToList();
        var trainingPath = Shape.AsString(job["training_file"]);
        var validationPath = Shape.AsString(job["validation_file"]);
        var training = Scannable(trainingPath, "training_file");
        var validation = Scannable(validationPath, "validation_file");

        DatasetReport? validationReport = null;
        if (validation is not null)
        {
            validationReport = DatasetScanner.Scan(
                new DatasetScanRequest(validation, Display(validationPath!), DatasetRole.Validation, itemPaths, CollectPrompts: true, Progress: progress),
                cancellationToken);
            Report(validationReport, DatasetRole.Validation, "validation_file");
        }

        if (training is not null)
        {
            var trainingReport = DatasetScanner.Scan(
                new DatasetScanRequest(training, Display(trainingPath!), DatasetRole.Training, itemPaths, validationReport?.Prompts, Progress: progress),
                cancellationToken);
            Report(trainingReport, DatasetRole.Training, "training_file");
            if (validationReport is not null && trainingReport.LeakedLines.Count > 0)
            {
                diagnostics.Add(JobDiagnostics.Leakage(jobFile, jobPositions.Value("validation_file"),
                    trainingReport.DisplayPath, validationReport.DisplayPath,
                    Math.Max(trainingReport.LeakedCount, trainingReport.LeakedLines.Count), trainingReport.LeakedLines));
            }
        }

        // Refused files are reported by the reference check; a file over the service's limit is a finding, not a read.
        string? Scannable(string? relative, string field)
        {
            if (DataFile(root, relative, out _) is not { } file)
            {
                return null;
            }

            if (file.Length >= catalog.Limits.FileMaxBytesExclusive)
            {
                diagnostics.Add(JobDiagnostics.FileTooLarge(jobFile, jobPositions.Value(field), Display(relative!), file.Length,
                    catalog.Limits.FileMaxBytesExclusive));
                return null;
            }

            return file.FullPath;
        }

        void Report(DatasetReport report, DatasetRole role, string field)
        {
            diagnostics.AddRange(report.Diagnostics);
            var at = jobPositions.Value(field);
            if (report.Bytes >= catalog.Limits.FileMaxBytesExclusive)
            {
                diagnostics.Add(JobDiagnostics.FileTooLarge(jobFile, at, report.DisplayPath, report.Bytes, catalog.Limits.FileMaxBytesExclusive));
            }

            if (role == DatasetRole.Training && report.RowCount > catalog.Limits.TrainingMaxRows)
            {
                diagnostics.Add(JobDiagnostics.TooManyTrainingRows(jobFile, at, report.DisplayPath, report.RowCount, catalog.Limits.TrainingMaxRows));
            }

            if (role == DatasetRole.Validation && report.RowCount > catalog.Limits.ValidationMaxRows)
            {
                diagnostics.Add(JobDiagnostics.TooManyValidationRows(jobFile, at, report.DisplayPath, report.RowCount, catalog.Limits.ValidationMaxRows));
            }

            foreach (var missing in report.MissingKeys)
            {
                var use = uses.FirstOrDefault(u => u.Path.Equals(missing.Path));
                var file = grader?.File ?? jobFile;
                var position = grader is null || use is null
                    ? at
                    : grader.Positions.Value(use.FieldPath);
                diagnostics.Add(DeclarationDiagnostics.ItemKeyMissing(file, position, missing.Path.ToString(), report.DisplayPath,
                    missing.MissingCount, report.RowCount, missing.FirstMissingLines, report.FirstRowKeys));
            }
        }

        static string Display(string path) => path.Replace('\\', '/');
    }

    /// <summary>
    /// A job's data file (relative to the root): a regular file inside the root, symbolic links resolved, or null
    /// and why. The size is checked against the service's limit by the caller (RFT215), before any read.
    /// </summary>
    public static CheckedFile? DataFile(string root, string? relative, out FileProblem? problem)
    {
        problem = null;
        return relative is null ? null : CheckoutFile.Check(Path.Combine(root, relative), root, long.MaxValue, out problem);
    }
}
