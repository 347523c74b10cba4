using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorAuthTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("api-key", "wrong-key")]
    [InlineData("Authorization", "Bearer wrong-key")]
    [InlineData("Authorization", "Basic dGVzdC1rZXktMTIz")]
    public async Task MissingOrWrongCredential_Answers401InAzureShape(string? header, string? value)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.Server.BaseUrl };
        if (header is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        }

        using var response = await http.GetAsync("/openai/v1/files");
        var body = TestEmulator.Parse(await response.Content.ReadAsStringAsync());
        TestEmulator.AssertError(401, "401", ((int)response.StatusCode, body));
        Assert.DoesNotContain("test-key-123", body.ToJsonString());
    }

    [Fact]
    public async Task KeyAsBearerToken_IsAccepted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.Server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key-123");

        using var response = await http.GetAsync("/openai/v1/files");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData(true, 200)]
    [InlineData(false, 401)]
    public async Task AnyBearerToken_IsAcceptedOnlyWhenConfigured(bool acceptAnyBearerToken, int expectedStatus)
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { AcceptAnyBearerToken = acceptAnyBearerToken });
        using var http = new HttpClient { BaseAddress = emulator.Server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJ0eXAiOiJKV1QifQ.entra.token");

        using var response = await http.GetAsync("/openai/v1/files");
        var body = TestEmulator.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        if (acceptAnyBearerToken)
        {
            Assert.Equal("list", body["object"]!.GetValue<string>());
            Assert.IsType<JsonArray>(body["data"]);
        }
        else
        {
            TestEmulator.AssertError(401, "401", ((int)response.StatusCode, body));
        }
    }

    [Fact]
    public async Task AnyBearerToken_StillNeedsAToken()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { AcceptAnyBearerToken = true });
        using var http = new HttpClient { BaseAddress = emulator.Server.BaseUrl };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer ");

        using var response = await http.GetAsync("/openai/v1/files");
        TestEmulator.AssertError(401, "401", ((int)response.StatusCode, TestEmulator.Parse(await response.Content.ReadAsStringAsync())));
    }
}
