// Checked against Pulumi.Testing in the Pulumi .NET SDK 3.x (pulumi/pulumi-dotnet sdk/Pulumi/Testing: IMocks with
// NewResourceAsync(MockResourceArgs) and CallAsync(MockCallArgs); Deployment.TestAsync(IMocks, TestOptions,
// Func<Task<IDictionary<string, object?>>>) returning (Resources, Outputs); TestOptions { StackName, ProjectName,
// IsPreview }): Deployment.TestAsync must not run in parallel, hence one collection.
// Every Deployment.TestAsync in this assembly, in any class, runs one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace RftInfra.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PulumiCollection
{
    public const string Name = "Pulumi deployments";
}
