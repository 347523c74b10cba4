// Checked against the Pulumi .NET SDK 3.x public API: ComponentResource(string type, string name,
// ComponentResourceOptions? options), RegisterOutputs(IDictionary<string, object?>), CustomResourceOptions
// { Parent, Provider, DependsOn } (compiled against Pulumi .NET SDK 3.112.0, see docs/pulumi.md).
using System.Collections.Immutable;
using Pulumi;
using RftInfra.Stacks;

namespace RftInfra;

/// <summary>
/// One job declaration as resources of the rft provider, grouped so `pulumi preview` shows them together: the
/// training and validation files, the grader and the fine-tuning job, all on the account of the job's region.
/// </summary>
public sealed class RftJob : ComponentResource
{
    /// <param name="repositoryRoot">Absolute root of the checkout: the provider reads the datasets from there.</param>
    public RftJob(
        string name, StackJob job, string repositoryRoot, RftProvider provider, IReadOnlyList<Resource> dependsOn,
        ComponentResourceOptions? options = null)
        : base("rft-infra:index:Job", name, options)
    {
        CustomResourceOptions Options(params Resource[] extra)
        {
            var result = new CustomResourceOptions { Parent = this, Provider = provider };
            foreach (var resource in dependsOn.Concat(extra))
            {
                result.DependsOn.Add(resource);
            }

            return result;
        }

        // The provider process does not run in the checkout, so it gets absolute paths. A path that differs
        // between machines only updates the record: a file's identity is its content hash.
        TrainingFile = new TrainingFile($"{name}-training", new TrainingFileArgs
        {
            Source = Path.Combine(repositoryRoot, job.TrainingFile.Path),
            ContentHash = job.TrainingFile.Sha256,
        }, Options());

        ValidationFile = new TrainingFile($"{name}-validation", new TrainingFileArgs
        {
            Source = Path.Combine(repositoryRoot, job.ValidationFile.Path),
            ContentHash = job.ValidationFile.Sha256,
        }, Options());

        var graderObject = AsObject(job.Grader);
        Grader = new Grader($"{name}-grader", new GraderArgs
        {
            Grader = graderObject,
            SourceFile = job.GraderPath ?? job.DeclarationPath,
        }, Options());

        var args = new FineTuningJobArgs
        {
            Model = job.Model,
            TrainingFileId = TrainingFile.FileId,
            ValidationFileId = ValidationFile.FileId,
            TrainingFileHash = job.TrainingFile.Sha256,
            ValidationFileHash = job.ValidationFile.Sha256,
            Grader = graderObject,
            Metadata = new Dictionary<string, string>(job.Metadata),
            SourceFile = job.DeclarationPath,
            Declaration = AsObject(job.Declaration),
            DataRoot = repositoryRoot,
        };
        if (job.ResponseFormat is not null)
        {
            args.ResponseFormat = AsObject(job.ResponseFormat);
        }

        if (job.Hyperparameters is not null)
        {
            args.Hyperparameters = AsObject(job.Hyperparameters);
        }

        if (job.TrainingType is not null)
        {
            args.TrainingType = job.TrainingType;
        }

        if (job.Suffix is not null)
        {
            args.Suffix = job.Suffix;
        }

        if (job.Seed is { } seed)
        {
            args.Seed = (int)seed;
        }

        // The grader is validated before a job that uses it is created.
        Job = new FineTuningJob($"{name}-job", args, Options(Grader));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["jobId"] = Job.JobId,
            ["status"] = Job.Status,
            ["fineTunedModel"] = Job.FineTunedModel,
        });
    }

    public TrainingFile TrainingFile { get; }

    public TrainingFile ValidationFile { get; }

    public Grader Grader { get; }

    public FineTuningJob Job { get; }

    private static ImmutableDictionary<string, object?> AsObject(System.Text.Json.Nodes.JsonObject json) =>
        (ImmutableDictionary<string, object?>)PlainValues.FromJsonNode(json)!;
}
