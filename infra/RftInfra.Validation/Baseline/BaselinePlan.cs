using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Validation.Baseline;

/// <summary>A prompt variant: <see cref="Prompt"/> replaces the rows' developer/system messages; null keeps them ("declared").</summary>
public sealed record PromptVariant(string Name, string? Prompt)
{
    public const string DeclaredName = "declared";

    /// <summary>The messages of <paramref name="row"/> under this variant: the developer prompt replaced, the rest as written.</summary>
    public JsonArray Messages(JsonObject row)
    {
        var messages = row["messages"] as JsonArray ?? [];
        if (Prompt is null)
        {
            return (JsonArray)messages.DeepClone();
        }

        var result = new JsonArray(new JsonObject { ["role"] = "developer", ["content"] = Prompt });
        foreach (var message in messages)
        {
            if (Shape.AsString(message?["role"]) is not ("developer" or "system"))
            {
                result.Add(message?.DeepClone());
            }
        }

        return result;
    }
}

/// <summary>One sampled validation row: its line in the file and the row.</summary>
public sealed record BaselineRow(int Line, JsonObject Item);

/// <summary>What `rft baseline` may override on the command line (null = the job's baseline section, else the default).</summary>
public sealed record BaselineOverrides(int? Rows = null, long? Seed = null, string? Deployment = null);

/// <summary>
/// What a baseline asks: the job, its grader (as `rft grade` reads it), N deterministically sampled rows of the
/// validation file, the prompt variants (the rows' own prompt, "declared", then the job's <c>baseline.variants</c>),
/// the deployment, reasoning effort and response format as the job declares them.
/// </summary>
public sealed record BaselinePlan(
    string JobFile,
    JobDeclaration Job,
    Grader Grader,
    IReadOnlyList<BaselineRow> Rows,
    int ValidationRows,
    IReadOnlyList<PromptVariant> Variants,
    long Seed,
    string Deployment,
    string? ReasoningEffort)
{
    public const int DefaultRows = 50;
    public const int MinRows = 10;
    public const int MaxRows = 100;
    public const int MaxVariants = 10;
    public const int MaxPromptChars = 32_000;

    /// <summary>
    /// Reads and validates the job (as `rft validate` does, data included), its grader and validation file; null with
    /// findings when something is wrong. <paramref name="jobPath"/> is relative to <paramref name="root"/>.
    /// </summary>
    public static BaselinePlan? Load(string root, string jobPath, BaselineOverrides overrides, List<Diagnostic> diagnostics,
        CancellationToken cancellationToken = default)
    {
        var display = jobPath.Replace('\\', '/');
        var document = DeclarationReader.ReadFile(Path.Combine(root, jobPath), display, root);
        diagnostics.AddRange(document.Diagnostics);
        if (document.Object is not { } json || document.Diagnostics.Any(d => d.IsError))
        {
            return null;
        }

        var job = JobDeclaration.FromJson(json);
        Grader? grader = null;
        JsonObject? graderJson = job.Grader.Inline;
        if (job.Grader.Name is { } name && FindGrader(root, name) is { } graderPath)
        {
            grader = GradeInputs.ReadGrader(Path.Combine(root, graderPath), graderPath, diagnostics);
            graderJson = grader?.Json;
        }
        else if (job.Grader.Inline is { } inline)
        {
            grader = GraderJson.FromJson(inline);
        }

        diagnostics.AddRange(RftValidator.CheckJob(json, display, graderJson, root, positions: document.Positions, cancellationToken: cancellationToken));
        var settings = BaselineSettings.Bind(json, display, document.Positions, diagnostics);
        if (grader is null || diagnostics.Any(d => d.IsError) || job.ValidationFile is null)
        {
            return null;
        }

        var rows = overrides.Rows ?? settings.Rows ?? DefaultRows;
        var seed = overrides.Seed ?? settings.Seed ?? job.Seed ?? 0;
        var lines = GradeInputs.ReadJsonl(Path.Combine(root, job.ValidationFile), job.ValidationFile, diagnostics) ?? [];
        var items = lines.Where(l => l.Value is JsonObject).Select(l => new BaselineRow(l.Line, (JsonObject)l.Value!)).ToList();
        if (diagnostics.Any(d => d.IsError))
        {
            return null;
        }

        if (items.Count == 0)
        {
            diagnostics.Add(BaselineDiagnostics.NoRows.Create(display, document.Positions.Value("validation_file"),
                $"{job.ValidationFile} has no rows, so there is nothing to ask the base model."));
            return null;
        }

        var effort = job.Hyperparameters.Values.TryGetValue("reasoning_effort", out var e) ? Shape.AsString(e) : null;
        return new BaselinePlan(display, job, grader, Sample(items, rows, seed), items.Count,
            [new PromptVariant(PromptVariant.DeclaredName, null), .. settings.Variants], seed,
            overrides.Deployment ?? settings.Deployment ?? job.Model, effort);
    }

    /// <summary>
    /// <paramref name="count"/> rows chosen by a seeded hash of their line (the same rows for the same seed and
    /// file, whatever the machine), kept in file order; every row when there are fewer.
    /// </summary>
    public static IReadOnlyList<BaselineRow> Sample(IReadOnlyList<BaselineRow> rows, int count, long seed) =>
        rows.Count <= count
            ? rows
            : rows.OrderBy(r => Rank(seed, r.Line)).Take(count).OrderBy(r => r.Line).ToList();

    private static ulong Rank(long seed, int line) =>
        BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{line}")), 0);

    /// <summary>graders/NAME.json|yaml|yml under the root, relative; null when none exists.</summary>
    public static string? FindGrader(string root, string name)
    {
        foreach (var extension in DeclarationReader.Extensions)
        {
            var relative = $"graders/{name}{extension}";
            if (File.Exists(Path.Combine(root, relative)))
            {
                return relative;
            }
        }

        return null;
    }
}
