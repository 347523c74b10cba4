using System.CommandLine;
using System.Globalization;

namespace RftInfra.Cli.Commands;

/// <summary>
/// Range checks on numeric options, run by System.CommandLine at parse time: a value outside the range (NaN and
/// the infinities included) is a usage error, exit 2, naming the option and the range (docs/limits-grading.md).
/// </summary>
public static class OptionRanges
{
    /// <summary>`rft grade --python-timeout`: more than 0, at most an hour (the service allows 120 s).</summary>
    public const double PythonTimeoutMaxSeconds = 3600;

    /// <summary>`rft emulator --pace`: 0 (as fast as possible) to an hour per phase.</summary>
    public const double PaceMaxSeconds = 3600;

    /// <summary>Accepts <paramref name="min"/> &lt; value (or ≤ when <paramref name="minInclusive"/>) and value ≤ <paramref name="max"/>.</summary>
    public static Option<double> InRange(this Option<double> option, double min, double max, bool minInclusive, string unit)
    {
        option.Validators.Add(result =>
        {
            double value;
            try
            {
                value = result.GetValueOrDefault<double>();
            }
            catch (InvalidOperationException)
            {
                // Not a number at all ("inf", "abc", ""): the parser's own error would surface as an exception here.
                var given = string.Join(" ", result.Tokens.Select(t => t.Value));
                result.AddError($"{option.Name} '{given}' is not a number: give {unit} " +
                    $"{(minInclusive ? "from" : "greater than")} {F(min)} {(minInclusive ? "to" : "and at most")} {F(max)} (docs/limits-grading.md).");
                return;
            }

            if (!IsInRange(value, min, max, minInclusive))
            {
                result.AddError(OutOfRange(option.Name, value, min, max, minInclusive, unit));
            }
        });
        return option;
    }

    /// <summary>Written so that NaN is outside every range (each comparison with NaN is false).</summary>
    public static bool IsInRange(double value, double min, double max, bool minInclusive) =>
        (minInclusive ? value >= min : value > min) && value <= max;

    public static string OutOfRange(string option, double value, double min, double max, bool minInclusive, string unit) =>
        $"{option} {value.ToString(CultureInfo.InvariantCulture)} is out of range: give {unit} " +
        $"{(minInclusive ? "from" : "greater than")} {F(min)} {(minInclusive ? "to" : "and at most")} {F(max)} (docs/limits-grading.md).";

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
