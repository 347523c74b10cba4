using RftInfra.Declarations;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Validation;

/// <summary>docs/regions.md carries the catalog's tables; RFT_UPDATE_DOCS=1 rewrites the generated block.</summary>
public class RegionsPageTests
{
    private static readonly string PagePath = Path.Combine(RepoRoot, "docs", "regions.md");

    [Fact]
    public void RegionsPage_TablesAreTheCatalogs()
    {
        var page = File.ReadAllText(PagePath).ReplaceLineEndings("\n");
        var expected = CatalogTables.Markdown(RftCatalog.Parse(File.ReadAllText(Path.Combine(RepoRoot, RftCatalog.RelativePath))));
        var start = page.IndexOf(CatalogTables.Begin, StringComparison.Ordinal);
        var end = page.IndexOf(CatalogTables.End, StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("RFT_UPDATE_DOCS") == "1")
        {
            var head = start >= 0 ? page[..start] : page;
            var tail = end >= 0 ? page[(end + CatalogTables.End.Length + 1)..] : "";
            File.WriteAllText(PagePath, head + expected + tail);
            return;
        }

        Assert.True(start >= 0 && end > start, "docs/regions.md has no generated block; run RFT_UPDATE_DOCS=1 dotnet test --filter RegionsPageTests");
        Assert.True(page[start..(end + CatalogTables.End.Length + 1)] == expected,
            "docs/regions.md differs from catalog/catalog.json. Run: RFT_UPDATE_DOCS=1 dotnet test tests/RftInfra.Core.Tests --filter RegionsPageTests");
    }

    [Fact]
    public void Tables_MarkConfirmedInferredAndMissing()
    {
        var table = CatalogTables.Markdown(RftCatalog.Default);
        var lines = table.Split('\n');
        var header = lines.Single(l => l.StartsWith("| Region |", StringComparison.Ordinal)).Split(" | ");
        var column = Array.IndexOf(header, "o4-mini-2025-04-16 globalstandard");
        string Cell(string region) => lines.Single(l => l.Contains($"| `{region}` |", StringComparison.Ordinal)).Split(" | ")[column];
        Assert.Equal(("✅", "✅*", ""), (Cell("swedencentral"), Cell("westeurope"), Cell("uaenorth")));
        Assert.Contains("| `globalstandard` | `globalStandard` | yes |", table, StringComparison.Ordinal);
    }
}
