using System.Net;
using Azure.Core;
using RftInfra.AzureOpenAI;

namespace RftInfra.Core.Tests.Azure;

/// <summary>Which surface each call takes on a Foundry project endpoint, and the token scope asked for (docs/foundry.md).</summary>
public class FoundryProjectRoutesTests
{
    private const string Preview = "2025-04-01-preview";

    [Theory]
    [InlineData("https://res.services.ai.azure.com/api/projects/rft-dev", true)]
    [InlineData("https://res.services.ai.azure.com/api/projects/rft-dev/", true)]
    [InlineData("https://res.services.ai.azure.com/api/projects/rft-dev/openai/v1/", true)]
    [InlineData("https://res.services.ai.azure.com/API/Projects/Team.Rft_2", true)]
    [InlineData("https://res.openai.azure.com/", false)]
    [InlineData("https://res.services.ai.azure.com/openai/v1/", false)]
    [InlineData("https://res.services.ai.azure.com/api/projects/", false)]
    [InlineData("https://res.services.ai.azure.com/api/projects/a/b", false)]
    public void IsFoundryProject_OnlyForTheProjectPath(string endpoint, bool expected) =>
        Assert.Equal(expected, new ApiRoutes(new Uri(endpoint), Preview).IsFoundryProject);

    [Fact]
    public void ProjectRoutes_AreAllOnTheProjectsV1SurfaceWithoutApiVersion()
    {
        var routes = new ApiRoutes(new Uri("https://res.services.ai.azure.com/api/projects/rft-dev/"), Preview);
        const string V1 = "https://res.services.ai.azure.com/api/projects/rft-dev/openai/v1/";

        Assert.Equal(V1 + "files", routes.UploadFile().Uri.ToString());
        Assert.Equal(V1 + "fine_tuning/jobs", routes.CreateJob(withTrainingType: true).Uri.ToString());
        Assert.Equal(V1 + "fine_tuning/jobs", routes.CreateJob(withTrainingType: false).Uri.ToString());
        Assert.Equal(V1 + "fine_tuning/jobs/ftjob-1/events?limit=5", routes.ListJobEvents("ftjob-1", null, 5).Uri.ToString());
        Assert.Equal(V1 + "uploads", routes.CreateUpload().Uri.ToString());
        Assert.Equal(V1 + "uploads/up-1/parts", routes.AddUploadPart("up-1").Uri.ToString());
        Assert.Equal(V1 + "files/import", routes.ImportFile().Uri.ToString());
        Assert.Equal((HttpMethod.Delete, V1 + "fine_tuning/jobs/ftjob-1"), (routes.DeleteJob("ftjob-1").Method, routes.DeleteJob("ftjob-1").Uri.ToString()));
        Assert.Equal(V1 + "fine_tuning/alpha/graders/validate", routes.ValidateGrader().Uri.ToString());
        Assert.Equal("POST /api/projects/rft-dev/openai/v1/fine_tuning/jobs", routes.CreateJob(true).Display);
    }

    [Fact]
    public void AccountRoutes_AreUnchanged()
    {
        var routes = new ApiRoutes(new Uri("https://res.openai.azure.com/"), Preview);

        Assert.False(routes.IsFoundryProject);
        Assert.Equal("https://res.openai.azure.com/openai/fine_tuning/jobs?api-version=2025-04-01-preview", routes.CreateJob(true).Uri.ToString());
        Assert.Equal("https://res.openai.azure.com/openai/v1/fine_tuning/jobs", routes.CreateJob(false).Uri.ToString());
        Assert.Equal("https://res.openai.azure.com/openai/uploads?api-version=2025-04-01-preview", routes.CreateUpload().Uri.ToString());
    }

    [Theory]
    [InlineData("https://res.services.ai.azure.com/api/projects/rft-dev", null, "https://ai.azure.com/.default")]
    [InlineData("https://res.openai.azure.com/", null, "https://cognitiveservices.azure.com/.default")]
    [InlineData("https://res.services.ai.azure.com/api/projects/rft-dev", "https://cognitiveservices.azure.com/.default", "https://cognitiveservices.azure.com/.default")]
    public async Task TokenScope_FollowsTheEndpointUnlessSet(string endpoint, string? configured, string expected)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK,
            """{"object":"file","id":"file-1","bytes":3,"filename":"a.jsonl","purpose":"fine-tune","status":"processed","created_at":1}""");
        var credential = new ScopeRecordingCredential();
        var client = new FineTuningClient(new Uri(endpoint), credential, new FineTuningClientOptions { Transport = handler, TokenScope = configured });

        await client.GetFileAsync("file-1");

        Assert.Equal([expected], credential.Scopes);
        Assert.Equal("Bearer project-token", handler.Requests[0].Headers["Authorization"]);
        Assert.DoesNotContain("api-version", handler.Requests[0].PathAndQuery, StringComparison.Ordinal);
    }

    private sealed class ScopeRecordingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("project-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
