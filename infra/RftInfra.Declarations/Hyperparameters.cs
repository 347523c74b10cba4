using System.Globalization;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;

namespace RftInfra.Declarations;

public enum HyperparameterKind
{
    /// <summary>An integer, or "auto".</summary>
    Integer,

    /// <summary>A number, or "auto".</summary>
    Number,

    /// <summary>One of <see cref="Hyperparameter.Values"/> (no "auto").</summary>
    Choice,
}

/// <summary>
/// One RFT hyperparameter (docs/service.md §2.3), written once: the job file's field shape, the schema in
/// schemas/job.schema.json, the validator's range check (RFT208), the emulator's 400 and the request body's
/// <c>method.reinforcement.hyperparameters</c> are all derived from it. <see cref="RangeSource"/> says where the
/// bounds come from, so a changed service page is a one-line change here.
/// </summary>
public sealed record Hyperparameter(
    string Name,
    HyperparameterKind Kind,
    string Description,
    string RangeSource,
    double? Min = null,
    double? MinExclusive = null,
    double? Max = null,
    IReadOnlyList<string>? Values = null)
{
    public bool AllowsAuto => Kind != HyperparameterKind.Choice;

    /// <summary>The field of the job file's <c>hyperparameters</c> object (type only; ranges are <see cref="Problem"/>).</summary>
    public FieldSpec Field => new(Name, Kind switch
        {
            HyperparameterKind.Integer => FieldKind.IntegerOrAuto,
            HyperparameterKind.Number => FieldKind.NumberOrAuto,
            _ => FieldKind.String,
        },
        Description: Description, Values: Values, Minimum: Min, ExclusiveMinimum: MinExclusive, Maximum: Max);

    /// <summary>
    /// What is wrong with a value of the right JSON type, as one sentence (RFT208's message, the emulator's 400);
    /// null when the value is fine, "auto", or of the wrong type (the field shape check reports that).
    /// </summary>
    public string? Problem(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        if (Values is { } values)
        {
            return Shape.AsString(value) is { } text && !values.Contains(text)
                ? $"'{text}' is not one of {string.Join(", ", values)}."
                  + (text == "auto" ? " Did you mean 'default'?" : Text.EditDistance.DidYouMean(text, values))
                : null;
        }

        if (Shape.AsNumber(value) is not { } number)
        {
            return null;
        }

        var shown = Show(number);
        if (Min is { } min && number < min)
        {
            return $"{shown} is below the minimum {Show(min)}{RangeText}.";
        }

        if (MinExclusive is { } above && number <= above)
        {
            return $"{shown} must be greater than {Show(above)}.";
        }

        return Max is { } max && number > max ? $"{shown} is above the maximum {Show(max)}{RangeText}." : null;
    }

    /// <summary>The allowed values in words, e.g. <c>"auto" or an integer from 1 to 25</c>.</summary>
    public string Allowed => Values is { } values
        ? "one of " + string.Join(", ", values)
        : "\"auto\" or " + (Kind == HyperparameterKind.Integer ? "an integer" : "a number")
          + (Min, MinExclusive, Max) switch
          {
              ({ } lo, _, { } hi) => $" from {Show(lo)} to {Show(hi)}",
              ({ } lo, _, null) => $" of at least {Show(lo)}",
              (null, { } lo, { } hi) => $" greater than {Show(lo)} and at most {Show(hi)}",
              (null, { } lo, null) => $" greater than {Show(lo)}",
              (null, null, { } hi) => $" of at most {Show(hi)}",
              _ => "",
          };

    private string RangeText => Min is { } min && Max is { } max ? $" (range {Show(min)}–{Show(max)}, or \"auto\")" : "";

    private static string Show(double d) => d.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Every hyperparameter the kit accepts, in the order of the docs, the schema and the request body.</summary>
public static class Hyperparameters
{
    /// <summary>The most epochs a reinforcement fine-tuning job takes (the service enforces it; the catalog's pages do not say).</summary>
    public const int MaxEpochs = 50;

    private const string LearnMay2025 = "Learn RFT page, May 2025 (docs/service.md §2.3; unconfirmed today)";

    public static readonly IReadOnlyList<Hyperparameter> All =
    [
        new("n_epochs", HyperparameterKind.Integer, "Passes over the training data. Default \"auto\".",
            "min: Azure v1 spec; max: the most epochs the service takes for RFT (MaxEpochs)",
            Min: 1, Max: MaxEpochs),
        new("batch_size", HyperparameterKind.Integer, "Examples per step. Default \"auto\".", "Azure v1 spec (no upper bound documented)", Min: 1),
        new("learning_rate_multiplier", HyperparameterKind.Number, "Scales the base learning rate. Default \"auto\".",
            "Azure v1 spec (positive; no upper bound documented)", MinExclusive: 0),
        new("eval_interval", HyperparameterKind.Integer, "Training steps between validation evaluations. Default \"auto\".", LearnMay2025, Min: 1, Max: 25),
        new("eval_samples", HyperparameterKind.Integer, "Samples per validation item. Default \"auto\".", LearnMay2025, Min: 1, Max: 10),
        new("compute_multiplier", HyperparameterKind.Number, "Exploration compute. Default \"auto\".", LearnMay2025, Min: 0.5, Max: 3.0),
        new("reasoning_effort", HyperparameterKind.Choice, "Reasoning effort while sampling.", "Azure v1 spec, Learn RFT page",
            Values: ["default", "low", "medium", "high"]),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(h => h.Name).ToList();

    public static Hyperparameter? Find(string name) => All.FirstOrDefault(h => h.Name == name);

    /// <summary>The fields of a job file's <c>hyperparameters</c> object.</summary>
    public static IReadOnlyList<FieldSpec> Fields { get; } = All.Select(h => h.Field).ToList();
}
