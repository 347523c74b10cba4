using System.ClientModel;
using System.Text.Json.Nodes;
using Azure.Core;
using RftInfra.Emulator;
using RftInfra.Graders;

namespace RftInfra.Core.Tests.Emulator;

public class ModelGraderClientTests
{
    private static ModelGraderRequest Request(string user, string model = "gpt-4.1-mini") => new(
        model,
        [new GraderMessage("developer", "Grade the response against the reference from 0 to 1."), new GraderMessage("user", user)],
        new JsonObject { ["temperature"] = 0, ["max_completions_tokens"] = 200 },
        EmulatorGradersAndChatTests.ChatRequest("")["response_format"]!.AsObject());

    [Fact]
    public async Task Complete_ReturnsJsonInTheRequestedSchemaAndUsage()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { Deployments = new HashSet<string> { "grader-mini" } });
        var client = new AzureOpenAIModelGraderClient(emulator.Server.BaseUrl, new ApiKeyCredential(emulator.Server.ApiKey),
            new ModelGraderClientOptions { Deployments = new Dictionary<string, string> { ["gpt-4.1-mini"] = "grader-mini" } });

        var response = await client.CompleteAsync(Request("Reference: Paris\nResponse: Paris"));

        var answer = TestEmulator.Parse(response.Content);
        Assert.Equal(1.0, answer["result"]!.GetValue<double>());
        Assert.Null(response.Refusal);
        Assert.True(response.PromptTokens > 0);
        Assert.True(response.CompletionTokens > 0);
        Assert.Equal("/openai/deployments/grader-mini/chat/completions", emulator.Server.Requests.Single().Path);
    }

    [Fact]
    public async Task Complete_SurfacesARefusal()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var client = new AzureOpenAIModelGraderClient(emulator.Server.BaseUrl, new ApiKeyCredential(emulator.Server.ApiKey));

        var response = await client.CompleteAsync(Request("[emulator:refuse] Reference: a\nResponse: b"));
        Assert.Equal("", response.Content);
        Assert.False(string.IsNullOrEmpty(response.Refusal));
    }

    [Fact]
    public async Task Complete_RetriesA429ThenSucceeds()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with
        {
            Faults = [new FaultRule { Path = "/openai/deployments/*", First = 1, Status = 429, RetryAfterMs = 10 }],
        });
        var client = new AzureOpenAIModelGraderClient(emulator.Server.BaseUrl, new ApiKeyCredential(emulator.Server.ApiKey));

        var response = await client.CompleteAsync(Request("Reference: Paris\nResponse: Rome"));
        Assert.Equal(0.0, TestEmulator.Parse(response.Content)["result"]!.GetValue<double>());
        Assert.Equal([429, 200], emulator.Server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Complete_UnknownDeploymentOrBadKey_ThrowsNamingDeploymentButNotKey()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { Deployments = new HashSet<string> { "grader-mini" } });
        var client = new AzureOpenAIModelGraderClient(emulator.Server.BaseUrl, new ApiKeyCredential(emulator.Server.ApiKey),
            new ModelGraderClientOptions { MaxRetries = 0 });

        var missing = await Assert.ThrowsAsync<ModelGraderException>(() => client.CompleteAsync(Request("x", model: "o3-mini")));
        Assert.Equal(404, missing.Status);
        Assert.Contains("deployment 'o3-mini'", missing.Message);
        Assert.Contains("DeploymentNotFound", missing.Message);

        var wrongKey = new AzureOpenAIModelGraderClient(emulator.Server.BaseUrl, new ApiKeyCredential("not-the-key-987"),
            new ModelGraderClientOptions { MaxRetries = 0, Deployments = new Dictionary<string, string> { ["gpt-4.1-mini"] = "grader-mini" } });
        var denied = await Assert.ThrowsAsync<ModelGraderException>(() => wrongKey.CompleteAsync(Request("x")));
        Assert.Equal(401, denied.Status);
        Assert.DoesNotContain("not-the-key-987", denied.ToString());
    }

    [Fact]
    public async Task Complete_WithTokenCredential_SendsABearerToken()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { AcceptAnyBearerToken = true });
        var credential = new StaticTokenCredential();
        var client = new AzureOpenAIModelGraderClient(emulator.Server.BaseUrl, credential);

        var response = await client.CompleteAsync(Request("Reference: Paris\nResponse: Paris"));
        Assert.Equal(1.0, TestEmulator.Parse(response.Content)["result"]!.GetValue<double>());
        Assert.Contains("https://cognitiveservices.azure.com/.default", credential.Scopes);
    }

    [Fact]
    public void RequestBody_RenamesMaxCompletionsTokensAndKeepsTheFormat()
    {
        var body = AzureOpenAIModelGraderClient.RequestBody(Request("hello"));
        Assert.Equal(200, body["max_completion_tokens"]!.GetValue<int>());
        Assert.Null(body["max_completions_tokens"]);
        Assert.Equal("developer", body["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("json_schema", body["response_format"]!["type"]!.GetValue<string>());
    }

    private sealed class StaticTokenCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("fake-entra-token", DateTimeOffset.MaxValue);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
