using System.Text.Json.Nodes;
using RftInfra.Lifecycles;
using RftInfra.Core.Tests.Lifecycles;
using RftInfra.Declarations;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>The kit-only job fields (<c>baseline</c>, <c>stage</c>) are checked like the others and never reach the service.</summary>
public sealed class KitFieldsTests
{
    [Fact]
    public async Task BaselineAndStage_PassCheck_LeaveTheSpecHashAlone_AndTheCreateBodyWithoutThem()
    {
        var declaration = DeclarationReader.ReadFile(Path.Combine(RepoRoot, "jobs/capital-qa.yaml"), "jobs/capital-qa.yaml").Object!;
        declaration["stage"] = "iterate";
        Assert.NotNull(declaration["baseline"]);
        var bare = (JsonObject)declaration.DeepClone();
        bare.Remove("baseline");
        bare.Remove("stage");
        await using var h = await LifecycleHarness.StartAsync();
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var inputs = LifecycleHarness.JobInputs(train, valid);
        inputs["declaration"] = declaration;
        var bareInputs = LifecycleHarness.JobInputs(train, valid);
        bareInputs["declaration"] = bare;

        var check = await h.Jobs.CheckAsync([], inputs);

        Assert.True(check.IsValid, string.Join("; ", check.Diagnostics));
        Assert.Equal(FineTuningJobLifecycle.SpecHash(bareInputs), FineTuningJobLifecycle.SpecHash(check.Inputs));
        var created = await h.Jobs.CreateAsync(check.Inputs, preview: false);
        var job = await h.Client.GetJobAsync(created.Id);
        Assert.Equal("pending", (string?)created.Outputs["status"]);
        Assert.Equal(2, job.Metadata!.Count); // team and the spec hash: nothing of the kit's own sections
    }

    [Fact]
    public void Validate_UnknownFieldInTheBaselineSection_IsTheShapeFinding()
    {
        var diagnostics = CheckJob("""
            name: j
            model: o4-mini
            training_file: data/t.jsonl
            validation_file: data/v.jsonl
            grader: g
            training_type: globalstandard
            region: swedencentral
            baseline:
              rowz: 20
            """);

        var finding = Assert.Single(diagnostics, d => d.Message.Contains("rowz", StringComparison.Ordinal));
        Assert.Equal("RFT201", finding.Code); // unknown field
        Assert.Equal(9, finding.Position.Line);
    }
}
