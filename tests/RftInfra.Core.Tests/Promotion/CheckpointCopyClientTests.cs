using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Extensions.Time.Testing;
using RftInfra.Promotion;

namespace RftInfra.Core.Tests.Promotion;

public class CheckpointCopyClientTests
{
    private const string Destination =
        "/subscriptions/1111/resourceGroups/rft-prod/providers/Microsoft.CognitiveServices/accounts/rft-prod-swedencentral";

    private static readonly CheckpointCopyPlan Plan = new(
        "/subscriptions/0000/resourceGroups/rft-dev/providers/Microsoft.CognitiveServices/accounts/rft-dev-swedencentral",
        "ftjob-0265d673b0b24b5d8f0a7c1e2d3f4a5b", "ftchkpt-9a8b7c6d5e4f30211203a4b5c6d7e8f9", "swedencentral");

    private static string Status(string status) => new JsonObject
    {
        ["checkpointedModelName"] = "o4-mini-2025-04-16.ft-0265d673:ckpt-step-30",
        ["fineTuningJobId"] = Plan.JobId,
        ["copiedAccountDetails"] = new JsonArray(new JsonObject
        {
            ["destinationResourceId"] = Destination, ["region"] = "swedencentral", ["status"] = status,
        }),
    }.ToJsonString();

    [Fact]
    public async Task StartsTheCopyAndPollsUntilCompleted()
    {
        var handler = new ScriptedHandler(
            (HttpStatusCode.NotFound, """{"error":{"code":"NotFound","message":"no copy"}}"""),
            (HttpStatusCode.OK, Status("InProgress")),
            (HttpStatusCode.OK, Status("InProgress")),
            (HttpStatusCode.OK, Status("Completed")));
        var time = new FakeTimeProvider();
        var client = new CheckpointCopyClient(new HttpClient(handler), new FixedCredential(), time);

        await RunWithTime(client.CopyAsync(Plan, Destination, TimeSpan.FromMinutes(30)), time);

        Assert.Equal(["GET", "POST", "GET", "GET"], handler.Requests.Select(r => r.Method));
        var post = handler.Requests[1];
        Assert.Equal(
            "https://rft-dev-swedencentral.openai.azure.com/openai/v1/fine_tuning/jobs/ftjob-0265d673b0b24b5d8f0a7c1e2d3f4a5b/checkpoints/ftchkpt-9a8b7c6d5e4f30211203a4b5c6d7e8f9/copy",
            post.Url);
        Assert.Equal("preview", post.CopyHeader);
        Assert.Equal("Bearer test-token", post.Authorization);
        var body = JsonNode.Parse(post.Body!)!;
        Assert.Equal(Destination, (string?)body["destinationResourceId"]);
        Assert.Equal("swedencentral", (string?)body["region"]);
    }

    [Fact]
    public async Task CompletedCopyIsNotStartedAgain()
    {
        var handler = new ScriptedHandler((HttpStatusCode.OK, Status("Completed")));
        var client = new CheckpointCopyClient(new HttpClient(handler), new FixedCredential(), new FakeTimeProvider());

        await client.CopyAsync(Plan, Destination, TimeSpan.FromMinutes(30));

        Assert.Equal(["GET"], handler.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task FailedCopyThrowsWithThePreconditions()
    {
        var handler = new ScriptedHandler(
            (HttpStatusCode.NotFound, "{}"), (HttpStatusCode.OK, Status("InProgress")), (HttpStatusCode.OK, Status("Failed")));
        var time = new FakeTimeProvider();
        var client = new CheckpointCopyClient(new HttpClient(handler), new FixedCredential(), time);

        var e = await Assert.ThrowsAsync<CheckpointCopyException>(() => RunWithTime(client.CopyAsync(Plan, Destination, TimeSpan.FromMinutes(30)), time));

        Assert.Contains("failed. The destination needs a prior fine-tuning job", e.Message);
    }

    [Fact]
    public async Task GivesUpAtTheDeadline()
    {
        var responses = Enumerable.Repeat((HttpStatusCode.OK, Status("InProgress")), 200).ToArray();
        var time = new FakeTimeProvider();
        var client = new CheckpointCopyClient(new HttpClient(new ScriptedHandler(responses)), new FixedCredential(), time);

        var e = await Assert.ThrowsAsync<CheckpointCopyException>(() => RunWithTime(client.CopyAsync(Plan, Destination, TimeSpan.FromMinutes(2)), time));

        Assert.Contains("did not complete within 2 minutes (last status InProgress)", e.Message);
    }

    [Fact]
    public async Task ServiceErrorNamesCodeAndMessage()
    {
        var handler = new ScriptedHandler(
            (HttpStatusCode.NotFound, "{}"),
            (HttpStatusCode.BadRequest, """{"error":{"code":"InvalidDestination","message":"The destination has no fine-tuning history."}}"""));
        var client = new CheckpointCopyClient(new HttpClient(handler), new FixedCredential(), new FakeTimeProvider());

        var e = await Assert.ThrowsAsync<CheckpointCopyException>(() => client.CopyAsync(Plan, Destination, TimeSpan.FromMinutes(30)));

        Assert.Contains("answered 400: InvalidDestination: The destination has no fine-tuning history.", e.Message);
    }

    /// <summary>Advances the fake clock whenever the copy waits, until it finishes (real-time deadline 10 s).</summary>
    private static async Task RunWithTime(Task copy, FakeTimeProvider time)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!copy.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(CheckpointCopyClient.PollInterval);
            await Task.Delay(1);
        }

        await copy;
    }

    private sealed record Recorded(string Method, string Url, string? CopyHeader, string? Authorization, string? Body);

    private sealed class ScriptedHandler(params (HttpStatusCode Status, string Body)[] responses) : HttpMessageHandler
    {
        private int _next;

        public List<Recorded> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new Recorded(
                request.Method.Method, request.RequestUri!.ToString(),
                request.Headers.TryGetValues("aoai-copy-ft-checkpoints", out var copy) ? copy.Single() : null,
                request.Headers.Authorization?.ToString(),
                request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
            var (status, body) = responses[Math.Min(_next++, responses.Length - 1)];
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class FixedCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("test-token", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
