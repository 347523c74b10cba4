using RftInfra.Cli.Commands;
using RftInfra.Graders.Evaluation;
using ScottPlot;
using ScottPlot.Panels;
using ScottPlot.Plottables;

namespace RftInfra.Core.Tests.Graders;

/// <summary>The reward histogram of `rft grade --plot`: whole-count axis, legend beside the plot, threshold and failures drawn.</summary>
public sealed class GradePlotTests
{
    [Fact]
    public void Build_FewRows_HasOnlyWholeCountTicksOnTheRowsAxis()
    {
        // Two rows in the tallest bar: the default generator would step 0, 0.5, 1, 1.5, 2.
        var plot = GradePlot.Build("t", Summary([1, 0, 0, 0, 0, 0, 0, 0, 0, 2], mean: 0.6, threshold: 0.5, passShare: 2.0 / 3));
        plot.GetImageBytes(900, 500, ImageFormat.Png);

        var ticks = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToList();
        Assert.True(ticks.Count >= 2, $"only {ticks.Count} ticks");
        Assert.All(ticks, t => Assert.Equal(Math.Round(t), t));
        Assert.Contains(2.0, ticks);
        Assert.All(plot.Axes.Left.TickGenerator.Ticks, t => Assert.Equal(Math.Round(t.Position), t.Position)); // minor ticks too
    }

    [Fact]
    public void Build_PutsTheLegendBelowThePlot_NotOverTheMeanLine()
    {
        var plot = GradePlot.Build("t", Summary([0, 0, 0, 0, 0, 5, 0, 0, 0, 0], mean: 0.55, threshold: 0.5, passShare: 1));

        var legend = Assert.Single(plot.Axes.GetPanels().OfType<LegendPanel>());
        Assert.Equal(Edge.Bottom, legend.Edge);
        Assert.False(plot.Legend.IsVisible); // no legend box inside the data area, where the lines are
    }

    [Fact]
    public void Build_DrawsThePassThresholdAndShadesTheFailuresWithTheirShare()
    {
        var plot = GradePlot.Build("t", Summary([2, 0, 0, 0, 0, 0, 0, 0, 0, 3], mean: 0.6, threshold: 0.7, passShare: 0.6));

        var lines = plot.GetPlottables().OfType<VerticalLine>().ToList();
        var threshold = Assert.Single(lines, l => l.X == 0.7);
        Assert.Equal("pass threshold 0.7 (pass_threshold)", threshold.LegendText);
        Assert.Equal("mean 0.6", Assert.Single(lines, l => l.X == 0.6).LegendText);
        var failing = Assert.Single(plot.GetPlottables().OfType<HorizontalSpan>());
        Assert.Equal((0.0, 0.7), (failing.X1, failing.X2));
        Assert.Equal("fail (< 0.7): 40 % of 5 rows", failing.LegendText);
    }

    [Fact]
    public void Build_ThresholdAtTheBottomOfTheScale_ShadesNothing()
    {
        var plot = GradePlot.Build("t", Summary([0, 0, 0, 0, 0, 0, 0, 0, 0, 3], mean: 1, threshold: 0, passShare: 1));

        Assert.Empty(plot.GetPlottables().OfType<HorizontalSpan>());
        Assert.Single(plot.GetPlottables().OfType<VerticalLine>(), l => l.X == 0);
    }

    [Fact]
    public void Write_RendersAPng()
    {
        var path = Path.Combine(Path.GetTempPath(), "rft-plot-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            Assert.Null(GradePlot.Write(path, "t", Summary([1, 0, 0, 0, 0, 0, 0, 0, 0, 1], mean: 0.5, threshold: 0.5, passShare: 0.5)));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static RewardSummary Summary(int[] counts, double mean, double threshold, double passShare) => new(
        Count: counts.Sum(), Scored: counts.Sum(), Mean: mean, Std: 0, Min: 0, Max: 1, ScaleMin: 0, ScaleMax: 1,
        PassThreshold: threshold, PassRule: "pass_threshold", ZeroShare: 0, MaxShare: 0, PassShare: passShare,
        Histogram: counts.Select((c, i) => new HistogramBin(i / 10.0, (i + 1) / 10.0, c)).ToList(),
        SubGraderMeans: [], ErrorCounts: [], NotScoredReasons: [], Warnings: []);
}
