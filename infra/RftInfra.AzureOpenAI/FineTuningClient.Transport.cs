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
/// How every call is sent: timeout and retries, the one <see cref="RftServiceException"/> per failure, paging, logging.
/// </summary>
public sealed partial class FineTuningClient
{
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
