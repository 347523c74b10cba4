using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace RftInfra.AzureOpenAI;

/// <summary>
/// Azure OpenAI fine-tuning for RFT: files (multipart and large-file uploads), jobs, graders (docs/service.md §1).
/// Immutable and thread-safe (Azure SDK client shape); every call has a timeout and retries through
/// <see cref="ServiceRetry"/>; every failure is one <see cref="RftServiceException"/> naming the call, the resource,
/// the service's code and message, and what to do. Which surface each call uses is decided in <see cref="ApiRoutes"/>.
/// </summary>
public sealed partial class FineTuningClient
{
    private const string JsonMediaType = "application/json";

    // One pooled connection handler for every client that brings no transport (Azure.Core's shared HttpClient habit).
    private static readonly SocketsHttpHandler SharedHandler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    private readonly HttpClient _http;
    private readonly ApiRoutes _routes;
    private readonly ClientAuth _auth;
    private readonly ServiceRetry _retry;
    private readonly ILogger _logger;

    /// <summary>Entra ID auth; <paramref name="credential"/> null means <see cref="DefaultAzureCredential"/>.</summary>
    public FineTuningClient(Uri endpoint, TokenCredential? credential = null, FineTuningClientOptions? options = null)
        : this(endpoint, (ClientAuth?)null, options, credential)
    {
    }

    /// <summary>Key auth (the <c>api-key</c> header). The key never appears in logs, exceptions or outputs.</summary>
    public FineTuningClient(Uri endpoint, AzureKeyCredential keyCredential, FineTuningClientOptions? options = null)
        : this(endpoint, new ApiKeyAuth(keyCredential ?? throw new ArgumentNullException(nameof(keyCredential))), options, null)
    {
    }

    private FineTuningClient(Uri endpoint, ClientAuth? auth, FineTuningClientOptions? options, TokenCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Options = options ?? new FineTuningClientOptions();
        Endpoint = endpoint;
        _routes = new ApiRoutes(endpoint, Options.PreviewApiVersion);
        var scope = Options.TokenScope
            ?? (_routes.IsFoundryProject ? FineTuningClientOptions.FoundryProjectTokenScope : FineTuningClientOptions.DefaultTokenScope);
        _auth = auth ?? new TokenAuth(credential ?? new DefaultAzureCredential(), scope, Options.TimeProvider);
        _retry = new ServiceRetry(Options.Retry, Options.TimeProvider, r => RetryObserver?.Invoke(r));
        _logger = Options.Logger;
        _http = new HttpClient(Options.Transport ?? SharedHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Endpoint { get; }

    /// <summary>True when <see cref="Endpoint"/> is a Foundry project (<c>…/api/projects/{project}</c>, docs/foundry.md).</summary>
    public bool IsFoundryProject => _routes.IsFoundryProject;

    public FineTuningClientOptions Options { get; }

    /// <summary>Test hook: sees every retry decision (the delay chosen), so retry tests never sleep.</summary>
    internal Action<RetryObservation>? RetryObserver { get; init; }

    internal ServiceRetry Retry => _retry;

    public override string ToString() => $"FineTuningClient({Endpoint.GetLeftPart(UriPartial.Authority)}, {_auth})";

    // ------------------------------------------------------------------------------------------ jobs

    /// <summary>
    /// Creates an RFT job. Never retried once the request may have reached the service (a create is not
    /// idempotent, docs/service.md §9.1): such failures carry <see cref="RftServiceException.MayHaveBeenApplied"/>.
    /// </summary>
    public Task<FineTuningJob> CreateJobAsync(CreateJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.ToJson();
        return SendAsync<FineTuningJob>(
            _routes.CreateJob(request.TrainingType is not null), () => Json(body),
            $"job for model {request.Model}", CallKind.WriteOnce, cancellationToken, HttpStatusCode.OK, HttpStatusCode.Created);
    }

    public Task<FineTuningJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<FineTuningJob>(_routes.GetJob(jobId), null, $"job {jobId}", CallKind.Repeatable, cancellationToken);

    /// <summary>One page of jobs. <paramref name="metadata"/> is sent as <c>metadata[k]=v</c>; see <see cref="GetJobsAsync"/> for a filtered walk.</summary>
    public Task<Page<FineTuningJob>> ListJobsAsync(
        string? after = null, int? limit = null, IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        SendAsync<Page<FineTuningJob>>(_routes.ListJobs(after, limit, metadata), null, "jobs", CallKind.Repeatable, cancellationToken);

    /// <summary>
    /// Every job whose metadata holds all of <paramref name="metadata"/>: the filter is sent to the service and applied
    /// again locally over all pages, so it is right whether or not the service supports it.
    /// </summary>
    public async IAsyncEnumerable<FineTuningJob> GetJobsAsync(
        IReadOnlyDictionary<string, string>? metadata = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var job in PageAllAsync((after, ct) => ListJobsAsync(after, 100, metadata, ct), j => j.Id, cancellationToken)
            .ConfigureAwait(false))
        {
            if (metadata is null || metadata.All(m => job.Metadata is not null
                && job.Metadata.TryGetValue(m.Key, out var value) && value == m.Value))
            {
                yield return job;
            }
        }
    }

    public Task<FineTuningJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<FineTuningJob>(_routes.CancelJob(jobId), () => Json(new JsonObject()), $"job {jobId}", CallKind.Repeatable, cancellationToken);

    public Task<FineTuningJob> PauseJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<FineTuningJob>(_routes.PauseJob(jobId), () => Json(new JsonObject()), $"job {jobId}", CallKind.Repeatable, cancellationToken);

    public Task<FineTuningJob> ResumeJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<FineTuningJob>(_routes.ResumeJob(jobId), () => Json(new JsonObject()), $"job {jobId}", CallKind.Repeatable, cancellationToken);

    public Task<Page<JobEvent>> ListJobEventsAsync(
        string jobId, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<JobEvent>>(_routes.ListJobEvents(jobId, after, limit), null, $"job {jobId}", CallKind.Repeatable, cancellationToken);

    public Task<Page<JobCheckpoint>> ListJobCheckpointsAsync(
        string jobId, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<JobCheckpoint>>(_routes.ListJobCheckpoints(jobId, after, limit), null, $"job {jobId}", CallKind.Repeatable, cancellationToken);

    /// <summary>Deletes the job record (Azure-only, dated surface); true if deleted, false if already gone.</summary>
    public async Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        try
        {
            using var _ = await SendRawAsync(_routes.DeleteJob(jobId), null, $"job {jobId}", CallKind.Repeatable, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RftServiceException e) when (e.Status == 404)
        {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ graders

    /// <summary>Asks the service to check a grader; returns the grader as the service echoes it.</summary>
    public async Task<JsonObject> ValidateGraderAsync(JsonObject grader, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync<JsonObject>(
            _routes.ValidateGrader(), () => Json(new JsonObject { ["grader"] = grader.DeepClone() }),
            GraderResource(grader), CallKind.Repeatable, cancellationToken).ConfigureAwait(false);
        return answer["grader"] as JsonObject ?? throw Fail(new RftServiceException(
            $"The service validated {GraderResource(grader)} but its answer has no 'grader' object.",
            _routes.ValidateGrader().Display, GraderResource(grader), 200, "invalid_response"));
    }

    /// <summary>Runs a grader on one model sample (and dataset row) with the service.</summary>
    public Task<GraderRunResult> RunGraderAsync(
        JsonObject grader, string modelSample, JsonObject? item = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["grader"] = grader.DeepClone(), ["model_sample"] = modelSample };
        if (item is not null)
        {
            body["item"] = item.DeepClone();
        }

        return SendAsync<GraderRunResult>(_routes.RunGrader(), () => Json(body), GraderResource(grader), CallKind.Repeatable, cancellationToken);
    }

    private static string GraderResource(JsonObject grader) =>
        grader["name"] is JsonValue v && v.TryGetValue(out string? name) ? $"grader '{name}'" : "grader";
}
