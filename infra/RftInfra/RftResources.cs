// Checked against the Pulumi .NET SDK 3.x public API: CustomResource(string type, string name, ResourceArgs? args,
// CustomResourceOptions? options), ProviderResource(string package, string name, ResourceArgs args,
// CustomResourceOptions? options), [Input(name, required)] / [Output(name)] attributes, Input<T>/Output<T>
// (compiled against Pulumi .NET SDK 3.112.0, see docs/pulumi.md). Property names and types follow
// RftInfra.ProviderModel.RftResourceTypes, the description the provider's schema is generated from.
using System.Collections.Immutable;
using Pulumi;
using RftInfra.ProviderModel;

namespace RftInfra;

/// <summary>An explicit instance of the rft provider, bound to one account's endpoint.</summary>
public sealed class RftProvider : ProviderResource
{
    public RftProvider(string name, RftProviderArgs args, CustomResourceOptions? options = null)
        : base(RftResourceTypes.Package, name, args, options)
    {
    }
}

public sealed class RftProviderArgs : ResourceArgs
{
    [Input("endpoint", required: true)]
    public Input<string> Endpoint { get; set; } = null!;

    /// <summary>"entra" (default): the accounts have local auth disabled, so keys do not work against them.</summary>
    [Input("credential")]
    public Input<string>? Credential { get; set; }

    /// <summary>Only with credential "apikey" (the rehearsal's emulator); pass it as a secret.</summary>
    [Input("apiKey")]
    public Input<string>? ApiKey { get; set; }
}

public sealed class TrainingFileArgs : ResourceArgs
{
    [Input("source", required: true)]
    public Input<string> Source { get; set; } = null!;

    [Input("contentHash")]
    public Input<string>? ContentHash { get; set; }

    [Input("purpose")]
    public Input<string>? Purpose { get; set; }
}

/// <summary><c>rft:index:TrainingFile</c>: a JSONL dataset uploaded once per content hash.</summary>
public sealed class TrainingFile : CustomResource
{
    [Output("fileId")]
    public Output<string> FileId { get; private set; } = null!;

    [Output("contentHash")]
    public Output<string> ContentHash { get; private set; } = null!;

    [Output("filename")]
    public Output<string?> Filename { get; private set; } = null!;

    [Output("bytes")]
    public Output<int?> Bytes { get; private set; } = null!;

    [Output("status")]
    public Output<string?> Status { get; private set; } = null!;

    public TrainingFile(string name, TrainingFileArgs args, CustomResourceOptions? options = null)
        : base(RftResourceTypes.TrainingFileToken, name, args, options)
    {
    }
}

public sealed class GraderArgs : ResourceArgs
{
    /// <summary>The grader object; JSON as immutable dictionaries/arrays (schema type pulumi.json#/Any).</summary>
    [Input("grader", required: true)]
    public Input<ImmutableDictionary<string, object?>> Grader { get; set; } = null!;

    [Input("sourceFile")]
    public Input<string>? SourceFile { get; set; }
}

/// <summary><c>rft:index:Grader</c>: a grader validated with the service, exposed as canonical JSON.</summary>
public sealed class Grader : CustomResource
{
    [Output("name")]
    public Output<string> GraderName { get; private set; } = null!;

    [Output("type")]
    public Output<string> GraderType { get; private set; } = null!;

    [Output("canonicalJson")]
    public Output<string> CanonicalJson { get; private set; } = null!;

    [Output("hash")]
    public Output<string> Hash { get; private set; } = null!;

    public Grader(string name, GraderArgs args, CustomResourceOptions? options = null)
        : base(RftResourceTypes.GraderToken, name, args, options)
    {
    }
}

public sealed class FineTuningJobArgs : ResourceArgs
{
    [Input("model", required: true)]
    public Input<string> Model { get; set; } = null!;

    [Input("trainingFileId", required: true)]
    public Input<string> TrainingFileId { get; set; } = null!;

    [Input("validationFileId", required: true)]
    public Input<string> ValidationFileId { get; set; } = null!;

    /// <summary>Known before the files are uploaded, so the spec hash (and the preview's diff) is known too.</summary>
    [Input("trainingFileHash")]
    public Input<string>? TrainingFileHash { get; set; }

    [Input("validationFileHash")]
    public Input<string>? ValidationFileHash { get; set; }

    [Input("grader", required: true)]
    public Input<ImmutableDictionary<string, object?>> Grader { get; set; } = null!;

    [Input("responseFormat")]
    public Input<ImmutableDictionary<string, object?>>? ResponseFormat { get; set; }

    [Input("hyperparameters")]
    public Input<ImmutableDictionary<string, object?>>? Hyperparameters { get; set; }

    [Input("trainingType")]
    public Input<string>? TrainingType { get; set; }

    [Input("seed")]
    public Input<int>? Seed { get; set; }

    [Input("suffix")]
    public Input<string>? Suffix { get; set; }

    [Input("metadata")]
    private InputMap<string>? _metadata;

    public InputMap<string> Metadata
    {
        get => _metadata ??= new InputMap<string>();
        set => _metadata = value;
    }

    [Input("sourceFile")]
    public Input<string>? SourceFile { get; set; }

    /// <summary>The job declaration as written: Check runs the `rft validate` job checks on it.</summary>
    [Input("declaration")]
    public Input<ImmutableDictionary<string, object?>>? Declaration { get; set; }

    [Input("dataRoot")]
    public Input<string>? DataRoot { get; set; }
}

/// <summary><c>rft:index:FineTuningJob</c>: an RFT job; `pulumi refresh` brings in status, model and metrics.</summary>
public sealed class FineTuningJob : CustomResource
{
    [Output("jobId")]
    public Output<string> JobId { get; private set; } = null!;

    [Output("specHash")]
    public Output<string> SpecHash { get; private set; } = null!;

    [Output("status")]
    public Output<string> Status { get; private set; } = null!;

    [Output("serviceStatus")]
    public Output<string?> ServiceStatus { get; private set; } = null!;

    [Output("fineTunedModel")]
    public Output<string?> FineTunedModel { get; private set; } = null!;

    [Output("trainedTokens")]
    public Output<int?> TrainedTokens { get; private set; } = null!;

    [Output("error")]
    public Output<ImmutableDictionary<string, object>?> Error { get; private set; } = null!;

    [Output("trainRewardMean")]
    public Output<double?> TrainRewardMean { get; private set; } = null!;

    [Output("validRewardMean")]
    public Output<double?> ValidRewardMean { get; private set; } = null!;

    [Output("metricsStep")]
    public Output<int?> MetricsStep { get; private set; } = null!;

    public FineTuningJob(string name, FineTuningJobArgs args, CustomResourceOptions? options = null)
        : base(RftResourceTypes.FineTuningJobToken, name, args, options)
    {
    }

    /// <summary>The latest reward metrics as one object (stack output <c>jobs.*.latestMetrics</c>).</summary>
    public Output<ImmutableDictionary<string, object?>> LatestMetrics =>
        Output.Tuple<int?, double?, double?>(MetricsStep, TrainRewardMean, ValidRewardMean).Apply(m => ImmutableDictionary<string, object?>.Empty
            .Add("step", m.Item1)
            .Add("trainRewardMean", m.Item2)
            .Add("validRewardMean", m.Item3));
}
