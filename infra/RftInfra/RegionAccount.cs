// Pulumi.AzureNative 3.28.0 CognitiveServices.Account: the default module, Azure REST API 2025-06-01 (see RftStack.cs).
namespace RftInfra;

/// <summary>
/// One region's Azure OpenAI / AI Services account and the tail of its deployment chain. Anything that adds a
/// deployment to the account (promotions) must depend on <see cref="LastDeployment"/> and then become it, because
/// Azure answers 409 RequestConflict to concurrent deployment changes on one account.
/// </summary>
public sealed class RegionAccount
{
    public required string Region { get; init; }

    public required Pulumi.AzureNative.CognitiveServices.Account Account { get; init; }

    public Pulumi.Resource? LastDeployment { get; set; }
}
