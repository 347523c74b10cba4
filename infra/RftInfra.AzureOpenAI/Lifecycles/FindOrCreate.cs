using Polly;
using Polly.Retry;
using RftInfra.AzureOpenAI;

namespace RftInfra.Lifecycles;

/// <summary>
/// Idempotent create over a service without idempotency keys (docs/service.md §9.1): each try first looks for the
/// object by its hash (content hash of a file, spec hash of a job) and adopts it; only when none exists does it
/// create. A create whose answer was lost (<see cref="RftServiceException.MayHaveBeenApplied"/>) is tried again
/// by Polly, and the next try's look finds the object if the service did make it, so an interrupted or retried
/// create never makes a second one.
/// </summary>
internal static class FindOrCreate
{
    public static async Task<(T Value, bool Adopted)> RunAsync<T>(
        FineTuningClient client,
        Func<CancellationToken, Task<T?>> find,
        Func<CancellationToken, Task<T>> create,
        CancellationToken cancellationToken)
        where T : class
    {
        var settings = client.Options.Retry;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = client.Options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RftServiceException>(e => e.MayHaveBeenApplied),
                MaxRetryAttempts = Math.Max(0, settings.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.Delay,
                MaxDelay = settings.MaxDelay,
            })
            .Build();

        return await pipeline.ExecuteAsync(
            async ct =>
            {
                if (await find(ct).ConfigureAwait(false) is { } existing)
                {
                    return (existing, true);
                }

                return (await create(ct).ConfigureAwait(false), false);
            },
            cancellationToken).ConfigureAwait(false);
    }
}
