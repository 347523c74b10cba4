using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Lifecycles;
using RftInfra.ProviderModel;

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
    public void PreviewUnknownOutputs_AKnownNullIsUnknown_ForEveryType()
    {
        // What each lifecycle's preview returns for a value it cannot know yet: null (TrainingFile's fileId, bytes,
        // status; Grader's serviceValidated), or nothing at all (FineTuningJob's jobId and the rest).
        var file = Bag("""{"fileId":null,"contentHash":"abc","filename":"t.sha256-abc.jsonl","bytes":null,"status":null,"purpose":"fine-tune","source":"/d/t.jsonl"}""");
        var grader = Bag("""{"name":"g","type":"string_check","canonicalJson":"{}","hash":"h","serviceValidated":null}""");

        Assert.Equal(["fileId", "bytes", "status"], PropertyBags.PreviewUnknownOutputs(RftResourceTypes.TrainingFile, file));
        Assert.Equal(["serviceValidated"], PropertyBags.PreviewUnknownOutputs(RftResourceTypes.Grader, grader));
        Assert.Equal(RftResourceTypes.FineTuningJob.OutputNames, PropertyBags.PreviewUnknownOutputs(RftResourceTypes.FineTuningJob, []));
        // An output outside the declared ones follows the same rule.
        Assert.Equal(["fileId", "bytes", "status", "extra"],
            PropertyBags.PreviewUnknownOutputs(RftResourceTypes.TrainingFile, Bag(file.ToJsonString()[..^1] + ""","extra":null}""")));
    }

    [Fact]
    public void PreviewOutputs_ReplaceEveryValueNotKnownWithTheSentinel_AndKeepTheKnownOnes()
    {
        var file = Bag("""{"fileId":null,"contentHash":"abc","purpose":"fine-tune"}""");

        var outputs = PropertyBags.PreviewOutputs(RftResourceTypes.TrainingFile, file);

        Assert.Equal(
            RftResourceTypes.TrainingFile.OutputNames.Order(StringComparer.Ordinal),
            outputs.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(outputs, p => Assert.NotNull(p.Value));
        Assert.True(PropertyBags.IsUnknown(outputs["fileId"]));
        Assert.True(PropertyBags.IsUnknown(outputs["filename"]));
        Assert.Equal("abc", (string?)outputs["contentHash"]);
        Assert.Null(file["fileId"]); // the lifecycle's bag is left alone
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
    public void CheckFailures_NameTheInputTheDiagnosticIsAbout()
    {
        var diagnostics = new[]
        {
            new Diagnostic("RFT901", DiagnosticSeverity.Error, "jobs/capital-qa.yaml", SourcePosition.None, "Input 'trainingFileId' is missing")
            {
                Input = "trainingFileId",
            },
            new Diagnostic("RFT030", DiagnosticSeverity.Error, "data/x.jsonl", new SourcePosition(3, 1), "bad row") { Input = "declaration" },
            new Diagnostic("RFT902", DiagnosticSeverity.Error, "jobs/capital-qa.yaml", SourcePosition.None, "not an input") { Input = "nonsense" },
        };

        var failures = PropertyBags.CheckFailures(RftResourceTypes.FineTuningJob, diagnostics);

        Assert.Equal(["trainingFileId", "declaration", ""], failures.Select(f => f.Property));
        Assert.Equal("jobs/capital-qa.yaml: error RFT901: Input 'trainingFileId' is missing", failures[0].Reason);
    }

    [Fact]
    public void ChangedKeys_UnionReplaceAndDetailedKeys()
    {
        var diff = new DiffResult(DiffChange.Replace, ["model"],
            new Dictionary<string, PropertyChangeKind> { ["metadata"] = PropertyChangeKind.Update, ["model"] = PropertyChangeKind.UpdateReplace });

        Assert.Equal(["metadata", "model"], PropertyBags.ChangedKeys(diff));
    }
}
