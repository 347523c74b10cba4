using RftInfra.Declarations;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Validation.Baseline;

/// <summary>How far a baseline is: answers in hand (fetched or from the cache) of all it needs, and rows graded.</summary>
public sealed record BaselineProgress(int Answered, int Cached, int Total, int Graded);

/// <summary>How a baseline runs: concurrent calls, the answer cache, progress, the grader engine (as `rft grade`), the clock.</summary>
public sealed record BaselineRunOptions
{
    public const int MaxConcurrency = 32;

    /// <summary>Calls in flight at once (1 to <see cref="MaxConcurrency"/>); rate limits are the client's retry policy's job.</summary>
    public int Concurrency { get; init; } = 4;

    public BaselineCache? Cache { get; init; }

    /// <summary>Where the answers come from (the endpoint): part of every cache key.</summary>
    public string CacheScope { get; init; } = "";

    public IProgress<BaselineProgress>? Progress { get; init; }

    public GraderEngineOptions Engine { get; init; } = new();

    public RftCatalog Catalog { get; init; } = RftCatalog.Default;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// Runs a <see cref="BaselinePlan"/>: asks the base model once per row and variant (bounded concurrency, cached
/// answers not asked again), then grades every answer with the job's grader through the same
/// <see cref="GraderEngine"/> `rft grade` uses, and summarises each variant.
/// </summary>
public static class BaselineRunner
{
    /// <exception cref="BaseModelCallException">A call failed after the client's retries; answers fetched so far are cached.</exception>
    public static async Task<BaselineResult> RunAsync(BaselinePlan plan, IBaseModelClient client, BaselineRunOptions options,
        CancellationToken cancellationToken = default)
    {
        var cache = options.Cache ?? BaselineCache.InMemory();
        var requests = plan.Variants
            .SelectMany((variant, v) => plan.Rows.Select((row, r) => (v, r, Request: new BaseModelRequest(
                plan.Deployment, variant.Messages(row.Item), plan.Job.ResponseFormat, plan.ReasoningEffort))))
            .ToList();
        var answers = new BaseModelAnswer[plan.Variants.Count, plan.Rows.Count];
        var total = requests.Count;
        var cached = 0;
        var answered = 0;
        var pending = new List<(int V, int R, BaseModelRequest Request, string Key)>();
        foreach (var (v, r, request) in requests)
        {
            var key = BaselineCache.Key(options.CacheScope, request);
            if (cache.TryGet(key, out var answer))
            {
                answers[v, r] = answer;
                cached++;
            }
            else
            {
                pending.Add((v, r, request, key));
            }
        }

        answered = cached;
        options.Progress?.Report(new BaselineProgress(answered, cached, total, 0));
        await Parallel.ForEachAsync(pending,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(options.Concurrency, 1, BaselineRunOptions.MaxConcurrency), CancellationToken = cancellationToken },
            async (item, token) =>
            {
                var answer = await client.AnswerAsync(item.Request, token).ConfigureAwait(false);
                cache.Add(item.Key, answer);
                answers[item.V, item.R] = answer;
                options.Progress?.Report(new BaselineProgress(Interlocked.Increment(ref answered), cached, total, 0));
            }).ConfigureAwait(false);

        var variants = new List<VariantResult>();
        var graded = 0;
        await using (var engine = new GraderEngine(options.Engine))
        {
            for (var v = 0; v < plan.Variants.Count; v++)
            {
                var results = new List<GradeResult>(plan.Rows.Count);
                for (var r = 0; r < plan.Rows.Count; r++)
                {
                    var answer = answers[v, r];
                    var result = await engine.GradeAsync(plan.Grader, plan.Rows[r].Item, GraderSample.FromText(answer.Text), cancellationToken)
                        .ConfigureAwait(false);
                    if (result.CallFailure is { } failure)
                    {
                        throw new BaseModelCallException(
                            $"the grader model call failed on row {r + 1} (line {plan.Rows[r].Line}): {failure.Message.Split('\n')[0]}", 0);
                    }

                    results.Add(result);
                    options.Progress?.Report(new BaselineProgress(answered, cached, total, ++graded));
                }

                variants.Add(VariantResult.From(plan.Variants[v], plan.Grader, results,
                    Enumerable.Range(0, plan.Rows.Count).Select(r => answers[v, r]).ToList(), plan.Deployment, plan.Job.Model, options.Catalog));
            }
        }

        return new BaselineResult(plan, variants, cached, options.Time.GetUtcNow());
    }
}
