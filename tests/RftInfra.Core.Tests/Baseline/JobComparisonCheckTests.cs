using RftInfra.Core.Tests.Validation;
using RftInfra.Diagnostics;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>RFT816 in `rft validate`: jobs of one task (one validation file) should differ in one variable at a time.</summary>
public sealed class JobComparisonCheckTests
{
    private static TempRoot WithSecondJob(string changes)
    {
        var root = TempRoot.Clean();
        root.WriteRows("data/train2.jsonl", "Spain", "Kenya", "Nepal");
        root.Write("jobs/qa2.yaml", """
            name: qa2
            model: o4-mini-2025-04-16
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            grader: match
            training_type: globalstandard
            region: swedencentral
            suffix: second
            seed: 9
            """ + "\n" + changes);
        return root;
    }

    [Fact]
    public void TwoJobsOfOneTask_DifferingInTwoVariables_IsRft816NamingThem()
    {
        using var root = WithSecondJob("hyperparameters:\n  n_epochs: 2\n  reasoning_effort: high\n");
        File.WriteAllText(Path.Combine(root.Path, "jobs/qa2.yaml"),
            File.ReadAllText(Path.Combine(root.Path, "jobs/qa2.yaml")).Replace("data/train.jsonl", "data/train2.jsonl", StringComparison.Ordinal));

        var result = root.Validate();

        var finding = Assert.Single(result.Diagnostics, d => d.Code == "RFT816");
        Assert.Equal(DiagnosticSeverity.Info, finding.Severity);
        Assert.Equal("jobs/qa2.yaml", finding.File);
        Assert.Equal(4, finding.Position.Line);
        Assert.Equal("jobs/qa2.yaml and jobs/qa.yaml both evaluate on data/valid.jsonl but differ in 3 variables " +
            "(training_file, hyperparameters.n_epochs, hyperparameters.reasoning_effort), so a difference in reward cannot be attributed to one of them.",
            finding.Message);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void OneVariable_AndNamesSeedsSuffixesOnly_AreNotReported()
    {
        using var root = WithSecondJob("hyperparameters:\n  n_epochs: 2\n");

        Assert.DoesNotContain(root.Validate().Diagnostics, d => d.Code == "RFT816");
    }
}
