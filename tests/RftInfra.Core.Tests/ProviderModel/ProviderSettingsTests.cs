using RftInfra.Lifecycles;
using RftInfra.ProviderModel;

namespace RftInfra.Core.Tests.ProviderModel;

public class ProviderSettingsTests
{
    [Fact]
    public void Parse_Defaults_ToEntra()
    {
        var (settings, failures) = ProviderSettings.Parse("https://rft-dev-eastus2-abcdef.openai.azure.com/", null, null);

        Assert.Empty(failures);
        Assert.Equal(ProviderSettings.Entra, settings!.Credential);
        Assert.Equal("rft-dev-eastus2-abcdef.openai.azure.com", settings.Endpoint!.Host);
    }

    [Theory]
    [InlineData("https://rft-dev-eastus2-abcdef.services.ai.azure.com/api/projects/rft-dev", true)]
    [InlineData("https://rft-dev-eastus2-abcdef.openai.azure.com/", false)]
    public void Parse_EitherEndpointKind_GivesAClientForIt(string endpoint, bool project)
    {
        var (settings, failures) = ProviderSettings.Parse(endpoint, "apikey", "k");

        Assert.Empty(failures);
        var client = settings!.CreateClient();
        Assert.Equal(new Uri(endpoint), client.Endpoint);
        Assert.Equal(project, client.IsFoundryProject);
    }

    [Theory]
    [InlineData("http://myaccount.openai.azure.com/", null, null, "endpoint")]
    [InlineData("not a url", null, null, "endpoint")]
    [InlineData("https://a.openai.azure.com/", "password", null, "credential")]
    [InlineData("https://a.openai.azure.com/", "apikey", null, "apiKey")]
    public void Parse_Invalid_NamesTheKey(string endpoint, string? credential, string? apiKey, string key)
    {
        var (settings, failures) = ProviderSettings.Parse(endpoint, credential, apiKey);

        Assert.Null(settings);
        Assert.Equal(key, Assert.Single(failures).Key);
    }

    [Fact]
    public void Parse_LoopbackHttp_IsAllowedForTheEmulator()
    {
        var (settings, failures) = ProviderSettings.Parse("http://127.0.0.1:5055/", "ApiKey", "k");

        Assert.Empty(failures);
        Assert.Equal(ProviderSettings.ApiKeyMode, settings!.Credential);
    }

    [Fact]
    public void Parse_UnknownEndpoint_IsAllowed_ButAWriteNeedsIt()
    {
        var (settings, _) = ProviderSettings.Parse(null, null, null);

        Assert.Equal(ProviderSettings.UnknownEndpoint, settings!.CreateClient().Endpoint);
        var error = Assert.Throws<InvalidOperationException>(() => settings.RequireEndpoint());
        Assert.Contains("not known yet", error.Message);
    }

    [Fact]
    public void Lifecycles_ServeTheThreeTypeTokens()
    {
        var (settings, _) = ProviderSettings.Parse("http://127.0.0.1:1/", "apikey", "secret-key");

        var lifecycles = ProviderSettings.Lifecycles(settings!.CreateClient());

        Assert.Equal(
            [RftResourceTypes.FineTuningJobToken, RftResourceTypes.GraderToken, RftResourceTypes.TrainingFileToken],
            lifecycles.Keys.Order(StringComparer.Ordinal));
        Assert.IsType<FineTuningJobLifecycle>(lifecycles[RftResourceTypes.FineTuningJobToken]);
    }

    [Fact]
    public void ToString_HidesTheApiKey()
    {
        var (settings, _) = ProviderSettings.Parse("https://a.openai.azure.com/", "apikey", "super-secret-value");

        Assert.DoesNotContain("super-secret-value", settings!.ToString());
    }
}
