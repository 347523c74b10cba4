using RftInfra.Stacks;

namespace RftInfra.Core.Tests.Stacks;

public class AzureRolesTests
{
    [Fact]
    public void Train_IsFoundryUser_Deploy_IsFoundryOwnerAndOpenAIContributor()
    {
        Assert.Equal(["53ca6127-db72-4b80-b1b0-d745d6d5456d"], AzureRoles.For(PrincipalRole.Train));
        Assert.Equal(["c883944f-8b7b-4483-af10-35834be79c4a", "a001fd3d-188f-4b5d-821b-7da978bf7442"], AzureRoles.For(PrincipalRole.Deploy));
    }

    [Fact]
    public void For_Principal_UnionsItsRolesWithoutDuplicates()
    {
        var principal = new PrincipalGrant("id", "User", [PrincipalRole.Deploy, PrincipalRole.Train, PrincipalRole.Deploy]);

        Assert.Equal(
            [AzureRoles.FoundryOwner, AzureRoles.CognitiveServicesOpenAIContributor, AzureRoles.FoundryUser],
            AzureRoles.For(principal));
    }

    [Fact]
    public void DefinitionId_IsTheSubscriptionScopedArmId() =>
        Assert.Equal(
            "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/53ca6127-db72-4b80-b1b0-d745d6d5456d",
            AzureRoles.DefinitionId("sub-1", AzureRoles.FoundryUser));

    [Fact]
    public void ShortName_NamesEveryKitRole()
    {
        Assert.Equal("ai-user", AzureRoles.ShortName(AzureRoles.FoundryUser));
        Assert.Equal("ai-owner", AzureRoles.ShortName(AzureRoles.FoundryOwner));
        Assert.Equal("openai-contributor", AzureRoles.ShortName(AzureRoles.CognitiveServicesOpenAIContributor));
    }
}
