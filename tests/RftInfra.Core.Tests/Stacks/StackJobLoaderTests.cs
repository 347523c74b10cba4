using System.Security.Cryptography;
using RftInfra.Stacks;
using static RftInfra.Core.Tests.Stacks.StackTestData;

namespace RftInfra.Core.Tests.Stacks;

public sealed class StackJobLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rft-stackjobs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private void WriteValidJob(string name = "demo", string region = "eastus2", string extra = "")
    {
        Write("graders/exact.json", """{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}""");
        Write("data/train.jsonl", """{"messages":[{"role":"user","content":"q"}],"answer":"a"}""" + "\n");
        Write("data/valid.jsonl", """{"messages":[{"role":"user","content":"q"}],"answer":"b"}""" + "\n");
        Write($"jobs/{name}.yaml", $"""
            name: {name}
            model: o4-mini
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            grader: exact
            region: {region}
            {extra}
            """);
    }

    [Fact]
    public void Load_RepositorySamples_ResolvesGradersHashesAndDeploySettings()
    {
        var settings = Settings(
            "dev",
            ("regions", """["swedencentral","eastus2","germanywestcentral"]"""),
            ("jobs", """["jobs/capital-qa.yaml","jobs/support-summary.yaml","jobs/invoice-extract.yaml"]"""));

        var result = StackJobLoader.Load(RepositoryRoot, settings);

        Assert.Empty(result.Diagnostics);
        var capital = result.Jobs.Single(j => j.Name == "capital-qa");
        Assert.Equal("swedencentral", capital.Region);
        Assert.Equal("o4-mini-2025-04-16", capital.Model);
        Assert.Equal("string_check", capital.Grader["type"]!.GetValue<string>());
        Assert.Equal("data/capital-train.jsonl", capital.TrainingFile.Path);
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(RepositoryRoot, "data/capital-train.jsonl"))));
        Assert.Equal(expectedHash, capital.TrainingFile.Sha256);
        Assert.Equal(new DeploySettings("GlobalStandard", 1), capital.Deploy);
        Assert.Equal("graders/capital-match.json", capital.GraderPath);
        // The file has "$schema" for editors; the grader the provider sends the service must not (it refuses unknown fields).
        Assert.Contains("\"$schema\"", File.ReadAllText(Path.Combine(RepositoryRoot, "graders/capital-match.json")));
        Assert.False(capital.Grader.ContainsKey("$schema"));
        Assert.Equal(["input", "name", "operation", "reference", "type"], capital.Grader.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("capital-qa", capital.Declaration["name"]!.GetValue<string>());
        Assert.Equal(42, capital.Seed);
        Assert.Equal("globalstandard", capital.TrainingType);
        Assert.Equal("geo", capital.Metadata["team"]);
        Assert.Equal("auto", capital.Hyperparameters!["n_epochs"]!.GetValue<string>());
        Assert.Equal(1.0, capital.Hyperparameters!["compute_multiplier"]!.GetValue<double>());

        var summary = result.Jobs.Single(j => j.Name == "support-summary");
        Assert.Equal("multi", summary.Grader["type"]!.GetValue<string>());
        Assert.NotNull(summary.Grader["graders"]?["similarity"]);

        var invoice = result.Jobs.Single(j => j.Name == "invoice-extract");
        Assert.Equal("json_schema", invoice.ResponseFormat!["type"]!.GetValue<string>());
        Assert.Equal(new DeploySettings("Standard", 1), invoice.Deploy);
    }

    [Fact]
    public void Load_NoJobs_GivesNoJobs()
    {
        var result = StackJobLoader.Load(RepositoryRoot, Settings("dev"));

        Assert.Empty(result.Jobs);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Load_JobInARegionOutsideTheStack_SaysHowToAddTheRegion()
    {
        WriteValidJob(region: "norwayeast");

        var result = StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/demo.yaml"]""")));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT523", error.Code);
        Assert.Equal("jobs/demo.yaml", error.File);
        Assert.Equal("""add it: pulumi config set rft-infra:regions '["swedencentral","eastus2","norwayeast"]'""", error.Hint);
        Assert.Empty(result.Jobs);
    }

    [Fact]
    public void Load_MissingFileGraderOrDataset_NamesWhatIsMissing()
    {
        WriteValidJob();
        File.Delete(Path.Combine(_root, "data/valid.jsonl"));
        Write("jobs/nograder.yaml", "name: nograder\nmodel: o4-mini\ntraining_file: data/train.jsonl\nvalidation_file: data/train.jsonl\ngrader: missing\nregion: eastus2\n");

        var result = StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/demo.yaml","jobs/nograder.yaml","jobs/absent.yaml"]""")));

        Assert.Equal(["RFT525", "RFT524", "RFT520"], result.Diagnostics.Select(d => d.Code));

        Assert.Contains("data/valid.jsonl", result.Diagnostics[0].Message);
        Assert.Contains("'missing'", result.Diagnostics[1].Message);
        Assert.Equal("jobs/absent.yaml", result.Diagnostics[2].File);
        Assert.Empty(result.Jobs);
    }

    [Fact]
    public void Load_MissingRequiredField_NamesTheField()
    {
        Write("jobs/bad.yaml", "name: bad\nmodel: o4-mini\n");

        var result = StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/bad.yaml"]""")));

        Assert.Contains(result.Diagnostics, d => d.Code == "RFT522" && d.Message == "'region' is required.");
        Assert.Contains(result.Diagnostics, d => d.Message == "'grader' is required.");
    }

    [Fact]
    public void Load_BrokenYaml_IsADiagnosticWithTheFileNotAnException()
    {
        Write("jobs/broken.yaml", "name: [unclosed\n");

        var result = StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/broken.yaml"]""")));

        var error = Assert.Single(result.Diagnostics);
        Assert.True(error.IsError);
        Assert.Equal("jobs/broken.yaml", error.File);
        Assert.Empty(result.Jobs);
    }

    [Fact]
    public void Load_InlineGrader_IsUsedAsIs()
    {
        WriteValidJob();
        Write("jobs/inline.yaml", """
            name: inline
            model: o4-mini
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            grader: { type: string_check, name: inline, input: "{{sample.output_text}}", reference: "{{item.answer}}", operation: eq }
            region: eastus2
            """);

        var job = Assert.Single(StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/inline.yaml"]"""))).Jobs);

        Assert.Null(job.GraderPath);
        Assert.Equal("string_check", job.Grader["type"]!.GetValue<string>());
    }

    [Fact]
    public void Load_NoDeploySection_MeansNoDeployment_AndDuplicateNamesAreRefused()
    {
        WriteValidJob();
        Write("jobs/copy.yaml", File.ReadAllText(Path.Combine(_root, "jobs/demo.yaml")));

        var single = StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/demo.yaml"]""")));
        Assert.Null(Assert.Single(single.Jobs).Deploy);

        var both = StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/demo.yaml","jobs/copy.yaml"]""")));
        Assert.Contains(both.Diagnostics, d => d.Code == "RFT521" && d.File == "jobs/copy.yaml");
    }

    [Fact]
    public void Load_QuotedYamlScalars_StayStrings()
    {
        WriteValidJob(extra: "suffix: \"123\"\nseed: 5");

        var job = Assert.Single(StackJobLoader.Load(_root, Settings("dev", ("jobs", """["jobs/demo.yaml"]"""))).Jobs);

        Assert.Equal("123", job.Suffix);
        Assert.Equal(5, job.Seed);
    }
}
