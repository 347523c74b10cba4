using System.Text;
using System.Text.RegularExpressions;
using RftInfra.Datasets;
using RftInfra.Diagnostics;
using RftInfra.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Docs;

/// <summary>
/// The reference under docs/ stays true to the code: the code table of docs/checks.md is generated from the
/// diagnostic catalog, every doc page a hint, a comment, a schema, the catalog or a page links to exists, and nothing
/// cites the project-internal notes (rft-api.md, DESIGN.md) that are not in the repository.
/// </summary>
public partial class DocsTests
{
    private const string Begin = "<!-- codes:begin -->";
    private const string End = "<!-- codes:end -->";

    [Fact]
    public void ChecksTable_IsGeneratedFromTheDiagnosticCatalog()
    {
        var path = Path.Combine(RepoRoot, "docs", "checks.md");
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/checks.md lacks the {Begin} … {End} block");
        var generated = $"{Begin}\n{CodeTable()}{End}";
        var current = text[start..(end + End.Length)];
        if (Environment.GetEnvironmentVariable("RFT_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, text.Replace(current, generated, StringComparison.Ordinal));
            current = generated;
        }

        Assert.True(current == generated,
            "docs/checks.md's code table differs from DiagnosticCatalog.All. Run: RFT_UPDATE_DOCS=1 dotnet test tests/RftInfra.Core.Tests --filter DocsTests");
    }

    [Fact]
    public void DatasetCodes_AreInChecksMd_WithTheirSeverity()
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot, "docs", "checks.md"));
        Assert.All(DatasetDiagnostics.All, check =>
            Assert.Contains($"| `{check.Code}` | {Severity(check.Severity)} |", text, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryCitedDocPage_Exists()
    {
        var missing = new List<string>();
        foreach (var (file, text) in CitingFiles())
        {
            foreach (Match m in DocPath().Matches(text))
            {
                if (!File.Exists(Path.Combine(RepoRoot, m.Value)))
                {
                    missing.Add($"{file} cites {m.Value}");
                }
            }
        }

        // Markdown links between pages: relative to the page that holds them.
        foreach (var page in MarkdownPages())
        {
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(page)))
            {
                var target = m.Groups[1].Value;
                if (!target.Contains("://", StringComparison.Ordinal) && !File.Exists(Path.Combine(Path.GetDirectoryName(page)!, target)))
                {
                    missing.Add($"{Path.GetRelativePath(RepoRoot, page)} links to {target}");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void HintsOfTheCatalog_CiteOnlyExistingPages_AndNeverTheInternalNotes()
    {
        var fixes = DiagnosticCatalog.All.Select(d => d.Fix).ToList();
        Assert.Contains(fixes, f => f.Contains("docs/service.md", StringComparison.Ordinal));   // RFT103, RFT116, RFT208
        Assert.All(fixes, f => Assert.DoesNotMatch(InternalNote(), f));
        Assert.All(fixes.SelectMany(f => DocPath().Matches(f)), m => Assert.True(File.Exists(Path.Combine(RepoRoot, m.Value)), m.Value));
    }

    [Fact]
    public void NothingCitesTheInternalNotes()
    {
        var citing = CitingFiles().Where(f => InternalNote().IsMatch(f.Text)).Select(f => f.File).ToList();
        Assert.True(citing.Count == 0, "cite docs/ pages instead of rft-api.md / DESIGN.md: " + string.Join(", ", citing));
    }

    /// <summary>Every text a user or a maintainer reads: sources, the catalog, schemas, workflows, README and docs.</summary>
    private static IEnumerable<(string File, string Text)> CitingFiles()
    {
        var roots = new[] { "infra", "catalog", "schemas", ".github", "docs", "samples" }.Select(d => Path.Combine(RepoRoot, d)).Where(Directory.Exists);
        var files = roots.SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetExtension(f) is ".cs" or ".json" or ".md" or ".yml" or ".yaml" or ".py" or ".txt")
            .Append(Path.Combine(RepoRoot, "README.md"));
        return files.Select(f => (Path.GetRelativePath(RepoRoot, f), File.ReadAllText(f)));
    }

    private static IEnumerable<string> MarkdownPages() =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot, "docs"), "*.md").Append(Path.Combine(RepoRoot, "README.md"));

    private static string CodeTable()
    {
        var b = new StringBuilder("| code | severity | meaning | fix |\n|---|---|---|---|\n");
        foreach (var d in DiagnosticCatalog.All.OrderBy(d => d.Code, StringComparer.Ordinal))
        {
            b.Append($"| `{d.Code}` | {Severity(d.Severity)} | {Cell(d.Title)} | {Cell(d.Fix)} |\n");
        }

        return b.ToString();
    }

    private static string Severity(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    [GeneratedRegex(@"docs/[a-z0-9-]+\.md")]
    private static partial Regex DocPath();

    // [text](page.md) or [text](page.md#anchor); not http links, not images.
    [GeneratedRegex(@"\]\(([A-Za-z0-9_./-]+\.md)(?:#[^)]*)?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"rft-api\.md|DESIGN\.md")]
    private static partial Regex InternalNote();
}
