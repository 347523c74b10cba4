using System.Globalization;
using RftInfra.Graders.Evaluation;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace RftInfra.Cli.Commands;

/// <summary>
/// Writes the reward histogram of `rft grade --plot` as a PNG (ScottPlot, rendered headless by SkiaSharp). No
/// directory is created and an unwritable target is one line of error, never a stack trace.
/// </summary>
public static class GradePlot
{
    /// <summary>Why the plot cannot go to <paramref name="path"/> (checked before grading), or null.</summary>
    public static string? TargetProblem(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return "is a directory; give a file name such as rewards.png.";
        }

        var directory = Path.GetDirectoryName(full);
        return directory is not null && !Directory.Exists(directory)
            ? $"the directory {directory} does not exist; create it first (rft grade creates no directories)."
            : null;
    }

    /// <summary>Renders and writes the PNG; returns why it could not be written (and leaves no partial file it created), or null.</summary>
    public static string? Write(string path, string title, RewardSummary summary)
    {
        var plot = Build(title, summary);
        var png = plot.GetImageBytes(900, 500, ImageFormat.Png);
        var existed = File.Exists(path);
        try
        {
            File.WriteAllBytes(path, png);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!existed)
            {
                TryDelete(path);
            }

            return $"cannot write the plot: {e.Message}";
        }
    }

    /// <summary>
    /// The histogram: bars of whole counts on a whole-count y-axis, the failing side of the pass threshold shaded
    /// with its share, the threshold and the mean as lines, and the legend beside the plot (never over a line).
    /// </summary>
    internal static Plot Build(string title, RewardSummary summary)
    {
        var plot = new Plot();
        var width = summary.Histogram[0].High - summary.Histogram[0].Low;
        var scaleMax = summary.ScaleMax + (width <= 0 ? 1 : 0);

        // Drawn first, so the bars stand on it.
        if (summary.PassThreshold > summary.ScaleMin)
        {
            var failing = plot.Add.HorizontalSpan(summary.ScaleMin, Math.Min(summary.PassThreshold, scaleMax), Colors.Red.WithAlpha(0.12));
            failing.LineWidth = 0;
            failing.LegendText = $"fail (< {F(summary.PassThreshold)}): {RewardSummary.Percent(1 - summary.PassShare)} of {summary.Scored} rows";
        }

        var bars = plot.Add.Bars(
            summary.Histogram.Select(b => (b.Low + b.High) / 2).ToArray(),
            summary.Histogram.Select(b => (double)b.Count).ToArray());
        foreach (var bar in bars.Bars)
        {
            bar.Size = width * 0.95;
            bar.Label = bar.Value > 0 ? bar.Value.ToString("0", CultureInfo.InvariantCulture) : "";
        }

        bars.ValueLabelStyle.FontSize = 14;
        plot.Title(title);
        plot.XLabel("reward");
        plot.YLabel("rows");
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(summary.ScaleMin, scaleMax);
        // Counts are whole: no 0.5 steps when the tallest bar is 1 or 2 rows.
        plot.Axes.Left.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true, MinorTickGenerator = new EvenlySpacedMinorTickGenerator(1) };
        plot.Axes.SetLimitsY(0, Math.Max(1, summary.Histogram.Max(b => b.Count)) * 1.15);

        var threshold = plot.Add.VerticalLine(summary.PassThreshold);
        threshold.LineWidth = 2;
        threshold.Color = Colors.SeaGreen;
        threshold.LegendText = $"pass threshold {F(summary.PassThreshold)} ({summary.PassRule})";

        var mean = plot.Add.VerticalLine(summary.Mean);
        mean.LineWidth = 2;
        mean.LinePattern = LinePattern.Dashed;
        mean.Color = Colors.OrangeRed;
        mean.LegendText = $"mean {F(summary.Mean)}";
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the write error is what gets reported.
        }
    }
}
