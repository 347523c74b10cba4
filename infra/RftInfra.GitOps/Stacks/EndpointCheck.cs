using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Stacks;

/// <summary>
/// A job's base model against the endpoint of the region it is planned into (docs/foundry.md): a model that trains
/// only through a Foundry project (catalog <c>endpoint_kind: foundry_project</c>, e.g. the open-weight models) in a
/// region this stack serves with a plain account is refused by the service, so it is an error before anything is made.
/// </summary>
public static class EndpointCheck
{
    public const string Code = "RFT526";

    /// <returns>The finding, or null when the region's endpoint can train the model (or the catalog does not know it).</returns>
    public static Diagnostic? Check(StackSettings settings, RftCatalog catalog, string jobPath, string jobName, string model, string region)
    {
        if (catalog.FindModel(model) is not { NeedsFoundryProject: true } entry
            || settings.EndpointOf(region).Kind == EndpointKind.FoundryProject)
        {
            return null;
        }

        return new Diagnostic(
            Code, DiagnosticSeverity.Error, jobPath, SourcePosition.None,
            $"job '{jobName}' trains {entry.Id} in {region}, which this stack serves with an Azure OpenAI account; {entry.Id} trains only " +
            $"through a Foundry project (endpoint_kind {CatalogModel.FoundryProjectEndpoint} in {RftCatalog.RelativePath}).",
            $"give {region} a Foundry project: pulumi config set --path {StackConfigParser.Namespace}:{StackConfigParser.EndpointsKey}.{region} " +
            $"{RegionEndpoints.FoundryProjectName} (docs/foundry.md)");
    }
}
