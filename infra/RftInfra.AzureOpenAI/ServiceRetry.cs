using System.Globalization;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RftInfra.AzureOpenAI;

/// <summary>
/// The client's resilience pipelines, built with Polly and Microsoft.Extensions.Http.Resilience (no hand loops):
/// total timeout → retry (exponential backoff with jitter, never sooner than the service asks) → per-try timeout.
/// Two flavours: <see cref="Repeatable"/> for reads and calls that are safe to repeat, and
/// <see cref="WriteOnce"/> for creates that must not happen twice, which retry only answers that prove nothing was
/// done (408, 429, connection refused) and report everything else as "may have been applied".
/// </summary>
internal sealed class ServiceRetry
{
    private readonly RetrySettings _settings;

    public ServiceRetry(RetrySettings settings, TimeProvider timeProvider, Action<RetryObservation>? observer = null)
    {
        _settings = settings;
        Repeatable = Build(settings.AttemptTimeout, writeOnce: false, timeProvider, observer);
        WriteOnce = Build(settings.AttemptTimeout, writeOnce: true, timeProvider, observer);
        RepeatableUpload = Build(settings.UploadAttemptTimeout, writeOnce: false, timeProvider, observer);
        WriteOnceUpload = Build(settings.UploadAttemptTimeout, writeOnce: true, timeProvider, observer);
    }

    public ResiliencePipeline<HttpResponseMessage> Repeatable { get; }

    public ResiliencePipeline<HttpResponseMessage> WriteOnce { get; }

    public ResiliencePipeline<HttpResponseMessage> RepeatableUpload { get; }

    public ResiliencePipeline<HttpResponseMessage> WriteOnceUpload { get; }

    public RetrySettings Settings => _settings;

    /// <summary>408, 429 and 5xx: worth another try for a repeatable call.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Answers that prove the service did not act on the request: safe to retry even a create.</summary>
    public static bool ProvesNotApplied(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>A failure before the request could reach the service (nothing was sent).</summary>
    public static bool ProvesNotSent(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    /// <summary>
    /// The server's wait hint: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> (milliseconds), or
    /// <c>Retry-After</c> as seconds or an HTTP date (Azure.Core's order).
    /// </summary>
    public static TimeSpan? ServerDelay(HttpResponseMessage response, DateTimeOffset now)
    {
        foreach (var name in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
        {
            if (response.Headers.TryGetValues(name, out var values)
                && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            {
                return TimeSpan.FromMilliseconds(ms);
            }
        }

        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>Exponential backoff without jitter for try <paramref name="attempt"/> (0-based), capped at MaxDelay.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ms = _settings.Delay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, _settings.MaxDelay.TotalMilliseconds));
    }

    private ResiliencePipeline<HttpResponseMessage> Build(
        TimeSpan attemptTimeout, bool writeOnce, TimeProvider timeProvider, Action<RetryObservation>? observer)
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(0, _settings.MaxRetries),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _settings.Delay,
            MaxDelay = _settings.MaxDelay,
            ShouldRetryAfterHeader = false, // the delay generator below reads all three hint headers
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, writeOnce)),
            DelayGenerator = args =>
            {
                // The larger of our backoff and the server's hint; without a hint Polly's jittered backoff is used.
                if (args.Outcome.Result is { } response && ServerDelay(response, timeProvider.GetUtcNow()) is { } hint)
                {
                    var backoff = Backoff(args.AttemptNumber);
                    return ValueTask.FromResult<TimeSpan?>(hint > backoff ? hint : backoff);
                }

                return ValueTask.FromResult<TimeSpan?>(null);
            },
            OnRetry = args =>
            {
                observer?.Invoke(new RetryObservation(
                    args.AttemptNumber + 1, args.RetryDelay, (int?)args.Outcome.Result?.StatusCode, args.Outcome.Exception?.GetType().Name));
                return default;
            },
        };

        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = _settings.TotalTimeout })
            .AddRetry(retry)
            .AddTimeout(new TimeoutStrategyOptions { Timeout = attemptTimeout })
            .Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, bool writeOnce)
    {
        if (outcome.Result is { } response)
        {
            return writeOnce ? ProvesNotApplied(response.StatusCode) : IsTransient(response.StatusCode);
        }

        return outcome.Exception switch
        {
            null => false,
            _ when ProvesNotSent(outcome.Exception) => true,
            HttpRequestException or TimeoutRejectedException => !writeOnce,
            _ => false,
        };
    }
}

/// <summary>One retry about to happen: which try failed, how long the pipeline waits, and why (status or exception type).</summary>
internal sealed record RetryObservation(int FailedAttempt, TimeSpan Delay, int? Status, string? Exception);
