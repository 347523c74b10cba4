using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Text;

namespace RftInfra.Graders.Evaluation;

/// <summary>
/// The time all python calls of a run may take together (an infinite loop costs one per-call limit per row
/// otherwise). Shared by the engines of one run (e.g. every grader of one `rft validate --run-python-tests`).
/// </summary>
public sealed class PythonTimeBudget(TimeSpan total)
{
    private long _usedTicks;

    public TimeSpan Total { get; } = total;

    public TimeSpan Remaining => Total - TimeSpan.FromTicks(Interlocked.Read(ref _usedTicks));

    public void Spend(TimeSpan spent) => Interlocked.Add(ref _usedTicks, spent.Ticks);
}

/// <summary>The outcome of compiling one python source: null error = it compiles.</summary>
public sealed record PythonSyntaxResult(string? Error, int? Line, int? Column)
{
    public bool Compiles => Error is null;
}

/// <summary>
/// Runs python graders' <c>grade(sample, item)</c> in local python3 processes, one process per grader source for
/// the runner's lifetime (a batch), rows sent as JSON lines (python_driver.py). Mirrors the service's sandbox
/// where a local machine can (docs/service.md §3.3, docs/security.md): source under 256 KB, 2 min per call (CPU and
/// wall clock), 2 GB of memory, an empty environment, no network and a PID namespace of its own when
/// <c>unshare</c> works here (otherwise the run says "network not isolated"), output read with a cap, an overall
/// time budget, and the failure semantics: an exception or a non-float result scores 0 as
/// <c>python_grader_runtime_error</c>. Text from the grader is scrubbed of known secret values.
/// </summary>
public sealed class PythonGraderRunner : IAsyncDisposable
{
    public const int MaxSourceBytes = 256 * 1024;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Environment variable naming the interpreter to use instead of python3 on PATH.</summary>
    public const string PythonVariable = "RFT_PYTHON";

    public const string MissingPythonMessage =
        "python3 was not found (on PATH, or where " + PythonVariable + " points), so python graders cannot run locally: install Python 3 (Debian/Ubuntu: " +
        "apt-get install python3; macOS: brew install python; Windows: winget install Python.Python.3) or set " +
        PythonVariable + " to an interpreter's path.";

    private static readonly Lazy<string> DriverScript = new(LoadDriver);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> RealExecutables = new(StringComparer.Ordinal);

    private readonly Dictionary<string, PythonWorker> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _loadErrors = new(StringComparer.Ordinal);
    private readonly PythonSandbox _sandbox;


    public PythonGraderRunner(
        TimeSpan? timeout = null, string? interpreter = null, bool isolate = true, PythonTimeBudget? budget = null, PythonLimits? limits = null)
    {
        Timeout = timeout ?? DefaultTimeout;
        Budget = budget ?? new PythonTimeBudget(DefaultTotalTimeout);
        Limits = limits ?? new PythonLimits();
        Interpreter = Resolve(interpreter ?? (Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } fromEnv ? fromEnv : "python3"));
        _sandbox = PythonSandbox.ForThisMachine(isolate);
        Isolated = Interpreter is not null && _sandbox.NetworkIsolated;
    }

    /// <summary>A runner with a given sandbox (tests: the bare fallback of machines without unshare and setpriv).</summary>
    internal PythonGraderRunner(PythonSandbox sandbox, TimeSpan timeout)
        : this(timeout, isolate: false)
    {
        _sandbox = sandbox;
        Isolated = Interpreter is not null && sandbox.NetworkIsolated;
    }

    public TimeSpan Timeout { get; }

    /// <summary>What all calls of this run may take together; once spent, further calls fail without running.</summary>
    public PythonTimeBudget Budget { get; }

    public PythonLimits Limits { get; }

    /// <summary>The python3 used, or null when none was found (every call then reports <see cref="MissingPythonMessage"/>).</summary>
    public string? Interpreter { get; }

    /// <summary>True when graders run without network and in their own PID namespace (<c>unshare -n -p</c>).</summary>
    public bool Isolated { get; }

    public string IsolationNote => _sandbox.Note;

    public async Task<GradeResult> GradeAsync(
        string graderName, string source, JsonObject sample, JsonObject item, CancellationToken cancellationToken = default)
    {
        if (Interpreter is null)
        {
            return GradeResult.NotScored(MissingPythonMessage);
        }

        var size = Encoding.UTF8.GetByteCount(source);
        if (size >= MaxSourceBytes)
        {
            return GradeResult.Failed(new GradeError(GraderErrorKinds.PythonServer, graderName,
                $"the source is {size / 1024.0:F0} KB; the service accepts python graders under 256 KB."));
        }

        if (_loadErrors.TryGetValue(source, out var loadError))
        {
            return RuntimeError(graderName, loadError);
        }

        if (BudgetSpent() is { } spent)
        {
            return RuntimeError(graderName, spent);
        }

        PythonWorker worker;
        try
        {
            worker = await GetWorkerAsync(source, cancellationToken);
        }
        catch (PythonBudgetException e)
        {
            return RuntimeError(graderName, e.Message);
        }
        catch (PythonWorkerException e)
        {
            _loadErrors[source] = e.Message;
            return RuntimeError(graderName, e.Message);
        }

        var request = new JsonObject { ["sample"] = sample.DeepClone(), ["item"] = item.DeepClone() };
        var (reply, failure) = await TimedCallAsync(worker, request.ToJsonString(), Timeout, cancellationToken);
        if (reply is null)
        {
            // Timed out or crashed: this process is gone; the next row starts a fresh one.
            _workers.Remove(source);
            await worker.DisposeAsync();
            return RuntimeError(graderName, failure!);
        }

        if (reply["reward"] is JsonValue reward && reward.TryGetValue(out double value))
        {
            return GradeResult.Score(value);
        }

        if (reply["crashed"] is JsonValue crashed)
        {
            _workers.Remove(source);
            var tail = worker.StderrTail();
            await worker.DisposeAsync();
            return RuntimeError(graderName, $"{crashed.GetValue<string>()} {tail}".TrimEnd());
        }

        return RuntimeError(graderName, (reply["error"] as JsonValue)?.GetValue<string>().TrimEnd() ?? reply.ToJsonString());
    }

    /// <summary>
    /// Compiles each source with python's <c>compile()</c> in the sandboxed driver: parsing and bytecode only — no
    /// import, no decorator, no line of the source runs. Null when python3 is missing or the driver fails.
    /// </summary>
    public async Task<IReadOnlyList<PythonSyntaxResult>?> CheckSyntaxAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken = default)
    {
        if (Interpreter is null)
        {
            return null;
        }

        var worker = PythonWorker.Start(Interpreter, _sandbox, DriverScript.Value, Limits);
        await using var _ = worker;
        var (ready, _) = await worker.CallAsync(Setup("compile", null), StartTimeout, cancellationToken);
        if (ready?["ready"] is null)
        {
            return null;
        }

        var results = new List<PythonSyntaxResult>();
        foreach (var source in sources)
        {
            var (reply, _) = await worker.CallAsync(new JsonObject { ["source"] = source }.ToJsonString(), StartTimeout, cancellationToken);
            if (reply is null)
            {
                return null;
            }

            results.Add(reply["syntax_error"] is JsonValue error
                ? new PythonSyntaxResult(SecretScrubber.Scrub(error.GetValue<string>()), Int(reply["line"]), Int(reply["column"]))
                : new PythonSyntaxResult(null, null, null));
        }

        return results;

        static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue(out int i) ? i : null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync();
        }

        _workers.Clear();
    }

    private static GradeResult RuntimeError(string grader, string details) =>
        GradeResult.Failed(new GradeError(GraderErrorKinds.PythonRuntime, grader, SecretScrubber.Scrub(details)));

    private static readonly TimeSpan BudgetSlack = TimeSpan.FromMilliseconds(250);

    private string? BudgetSpent() => Budget.Remaining > TimeSpan.Zero
        ? null
        : $"not run: python graders of this run already took the overall limit of {Budget.Total.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture)} min " +
          "(each call may take 2 min; a grader that hangs would otherwise cost that on every row). Fix the slow grader and run again.";

    /// <summary>A call limited by the per-call timeout and what is left of the run's budget; the time is spent from the budget.</summary>
    private async Task<(JsonObject? Reply, string? Failure)> TimedCallAsync(
        PythonWorker worker, string line, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var remaining = Budget.Remaining;
        var watch = Stopwatch.StartNew();
        var (reply, failure) = await worker.CallAsync(line, remaining < timeout ? remaining : timeout, cancellationToken);
        Budget.Spend(watch.Elapsed);
        // The budget's remainder, not the per-call limit, cut this call short. The worker's own timer may end a hair
        // before ours: within that slack the run's time is up all the same (seen as a flaky "did not load" on CI).
        if (reply is null && remaining < timeout && watch.Elapsed >= remaining - BudgetSlack)
        {
            Budget.Spend(Budget.Remaining > TimeSpan.Zero ? Budget.Remaining : TimeSpan.Zero);
            failure = BudgetSpent() ?? failure;
        }

        return (reply, failure);
    }

    private string Setup(string mode, string? source)
    {
        var callSeconds = (long)Math.Ceiling(Math.Min(Timeout.TotalSeconds, 1e6));
        var totalSeconds = (long)Math.Ceiling(Math.Min(Budget.Total.TotalSeconds, 1e7)) + 1;
        var setup = new JsonObject
        {
            ["mode"] = mode,
            ["limits"] = new JsonObject
            {
                ["memory"] = Limits.MemoryBytes,
                ["file"] = Limits.FileBytes,
                ["cpu_call"] = Math.Max(1, callSeconds),
                ["cpu_total"] = Math.Max(2, totalSeconds),
            },
        };
        if (source is not null)
        {
            setup["source"] = source;
        }

        return setup.ToJsonString();
    }

    private async Task<PythonWorker> GetWorkerAsync(string source, CancellationToken cancellationToken)
    {
        if (_workers.TryGetValue(source, out var existing))
        {
            return existing;
        }

        var worker = PythonWorker.Start(Interpreter!, _sandbox, DriverScript.Value, Limits);
        // Starting the interpreter and loading the source is not part of the per-call limit (but of the budget).
        var (reply, failure) = await TimedCallAsync(worker, Setup("grade", source), Timeout > StartTimeout ? Timeout : StartTimeout, cancellationToken);
        if (reply is null && BudgetSpent() is { } spent)
        {
            await worker.DisposeAsync();
            throw new PythonBudgetException(spent);
        }

        if (reply is null || reply["load_error"] is not null)
        {
            var tail = worker.StderrTail();
            await worker.DisposeAsync();
            var details = reply?["load_error"]?.GetValue<string>().TrimEnd() ?? failure!;
            throw new PythonWorkerException($"the grader source did not load: {details} {(reply is null ? "" : tail)}".TrimEnd());
        }

        _workers[source] = worker;
        return worker;
    }

    /// <summary>A path is used if it exists; a bare name is looked up on PATH. Then the real executable behind it.</summary>
    private static string? Resolve(string interpreter)
    {
        var found = interpreter.Contains(Path.DirectorySeparatorChar) || interpreter.Contains(Path.AltDirectorySeparatorChar)
            ? File.Exists(interpreter) ? interpreter : null
            : FindOnPath(interpreter);
        return found is null ? null : RealExecutables.GetOrAdd(found, RealExecutable);
    }

    /// <summary>
    /// Asks the interpreter for sys.executable once: version-manager shims (pyenv) cost a shell start per
    /// process, the real binary does not. Falls back to the path as found.
    /// </summary>
    private static string RealExecutable(string python)
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(python, ["-c", "import sys; print(sys.executable)"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (probe is null)
            {
                return python;
            }

            var output = probe.StandardOutput.ReadToEnd().Trim();
            return probe.WaitForExit(10_000) && probe.ExitCode == 0 && File.Exists(output) ? output : python;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return python;
        }
    }

    internal static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0)
            {
                continue;
            }

            foreach (var candidate in OperatingSystem.IsWindows() ? [name + ".exe", name] : new[] { name })
            {
                var path = Path.Combine(dir, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    private static string LoadDriver()
    {
        using var stream = typeof(PythonGraderRunner).Assembly.GetManifestResourceStream("RftInfra.Grading.python_driver.py")
            ?? throw new InvalidOperationException("python_driver.py is not embedded in RftInfra.Grading.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

}

/// <summary>The run's python time budget ran out (not a property of the source: not remembered as a load error).</summary>
internal sealed class PythonBudgetException(string message) : Exception(message);
