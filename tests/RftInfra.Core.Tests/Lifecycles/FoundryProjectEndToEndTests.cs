using System.Net;
using System.Text.Json.Nodes;
using Azure;
using RftInfra.AzureOpenAI;

namespace RftInfra.Core.Tests.Lifecycles;

/// <summary>
/// The client and the lifecycles through a Foundry project endpoint (<c>{emulator}/api/projects/{project}</c>) over
/// real HTTP: every call on the project's v1 surface, never an api-version, the same store as the account's paths.
/// </summary>
public class FoundryProjectEndToEndTests
{
    private const string Project = "rft-dev";
    private const string V1 = "/api/projects/rft-dev/openai/v1";

    [Fact]
    public async Task Job_ThroughAProject_UsesOnlyTheProjectsV1PathsAndCarriesTrainingTypeInTheBody()
    {
        await using var h = await LifecycleHarness.StartAsync(foundryProject: Project);
        Assert.True(h.Client.IsFoundryProject);
        var train = await h.CreateFileAsync(h.TrainPath);
        var valid = await h.CreateFileAsync(h.ValidPath);
        var grader = await h.Graders.CreateAsync(new JsonObject { ["grader"] = LifecycleHarness.Grader() }, preview: false);
        Assert.True((bool?)grader.Outputs["serviceValidated"]);
        var inputs = (await h.Jobs.CheckAsync([], LifecycleHarness.JobInputs(train, valid))).Inputs;

        var before = h.Emulator.Requests.Count;
        var created = await h.Jobs.CreateAsync(inputs, preview: false);

        // Not the dated create an account gets for trainingType: a project has no dated surface.
        Assert.Equal(
            [$"GET {V1}/fine_tuning/jobs", $"POST {V1}/fine_tuning/jobs"],
            h.Emulator.Requests.Skip(before).Select(r => $"{r.Method} {r.Path}"));
        var job = await h.Client.GetJobAsync(created.Id);
        Assert.Equal("globalStandard", job.TrainingType?.ToString()); // the catalog's wire literal, on the project surface too
        Assert.All(h.Emulator.Requests, r => Assert.StartsWith(V1 + "/", r.Path, StringComparison.Ordinal));
        Assert.All(h.Emulator.Requests, r => Assert.Equal(200, r.Status));

        h.Tick(4);
        var read = await h.Jobs.ReadAsync(created.Id, inputs, created.Outputs);
        Assert.Equal("running", (string?)read.Outputs["status"]);
        await h.Jobs.DeleteAsync(created.Id, read.Outputs);
        Assert.Equal("cancelling", (await h.Client.GetJobAsync(created.Id)).Status.ToString());
        h.Tick();
        Assert.True(await h.Client.DeleteJobAsync(created.Id));
        Assert.Equal($"DELETE {V1}/fine_tuning/jobs/{created.Id}", $"{h.Emulator.Requests[^1].Method} {h.Emulator.Requests[^1].Path}");
    }

    [Fact]
    public async Task ProjectAndAccountPaths_ShareOneStore()
    {
        await using var h = await LifecycleHarness.StartAsync(foundryProject: Project);
        var train = await h.CreateFileAsync(h.TrainPath);
        var account = new FineTuningClient(h.Emulator.BaseUrl, new AzureKeyCredential(LifecycleHarness.Key));

        Assert.False(account.IsFoundryProject);
        Assert.Equal(train.Id, (await account.GetFileAsync(train.Id!)).Id);
        Assert.Equal($"GET /openai/v1/files/{train.Id}", $"{h.Emulator.Requests[^1].Method} {h.Emulator.Requests[^1].Path}");
    }

    [Fact]
    public async Task LargeFile_ThroughAProject_GoesThroughTheProjectsV1Uploads()
    {
        await using var h = await LifecycleHarness.StartAsync(multipartLimit: 100, foundryProject: Project);

        var created = await h.CreateFileAsync(h.TrainPath);

        Assert.Equal("processed", (string?)created.Outputs["status"]);
        var posts = h.Emulator.Requests.Where(r => r.Method == "POST").Select(r => r.Path).ToList();
        Assert.Equal($"{V1}/uploads", posts[0]);
        Assert.True(posts.Count(p => p.StartsWith($"{V1}/uploads/", StringComparison.Ordinal) && p.EndsWith("/parts", StringComparison.Ordinal)) >= 2);
        Assert.EndsWith("/complete", posts[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(h.Emulator.Requests, r => r.Path.StartsWith("/openai/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("POST", "/api/projects/rft-dev/openai/v1/files?api-version=2025-04-01-preview", 400, "API version not supported: '2025-04-01-preview'. A project endpoint takes no api-version")]
    [InlineData("GET", "/api/projects/rft-dev/openai/v1/fine_tuning/jobs?api-version=v1", 400, "API version not supported: 'v1'.")]
    [InlineData("POST", "/api/projects/rft-dev/openai/files/import?api-version=2025-04-01-preview", 404, "Resource not found")]
    [InlineData("GET", "/api/projects/rft-dev/agents", 404, "Resource not found")]
    [InlineData("GET", "/api/projects/-x/openai/v1/fine_tuning/jobs", 404, "Resource not found")]
    [InlineData("POST", "/openai/v1/uploads", 404, "Resource not found")]
    [InlineData("DELETE", "/openai/v1/fine_tuning/jobs/ftjob-1", 404, "Resource not found")]
    public async Task Emulator_PathsAProjectOrAnAccountDoesNotHave_AreRefusedInTheServiceShape(
        string method, string path, int status, string message)
    {
        await using var h = await LifecycleHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = h.Emulator.BaseUrl };
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        request.Headers.Add("api-key", LifecycleHarness.Key);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Contains(message, (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_ProjectPathWithoutKey_Is401LikeAnyOther()
    {
        await using var h = await LifecycleHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = h.Emulator.BaseUrl };

        using var response = await http.GetAsync(new Uri("api/projects/rft-dev/openai/v1/files", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
