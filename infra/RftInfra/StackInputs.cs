// Checked against the Pulumi .NET SDK 3.x public API: Config(string? name), Config.Get(string key),
// Deployment.Instance.StackName / RootDirectory, RunException(string message) (pulumi/pulumi-dotnet sdk/Pulumi).
using Pulumi;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Files;
using RftInfra.Stacks;

namespace RftInfra;

/// <summary>The validated stack config and the job declarations it selects, read before any resource is declared.</summary>
public sealed record StackInputs(StackSettings Settings, IReadOnlyList<StackJob> Jobs, string RepositoryRoot)
{
    /// <summary>
    /// Reads every <c>rft-infra:*</c> key (structured values arrive as JSON text), validates them in Core and loads
    /// the jobs. Any error stops the run with one message per problem, each naming the key or file and the fix
    /// (a RunException prints no stack trace).
    /// </summary>
    public static StackInputs FromConfig()
    {
        var config = new Config(StackConfigParser.Namespace);
        var values = StackConfigParser.Keys.ToDictionary(key => key, config.Get);
        var root = Deployment.Instance.RootDirectory;
        var stack = Deployment.Instance.StackName;

        RftCatalog catalog;
        try
        {
            // The checked reader: a regular file inside the checkout, at most 1 MiB, UTF-8 (docs/limits.md).
            var text = CheckoutFile.ReadText(Path.Combine(root, RftCatalog.RelativePath), root, CheckoutFile.DeclarationMaxBytes, out var problem)
                ?? throw new RunException($"{RftCatalog.RelativePath}: {problem!.Message}");
            catalog = RftCatalog.Parse(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new RunException($"{RftCatalog.RelativePath}: {e.Message}");
        }

        // The checkout's catalog also resolves a region selector (rft-infra:regions naming a model's tier).
        var parsed = StackConfigParser.Parse(stack, values, catalog.Regions.ToHashSet(), catalog);
        Report(parsed.Diagnostics);
        var settings = parsed.Settings!;

        // The checkout's catalog decides which models need a Foundry project (docs/foundry.md).
        var jobs = StackJobLoader.Load(root, settings, catalog);
        Report(jobs.Diagnostics);
        return new StackInputs(settings, jobs.Jobs, root);
    }

    internal static void Report(IReadOnlyList<Diagnostic> diagnostics)
    {
        foreach (var finding in diagnostics.Where(d => !d.IsError))
        {
            // Info (the regions a selector resolved to) shows in the preview without looking like a problem.
            if (finding.Severity == DiagnosticSeverity.Info)
            {
                Log.Info(finding.ToString());
            }
            else
            {
                Log.Warn(finding.ToString());
            }
        }

        var errors = diagnostics.Where(d => d.IsError).ToList();
        if (errors.Count > 0)
        {
            throw new RunException(string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
        }
    }
}
