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

namespace RftInfra.Core.Azure;

/// <summary>
/// Azure OpenAI fine-tuning for RFT: files (multipart and large-file uploads), jobs, graders (rft-api.md §1).
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
        _auth = auth ?? new TokenAuth(credential ?? new DefaultAzureCredential(), Options.TokenScope, Options.TimeProvider);
        _retry = new ServiceRetry(Options.Retry, Options.TimeProvider, r => RetryObserver?.Invoke(r));
        _logger = Options.Logger;
        _http = new HttpClient(Options.Transport ?? SharedHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Endpoint { get; }

    public FineTuningClientOptions Options { get; }

    /// <summary>Test hook: sees every retry decision (the delay chosen), so retry tests never sleep.</summary>
    internal Action<RetryObservation>? RetryObserver { get; init; }

    internal ServiceRetry Retry => _retry;

    public override string ToString() => $"FineTuningClient({Endpoint.GetLeftPart(UriPartial.Authority)}, {_auth})";

    // ------------------------------------------------------------------------------------------ files

    /// <summary>
    /// Uploads a JSONL file for fine-tuning: one multipart request up to
    /// <see cref="FineTuningClientOptions.MultipartUploadLimitBytes"/>, the Uploads API in parts above it.
    /// Returns the file as the service created it (usually not processed yet: see <see cref="WaitForFileProcessedAsync"/>).
    /// A lost answer is reported with <see cref="RftServiceException.MayHaveBeenApplied"/>, never retried blindly.
    /// </summary>
    public async Task<FileObject> UploadFileAsync(
        string filePath, string? filename = null, string purpose = "fine-tune", CancellationToken cancellationToken = default)
    {
        filename ??= Path.GetFileName(filePath);
        var size = new FileInfo(filePath).Length;
        if (size > Options.MultipartUploadLimitBytes)
        {
            return await UploadInPartsAsync(filePath, filename, purpose, size, cancellationToken).ConfigureAwait(false);
        }

        var bytes = await File.ReadAllBytesAsync(filePath, cancellationToken).ConfigureAwait(false);
        return await SendAsync<FileObject>(
            _routes.UploadFile(),
            () =>
            {
                var form = new MultipartFormDataContent { { new StringContent(purpose), "purpose" } };
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(file, "file", filename);
                return form;
            },
            $"file {filename}", CallKind.WriteOnceUpload, cancellationToken).ConfigureAwait(false);
    }

    public Task<FileObject> GetFileAsync(string fileId, CancellationToken cancellationToken = default) =>
        SendAsync<FileObject>(_routes.GetFile(fileId), null, $"file {fileId}", CallKind.Repeatable, cancellationToken);

    public Task<Page<FileObject>> ListFilesAsync(
        string? purpose = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<FileObject>>(_routes.ListFiles(purpose, after, limit), null, "files", CallKind.Repeatable, cancellationToken);

    /// <summary>Every file (all pages), in the service's order.</summary>
    public IAsyncEnumerable<FileObject> GetAllFilesAsync(string? purpose = null, CancellationToken cancellationToken = default) =>
        PageAllAsync((after, ct) => ListFilesAsync(purpose, after, limit: null, ct), f => f.Id, cancellationToken);

    /// <summary>Deletes a file; true if deleted, false if it was already gone (404).</summary>
    public async Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        try
        {
            using var _ = await SendRawAsync(_routes.DeleteFile(fileId), null, $"file {fileId}", CallKind.Repeatable, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RftServiceException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Imports a file from a URL (e.g. a blob SAS URL) on the dated preview surface.</summary>
    public Task<FileObject> ImportFileAsync(
        Uri contentUrl, string filename, string purpose = "fine-tune", CancellationToken cancellationToken = default) =>
        SendAsync<FileObject>(
            _routes.ImportFile(),
            () => Json(new JsonObject { ["content_url"] = contentUrl.ToString(), ["filename"] = filename, ["purpose"] = purpose }),
            $"file {filename}", CallKind.WriteOnce, cancellationToken);

    /// <summary>
    /// Polls the file every <see cref="FineTuningClientOptions.FilePollInterval"/> (on the options' clock) until it
    /// is <c>processed</c>; fails clearly when it ends in <c>error</c>, disappears, or is still not processed after
    /// <see cref="FineTuningClientOptions.FileProcessingTimeout"/>.
    /// </summary>
    public async Task<FileObject> WaitForFileProcessedAsync(string fileId, CancellationToken cancellationToken = default)
    {
        var clock = Options.TimeProvider;
        var deadline = clock.GetUtcNow() + Options.FileProcessingTimeout;
        var route = _routes.GetFile(fileId);
        while (true)
        {
            var file = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
            if (file.IsProcessed)
            {
                return file;
            }

            if (file.IsFailed || file.IsGone)
            {
                var details = string.IsNullOrWhiteSpace(file.StatusDetails) ? "no details given" : file.StatusDetails;
                throw Fail(new RftServiceException(
                    $"File {fileId} ({file.Filename}) ended in status '{file.Status}' instead of 'processed': {details}. " +
                    "Fix the data (run `rft validate`) and upload it again.",
                    route.Display, $"file {fileId}", 200, "file_" + file.Status.ToLowerInvariant(), null, file.StatusDetails));
            }

            if (clock.GetUtcNow() >= deadline)
            {
                throw Fail(new RftServiceException(
                    $"File {fileId} ({file.Filename}) is still '{file.Status}' after {Options.FileProcessingTimeout}. " +
                    "The service is slow to import it: try again later, or raise FineTuningClientOptions.FileProcessingTimeout.",
                    route.Display, $"file {fileId}", 200, "file_processing_timeout"));
            }

            await Task.Delay(Options.FilePollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- large-file Uploads API (rft-api.md §1.4)

    public Task<UploadObject> CreateUploadAsync(
        string filename, long bytes, string purpose = "fine-tune", string mimeType = "application/jsonl",
        CancellationToken cancellationToken = default) =>
        // Repeatable: a duplicate pending upload holds no file and expires on its own.
        SendAsync<UploadObject>(
            _routes.CreateUpload(),
            () => Json(new JsonObject { ["bytes"] = bytes, ["filename"] = filename, ["mime_type"] = mimeType, ["purpose"] = purpose }),
            $"upload of {filename}", CallKind.Repeatable, cancellationToken);

    public Task<UploadPart> AddUploadPartAsync(string uploadId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        // Repeatable: a duplicate part is simply not listed in the complete call.
        SendAsync<UploadPart>(
            _routes.AddUploadPart(uploadId),
            () =>
            {
                var form = new MultipartFormDataContent();
                var part = new ReadOnlyMemoryContent(data);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "data", "part");
                return form;
            },
            $"upload {uploadId}", CallKind.RepeatableUpload, cancellationToken);

    public Task<UploadObject> CompleteUploadAsync(
        string uploadId, IReadOnlyList<string> partIds, CancellationToken cancellationToken = default) =>
        SendAsync<UploadObject>(
            _routes.CompleteUpload(uploadId),
            () => Json(new JsonObject { ["part_ids"] = new JsonArray([.. partIds.Select(p => (JsonNode)p)]) }),
            $"upload {uploadId}", CallKind.WriteOnce, cancellationToken);

    public Task<UploadObject> CancelUploadAsync(string uploadId, CancellationToken cancellationToken = default) =>
        SendAsync<UploadObject>(_routes.CancelUpload(uploadId), () => Json(new JsonObject()), $"upload {uploadId}", CallKind.Repeatable, cancellationToken);

    private async Task<FileObject> UploadInPartsAsync(
        string filePath, string filename, string purpose, long size, CancellationToken cancellationToken)
    {
        var upload = await CreateUploadAsync(filename, size, purpose, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var partIds = new List<string>();
            var buffer = new byte[(int)Math.Min(Math.Max(1, Options.UploadPartSizeBytes), size)];
            await using var stream = File.OpenRead(filePath);
            int read;
            while ((read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var part = await AddUploadPartAsync(upload.Id, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                partIds.Add(part.Id);
            }

            var completed = await CompleteUploadAsync(upload.Id, partIds, cancellationToken).ConfigureAwait(false);
            return completed.File ?? throw Fail(new RftServiceException(
                $"The service completed upload {upload.Id} of {filename} but its answer names no file (field 'file' missing).",
                _routes.CompleteUpload(upload.Id).Display, $"upload {upload.Id}", 200, "invalid_response"));
        }
        catch (RftServiceException e) when (!e.MayHaveBeenApplied)
        {
            // Nothing was created: release the pending upload (best effort; it expires on its own anyway).
            await TryCancelUploadAsync(upload.Id).ConfigureAwait(false);
            throw;
        }
    }

    private async Task TryCancelUploadAsync(string uploadId)
    {
        try
        {
            await CancelUploadAsync(uploadId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RftServiceException)
        {
            // Best effort only.
        }
    }

    // ------------------------------------------------------------------------------------------ jobs

    /// <summary>
    /// Creates an RFT job. Never retried once the request may have reached the service (a create is not
    /// idempotent, rft-api.md §9.1): such failures carry <see cref="RftServiceException.MayHaveBeenApplied"/>.
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

    // ------------------------------------------------------------------------------------------ plumbing

    internal enum CallKind
    {
        Repeatable,
        WriteOnce,
        RepeatableUpload,
        WriteOnceUpload,
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, JsonMediaType);

    private async Task<T> SendAsync<T>(
        ApiRoute route, Func<HttpContent>? content, string resource, CallKind kind, CancellationToken cancellationToken,
        params HttpStatusCode[] expected)
    {
        using var response = await SendRawAsync(route, content, resource, kind, cancellationToken).ConfigureAwait(false);
        if (expected.Length > 0 ? !expected.Contains(response.StatusCode) : response.StatusCode != HttpStatusCode.OK)
        {
            throw Fail(new RftServiceException(
                $"{route.Display} for {resource} answered HTTP {(int)response.StatusCode} where the kit expects " +
                $"{string.Join(" or ", (expected.Length > 0 ? expected : [HttpStatusCode.OK]).Select(s => (int)s))}. " +
                "Check that the endpoint is an Azure OpenAI resource (https://<name>.openai.azure.com/).",
                route.Display, resource, (int)response.StatusCode, "unexpected_status"));
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize<T>(text, PayloadJson.Options)
                ?? throw new JsonException("The body is empty or null.");
        }
        catch (JsonException e)
        {
            throw Fail(new RftServiceException(
                $"{route.Display} for {resource} answered HTTP {(int)response.StatusCode} with a body the kit cannot read " +
                $"as {typeof(T).Name}: {e.Message} The endpoint may not be an Azure OpenAI resource, or the service changed its format.",
                route.Display, resource, (int)response.StatusCode, "invalid_response", innerException: e));
        }
    }

    /// <summary>Sends through the retry pipeline; returns a 2xx answer (buffered) or throws <see cref="RftServiceException"/>.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(
        ApiRoute route, Func<HttpContent>? content, string resource, CallKind kind, CancellationToken cancellationToken)
    {
        var pipeline = kind switch
        {
            CallKind.WriteOnce => _retry.WriteOnce,
            CallKind.RepeatableUpload => _retry.RepeatableUpload,
            CallKind.WriteOnceUpload => _retry.WriteOnceUpload,
            _ => _retry.Repeatable,
        };
        var writeOnce = kind is CallKind.WriteOnce or CallKind.WriteOnceUpload;
        var attempts = 0;
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                async ct =>
                {
                    var attempt = Interlocked.Increment(ref attempts);
                    using var request = new HttpRequestMessage(route.Method, route.Uri) { Content = content?.Invoke() };
                    await _auth.ApplyAsync(request, ct).ConfigureAwait(false);
                    try
                    {
                        // Default completion option buffers the body inside the try, so a connection dropped mid-body is retried too.
                        var answer = await _http.SendAsync(request, ct).ConfigureAwait(false);
                        LogCall(_logger, route.Method.Method, route.Uri.AbsolutePath, (int)answer.StatusCode, attempt);
                        return answer;
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        LogCallFailed(_logger, route.Method.Method, route.Uri.AbsolutePath, e.GetType().Name, attempt);
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            throw Fail(NoAnswer(route, resource, e, attempts, Elapsed(started), writeOnce));
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw Fail(await ErrorAnswerAsync(route, resource, response, attempts, Elapsed(started), writeOnce, cancellationToken).ConfigureAwait(false));
        }
    }

    private static TimeSpan Elapsed(long started) => Stopwatch.GetElapsedTime(started);

    private RftServiceException NoAnswer(ApiRoute route, string resource, Exception e, int attempts, TimeSpan elapsed, bool writeOnce)
    {
        var what = e is TimeoutRejectedException t
            ? (t.Timeout >= _retry.Settings.TotalTimeout ? $"the total time limit ({_retry.Settings.TotalTimeout}) ran out" : $"no answer within the per-try timeout ({t.Timeout})")
            : $"the connection failed ({e.Message})";
        if (writeOnce && !ServiceRetry.ProvesNotSent(e))
        {
            return new RftServiceException(
                $"{route.Display} for {resource}: {what}; the service may or may not have done it, so it was not " +
                "repeated blindly. Look for the result before trying again (the kit's lifecycles do this by content or spec hash).",
                route.Display, resource, 0, "no_answer", attempts: attempts, mayHaveBeenApplied: true, innerException: e);
        }

        return new RftServiceException(
            $"{route.Display} for {resource} failed after {attempts} {Tries(attempts)} in {elapsed.TotalSeconds:0.#} s: {what}. " +
            $"Check the endpoint and network, or allow more with FineTuningClientOptions.Retry.MaxRetries (now {_retry.Settings.MaxRetries}), " +
            $"Retry.AttemptTimeout (now {_retry.Settings.AttemptTimeout}) or Retry.TotalTimeout (now {_retry.Settings.TotalTimeout}).",
            route.Display, resource, 0, "no_answer", attempts: attempts, innerException: e);
    }

    private async Task<RftServiceException> ErrorAnswerAsync(
        ApiRoute route, string resource, HttpResponseMessage response, int attempts, TimeSpan elapsed, bool writeOnce,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var (code, param, message) = ParseError(body);
        var service = $"HTTP {status}" + (code is null ? "" : $" {code}") + (param is null ? "" : $" (param {param})") +
            $": {message ?? response.ReasonPhrase ?? "no message"}";
        if (!ServiceRetry.IsTransient(response.StatusCode))
        {
            return new RftServiceException(
                $"{route.Display} for {resource} was refused: {service}", route.Display, resource, status, code, param, message, attempts);
        }

        if (writeOnce && !ServiceRetry.ProvesNotApplied(response.StatusCode))
        {
            return new RftServiceException(
                $"{route.Display} for {resource} got {service}; the service may or may not have done it, so it was not " +
                "repeated blindly. Look for the result before trying again (the kit's lifecycles do this by content or spec hash).",
                route.Display, resource, status, code, param, message, attempts, mayHaveBeenApplied: true);
        }

        return new RftServiceException(
            $"{route.Display} for {resource} still failing after {attempts} {Tries(attempts)} in {elapsed.TotalSeconds:0.#} s (last answer {service}). " +
            $"The service is busy or unavailable: try again later, or allow more with FineTuningClientOptions.Retry.MaxRetries " +
            $"(now {_retry.Settings.MaxRetries}) or Retry.TotalTimeout (now {_retry.Settings.TotalTimeout}).",
            route.Display, resource, status, code, param, message, attempts);
    }

    private static string Tries(int n) => n == 1 ? "try" : "tries";

    /// <summary>Reads <c>{"error": {...}}</c> leniently (code may be a number; the body may not be JSON at all).</summary>
    private static (string? Code, string? Param, string? Message) ParseError(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject root)
            {
                var error = root["error"] as JsonObject ?? root;
                return (Text(error["code"]) ?? Text(error["type"]), Text(error["param"]), Text(error["message"]));
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through and show the start of the body.
        }

        var trimmed = body.Trim();
        return (null, null, trimmed.Length == 0 ? null : trimmed[..Math.Min(trimmed.Length, 300)]);
    }

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    /// <summary>Every exception leaves through here: the secret is scrubbed from the message before anyone sees it.</summary>
    private RftServiceException Fail(RftServiceException e)
    {
        var message = _auth.Redact(e.Message);
        var serviceMessage = e.ServiceMessage is null ? null : _auth.Redact(e.ServiceMessage);
        if (message == e.Message && serviceMessage == e.ServiceMessage)
        {
            return e;
        }

        return new RftServiceException(
            message, e.Operation, e.Resource, e.Status, e.ErrorCode, e.Param, serviceMessage, e.Attempts, e.MayHaveBeenApplied, e.InnerException);
    }

    private static async IAsyncEnumerable<T> PageAllAsync<T>(
        Func<string?, CancellationToken, Task<Page<T>>> fetch, Func<T, string> id,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await fetch(after, cancellationToken).ConfigureAwait(false);
            var fresh = 0;
            foreach (var item in page.Data)
            {
                if (seen.Add(id(item)))
                {
                    fresh++;
                    yield return item;
                }
            }

            // Stop on the last page, and on a page with nothing new (a service that ignores `after` would loop forever).
            if (!page.HasMore || fresh == 0)
            {
                yield break;
            }

            after = page.LastId ?? id(page.Data[^1]);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} -> {Status} (try {Attempt})")]
    private static partial void LogCall(ILogger logger, string method, string path, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} -> no answer: {Error} (try {Attempt})")]
    private static partial void LogCallFailed(ILogger logger, string method, string path, string error, int attempt);
}
