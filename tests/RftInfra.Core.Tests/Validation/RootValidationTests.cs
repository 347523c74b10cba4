using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Validation;

public class RootValidationTests
{
    [Theory]
    [InlineData("jobs/qa.yaml", "~", "RFT202")]
    [InlineData("jobs/qa.yaml", "null", "RFT202")]
    [InlineData("graders/match.json", "null", "RFT100")]
    public void DocumentThatIsNull_IsAnErrorNotSkipped(string file, string text, string code)
    {
        // A hostile pull request replacing a grader or job with `null` must not keep CI green.
        using var root = TempRoot.Clean();
        root.Write(file, text);

        var result = RftValidator.ValidateRoot(root.Path);

        var finding = Assert.Single(result.Diagnostics, d => d.Code == code);
        Assert.Equal(file, finding.File);
        Assert.Contains("found null", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Samples_ValidateClean()
    {
        var result = RftValidator.ValidateRoot(RepoRoot);
        // The only finding: the judge's sidecar tests need a model endpoint, which validation never calls. Nothing is
        // wrong, so it is a note (0 errors, 0 warnings).
        var finding = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT605", DiagnosticSeverity.Info, "graders/math-judge.tests.jsonl"), (finding.Code, finding.Severity, finding.File));
        Assert.Equal(4, result.JobCount);
        Assert.Equal(4, result.GraderCount);
    }

    [Fact]
    public void BadRoot_SeedMismatch_ExactlyTheKeyError()
    {
        var result = RftValidator.ValidateRoot(Path.Combine(RepoRoot, "tests/RftInfra.Core.Tests/Samples/bad-root"));
        Assert.Equal(2, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d =>
        {
            Assert.Equal("RFT320", d.Code);
            Assert.Equal("graders/capital-match.json", d.File);
            Assert.Equal(new SourcePosition(5, 16), d.Position);
            Assert.Equal("The rows have keys: messages, reference_answer. Use {{item.reference_answer}}, or add 'capital' to every row.", d.Hint);
        });
        Assert.Equal(
            "{{item.capital}} is missing from 14 of 14 rows of data/capital-train.jsonl (first at lines 1, 2, 3, 4, 5, …); the grader would score those rows 0.",
            result.Diagnostics[0].Message);
        Assert.Equal(
            "{{item.capital}} is missing from 6 of 6 rows of data/capital-valid.jsonl (first at lines 1, 2, 3, 4, 5, …); the grader would score those rows 0.",
            result.Diagnostics[1].Message);
    }

    [Fact]
    public void CleanTempRoot_NoFindings()
    {
        using var root = TempRoot.Clean();
        var result = root.Validate();
        Assert.True(result.Diagnostics.Count == 0, Describe(result.Diagnostics));
    }

    [Fact]
    public void MissingKey_InSomeRows_CountsAndLines()
    {
        using var root = TempRoot.Clean();
        root.Write("data/train.jsonl", TempRoot.Row + "\n" + TempRoot.Row.Replace("reference_answer", "answer", StringComparison.Ordinal) + "\n" + TempRoot.Row + "\n");
        var finding = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal("RFT320", finding.Code);
        Assert.Contains("missing from 1 of 3 rows of data/train.jsonl (first at lines 2)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PythonGraderKeys_AndModelGraderMessages_Checked()
    {
        using var root = TempRoot.Clean();
        root.Write("graders/match.json", """
            {
              "type": "multi",
              "name": "match",
              "graders": {
                "code": {"type": "python", "name": "code", "source": "def grade(sample, item):\n    return float(item['reference_answer'] == item.get(\"city\") or item.get('x', 0))\n"},
                "judge": {"type": "score_model", "name": "judge", "model": "gpt-4.1", "input": [{"role": "user", "content": "{{sample.output_text}} vs {{item.expected.city}}"}]}
              },
              "calculate_output": "code + judge"
            }
            """);
        var result = root.Validate();
        var keys = result.Diagnostics.Where(d => d.Code == "RFT320").Select(d => d.Message.Split(' ')[0]).Distinct().Order().ToList();
        Assert.Equal(["{{item.city}}", "{{item.expected.city}}"], keys);
        Assert.Equal(4, result.Diagnostics.Count);
        Assert.Contains(result.Diagnostics, d => d.Message.StartsWith("{{item.city}}", StringComparison.Ordinal) && d.Position == new SourcePosition(5, 58));
    }

    [Fact]
    public void InlineGraderKeys_ReportedInTheJobFile()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", """
            name: qa
            model: o4-mini-2025-04-16
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            grader:
              type: string_check
              name: inline
              input: "{{sample.output_text}}"
              reference: "{{item.capital}}"
              operation: eq
            training_type: globalstandard
            region: swedencentral
            """);
        var result = root.Validate();
        Assert.Equal(2, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal(("RFT320", "jobs/qa.yaml", new SourcePosition(9, 14)), (d.Code, d.File, d.Position)));
    }

    [Fact]
    public void GraderNotFound_SuggestsTheClosest()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", File.ReadAllText(Path.Combine(root.Path, "jobs/qa.yaml")).Replace("grader: match", "grader: matsh", StringComparison.Ordinal));
        var finding = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal(("RFT310", new SourcePosition(5, 9)), (finding.Code, finding.Position));
        Assert.Contains("Did you mean 'match'?", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataFileNotFound_NamesTheField()
    {
        using var root = TempRoot.Clean();
        File.Delete(Path.Combine(root.Path, "data/valid.jsonl"));
        var finding = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal("RFT311", finding.Code);
        Assert.Equal("validation_file 'data/valid.jsonl' does not exist.", finding.Message);
        Assert.Equal(4, finding.Position.Line);
    }

    [Fact]
    public void DuplicateJobNames_AndGraderNames_Reported()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa-copy.yaml", File.ReadAllText(Path.Combine(root.Path, "jobs/qa.yaml")));
        root.Write("graders/match.yaml", "type: string_check\nname: match\ninput: \"{{sample.output_text}}\"\nreference: \"{{item.reference_answer}}\"\noperation: eq\n");
        var result = root.Validate();
        Assert.Equal("RFT312 RFT313", Codes(result.Diagnostics.OrderBy(d => d.Code, StringComparer.Ordinal)));
        Assert.Contains("jobs/qa-copy.yaml", result.Diagnostics.Single(d => d.Code == "RFT312").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputJson_WithoutResponseFormat_AndUnknownProperty()
    {
        using var root = TempRoot.Clean();
        root.Write("graders/match.json", """
            {"type": "string_check", "name": "match", "input": "{{sample.output_json.capital}}", "reference": "{{item.reference_answer}}", "operation": "eq"}
            """);
        var without = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal("RFT321", without.Code);
        Assert.Contains("jobs/qa.yaml has no response_format", without.Message, StringComparison.Ordinal);

        var job = File.ReadAllText(Path.Combine(root.Path, "jobs/qa.yaml"));
        root.Write("jobs/qa.yaml", job + "\n" + """
            response_format:
              type: json_schema
              json_schema:
                name: city
                strict: true
                schema: {type: object, properties: {city: {type: string}}, required: [city], additionalProperties: false}
            """);
        var unknown = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal("RFT322", unknown.Code);
        Assert.Contains("Properties at that level: city.", unknown.Hint, StringComparison.Ordinal);

        root.Write("graders/match.json", """
            {"type": "string_check", "name": "match", "input": "{{sample.output_json.city}}", "reference": "{{item.reference_answer}}", "operation": "eq"}
            """);
        Assert.Empty(root.Validate().Diagnostics);
    }

    [Fact]
    public void Leakage_SamePromptInBothFiles_Warning()
    {
        using var root = TempRoot.Clean();
        root.WriteRows("data/valid.jsonl", "Italy", "Japan");
        var result = root.Validate();
        var finding = Assert.Single(result.Diagnostics);
        Assert.Equal(("RFT216", DiagnosticSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Contains("(training lines 2)", finding.Message, StringComparison.Ordinal);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void RowCountsAndSizes_AgainstTheCheckoutsCatalog()
    {
        using var root = TempRoot.Clean();
        var original = File.ReadAllText(Path.Combine(RepoRoot, RftCatalog.RelativePath));
        root.Write(RftCatalog.RelativePath, original
            .Replace("\"training_max_rows\": 50000", "\"training_max_rows\": 2", StringComparison.Ordinal)
            .Replace("\"validation_max_rows\": 1000", "\"validation_max_rows\": 1", StringComparison.Ordinal));
        var result = root.Validate();
        Assert.Equal("RFT213 RFT214", Codes(result.Diagnostics.Select(d => d.Code).Distinct().Order(StringComparer.Ordinal)
            .Select(c => result.Diagnostics.First(d => d.Code == c))));
        Assert.Contains("data/train.jsonl has 3 rows; a training file may have at most 2.", result.Diagnostics.Select(d => d.Message));

        // A file over the byte limit is a finding before any read: its rows are not counted.
        root.Write(RftCatalog.RelativePath, original
            .Replace("\"file_max_bytes_exclusive\": 536870912", "\"file_max_bytes_exclusive\": 400", StringComparison.Ordinal));
        result = root.Validate();
        Assert.Equal("RFT215", Codes(result.Diagnostics.Select(d => d.Code).Distinct().Order(StringComparer.Ordinal)
            .Select(c => result.Diagnostics.First(d => d.Code == c))));

        File.Delete(Path.Combine(root.Path, RftCatalog.RelativePath));
        Assert.Empty(root.Validate().Diagnostics);
    }

    [Fact]
    public void BrokenCatalog_ReportedAndBuiltInUsed()
    {
        using var root = TempRoot.Clean();
        root.Write(RftCatalog.RelativePath, "{\"regions\": 3}");
        var finding = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal(("RFT300", "catalog/catalog.json"), (finding.Code, finding.File));
    }

    [Fact]
    public void JobFilter_ValidatesOnlyThatJobAndItsGrader()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/broken.yaml", "name: broken\n");
        root.Write("graders/unused.json", "{\"type\": \"nope\"}");
        Assert.Empty(root.Validate("jobs/qa.yaml").Diagnostics);
        var all = root.Validate();
        Assert.Contains(all.Diagnostics, d => d.File == "jobs/broken.yaml");
        Assert.Contains(all.Diagnostics, d => d.File == "graders/unused.json" && d.Code == "RFT101");
    }

    [Fact]
    public void SyntaxErrors_InJobAndGraderFiles_Reported()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", "name: qa\n  model: [\n");
        root.Write("graders/match.json", "{\"type\": \"string_check\" \"name\": \"x\"}");
        var result = root.Validate();
        Assert.Equal("RFT300 RFT300", Codes(result.Diagnostics));
        Assert.All(result.Diagnostics, d => Assert.True(d.Position.Line >= 1));
    }

    [Fact]
    public void DatasetRowFindings_ComeThroughFromTheScanner()
    {
        using var root = TempRoot.Clean();
        root.Write("data/train.jsonl", TempRoot.Row + "\n{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}], \"reference_answer\": \"a\"}\n");
        var finding = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal(("RFT017", "data/train.jsonl", 2), (finding.Code, finding.File, finding.Position.Line));
    }

    [Fact]
    public void JsonJobFile_WithSchemaKey_AndYmlGrader_Clean()
    {
        using var root = TempRoot.Clean();
        File.Delete(Path.Combine(root.Path, "jobs/qa.yaml"));
        File.Delete(Path.Combine(root.Path, "graders/match.json"));
        root.Write("graders/match.yml", "# yaml-language-server: $schema=../schemas/grader.schema.json\n$schema: ../schemas/grader.schema.json\ntype: string_check\nname: match\ninput: \"{{sample.output_text}}\"\nreference: \"{{item.reference_answer}}\"\noperation: eq\n");
        root.Write("jobs/qa.json", """
            {
              "$schema": "../schemas/job.schema.json",
              "name": "qa",
              "model": "o4-mini-2025-04-16",
              "training_file": "data/train.jsonl",
              "validation_file": "data/valid.jsonl",
              "grader": "match",
              "training_type": "globalstandard",
              "region": "swedencentral",
              "hyperparameters": { "n_epochs": "auto", "eval_samples": 3 }
            }
            """);
        var result = root.Validate();
        Assert.True(result.Diagnostics.Count == 0, Describe(result.Diagnostics));
        Assert.Equal((1, 1), (result.JobCount, result.GraderCount));
    }

    [Fact]
    public void NoJobs_Warning()
    {
        using var root = new TempRoot();
        var finding = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal(("RFT304", DiagnosticSeverity.Warning), (finding.Code, finding.Severity));
    }

    [Fact]
    public void WithoutEditorKeys_DropsSchemaOnly()
    {
        var grader = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse("""{"$schema": "../schemas/grader.schema.json", "type": "python"}""")!;
        Assert.Equal("""{"type":"python"}""", DeclarationReader.WithoutEditorKeys(grader).ToJsonString());
        Assert.True(grader.ContainsKey("$schema"));
    }

    [Fact]
    public void ExtensibleChecks_CustomCheckRuns()
    {
        using var root = TempRoot.Clean();
        var result = RftValidator.ValidateRoot(root.Path, checks: [.. RftValidator.DefaultChecks, new EveryJobCheck()]);
        Assert.Equal("TEST1", Assert.Single(result.Diagnostics).Code);
    }

    private sealed class EveryJobCheck : IValidationCheck
    {
        public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
            diagnostics.AddRange(context.Jobs.Select(j => new Diagnostic("TEST1", DiagnosticSeverity.Info, j.Document.DisplayPath, SourcePosition.None, j.Name ?? "")));
    }
}
