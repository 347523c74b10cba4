using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Files;
using RftInfra.Validation;

namespace RftInfra.Stacks;

/// <summary>A dataset file the stack uploads: repository-relative path, SHA-256 of its bytes (its identity) and size.</summary>
public sealed record DataFile(string Path, string Sha256, long Bytes);

/// <summary>SKU and capacity for the fine-tuned model's deployment once the job succeeds.</summary>
public sealed record DeploySettings(string Sku, int Capacity);

/// <summary>
/// What the Pulumi program needs from one job declaration to declare its rft resources: the declaration as written
/// (the FineTuningJob's Check runs the `rft validate` job checks on it), the resolved grader, the dataset hashes and
/// the deploy settings. Reading and binding are <see cref="DeclarationReader"/> and <see cref="JobDeclaration"/>;
/// this only refuses what would make the program itself wrong.
/// </summary>
public sealed record StackJob(
    string Name,
    string DeclarationPath,
    JsonObject Declaration,
    string Region,
    string Model,
    DataFile TrainingFile,
    DataFile ValidationFile,
    string GraderName,
    string? GraderPath,
    JsonObject Grader,
    JsonObject? ResponseFormat,
    JsonObject? Hyperparameters,
    string? TrainingType,
    string? Suffix,
    long? Seed,
    IReadOnlyDictionary<string, string> Metadata,
    DeploySettings? Deploy);

public static class StackJobLoader
{
    public const string DefaultDeploySku = "GlobalStandard";

    /// <param name="catalog">The checkout's catalog (what each model needs); null: the kit's built-in one.</param>
    public static StackJobsResult Load(string repositoryRoot, StackSettings settings, RftCatalog? catalog = null)
    {
        var diagnostics = new DiagnosticBag();
        var jobs = new List<StackJob>();
        foreach (var path in settings.JobPaths)
        {
            var job = LoadOne(repositoryRoot, path, settings, catalog ?? RftCatalog.Default, diagnostics);
            if (job is null)
            {
                continue;
            }

            if (jobs.Any(j => j.Name == job.Name))
            {
                diagnostics.Add(Error("RFT521", path, $"job name '{job.Name}' is declared by two files of this stack.",
                    "give every job a unique name"));
                continue;
            }

            jobs.Add(job);
        }

        return new StackJobsResult(diagnostics.HasErrors ? [] : jobs, diagnostics.Items);
    }

    private static StackJob? LoadOne(string root, string path, StackSettings settings, RftCatalog catalog, DiagnosticBag diagnostics)
    {
        var regions = settings.Regions;
        var fullPath = Path.Combine(root, path);
        if (!File.Exists(fullPath))
        {
            diagnostics.Add(Error("RFT520", path, "job declaration not found.",
                "fix the path in rft-infra:jobs (paths are relative to the repository root)"));
            return null;
        }

        var document = DeclarationReader.ReadFile(fullPath, path, root);
        if (document.Object is not { } json || document.Diagnostics.Any(d => d.IsError))
        {
            diagnostics.AddRange(document.Diagnostics.Where(d => d.IsError));
            if (document.Object is null && !document.Diagnostics.Any(d => d.IsError))
            {
                diagnostics.Add(Error("RFT520", path, "a job declaration must be a mapping.", "run `rft validate` for details"));
            }

            return null;
        }

        var declaration = JobDeclaration.FromJson(json);
        var before = diagnostics.Items.Count;
        void Require(string value, string key)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                diagnostics.Add(Error("RFT522", path, $"'{key}' is required.", "run `rft validate` for details"));
            }
        }

        Require(declaration.Name, "name");
        Require(declaration.Model, "model");
        Require(declaration.Region ?? "", "region");
        Require(declaration.TrainingFile, "training_file");
        Require(declaration.ValidationFile ?? "", "validation_file");
        if (declaration.Grader.Name is null && declaration.Grader.Inline is null)
        {
            Require("", "grader");
        }

        if (diagnostics.Items.Count > before)
        {
            return null;
        }

        var region = declaration.Region!.ToLowerInvariant();
        if (!regions.Contains(region))
        {
            diagnostics.Add(Error("RFT523", path,
                $"job '{declaration.Name}' trains in {region}, which is not one of this stack's regions ({string.Join(", ", regions)}).",
                $"add it: pulumi config set rft-infra:regions '[{string.Join(",", regions.Append(region).Select(r => $"\"{r}\""))}]'"));
            return null;
        }

        if (EndpointCheck.Check(settings, catalog, path, declaration.Name, declaration.Model, region) is { } endpointError)
        {
            diagnostics.Add(endpointError);
            return null;
        }

        var (graderPath, grader) = ResolveGrader(root, path, declaration.Grader, diagnostics);
        var training = HashFile(root, path, declaration.TrainingFile, diagnostics);
        var validation = HashFile(root, path, declaration.ValidationFile!, diagnostics);
        if (grader is null || training is null || validation is null)
        {
            return null;
        }

        var deploy = declaration.Deploy is { } d
            ? new DeploySettings(string.IsNullOrEmpty(d.Sku) ? DefaultDeploySku : d.Sku, d.Capacity)
            : null;
        if (deploy is { Capacity: < 1 })
        {
            diagnostics.Add(Error("RFT522", path, "deploy.capacity must be at least 1.", "set deploy: { sku: GlobalStandard, capacity: 1 }"));
            return null;
        }

        return new StackJob(
            declaration.Name, path, (JsonObject)json.DeepClone(), region, declaration.Model, training, validation,
            declaration.Grader.Name ?? declaration.Name, graderPath, grader,
            declaration.ResponseFormat?.DeepClone() as JsonObject,
            declaration.Hyperparameters.ToJson(),
            declaration.TrainingType,
            declaration.Suffix,
            declaration.Seed,
            declaration.Metadata,
            deploy);
    }

    private static (string? Path, JsonObject? Grader) ResolveGrader(
        string root, string jobPath, JobGraderReference reference, DiagnosticBag diagnostics)
    {
        // The grader as the service takes it: editor-only keys ($schema) are the checkout's, never the service's
        // (the service refuses unknown grader fields, so a job would fail to be created).
        if (reference.Inline is { } inline)
        {
            return (null, DeclarationReader.WithoutEditorKeys(inline));
        }

        var relative = DeclarationReader.Extensions
            .Select(ext => $"graders/{reference.Name}{ext}")
            .FirstOrDefault(p => File.Exists(Path.Combine(root, p)));
        if (relative is null)
        {
            diagnostics.Add(Error("RFT524", jobPath, $"grader '{reference.Name}' not found as graders/{reference.Name}.json or .yaml.",
                "create the grader file or fix 'grader' in the job"));
            return (null, null);
        }

        var document = DeclarationReader.ReadFile(Path.Combine(root, relative), relative, root);
        if (document.Object is { } grader && !document.Diagnostics.Any(d => d.IsError))
        {
            return (relative, DeclarationReader.WithoutEditorKeys(grader));
        }

        diagnostics.AddRange(document.Diagnostics.Where(d => d.IsError));
        if (!document.Diagnostics.Any(d => d.IsError))
        {
            diagnostics.Add(Error("RFT524", jobPath, $"grader '{reference.Name}' must be a mapping.", "run `rft validate` for details"));
        }

        return (relative, null);
    }

    private static DataFile? HashFile(string root, string jobPath, string relativePath, DiagnosticBag diagnostics)
    {
        // The checked opener: a regular file inside the checkout, under the service's file limit, or a finding.
        var limit = RftCatalog.Default.Limits.FileMaxBytesExclusive - 1;
        if (CheckoutFile.Check(Path.Combine(root, relativePath), root, limit, out var problem) is not { } file)
        {
            diagnostics.Add(problem!.Kind == FileRefusal.Missing
                ? Error("RFT525", jobPath, $"dataset '{relativePath}' not found.", "fix the path (relative to the repository root)")
                : DeclarationDiagnostics.DataFileRefused(jobPath, SourcePosition.None, "dataset", relativePath, problem));
            return null;
        }

        using var stream = CheckoutFile.OpenRead(file);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new DataFile(relativePath.Replace('\\', '/'), hash, stream.Length);
    }

    private static Diagnostic Error(string code, string file, string message, string hint) =>
        new(code, DiagnosticSeverity.Error, file, SourcePosition.None, message, hint);
}

public sealed record StackJobsResult(IReadOnlyList<StackJob> Jobs, IReadOnlyList<Diagnostic> Diagnostics);
