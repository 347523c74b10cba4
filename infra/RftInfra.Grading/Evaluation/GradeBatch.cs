using System.Text.Json.Nodes;
using RftInfra.Progress;

namespace RftInfra.Graders.Evaluation;

/// <summary>The rows of a batch, graded in order, and the row whose grader-model call failed (which ended the batch), if any.</summary>
public sealed record GradeBatchResult(IReadOnlyList<GradeResult> Results, int? FailedRow)
{
    /// <summary>The failed call that ended the batch, or null.</summary>
    public GradeError? Failure => FailedRow is { } row ? Results[row].CallFailure : null;
}

/// <summary>
/// Grades row i of a dataset with sample i, reporting each finished row (model graders take seconds a row, so a
/// batch can take minutes). A failed grader-model call is not a score: the batch stops there.
/// </summary>
public static class GradeBatch
{
    public static async Task<GradeBatchResult> GradeAllAsync(
        GraderEngine engine, Grader grader, IReadOnlyList<JsonObject> items, IReadOnlyList<JsonObject> samples,
        string activity, IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (items.Count != samples.Count)
        {
            throw new ArgumentException($"{items.Count} rows but {samples.Count} samples: one sample per row.", nameof(samples));
        }

        var results = new List<GradeResult>(items.Count);
        progress?.Report(new(activity, 0, items.Count, "rows"));
        for (var i = 0; i < items.Count; i++)
        {
            var result = await engine.GradeAsync(grader, items[i], samples[i], cancellationToken).ConfigureAwait(false);
            results.Add(result);
            progress?.Report(new(activity, i + 1, items.Count, "rows"));
            if (result.CallFailure is not null)
            {
                return new GradeBatchResult(results, i);
            }
        }

        return new GradeBatchResult(results, null);
    }
}
