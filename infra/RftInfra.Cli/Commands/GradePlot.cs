using System.Globalization;
using RftInfra.Graders.Evaluation;
using ScottPlot;

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
        var plot = new Plot();
        var width = summary.Histogram[0].High - summary.Histogram[0].Low;
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
        plot.Axes.SetLimitsX(summary.ScaleMin, summary.ScaleMax + (width <= 0 ? 1 : 0));

        var mean = plot.Add.VerticalLine(summary.Mean);
        mean.LineWidth = 2;
        mean.LinePattern = LinePattern.Dashed;
        mean.Color = Colors.OrangeRed;
        mean.LegendText = $"mean {summary.Mean.ToString("0.###", CultureInfo.InvariantCulture)}";
        plot.ShowLegend(Alignment.UpperCenter);

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
