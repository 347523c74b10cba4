using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;
using RftInfra.Diagnostics;

namespace RftInfra.Core.Tests.Validation;

/// <summary>
/// The JSON Schemas, the catalog and the README stay in step with the checks. The schemas' fields are generated from
/// the descriptions (<see cref="JsonSchemaWriterTests"/>); these check what generation cannot: samples and docs.
/// </summary>
public class SchemaAndDocsTests
{
    private static JsonObject Schema(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot, "schemas", name)))!;

    [Fact]
    public void Schemas_ListTheCatalogsValues()
    {
        var catalog = RftCatalog.Default;
        var job = Schema("job.schema.json")["properties"]!;
        Assert.Equal(catalog.Regions, job["region"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(catalog.TrainingTypes, job["training_type"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(catalog.DeploymentSkus, job["deploy"]!["properties"]!["sku"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Samples_ReferenceTheSchemas()
    {
        // graders/<name>.tests.jsonl are grader tests (rft grade --check), not declarations.
        var declarations = Directory.EnumerateFiles(Path.Combine(RepoRoot, "jobs"))
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoRoot, "graders")))
            .Where(f => !f.EndsWith(RftInfra.Graders.Evaluation.GraderTestRunner.SidecarSuffix, StringComparison.Ordinal));
        foreach (var file in declarations)
        {
            var text = File.ReadAllText(file);
            var kind = file.Contains("/jobs/", StringComparison.Ordinal) ? "job" : "grader";
            var reference = $"../schemas/{kind}.schema.json";
            Assert.True(file.EndsWith(".json", StringComparison.Ordinal)
                ? text.Contains($"\"$schema\": \"{reference}\"", StringComparison.Ordinal)
                : text.StartsWith($"# yaml-language-server: $schema={reference}", StringComparison.Ordinal), file);
        }
    }

    [Fact]
    public void BuiltInCatalog_MatchesTheRepositoryFile()
    {
        var onDisk = RftCatalog.Parse(File.ReadAllText(Path.Combine(RepoRoot, RftCatalog.RelativePath)));
        var builtIn = RftCatalog.Default;
        Assert.Equal(27, builtIn.Regions.Count);
        Assert.Equal(onDisk.Regions, builtIn.Regions);
        Assert.Equal(onDisk.GraderModels, builtIn.GraderModels);
        Assert.Equal(onDisk.Limits, builtIn.Limits);
        Assert.Equal(["eastus2", "swedencentral"], builtIn.FindModel("o4-mini")!.TrainingTypes["standard"]);
    }

    [Fact]
    public void ReadmeOrDocs_DocumentEveryCode()
    {
        // The README is the way in; reference pages under docs/ may document codes too (e.g. docs/limits-grading.md).
        var docs = Directory.Exists(Path.Combine(RepoRoot, "docs"))
            ? Directory.GetFiles(Path.Combine(RepoRoot, "docs"), "*.md").Select(File.ReadAllText)
            : [];
        var text = string.Join("\n", [File.ReadAllText(Path.Combine(RepoRoot, "README.md")), .. docs]);
        var codes = DiagnosticCatalog.All.Select(d => d.Code);
        var missing = codes.Where(c => !text.Contains($"`{c}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "README.md and docs/*.md do not document " + string.Join(", ", missing));
    }

    [Fact]
    public void Hints_CiteOnlyDocPagesThatExist()
    {
        var cited = DiagnosticCatalog.All
            .SelectMany(d => System.Text.RegularExpressions.Regex.Matches(d.Fix, @"docs/[a-z0-9-]+\.md").Select(m => m.Value))
            .Distinct();
        Assert.All(cited, page => Assert.True(File.Exists(Path.Combine(RepoRoot, page)), $"a hint cites {page}, which does not exist"));
    }

    [Fact]
    public void Codes_AreUniqueAndInTheirArea()
    {
        var all = DiagnosticCatalog.All;
        Assert.Equal(all.Count, all.Select(d => d.Code).Distinct().Count());
        Assert.All(GraderDiagnostics.All, d => Assert.StartsWith("RFT1", d.Code, StringComparison.Ordinal));
        Assert.All(JobDiagnostics.All, d => Assert.StartsWith("RFT2", d.Code, StringComparison.Ordinal));
        Assert.All(DeclarationDiagnostics.All, d => Assert.StartsWith("RFT3", d.Code, StringComparison.Ordinal));
    }
}
