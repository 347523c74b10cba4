namespace RftInfra.Stacks;

/// <summary>
/// Built-in Azure role definitions the kit assigns on each account (docs/service.md §1.2). Training needs Azure AI User
/// (renamed "Foundry User"); deploying needs Azure AI Owner ("Foundry Owner"); older pages name Cognitive Services
/// OpenAI Contributor, so deployers get both. GUIDs are the built-in ids, the same in every tenant.
/// </summary>
public static class AzureRoles
{
    public const string AzureAIUser = "53ca6127-db72-4b80-b1b0-d745d6d5456d";
    public const string AzureAIOwner = "c883944f-8b7b-4483-af10-35834be79c4a";
    public const string CognitiveServicesOpenAIContributor = "a001fd3d-188f-4b5d-821b-7da978bf7442";

    public static IReadOnlyList<string> For(PrincipalRole role) => role switch
    {
        PrincipalRole.Train => [AzureAIUser],
        PrincipalRole.Deploy => [AzureAIOwner, CognitiveServicesOpenAIContributor],
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>The role ids a principal gets, without duplicates, in a stable order.</summary>
    public static IReadOnlyList<string> For(PrincipalGrant principal) =>
        principal.Roles.SelectMany(For).Distinct(StringComparer.Ordinal).ToList();

    public static string ShortName(string roleDefinitionGuid) => roleDefinitionGuid switch
    {
        AzureAIUser => "ai-user",
        AzureAIOwner => "ai-owner",
        CognitiveServicesOpenAIContributor => "openai-contributor",
        _ => roleDefinitionGuid[..8],
    };

    /// <summary>The ARM id the RoleAssignment resource takes.</summary>
    public static string DefinitionId(string subscriptionId, string roleDefinitionGuid) =>
        $"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionGuid}";
}
