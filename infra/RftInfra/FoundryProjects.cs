// Pulumi.AzureNative 3.28.0 CognitiveServices.Project: the default module, Azure REST API 2025-06-01 (GA), with
// ProjectArgs { AccountName, ProjectName, ResourceGroupName, Location, Identity, Properties { DisplayName,
// Description }, Tags }; the account's AccountPropertiesArgs.AllowProjectManagement is in the same API version.
using Pulumi;
using Pulumi.AzureNative.CognitiveServices;
using Pulumi.AzureNative.CognitiveServices.Inputs;
using Pulumi.AzureNative.Resources;
using RftInfra.Stacks;

namespace RftInfra;

/// <summary>
/// The project of a region served through a Foundry resource (docs/foundry.md): one
/// <c>Microsoft.CognitiveServices/accounts/projects</c> on the region's account (kind AIServices, project management
/// on). Roles stay on the account: Foundry User / Owner there are inherited by its projects, and deployments (of the
/// grader and fine-tuned models) live on the account, not the project.
/// </summary>
internal static class FoundryProjects
{
    public static Project Declare(
        string region, RegionEndpoint endpoint, Account account, ResourceGroup group, Dictionary<string, string> tags)
    {
        return new Project($"project-{region}", new ProjectArgs
        {
            AccountName = account.Name,
            ProjectName = endpoint.Project!,
            ResourceGroupName = group.Name,
            Location = region,
            // Microsoft's templates give every project its own identity (for connections and agents later).
            Identity = new IdentityArgs { Type = ResourceIdentityType.SystemAssigned },
            Properties = new ProjectPropertiesArgs
            {
                DisplayName = endpoint.Project!,
                Description = "Reinforcement fine-tuning (rft-infra)",
            },
            Tags = tags,
        });
    }
}
