using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Validation.Baseline;

/// <summary>Tokens a variant used and what they cost at the catalog's price of the model (null when no price is known).</summary>
public sealed record TokenUse(long Input, long Output, long Reasoning, double? CostUsd, string? PriceSource);

/// <summary>
/// One variant's baseline: the reward summary (mean, spread, distribution, pass share, sub-grader means) of the
/// same engine `rft grade` uses, where its failure share sits against the target band, and the tokens it used.
/// </summary>
public sealed record VariantResult(string Name, string? Prompt, RewardSummary Summary, IReadOnlyList<double?> Rewards, TokenUse Tokens)
{
    /// <summary>The failure share the RFT guidance aims for on base-model outputs: 25-50 %.</summary>
    public const double BandLow = 0.25;
    public const double BandHigh = 0.5;

    public double FailureShare => 1 - Summary.PassShare;

    /// <summary>too easy (above 90 % pass), no signal (nothing passes), in band, or below/above the band.</summary>
    public string Band => Summary.PassShare > RewardSummary.AlmostAll ? "too easy"
        : Summary.PassShare == 0 ? "no signal"
        : FailureShare < BandLow ? "easier than the band"
        : FailureShare > BandHigh ? "harder than the band"
        : "in band";

    public static VariantResult From(PromptVariant variant, Grader grader, IReadOnlyList<GradeResult> results,
        IReadOnlyList<BaseModelAnswer> answers, string deployment, string model, RftCatalog catalog)
    {
        var input = answers.Sum(a => a.InputTokens);
        var output = answers.Sum(a => a.OutputTokens);
        var price = catalog.Prices.TokenPriceOf(model) ?? catalog.Prices.TokenPriceOf(deployment);
        return new VariantResult(variant.Name, variant.Prompt, RewardSummary.Compute(grader, results),
            results.Select(r => r.Reward).ToList(),
            new TokenUse(input, output, answers.Sum(a => a.ReasoningTokens), price?.Cost(input, output), price?.Source));
    }
}

/// <summary>A whole baseline: the plan, each variant's result, how many answers came from the cache, when it was made.</summary>
public sealed record BaselineResult(BaselinePlan Plan, IReadOnlyList<VariantResult> Variants, int CachedAnswers, DateTimeOffset CreatedAt)
{
    public const string Kind = "rft-baseline";
    public const int Version = 1;

    /// <summary>The variant with the highest mean reward (the first of equals, so "declared" wins a tie).</summary>
    public VariantResult Best => Variants.Aggregate((best, v) => v.Summary.Mean > best.Summary.Mean ? v : best);

    /// <summary>The artifact `rft watch` reads (docs/baseline.md): kind, version, job, model, grader, rows, seed, variants, best.</summary>
    public JsonObject ToJson() => new()
    {
        ["kind"] = Kind,
        ["version"] = Version,
        ["job"] = Plan.JobFile,
        ["model"] = Plan.Job.Model,
        ["deployment"] = Plan.Deployment,
        ["grader"] = Plan.Grader.Name,
        ["rows"] = Plan.Rows.Count,
        ["validationRows"] = Plan.ValidationRows,
        ["seed"] = Plan.Seed,
        ["createdAt"] = CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["cachedAnswers"] = CachedAnswers,
        ["variants"] = new JsonArray(Variants.Select(v => (JsonNode?)VariantJson(v)).ToArray()),
        ["best"] = Best.Name,
    };

    private static JsonObject VariantJson(VariantResult v) => new()
    {
        ["name"] = v.Name,
        ["prompt"] = v.Prompt,
        ["mean"] = Round(v.Summary.Mean),
        ["stdev"] = Round(v.Summary.Std),
        ["count"] = v.Summary.Scored,
        ["passRate"] = Round(v.Summary.PassShare),
        ["failureShare"] = Round(v.FailureShare),
        ["band"] = v.Band,
        ["histogram"] = new JsonArray(v.Summary.Histogram.Select(b => (JsonNode?)b.Count).ToArray()),
        ["histogramEdges"] = new JsonArray(v.Summary.Histogram.Select(b => (JsonNode?)b.Low).Append(v.Summary.Histogram[^1].High).ToArray()),
        ["subGraders"] = new JsonObject(v.Summary.SubGraderMeans.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)Round(s.Value)))),
        ["errors"] = new JsonObject(v.Summary.ErrorCounts.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
        ["tokens"] = new JsonObject { ["input"] = v.Tokens.Input, ["output"] = v.Tokens.Output, ["reasoning"] = v.Tokens.Reasoning },
        ["costUsd"] = v.Tokens.CostUsd is { } c ? Math.Round(c, 6) : null,
    };

    private static double Round(double value) => Math.Round(value, 6);
}
