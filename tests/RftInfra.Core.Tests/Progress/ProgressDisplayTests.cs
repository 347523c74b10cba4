using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RftInfra.Cli;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;
using RftInfra.Progress;
using RftInfra.Datasets;

namespace RftInfra.Core.Tests.Progress;

/// <summary>The CLI's status line for long work, and the libraries' reports that feed it.</summary>
public sealed class ProgressDisplayTests
{
    [Fact]
    public void Disabled_WritesNothingAtAll()
    {
        var error = new StringWriter();
        using (var display = new ProgressDisplay(error, enabled: false, new FakeTimeProvider()))
        {
            for (var i = 0; i <= 100; i++)
            {
                display.Report(new("grading data/train.jsonl", i, 100, "rows"));
            }
        }

        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void For_IsOnOnlyWhenStderrIsATerminal()
    {
        var io = new IOContext(new StringReader(""), new StringWriter(), new StringWriter());
        Assert.False(ProgressDisplay.For(io).IsEnabled);
        Assert.True(ProgressDisplay.For(io with { IsErrorTerminal = true }).IsEnabled);
    }

    [Fact]
    public void Render_ShowsBarCountShareAndElapsedTime()
    {
        Assert.Equal("grading data/train.jsonl █████░░░░░░░░░░░░░░░ 5/20 rows (25 %)  3 s",
            ProgressDisplay.Render(new("grading data/train.jsonl", 5, 20, "rows"), TimeSpan.FromSeconds(3.7)));
        Assert.Equal("checking data/big.jsonl: 1,234,567 lines  61 s",
            ProgressDisplay.Render(new("checking data/big.jsonl", 1_234_567, null, "lines"), TimeSpan.FromSeconds(61)));
    }

    [Fact]
    public void Render_EscapesTheActivityAndKeepsItsEnd()
    {
        var line = ProgressDisplay.Render(new("checking \u001b[2J" + new string('d', 80) + "/train.jsonl", 1, null, "lines"), TimeSpan.Zero);
        Assert.DoesNotContain('\u001b', line);
        Assert.StartsWith("…", line, StringComparison.Ordinal);
        Assert.Contains("dddd/train.jsonl: 1 lines  0 s", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_RedrawsAtMostTenTimesASecond_AlwaysTheLast_AndDisposeErasesTheLine()
    {
        var time = new FakeTimeProvider();
        var error = new StringWriter();
        var display = new ProgressDisplay(error, enabled: true, time);

        display.Report(new("grading x", 0, 3, "rows"));
        time.Advance(TimeSpan.FromMilliseconds(10));
        display.Report(new("grading x", 1, 3, "rows")); // too soon: dropped
        time.Advance(ProgressDisplay.RedrawInterval);
        display.Report(new("grading x", 2, 3, "rows"));
        display.Report(new("grading x", 3, 3, "rows")); // complete: drawn however soon
        var drawn = error.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Equal(
            [
                "grading x ░░░░░░░░░░░░░░░░░░░░ 0/3 rows (0 %)  0 s",
                "grading x █████████████░░░░░░░ 2/3 rows (67 %)  0 s",
                "grading x ████████████████████ 3/3 rows (100 %)  0 s",
            ],
            drawn);

        var before = error.ToString().Length;
        display.Dispose();
        var erase = error.ToString()[before..];
        Assert.Equal("\r" + new string(' ', drawn[^1].Length) + "\r", erase);
    }

    [Fact]
    public void WaitingBetweenReports_RedrawsEverySecondSoTheElapsedTimeMoves()
    {
        var time = new FakeTimeProvider();
        var error = new StringWriter();
        using var display = new ProgressDisplay(error, enabled: true, time);

        display.Report(new("grading x", 0, 2, "rows"));
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));

        var drawn = error.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Equal(["0 s", "1 s", "2 s"], drawn.Select(l => l[^3..]));
    }

    [Fact]
    public async Task GradeBatch_ReportsEveryRowOfTheBatch()
    {
        var grader = GraderJson.Parse("""{"type": "string_check", "name": "c", "input": "{{sample.output_text}}", "reference": "{{item.r}}", "operation": "eq"}""");
        var items = Enumerable.Range(0, 3).Select(_ => new JsonObject { ["r"] = "Paris" }).ToList();
        var samples = items.Select(_ => GraderSample.FromText("Paris")).ToList();
        var reports = new Reports();
        await using var engine = new GraderEngine(new GraderEngineOptions());

        var batch = await GradeBatch.GradeAllAsync(engine, grader, items, samples, "grading d.jsonl", reports);

        Assert.Null(batch.FailedRow);
        Assert.Equal([1.0, 1.0, 1.0], batch.Results.Select(r => r.Reward));
        Assert.Equal([0L, 1, 2, 3], reports.Values.Select(v => v.Done));
        Assert.All(reports.Values, v => Assert.Equal(("grading d.jsonl", 3L, "rows"), (v.Activity, v.Total!.Value, v.Unit)));
        Assert.True(reports.Values[^1].IsComplete);
    }

    [Fact]
    public void DatasetScanner_ReportsLinesAsItStreams_AndTheTotalAtTheEnd()
    {
        var path = Path.Combine(Path.GetTempPath(), "rft-progress-" + Guid.NewGuid().ToString("N") + ".jsonl");
        const string Row = """{"messages": [{"role": "user", "content": "hi"}], "r": "x"}""";
        File.WriteAllLines(path, Enumerable.Repeat(Row, 10_000));
        try
        {
            var reports = new Reports();
            var report = DatasetScanner.Scan(new DatasetScanRequest(path, "data/big.jsonl", DatasetRole.Training, [], Progress: reports));

            Assert.Equal(10_000, report.RowCount);
            Assert.Equal([4096L, 8192, 10_000], reports.Values.Select(v => v.Done));
            Assert.Equal([null, null, 10_000L], reports.Values.Select(v => v.Total));
            Assert.All(reports.Values, v => Assert.Equal("checking data/big.jsonl", v.Activity));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Cli_WhenStderrIsNotATerminal_PrintsNoStatusLine()
    {
        var (_, stderr, exit) = await CliRunner.Rft("validate", "--root", RftInfra.Core.Tests.Validation.ValidationTestKit.RepoRoot);
        Assert.Equal(0, exit);
        Assert.DoesNotContain('\r', stderr);
        Assert.DoesNotContain("checking", stderr, StringComparison.Ordinal);
    }

    /// <summary>Keeps every report, synchronously (System.Progress would post them to the thread pool).</summary>
    private sealed class Reports : IProgress<WorkProgress>
    {
        public List<WorkProgress> Values { get; } = [];

        public void Report(WorkProgress value) => Values.Add(value);
    }
}
