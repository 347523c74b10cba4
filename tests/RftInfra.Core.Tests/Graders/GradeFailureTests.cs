using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using RftInfra.Core.Tests.Emulator;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Graders;

/// <summary>
/// `rft grade` fails when it could not score: a model call that failed is not a reward of 0, and a run with no
/// scored row is not a success. Endpoint cases run the built rft in a child process, so the key is the child's own.
/// </summary>
public class GradeFailureTests
{
    private static string[] MathJudge(string endpoint) =>
    [
        "grade", "--root", RepoRoot, "--grader", "graders/math-judge.json", "--data", "data/math-valid.jsonl",
        "--sample-text", "Reasoning.\nAnswer: 42", "--endpoint", endpoint, "--deployment", "gpt-4.1-mini=judge-mini",
    ];

    [Fact]
    public async Task Endpoint_WrongKey_ExitsOneNamingTheEndpointAnd401()
    {
        await using var emulator = await TestEmulator.StartAsync();
        const string wrongKey = "wrong-key-5f3a9c";
        var endpoint = emulator.Server.BaseUrl.ToString();

        var run = await CliProcess.Rft(new Dictionary<string, string?> { ["AZURE_OPENAI_API_KEY"] = wrongKey },
            TimeSpan.FromSeconds(60), MathJudge(endpoint));

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.StartsWith($"rft grade: the grader model call to {endpoint} failed on row 1 (line 1) of data/math-valid.jsonl: " +
            "Grader model 'gpt-4.1-mini' (deployment 'judge-mini') failed with HTTP 401", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("No rewards were reported.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
        Assert.DoesNotContain(wrongKey, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Server.ApiKey, run.Stdout + run.Stderr, StringComparison.Ordinal);
        // It stopped at the first failed call instead of failing every row.
        Assert.Single(emulator.Server.Requests, r => r.Path.Contains("/chat/completions", StringComparison.Ordinal));
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.Elapsed.ToString());
    }

    [Fact]
    public async Task Endpoint_ClosedPort_ExitsOneSayingNoAnswer()
    {
        var endpoint = $"http://127.0.0.1:{ClosedPort()}/";

        var run = await CliProcess.Rft(new Dictionary<string, string?> { ["AZURE_OPENAI_API_KEY"] = "any-key-7d21" },
            TimeSpan.FromSeconds(90), MathJudge(endpoint));

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.StartsWith($"rft grade: the grader model call to {endpoint} failed on row 1 (line 1) of data/math-valid.jsonl: " +
            "Grader model 'gpt-4.1-mini' (deployment 'judge-mini') got no answer", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Connection refused", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, run.Stderr.TrimEnd().Split('\n').Length);
        Assert.DoesNotContain("any-key-7d21", run.Stderr, StringComparison.Ordinal);
        // Network errors are retried (3 tries with backoff): generous, but bounded.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(60), run.Elapsed.ToString());
    }

    [Fact]
    public async Task Check_WrongKey_IsAnErrorNotASkippedTest()
    {
        await using var emulator = await TestEmulator.StartAsync();
        const string wrongKey = "wrong-key-c0ffee";

        var run = await CliProcess.Rft(new Dictionary<string, string?> { ["AZURE_OPENAI_API_KEY"] = wrongKey }, TimeSpan.FromSeconds(60),
            "grade", "--check", "--root", RepoRoot, "--grader", "graders/math-judge.json", "--endpoint", emulator.Server.BaseUrl.ToString());

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Stdout}{run.Stderr}");
        Assert.Contains("error RFT605:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("the grader model call failed: Grader model 'gpt-4.1-mini' (deployment 'gpt-4.1-mini') failed with HTTP 401", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.Elapsed.ToString());
    }

    [Fact]
    public async Task NoEndpoint_NoRowScored_ExitsOneSayingWhy()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", RepoRoot, "--grader", "graders/math-judge.json",
            "--data", "data/math-valid.jsonl", "--sample-text", "Answer: 42", "--format", "json");

        Assert.Equal(1, exit);
        Assert.StartsWith("rft grade: no row of data/math-valid.jsonl could be scored (", stderr, StringComparison.Ordinal);
        Assert.Contains("rows: needs a model endpoint: math-judge asks gpt-4.1-mini for a score", stderr, StringComparison.Ordinal);
        // The report is still written (stdout carries only JSON), so the reason per row can be read.
        var summary = JsonNode.Parse(stdout)!["summary"]!;
        Assert.Equal(0, summary["scored"]!.GetValue<int>());
    }

    [Fact]
    public async Task RealZero_IsScoredAndExitsZero()
    {
        using var files = new GradeTestFiles();
        files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("data/train.jsonl", GradeTestFiles.CapitalData);

        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--sample-text", "Lyon", "--format", "json");

        Assert.True(exit == 0, stderr);
        var summary = JsonNode.Parse(stdout)!["summary"]!;
        Assert.Equal(4, summary["scored"]!.GetValue<int>());
        Assert.Equal(0, summary["mean"]!.GetValue<double>());
    }

    [Fact]
    public async Task Plot_MissingDirectory_ExitsTwoAndCreatesNothing()
    {
        using var files = new GradeTestFiles();
        files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("data/train.jsonl", GradeTestFiles.CapitalData);

        var (_, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--sample-text", "Paris", "--plot", "no/such/dir/x.png");

        Assert.Equal(2, exit);
        Assert.Equal($"rft grade: --plot 'no/such/dir/x.png': the directory {Path.Combine(files.Root, "no/such/dir")} does not exist; " +
            "create it first (rft grade creates no directories).", stderr.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(files.Root, "no")));
    }

    [Fact]
    public async Task Plot_AbsoluteMissingDirectory_ExitsTwo()
    {
        using var files = new GradeTestFiles();
        files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("data/train.jsonl", GradeTestFiles.CapitalData);

        var (_, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--sample-text", "Paris", "--plot", "/nonexistent-rft-dir/dir/x.png");

        Assert.Equal(2, exit);
        Assert.Contains("the directory /nonexistent-rft-dir/dir does not exist", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/nonexistent-rft-dir"));
    }

    [Fact]
    public async Task Plot_DevFull_ExitsTwoWithOneLine()
    {
        using var files = new GradeTestFiles();
        files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("data/train.jsonl", GradeTestFiles.CapitalData);

        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--sample-text", "Paris", "--plot", "/dev/full");

        Assert.Equal(2, exit);
        Assert.StartsWith("rft grade: --plot '/dev/full': cannot write the plot: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("4 rows, 4 scored", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plot_ADirectory_ExitsTwo()
    {
        using var files = new GradeTestFiles();
        files.Write("graders/capital.json", GradeTestFiles.CapitalGrader);
        files.Write("data/train.jsonl", GradeTestFiles.CapitalData);

        var (_, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/capital.json",
            "--data", "data/train.jsonl", "--sample-text", "Paris", "--plot", "data");

        Assert.Equal(2, exit);
        Assert.Equal("rft grade: --plot 'data': is a directory; give a file name such as rewards.png.", stderr.TrimEnd());
    }

    /// <summary>A loopback port with nothing listening: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
