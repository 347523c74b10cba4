namespace RftInfra.Stacks;

/// <summary>
/// Names of built-in Azure role definitions, for people reading a preview: a reviewer should see "Azure AI User",
/// not 53ca6127-…. Built-in ids are the same in every tenant; a custom role keeps its id.
/// </summary>
public static class AzureRoleNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        // The roles the kit assigns (AzureRoles); Azure AI User/Owner are shown as Foundry User/Owner in newer portals.
        [AzureRoles.AzureAIUser] = "Azure AI User",
        [AzureRoles.AzureAIOwner] = "Azure AI Owner",
        [AzureRoles.CognitiveServicesOpenAIContributor] = "Cognitive Services OpenAI Contributor",
        // Roles a stack or a hand-written program commonly assigns next to them.
        ["5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"] = "Cognitive Services OpenAI User",
        ["a97b65f3-24c7-4388-baec-2e87a2c0a3d4"] = "Cognitive Services User",
        ["25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68"] = "Cognitive Services Contributor",
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-42a0-ab88-20f7382dd24c"] = "Contributor",
        ["acdd72a7-3385-48ef-bd42-f606fba81ae7"] = "Reader",
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
    };

    /// <summary>The role's name for a role definition GUID (or the last segment of its ARM id); otherwise the GUID itself.</summary>
    public static string Of(string roleDefinitionGuid) =>
        Names.TryGetValue(roleDefinitionGuid, out var name) ? name : roleDefinitionGuid;
}
