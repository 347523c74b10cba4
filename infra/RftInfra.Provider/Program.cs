// Checked against the Pulumi .NET SDK provider API: Pulumi.Experimental.Provider.Provider.Serve(string[] args,
// string? version, Func<host, Provider> factory, CancellationToken) (pulumi/pulumi-dotnet sdk/Pulumi/Provider/Provider.cs;
// the host parameter is IHost before v3.83 and Pulumi.Experimental.IEngine after, so the lambda names no type).
using Pulumi.Experimental.Provider;

namespace RftInfra.ResourceProvider;

public static class Program
{
    public static Task Main(string[] args) =>
        Provider.Serve(args, RftResourceProvider.Version, _ => new RftResourceProvider(), CancellationToken.None);
}
