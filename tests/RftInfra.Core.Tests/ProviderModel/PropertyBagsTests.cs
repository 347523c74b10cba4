using System.Text.Json.Nodes;
using RftInfra.Core.Diagnostics;
using RftInfra.Core.Lifecycles;
using RftInfra.Core.ProviderModel;

namespace RftInfra.Core.Tests.ProviderModel;

public class PropertyBagsTests
{
    private static JsonObject Bag(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void UnknownKeys_FindUnknownsAtAnyDepth()
    {
        var u = PropertyBags.UnknownSentinel;
        var bag = Bag("""{"model":"o4-mini","trainingFileId":"U","grader":{"graders":{"a":{"reference":"U"}}},"hyperparameters":{"n_epochs":3},"tags":["x","U"]}"""
            .Replace("\"U\"", $"\"{u}\"", StringComparison.Ordinal));

        Assert.Equal(["trainingFileId", "grader", "tags"], PropertyBags.UnknownKeys(bag));
        Assert.True(PropertyBags.IsUnknown(bag["trainingFileId"]));
        Assert.False(PropertyBags.IsUnknown(bag["model"]));
    }

    [Fact]
    public void PreviewUnknownOutputs_AreDeclaredOutputsTheLifecycleCouldNotKnow()
    {
        var outputs = Bag($$"""{"specHash":"abc","status":"pending","jobId":"{{PropertyBags.UnknownSentinel}}"}""");

        var unknown = PropertyBags.PreviewUnknownOutputs(RftResourceTypes.FineTuningJob, outputs);

        Assert.Equal(
            ["jobId", "serviceStatus", "model", "fineTunedModel", "trainedTokens", "error", "trainRewardMean", "validRewardMean",
                "metricsStep", "createdAt", "finishedAt"],
            unknown);
    }

    [Fact]
    public void SecretOutputs_FollowSecretInputs()
    {
        var secret = PropertyBags.SecretOutputs(RftResourceTypes.FineTuningJob, ["metadata"]);

        Assert.Equal(["metadata"], secret);
    }

    [Fact]
    public void CheckFailures_UseTheInputNamedByTheDiagnostic_ErrorsOnly()
    {
        var diagnostics = new[]
        {
            new Diagnostic("RFT012", DiagnosticSeverity.Error, "grader", SourcePosition.None, "reads item.capital", "use item.reference_answer"),
            new Diagnostic("RFT030", DiagnosticSeverity.Error, "data/capital-train.jsonl", new SourcePosition(3, 1), "last message is from the assistant"),
            new Diagnostic("RFT099", DiagnosticSeverity.Warning, "model", SourcePosition.None, "just a warning"),
        };

        var failures = PropertyBags.CheckFailures(RftResourceTypes.FineTuningJob, diagnostics);

        Assert.Equal(2, failures.Count);
        Assert.Equal("grader", failures[0].Property);
        Assert.Equal("grader: error RFT012: reads item.capital Fix: use item.reference_answer", failures[0].Reason);
        Assert.Equal(string.Empty, failures[1].Property);
        Assert.Contains("data/capital-train.jsonl(3,1)", failures[1].Reason);
    }

    [Fact]
    public void ChangedKeys_UnionReplaceAndDetailedKeys()
    {
        var diff = new DiffResult(DiffChange.Replace, ["model"],
            new Dictionary<string, PropertyChangeKind> { ["metadata"] = PropertyChangeKind.Update, ["model"] = PropertyChangeKind.UpdateReplace });

        Assert.Equal(["metadata", "model"], PropertyBags.ChangedKeys(diff));
    }
}
