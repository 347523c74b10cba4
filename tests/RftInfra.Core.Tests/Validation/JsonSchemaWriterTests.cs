using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;
using RftInfra.Diagnostics;

namespace RftInfra.Core.Tests.Validation;

/// <summary>
/// schemas/*.schema.json are generated from the field descriptions (JobShape, GraderShape, Hyperparameters) and the
/// catalog. A difference fails; RFT_UPDATE_SCHEMAS=1 rewrites the checked-in files (like golden files).
/// </summary>
public class JsonSchemaWriterTests
{
    [Theory]
    [InlineData("job.schema.json")]
    [InlineData("grader.schema.json")]
    public void CheckedInSchema_IsTheGeneratedOne(string name)
    {
        var generated = name == "job.schema.json"
            ? JsonSchemaWriter.JobSchemaText(RftCatalog.Default)
            : JsonSchemaWriter.GraderSchemaText(RftCatalog.Default);
        var path = Path.Combine(RepoRoot, "schemas", name);
        if (Environment.GetEnvironmentVariable("RFT_UPDATE_SCHEMAS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        var onDisk = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(onDisk == generated,
            $"schemas/{name} differs from the field descriptions. Run: RFT_UPDATE_SCHEMAS=1 dotnet test tests/RftInfra.Core.Tests "
            + $"--filter {nameof(JsonSchemaWriterTests)} and review `git diff schemas/` (docs/declarations.md).");
    }

    [Fact]
    public void JobSchema_HyperparametersCarryTheDescriptionsRanges()
    {
        var hyper = JsonSchemaWriter.JobSchema(RftCatalog.Default)["properties"]!["hyperparameters"]!["properties"]!;
        var epochs = hyper["n_epochs"]!["oneOf"]![0]!;
        Assert.Equal("integer", epochs["type"]!.GetValue<string>());
        Assert.Equal(1, epochs["minimum"]!.GetValue<long>());
        Assert.Equal(Hyperparameters.MaxEpochs, epochs["maximum"]!.GetValue<long>());
        Assert.Equal("auto", hyper["n_epochs"]!["oneOf"]![1]!["const"]!.GetValue<string>());
        Assert.Equal(0, hyper["learning_rate_multiplier"]!["oneOf"]![0]!["exclusiveMinimum"]!.GetValue<long>());
        Assert.Equal(["default", "low", "medium", "high"], hyper["reasoning_effort"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(Hyperparameters.Names, hyper.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void JobSchema_RequiresValidationFileAndForbidsUnknownFields()
    {
        var schema = JsonSchemaWriter.JobSchema(RftCatalog.Default);
        Assert.Equal(["name", "model", "training_file", "validation_file", "grader", "training_type", "region"],
            schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        Assert.Equal("grader.schema.json", schema["properties"]!["grader"]!["oneOf"]![1]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void GraderSchema_ChildGraderAllowsExactlyTheMultiChildTypes()
    {
        var defs = JsonSchemaWriter.GraderSchema(RftCatalog.Default)["$defs"]!;
        Assert.Equal(GraderShape.MultiChildTypes, defs["child_grader"]!["properties"]!["type"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(GraderShape.StringCheckOperations, defs["string_check"]!["properties"]!["operation"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("string_check", defs["string_check"]!["properties"]!["type"]!["const"]!.GetValue<string>());
    }
}
