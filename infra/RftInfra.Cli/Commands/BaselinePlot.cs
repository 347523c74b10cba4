using System.Globalization;
using RftInfra.Validation.Baseline;
using ScottPlot;

namespace RftInfra.Cli.Commands;

/// <summary>
/// The PNG of `rft baseline --plot` (ScottPlot, as `rft grade --plot`): each variant's reward histogram as a group
/// of bars, with its mean in the legend.
/// </summary>
internal static class BaselinePlot
{
    public static string? Write(string path, BaselineResult result)
    {
        var plot = new Plot();
        var variants = result.Variants;
        var bins = variants[0].Summary.Histogram;
        var width = bins[0].High - bins[0].Low;
        var barWidth = width * 0.9 / variants.Count;
        var palette = new ScottPlot.Palettes.Category10();
        for (var v = 0; v < variants.Count; v++)
        {
            var summary = variants[v].Summary;
            var positions = summary.Histogram.Select(b => b.Low + (barWidth * (v + 0.5)) + (width * 0.05)).ToArray();
            var bars = plot.Add.Bars(positions, summary.Histogram.Select(b => (double)b.Count).ToArray());
            foreach (var bar in bars.Bars)
            {
                bar.Size = barWidth;
                bar.FillColor = palette.GetColor(v);
            }

            bars.LegendText = $"{variants[v].Name}: mean {summary.Mean.ToString("0.###", CultureInfo.InvariantCulture)}";
        }

        plot.Title($"baseline of {result.Plan.JobFile}: {result.Plan.Grader.Name} on {result.Plan.Rows.Count} rows");
        plot.XLabel("reward");
        plot.YLabel("rows");
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(variants[0].Summary.ScaleMin, variants[0].Summary.ScaleMax);
        plot.ShowLegend(Alignment.UpperCenter);
        var png = plot.GetImageBytes(900, 500, ImageFormat.Png);
        try
        {
            File.WriteAllBytes(path, png);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write the plot: {e.Message}";
        }
    }
}
