using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Validation;
using RftInfra.Diagnostics;

namespace RftInfra.Core.Tests.Validation;

/// <summary>Every hyperparameter is described once (<see cref="Hyperparameters.All"/>); the shapes derive from it.</summary>
public class HyperparameterDescriptionTests
{
    [Fact]
    public void JobShape_HyperparameterFieldsAreTheDescriptions()
    {
        var fields = JobShape.Fields.Single(f => f.Name == "hyperparameters").Fields!;
        Assert.Equal(Hyperparameters.Names, fields.Select(f => f.Name));
        Assert.Equal(FieldKind.IntegerOrAuto, fields.Single(f => f.Name == "n_epochs").Kind);
        Assert.Equal(FieldKind.NumberOrAuto, fields.Single(f => f.Name == "compute_multiplier").Kind);
        Assert.Equal(FieldKind.String, fields.Single(f => f.Name == "reasoning_effort").Kind);
        Assert.All(Hyperparameters.All, h => Assert.False(string.IsNullOrWhiteSpace(h.RangeSource), h.Name));
    }

    [Theory]
    [InlineData("n_epochs", "51", "51 is above the maximum 50 (range 1–50, or \"auto\").")]
    [InlineData("n_epochs", "0", "0 is below the minimum 1 (range 1–50, or \"auto\").")]
    [InlineData("batch_size", "0", "0 is below the minimum 1.")]
    [InlineData("learning_rate_multiplier", "0", "0 must be greater than 0.")]
    [InlineData("eval_samples", "11", "11 is above the maximum 10 (range 1–10, or \"auto\").")]
    [InlineData("reasoning_effort", "\"auto\"", "'auto' is not one of default, low, medium, high. Did you mean 'default'?")]
    public void Problem_NamesTheRange(string name, string value, string expected) =>
        Assert.Equal(expected, Hyperparameters.Find(name)!.Problem(JsonNode.Parse(value)));

    [Theory]
    [InlineData("n_epochs", "\"auto\"")]
    [InlineData("n_epochs", "50")]
    [InlineData("compute_multiplier", "3.0")]
    [InlineData("reasoning_effort", "\"low\"")]
    public void Problem_AcceptsValuesInRange(string name, string value) =>
        Assert.Null(Hyperparameters.Find(name)!.Problem(JsonNode.Parse(value)));

    [Fact]
    public void Allowed_SaysTheRangeInWords()
    {
        Assert.Equal("\"auto\" or an integer from 1 to 25", Hyperparameters.Find("eval_interval")!.Allowed);
        Assert.Equal("\"auto\" or a number greater than 0", Hyperparameters.Find("learning_rate_multiplier")!.Allowed);
        Assert.Equal("one of default, low, medium, high", Hyperparameters.Find("reasoning_effort")!.Allowed);
    }

    [Fact]
    public void Bind_ToJson_IteratesTheDescriptionAndDropsWhatTheValidatorRefuses()
    {
        var bound = JobHyperparameters.Bind(JsonNode.Parse("""{"reasoning_effort":"low","n_epoch":3,"n_epochs":2.5,"eval_samples":2,"batch_size":"auto"}"""));

        Assert.Equal("""{"batch_size":"auto","eval_samples":2,"reasoning_effort":"low"}""", bound.ToJson()!.ToJsonString());
        Assert.True(bound.Number("batch_size")!.Value.IsAuto);
        Assert.Equal(2, bound.Number("eval_samples")!.Value.Number);
        Assert.Null(JobHyperparameters.Bind(null).ToJson());
        Assert.Equal("{}", JobHyperparameters.Bind(new JsonObject()).ToJson()!.ToJsonString());
    }

    [Fact]
    public void EveryDescription_ReachesTheRequestBodyAndRefusesItsBounds()
    {
        // Generic over the description, so a new hyperparameter is covered without a new line here.
        var declared = new JsonObject();
        foreach (var h in Hyperparameters.All)
        {
            declared[h.Name] = h.Values is { } values ? values[0] : "auto";
            if (h.Max is { } max)
            {
                Assert.NotNull(h.Problem(JsonValue.Create(max + 1)));
                Assert.Null(h.Problem(JsonValue.Create(max)));
            }

            if ((h.Min ?? h.MinExclusive) is { } min)
            {
                Assert.NotNull(h.Problem(JsonValue.Create(h.Min is null ? min : min - 1)));
            }

            Assert.Equal(h.Values is null, h.AllowsAuto);
        }

        var body = JobHyperparameters.Bind(declared).ToJson()!;
        Assert.Equal(Hyperparameters.Names, body.Select(p => p.Key));
    }
}
