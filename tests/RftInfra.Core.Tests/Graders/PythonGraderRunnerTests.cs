using System.Text.Json.Nodes;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

/// <summary>Real python3 processes (the interpreter on PATH, as `rft grade` uses).</summary>
public class PythonGraderRunnerTests
{
    private static readonly JsonObject Item = new() { ["reference_answer"] = "Paris" };

    private static async Task<GradeResult> Run(string source, string output = "paris", TimeSpan? timeout = null)
    {
        await using var runner = new PythonGraderRunner(timeout ?? TimeSpan.FromSeconds(20));
        Assert.True(runner.Interpreter is not null, PythonGraderRunner.MissingPythonMessage);
        return await runner.GradeAsync("py", source, GraderSample.FromText(output), Item);
    }

    [PythonFact]
    public async Task GoodGrader_ReturnsItsFloat()
    {
        var result = await Run("""
            def grade(sample, item):
                print("graders may print; it must not break the protocol")
                return 0.75 if sample["output_text"].lower() == item["reference_answer"].lower() else 0.1
            """);
        Assert.Equal(0.75, result.Reward);
        Assert.Empty(result.Errors);
    }

    [PythonFact]
    public async Task IntResult_IsAccepted()
    {
        Assert.Equal(1, (await Run("def grade(sample, item):\n    return 1\n")).Reward);
    }

    [PythonFact]
    public async Task Exception_ScoresZeroAsRuntimeErrorWithTraceback()
    {
        var result = await Run("def grade(sample, item):\n    return item['missing_key']\n");
        Assert.Equal(0, result.Reward);
        var error = Assert.Single(result.Errors);
        Assert.Equal(GraderErrorKinds.PythonRuntime, error.Kind);
        Assert.Contains("KeyError", error.Message);
        Assert.Contains("missing_key", error.Message);
    }

    [PythonTheory]
    [InlineData("'0.5'", "str")]
    [InlineData("None", "NoneType")]
    [InlineData("True", "bool")]
    [InlineData("[1.0]", "list")]
    public async Task NonFloat_ScoresZeroAsRuntimeError(string value, string typeName)
    {
        var result = await Run($"def grade(sample, item):\n    return {value}\n");
        Assert.Equal(0, result.Reward);
        var error = Assert.Single(result.Errors);
        Assert.Equal(GraderErrorKinds.PythonRuntime, error.Kind);
        Assert.Contains($"grade returned {typeName}", error.Message);
    }

    [PythonFact]
    public async Task Timeout_ScoresZeroAndTheNextCallStillWorks()
    {
        const string source = """
            import time
            def grade(sample, item):
                if sample["output_text"] == "slow":
                    time.sleep(30)
                return 1.0
            """;
        await using var runner = new PythonGraderRunner(TimeSpan.FromMilliseconds(1500));
        var slow = await runner.GradeAsync("py", source, GraderSample.FromText("slow"), Item);
        Assert.Equal(0, slow.Reward);
        Assert.Contains("did not return within 1.5 s", Assert.Single(slow.Errors).Message);

        var fast = await runner.GradeAsync("py", source, GraderSample.FromText("fast"), Item);
        Assert.Equal(1, fast.Reward);
    }

    [PythonFact]
    public async Task OneProcessServesManyRows()
    {
        const string source = """
            import os
            calls = []
            def grade(sample, item):
                calls.append(1)
                return float(len(calls))
            """;
        await using var runner = new PythonGraderRunner(TimeSpan.FromSeconds(20));
        var rewards = new List<double?>();
        for (var i = 0; i < 3; i++)
        {
            rewards.Add((await runner.GradeAsync("py", source, GraderSample.FromText("x"), Item)).Reward);
        }

        Assert.Equal([1, 2, 3], rewards);
    }

    [PythonFact]
    public async Task MissingGradeFunction_IsRuntimeErrorNamingIt()
    {
        var result = await Run("def score(sample, item):\n    return 1.0\n");
        Assert.Equal(0, result.Reward);
        Assert.Contains("does not define grade(sample, item)", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public async Task SourceOverLimit_IsRejectedWithoutRunning()
    {
        var source = "def grade(sample, item):\n    return 1.0\n#" + new string('x', PythonGraderRunner.MaxSourceBytes);
        var result = await Run(source);
        Assert.Equal(0, result.Reward);
        Assert.Contains("under 256 KB", Assert.Single(result.Errors).Message);
    }

    [PythonFact]
    public async Task SampleAndItem_ArriveAsDicts()
    {
        var result = await Run("""
            def grade(sample, item):
                assert isinstance(sample["choices"], list) and sample["output_tools"] == []
                return 1.0 if sample["output_json"]["city"] == item["reference_answer"] else 0.0
            """, """{"city": "Paris"}""");
        Assert.Equal(1, result.Reward);
    }

    private const string ConnectSource = """
        import socket
        def grade(sample, item):
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=2)
                return 1.0
            except OSError as e:
                raise RuntimeError("no connection: %s" % e)
        """;

    /// <summary>Whether `unshare -n` works on this machine (as root here: yes; unprivileged GitHub runners: no).</summary>
    private static bool UnshareWorks()
    {
        if (!OperatingSystem.IsLinux() || PythonGraderRunner.FindOnPath("unshare") is not { } unshare)
        {
            return false;
        }

        foreach (var flags in new[] { "-n", "-rn" })
        {
            using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(unshare, [flags, "true"])
            {
                RedirectStandardError = true,
            })!;
            probe.WaitForExit(5000);
            if (probe.HasExited && probe.ExitCode == 0)
            {
                return true;
            }
        }

        return false;
    }

    [PythonFact]
    public async Task NetworkIsUnavailableWhenIsolated()
    {
        await using var runner = new PythonGraderRunner(TimeSpan.FromSeconds(20));
        // Isolation is used exactly when the machine allows it, and the note says which case this is.
        Assert.Equal(UnshareWorks(), runner.Isolated);
        var result = await runner.GradeAsync("py", ConnectSource, GraderSample.FromText("x"), Item);
        if (runner.Isolated)
        {
            Assert.Equal(0, result.Reward);
            Assert.Contains("RuntimeError: no connection: [Errno 101] Network is unreachable", Assert.Single(result.Errors).Message);
            Assert.Equal("python graders run without network and in their own PID namespace (unshare -n -p), like the service's sandbox", runner.IsolationNote);
        }
        else
        {
            Assert.Equal(PythonSandbox.NotIsolatedNote, runner.IsolationNote);
            Assert.StartsWith("network not isolated: ", runner.IsolationNote);
        }
    }

    [PythonFact]
    public async Task WithoutIsolation_TheNoteSaysNetworkNotIsolated()
    {
        await using var runner = new PythonGraderRunner(TimeSpan.FromSeconds(20), isolate: false);
        Assert.False(runner.Isolated);
        Assert.Equal(
            "network not isolated: python graders run with network access because unshare -n does not work here " +
            "(no privileges or user namespaces), so the service's no-network sandbox is not reproduced",
            runner.IsolationNote);
        Assert.Equal(1, (await runner.GradeAsync("py", "def grade(sample, item):\n    return 1.0\n", GraderSample.FromText("x"), Item)).Reward);
    }

    [Fact]
    public async Task MissingInterpreter_IsNotScoredWithInstallHint()
    {
        await using var runner = new PythonGraderRunner(TimeSpan.FromSeconds(5), "/nonexistent/python3");
        var result = await runner.GradeAsync("py", "def grade(s, i):\n    return 1.0\n", GraderSample.FromText("x"), Item);
        Assert.Null(result.Reward);
        Assert.Equal(PythonGraderRunner.MissingPythonMessage, result.NotScoredReason);
        Assert.Contains("apt-get install python3", result.NotScoredReason);
    }

    [PythonFact]
    public async Task Engine_RunsPythonGraders()
    {
        var grader = GraderJson.Parse("""{"type": "python", "name": "py", "source": "def grade(sample, item):\n    return 0.25\n"}""");
        await using var engine = new GraderEngine(new GraderEngineOptions { PythonTimeout = TimeSpan.FromSeconds(20) });
        Assert.Equal(0.25, (await engine.GradeAsync(grader, Item, GraderSample.FromText("x"))).Reward);
    }
}
