using System.Globalization;
using RftInfra.Core.Graders.Evaluation;
using ScottPlot;

namespace RftInfra.Cli.Commands;

/// <summary>Writes the reward histogram of `rft grade --plot` as a PNG (ScottPlot, rendered headless by SkiaSharp).</summary>
public static class GradePlot
{
    public static void Write(string path, string title, RewardSummary summary)
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

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 900, 500);
    }
}
