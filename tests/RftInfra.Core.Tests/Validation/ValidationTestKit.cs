using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Validation;

namespace RftInfra.Core.Tests.Validation;

/// <summary>Helpers for validation tests: check declaration text, and temporary checkouts on disk.</summary>
internal static class ValidationTestKit
{
    /// <summary>The repository root (the directory holding RftInfra.sln), found from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static List<Diagnostic> CheckGrader(string text, bool yaml = true)
    {
        var document = DeclarationReader.Read(text, "graders/g.yaml", yaml);
        Assert.Empty(document.Diagnostics);
        var diagnostics = new List<Diagnostic>();
        new GraderChecker("graders/g.yaml", document.Positions, RftCatalog.Default, diagnostics).Check(document.Object!);
        return diagnostics;
    }

    public static List<Diagnostic> CheckJob(string text, bool yaml = true)
    {
        var document = DeclarationReader.Read(text, "jobs/j.yaml", yaml);
        Assert.Empty(document.Diagnostics);
        var diagnostics = new List<Diagnostic>();
        new JobChecker("jobs/j.yaml", document.Positions, RftCatalog.Default, diagnostics).Check(document.Object!);
        return diagnostics;
    }

    public static string Codes(IEnumerable<Diagnostic> diagnostics) => string.Join(" ", diagnostics.Select(d => d.Code));

    public static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RftInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RftInfra.sln not found above the test binaries.");
    }
}

/// <summary>A temporary checkout (graders/, jobs/, data/) deleted on dispose.</summary>
internal sealed class TempRoot : IDisposable
{
    public const string Row =
        """{"messages":[{"role":"developer","content":"Answer with the city only."},{"role":"user","content":"Capital of PLACE?"}],"reference_answer":"CITY"}""";

    public TempRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rft-validate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A clean checkout: one job, one grader, 3 training rows and 2 validation rows with distinct prompts.</summary>
    public static TempRoot Clean()
    {
        var root = new TempRoot();
        root.Write("graders/match.json", """
            {
              "type": "string_check",
              "name": "match",
              "input": "{{sample.output_text}}",
              "reference": "{{item.reference_answer}}",
              "operation": "eq"
            }
            """);
        root.Write("jobs/qa.yaml", """
            name: qa
            model: o4-mini-2025-04-16
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            grader: match
            training_type: globalstandard
            region: swedencentral
            """);
        root.WriteRows("data/train.jsonl", "France", "Japan", "Peru");
        root.WriteRows("data/valid.jsonl", "Italy", "Chile");
        return root;
    }

    public void Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    public void WriteRows(string relative, params string[] places) =>
        Write(relative, string.Concat(places.Select(p => Row.Replace("PLACE", p, StringComparison.Ordinal) + "\n")));

    public ValidationResult Validate(params string[] jobFiles) =>
        RftValidator.ValidateRoot(Path, jobFiles.Select(j => System.IO.Path.Combine(Path, j)).ToList());

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
