// Checked against the Pulumi .NET SDK 3.x public API: Deployment.RunAsync(Func<Task<IDictionary<string, object?>>>,
// StackOptions?) (pulumi/pulumi-dotnet sdk/Pulumi/Deployment/Deployment_Run.cs, stored version of 2026).
using Pulumi;

namespace RftInfra;

public static class Program
{
    public static Task<int> Main() => Deployment.RunAsync(() => RftStack.RunAsync(StackInputs.FromConfig()));
}
