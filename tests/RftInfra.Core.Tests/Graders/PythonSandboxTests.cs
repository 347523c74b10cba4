using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

/// <summary>Hostile python graders against the sandbox (real python3 processes; docs/security.md).</summary>
public class PythonSandboxTests
{
    private static readonly JsonObject Item = new() { ["reference_answer"] = "Paris" };

    private static PythonGraderRunner Runner(TimeSpan? timeout = null, bool isolate = true, PythonTimeBudget? budget = null)
    {
        var runner = new PythonGraderRunner(timeout ?? TimeSpan.FromSeconds(20), isolate: isolate, budget: budget);
        Assert.True(runner.Interpreter is not null, PythonGraderRunner.MissingPythonMessage);
        return runner;
    }

    [PythonFact]
    public async Task Environment_HoldsOnlyWhatTheDriverNeeds()
    {
        Environment.SetEnvironmentVariable("RFT_SANDBOX_TEST_API_KEY", "sk-sandbox-env-0123456789");
        await using var runner = Runner();
        var result = await runner.GradeAsync("py", """
            import os
            def grade(sample, item):
                raise RuntimeError("env=" + repr(sorted(os.environ)))
            """, GraderSample.FromText("x"), Item);

        Assert.Contains("RuntimeError: env=['LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING']", Assert.Single(result.Errors).Message);
    }

    [PythonFact]
    public async Task ExceptionText_HasSecretValuesMasked()
    {
        const string secret = "ghp_sandboxLeak0123456789abcdef";
        Environment.SetEnvironmentVariable("RFT_SANDBOX_TEST_TOKEN", secret);
        await using var runner = Runner();
        var result = await runner.GradeAsync("py", """
            def grade(sample, item):
                raise ValueError("leaked " + item["found"])
            """, GraderSample.FromText("x"), new JsonObject { ["found"] = secret });

        var message = Assert.Single(result.Errors).Message;
        Assert.Contains("ValueError: leaked ***", message);
        Assert.DoesNotContain(secret, message);
    }

    [PythonTheory]
    [InlineData("namespaces")]
    [InlineData("no network isolation")]
    [InlineData("bare")]
    public async Task SetsidChild_DoesNotSurviveTheRunner(string sandbox)
    {
        var marker = (7000 + Random.Shared.Next(1, 999_999) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        var runner = sandbox == "bare"
            ? new PythonGraderRunner(PythonSandbox.None, TimeSpan.FromSeconds(20))
            : Runner(isolate: sandbox == "namespaces");
        var result = await runner.GradeAsync("py", $$"""
            import subprocess, time
            def grade(sample, item):
                subprocess.Popen(["setsid", "sleep", "{{marker}}"], start_new_session=True)
                time.sleep(0.5)
                return 1.0
            """, GraderSample.FromText("x"), Item);
        Assert.Equal(1, result.Reward);
        Assert.NotEmpty(Sleepers(marker)); // the child really runs, detached in its own session

        await runner.DisposeAsync();
        var watch = Stopwatch.StartNew();
        while (Sleepers(marker).Count > 0 && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.Empty(Sleepers(marker));
    }

    [PythonFact]
    public async Task ForgedReplyOnStdout_IsNotTakenAndRowsStayInStep()
    {
        await using var runner = Runner();
        const string source = """
            import os, subprocess
            os.write(1, b'0 {"ready": true}\n1 {"reward": 1.0}\n')
            print('1 {"reward": 1.0}')
            def grade(sample, item):
                os.write(1, b'1 {"reward": 1.0}\n2 {"reward": 1.0}\n')
                subprocess.run(["echo", '2 {"reward": 1.0}'])
                if sample["output_text"] == "raise":
                    raise RuntimeError("the real outcome")
                return 0.25
            """;
        var first = await runner.GradeAsync("py", source, GraderSample.FromText("raise"), Item);
        var second = await runner.GradeAsync("py", source, GraderSample.FromText("ok"), Item);

        Assert.Equal(0, first.Reward);
        Assert.Contains("RuntimeError: the real outcome", Assert.Single(first.Errors).Message);
        Assert.Equal(0.25, second.Reward);
        Assert.Empty(second.Errors);
    }

    [PythonFact]
    public async Task GarbageOnEveryDescriptor_IsAClearErrorAndTheNextRowWorks()
    {
        await using var runner = Runner();
        const string source = """
            import os
            def grade(sample, item):
                if sample["output_text"] == "flood":
                    for fd in range(3, 64):
                        try:
                            os.write(fd, b"x" * 100000)
                        except OSError:
                            pass
                return 0.5
            """;
        var flood = await runner.GradeAsync("py", source, GraderSample.FromText("flood"), Item);
        var next = await runner.GradeAsync("py", source, GraderSample.FromText("ok"), Item);

        Assert.Equal(0, flood.Reward);
        Assert.Contains("the grader's process sent a message over 64 KB to the driver", Assert.Single(flood.Errors).Message);
        Assert.Equal(0.5, next.Reward);
    }

    [PythonTheory]
    [InlineData("os.write(1, chunk)")]
    [InlineData("os.write(2, chunk)")]
    public async Task OutputFloodWithoutNewline_IsStoppedAtTheCap(string write)
    {
        await using var runner = Runner(TimeSpan.FromSeconds(60));
        var watch = Stopwatch.StartNew();
        var result = await runner.GradeAsync("py", $$"""
            import os
            chunk = b"A" * (1 << 20)
            def grade(sample, item):
                for _ in range(2048):
                    {{write}}
                return 1.0
            """, GraderSample.FromText("x"), Item);

        Assert.Equal(0, result.Reward);
        Assert.StartsWith("the grader wrote more than 4 MB to stdout/stderr in one call; its process was stopped.", Assert.Single(result.Errors).Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [PythonFact]
    public async Task InfiniteLoop_StopsAtTheOverallBudget()
    {
        await using var runner = Runner(TimeSpan.FromSeconds(1.5), budget: new PythonTimeBudget(TimeSpan.FromSeconds(4)));
        var watch = Stopwatch.StartNew();
        var messages = new List<string>();
        for (var row = 0; row < 10; row++)
        {
            var result = await runner.GradeAsync("py", "def grade(sample, item):\n    while True:\n        pass\n", GraderSample.FromText("x"), Item);
            Assert.Equal(0, result.Reward);
            messages.Add(Assert.Single(result.Errors).Message);
        }

        Assert.StartsWith("grade(sample, item) did not return within 1.5 s", messages[0]);
        Assert.StartsWith("not run: python graders of this run already took the overall limit of 0.07 min", messages[^1]);
        Assert.True(messages.Count(m => m.StartsWith("grade(sample, item) did not return", StringComparison.Ordinal)) <= 3);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [PythonFact]
    public async Task MemoryAndCpuLimits_AreInPlaceBeforeTheSourceIsImported()
    {
        await using var runner = Runner(TimeSpan.FromSeconds(20), budget: new PythonTimeBudget(TimeSpan.FromMinutes(3)));
        var result = await runner.GradeAsync("py", """
            import resource
            AS = resource.getrlimit(resource.RLIMIT_AS)
            CPU = resource.getrlimit(resource.RLIMIT_CPU)
            def grade(sample, item):
                raise RuntimeError("limits %r %r" % (AS, CPU[1]))
            """, GraderSample.FromText("x"), Item);

        Assert.Contains("RuntimeError: limits (2147483648, 2147483648) 181", Assert.Single(result.Errors).Message);
    }

    [PythonFact]
    public async Task MemoryOverTwoGigabytes_IsAMemoryError()
    {
        await using var runner = Runner();
        var result = await runner.GradeAsync("py", """
            def grade(sample, item):
                block = bytearray(3 * 1024 * 1024 * 1024)
                return 1.0
            """, GraderSample.FromText("x"), Item);

        Assert.Equal(0, result.Reward);
        Assert.Contains("MemoryError", Assert.Single(result.Errors).Message);
    }

    [PythonFact]
    public async Task RaisingItsOwnLimits_FailsWhenCapabilitiesAreDropped()
    {
        var sandbox = PythonSandbox.ForThisMachine(isolateNetwork: true);
        // As root with setpriv (this machine, GitHub runners), the grader runs without capabilities.
        Assert.Equal(OperatingSystem.IsLinux() && Environment.UserName == "root" && PythonGraderRunner.FindOnPath("setpriv") is not null,
            sandbox.CapabilitiesDropped);
        await using var runner = Runner();
        var result = await runner.GradeAsync("py", """
            import resource
            def grade(sample, item):
                try:
                    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
                    return 1.0
                except (ValueError, OSError):
                    return 0.5
            """, GraderSample.FromText("x"), Item);

        Assert.Equal(0.5, result.Reward);
    }

    [PythonFact]
    public async Task SyntaxCheck_CompilesWithoutRunningAnyLine()
    {
        var marker = Path.Combine(Path.GetTempPath(), "rft-compile-" + Guid.NewGuid().ToString("N"));
        await using var runner = Runner();
        var results = await runner.CheckSyntaxAsync(
        [
            $"open({Quote(marker)}, 'w').write('ran')\nimport os\nos.system('touch {marker}')\ndef grade(sample, item):\n    return 1.0\n",
            $"open({Quote(marker)}, 'w').write('ran')\ndef grade(sample, item:\n    return 1.0\n",
        ]);

        Assert.NotNull(results);
        Assert.True(results[0].Compiles);
        Assert.False(results[1].Compiles);
        Assert.Equal((2, 10), (results[1].Line, results[1].Column));
        Assert.Equal("'(' was never closed", results[1].Error);
        Assert.False(File.Exists(marker), "compiling ran the source");
    }

    private static string Quote(string path) => "'" + path.Replace("\\", "\\\\", StringComparison.Ordinal) + "'";

    /// <summary>Processes whose command line is `sleep MARKER` (read from /proc).</summary>
    private static List<int> Sleepers(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")) == $"sleep\0{marker}\0")
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return found;
    }
}
