namespace RftInfra.Stacks;

/// <summary>
/// Built-in Azure role definitions the kit assigns on each account (docs/service.md §0, §1.2). Training needs Foundry User
/// (formerly "Azure AI User"); deploying needs Foundry Owner (formerly "Azure AI Owner"), same role ids; older pages
/// name Cognitive Services OpenAI Contributor, so deployers get both. GUIDs are the built-in ids, the same in every tenant.
/// </summary>
public static class AzureRoles
{
    public const string FoundryUser = "53ca6127-db72-4b80-b1b0-d745d6d5456d";
    public const string FoundryOwner = "c883944f-8b7b-4483-af10-35834be79c4a";

    /// <summary>The former names of <see cref="FoundryUser"/> and <see cref="FoundryOwner"/> (same ids).</summary>
    public const string AzureAIUser = FoundryUser;
    public const string AzureAIOwner = FoundryOwner;

    public const string CognitiveServicesOpenAIContributor = "a001fd3d-188f-4b5d-821b-7da978bf7442";

    public static IReadOnlyList<string> For(PrincipalRole role) => role switch
    {
        PrincipalRole.Train => [FoundryUser],
        PrincipalRole.Deploy => [FoundryOwner, CognitiveServicesOpenAIContributor],
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>The role ids a principal gets, without duplicates, in a stable order.</summary>
    public static IReadOnlyList<string> For(PrincipalGrant principal) =>
        principal.Roles.SelectMany(For).Distinct(StringComparer.Ordinal).ToList();

    public static string ShortName(string roleDefinitionGuid) => roleDefinitionGuid switch
    {
        // Resource names keep the short names they had before the rename, so existing assignments are not replaced.
        FoundryUser => "ai-user",
        FoundryOwner => "ai-owner",
        CognitiveServicesOpenAIContributor => "openai-contributor",
        _ => roleDefinitionGuid[..8],
    };

    /// <summary>The ARM id the RoleAssignment resource takes.</summary>
    public static string DefinitionId(string subscriptionId, string roleDefinitionGuid) =>
        $"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionGuid}";
}
