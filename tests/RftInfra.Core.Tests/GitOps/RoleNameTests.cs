using RftInfra.Stacks;

namespace RftInfra.Core.Tests.GitOps;

/// <summary>preview-summary shows role names a reviewer can read; a custom role keeps its id.</summary>
public class RoleNameTests
{
    [Theory]
    [InlineData(AzureRoles.AzureAIUser, "Azure AI User")]
    [InlineData(AzureRoles.AzureAIOwner, "Azure AI Owner")]
    [InlineData(AzureRoles.CognitiveServicesOpenAIContributor, "Cognitive Services OpenAI Contributor")]
    [InlineData("5E0BD9BD-7B93-4F28-AF87-19FC36AD61BD", "Cognitive Services OpenAI User")]
    [InlineData("0a0a0a0a-1111-2222-3333-444444444444", "0a0a0a0a-1111-2222-3333-444444444444")]
    public void Of_NamesBuiltInRoles_KeepsOthers(string guid, string expected) => Assert.Equal(expected, AzureRoleNames.Of(guid));

    [Fact]
    public void EveryRoleTheKitAssigns_HasAName()
    {
        foreach (var role in Enum.GetValues<PrincipalRole>())
        {
            Assert.All(AzureRoles.For(role), guid => Assert.NotEqual(guid, AzureRoleNames.Of(guid)));
        }
    }

    [Fact]
    public void PreviewSummary_ShowsTheRoleNameNotItsGuid()
    {
        var summary = PreviewSummaryTests.DevSummary();

        Assert.Contains(": role `Cognitive Services OpenAI User` for principal", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", summary, StringComparison.Ordinal);
    }
}
