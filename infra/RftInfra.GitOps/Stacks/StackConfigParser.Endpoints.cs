using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Diagnostics;

namespace RftInfra.Stacks;

/// <summary>
/// <c>rft-infra:endpoints</c>: per region, the classic Azure OpenAI account or a Foundry resource with a project
/// (docs/foundry.md). A value is the kind (<c>foundryProject</c>) or an object <c>{kind, project}</c>.
/// </summary>
public static partial class StackConfigParser
{
    public const string EndpointsKey = "endpoints";

    private const string EndpointsDoc = "(docs/foundry.md)";

    /// <summary>More entries than any stack has regions: one finding, not one per entry (a hostile value cannot flood the output).</summary>
    private const int MaxEndpointEntries = 100;

    /// <param name="regions">The stack's regions, already parsed (a name outside them is a finding).</param>
    private static Dictionary<string, RegionEndpoint> ParseEndpoints(
        Reader reader, IReadOnlyList<string> regions, string prefix, string environment, string accountKind)
    {
        var endpoints = new Dictionary<string, RegionEndpoint>(StringComparer.Ordinal);
        var obj = reader.Object(EndpointsKey, """'{"swedencentral":"foundryProject"}'""");
        if (obj is null)
        {
            return endpoints;
        }

        if (obj.Count > MaxEndpointEntries)
        {
            reader.Finding(DiagnosticSeverity.Error, "RFT512", EndpointsKey,
                $"names {obj.Count} regions; a stack has at most {MaxEndpointEntries}: name only the regions of rft-infra:regions that are not plain accounts.",
                $"pulumi config set {Namespace}:{EndpointsKey} '{{\"swedencentral\":\"{RegionEndpoints.FoundryProjectName}\"}}' {EndpointsDoc}");
            return endpoints;
        }

        foreach (var (rawRegion, value) in obj)
        {
            var region = rawRegion.Trim().ToLowerInvariant();
            var fix = $"pulumi config set --path {Namespace}:{EndpointsKey}.{Shorten(region)} {RegionEndpoints.FoundryProjectName} {EndpointsDoc}";
            if (!regions.Contains(region))
            {
                reader.Finding(DiagnosticSeverity.Error, "RFT512", EndpointsKey,
                    $"'{Shorten(rawRegion)}' is not one of this stack's regions ({string.Join(", ", regions)}): name a region of rft-infra:regions, or add it there.",
                    $"pulumi config rm --path {Namespace}:{EndpointsKey}.{Shorten(rawRegion)} {EndpointsDoc}");
                continue;
            }

            if (endpoints.ContainsKey(region))
            {
                reader.Finding(DiagnosticSeverity.Error, "RFT512", EndpointsKey, $"'{region}' is named twice.", fix);
                continue;
            }

            if (ParseEndpoint(reader, region, value, fix, RegionEndpoints.DefaultProject(prefix, environment)) is { } endpoint)
            {
                endpoints[region] = endpoint;
            }
        }

        var foundryRegions = endpoints.Where(e => e.Value.Kind == EndpointKind.FoundryProject).Select(e => e.Key).ToList();
        if (foundryRegions.Count > 0 && accountKind != DefaultAccountKind)
        {
            reader.Finding(DiagnosticSeverity.Warning, "RFT512", "accountKind",
                $"'{accountKind}' applies to the account regions only: the Foundry resource of {string.Join(", ", foundryRegions)} is always kind AIServices (projects need it).",
                $"pulumi config rm {Namespace}:accountKind {EndpointsDoc}");
        }

        return endpoints;
    }

    private static RegionEndpoint? ParseEndpoint(Reader reader, string region, JsonNode? value, string fix, string defaultProject)
    {
        string? kindText;
        string? project = null;
        var projectGiven = false;
        if (value is JsonObject entry)
        {
            foreach (var key in entry.Select(p => p.Key).Where(k => k is not ("kind" or "project")))
            {
                reader.Finding(DiagnosticSeverity.Error, "RFT512", EndpointsKey,
                    $"{region}: unknown setting '{Shorten(key)}': an endpoint takes kind and project only.", fix);
                return null;
            }

            kindText = AsString(entry["kind"]);
            if (entry["project"] is { } projectNode)
            {
                projectGiven = true;
                project = AsString(projectNode)?.Trim();
                if (project is null || !ProjectNameRegex().IsMatch(project))
                {
                    reader.Finding(DiagnosticSeverity.Error, "RFT512", EndpointsKey,
                        $"{region}: project {Shorten(projectNode.ToJsonString())} is not a valid Foundry project name: use 2-64 letters, digits, '-', '_' or '.', starting with a letter or digit.",
                        $"pulumi config set --path {Namespace}:{EndpointsKey}.{region}.project {defaultProject} {EndpointsDoc}");
                    return null;
                }
            }
        }
        else
        {
            kindText = AsString(value);
        }

        var kind = kindText?.Trim() switch
        {
            { } k when string.Equals(k, RegionEndpoints.AzureOpenAIName, StringComparison.OrdinalIgnoreCase) => EndpointKind.AzureOpenAI,
            { } k when string.Equals(k, RegionEndpoints.FoundryProjectName, StringComparison.OrdinalIgnoreCase) => EndpointKind.FoundryProject,
            _ => (EndpointKind?)null,
        };
        if (kind is null)
        {
            var shown = kindText is null ? (value?.ToJsonString() ?? "null") : $"'{kindText}'";
            reader.Finding(DiagnosticSeverity.Error, "RFT512", EndpointsKey,
                $"{region}: {Shorten(shown)} is not an endpoint kind: use {RegionEndpoints.AzureOpenAIName} (an Azure OpenAI account, as without this setting) or {RegionEndpoints.FoundryProjectName} (a Foundry resource with a project).",
                fix);
            return null;
        }

        if (kind == EndpointKind.AzureOpenAI)
        {
            if (projectGiven)
            {
                reader.Finding(DiagnosticSeverity.Warning, "RFT512", EndpointsKey,
                    $"{region}: project has no effect for {RegionEndpoints.AzureOpenAIName}: only a Foundry resource has projects.",
                    $"pulumi config rm --path {Namespace}:{EndpointsKey}.{region}.project {EndpointsDoc}");
            }

            return RegionEndpoint.Account;
        }

        return new RegionEndpoint(EndpointKind.FoundryProject, project ?? defaultProject);
    }

    // Foundry project names (Microsoft.CognitiveServices/accounts/projects): 2-64 characters.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")]
    private static partial Regex ProjectNameRegex();
}
