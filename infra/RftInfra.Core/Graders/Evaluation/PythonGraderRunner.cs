using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Core.Graders.Evaluation;

/// <summary>
/// Runs python graders' <c>grade(sample, item)</c> in local python3 processes, one process per grader source for
/// the runner's lifetime (a batch), rows sent as JSON lines (python_driver.py). Mirrors the service's sandbox
/// where a local machine can (rft-api.md §3.3): source under 256 KB, a time limit per call (2 min by default),
/// no network when <c>unshare -n</c> works here (otherwise the run is reported as not isolated), and the
/// failure semantics: an exception or a non-float result scores 0 as <c>python_grader_runtime_error</c>.
/// Memory and disk limits are not enforced locally.
/// </summary>
public sealed class PythonGraderRunner : IAsyncDisposable
{
    public const int MaxSourceBytes = 256 * 1024;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Environment variable naming the interpreter to use instead of python3 on PATH.</summary>
    public const string PythonVariable = "RFT_PYTHON";

    public const string MissingPythonMessage =
        "python3 was not found (on PATH, or where " + PythonVariable + " points), so python graders cannot run locally: install Python 3 (Debian/Ubuntu: " +
        "apt-get install python3; macOS: brew install python; Windows: winget install Python.Python.3) or set " +
        PythonVariable + " to an interpreter's path.";

    private static readonly Lazy<string[]?> IsolationPrefix = new(ProbeIsolation);
    private static readonly Lazy<string> DriverScript = new(LoadDriver);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> RealExecutables = new(StringComparer.Ordinal);

    private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _loadErrors = new(StringComparer.Ordinal);

    public PythonGraderRunner(TimeSpan? timeout = null, string? interpreter = null, bool isolate = true)
    {
        Timeout = timeout ?? DefaultTimeout;
        Interpreter = Resolve(interpreter ?? (Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } fromEnv ? fromEnv : "python3"));
        Isolated = isolate && Interpreter is not null && IsolationPrefix.Value is not null;
    }

    public TimeSpan Timeout { get; }

    /// <summary>The python3 used, or null when none was found (every call then reports <see cref="MissingPythonMessage"/>).</summary>
    public string? Interpreter { get; }

    /// <summary>True when graders run without network (<c>unshare -n</c>); false means they can reach the network.</summary>
    public bool Isolated { get; }

    public string IsolationNote => Isolated
        ? "python graders run without network (unshare -n), like the service's sandbox"
        : "python graders run with network access: unshare -n is not available here, so the service's no-network sandbox is not reproduced";

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

        Worker worker;
        try
        {
            worker = await GetWorkerAsync(source, cancellationToken);
        }
        catch (PythonWorkerException e)
        {
            _loadErrors[source] = e.Message;
            return RuntimeError(graderName, e.Message);
        }

        var request = new JsonObject { ["sample"] = sample.DeepClone(), ["item"] = item.DeepClone() };
        var (reply, failure) = await worker.CallAsync(request.ToJsonString(), Timeout, cancellationToken);
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

        return RuntimeError(graderName, (reply["error"] as JsonValue)?.GetValue<string>().TrimEnd() ?? reply.ToJsonString());
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
        GradeResult.Failed(new GradeError(GraderErrorKinds.PythonRuntime, grader, details));

    private async Task<Worker> GetWorkerAsync(string source, CancellationToken cancellationToken)
    {
        if (_workers.TryGetValue(source, out var existing))
        {
            return existing;
        }

        var worker = Worker.Start(Interpreter!, Isolated ? IsolationPrefix.Value! : []);
        // Starting the interpreter and loading the source is not part of the per-call limit.
        var (reply, failure) = await worker.CallAsync(
            new JsonObject { ["source"] = source }.ToJsonString(), Timeout > StartTimeout ? Timeout : StartTimeout, cancellationToken);
        if (reply is null || reply["load_error"] is not null)
        {
            await worker.DisposeAsync();
            var details = reply?["load_error"]?.GetValue<string>().TrimEnd() ?? failure!;
            throw new PythonWorkerException($"the grader source did not load: {details}");
        }

        _workers[source] = worker;
        return worker;
    }

    /// <summary>The command prefix that takes the network away (<c>unshare -n</c>, or <c>-rn</c> unprivileged), or null.</summary>
    private static string[]? ProbeIsolation()
    {
        if (!OperatingSystem.IsLinux() || FindOnPath("unshare") is not { } unshare)
        {
            return null;
        }

        foreach (var flags in new[] { "-n", "-rn" })
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(unshare, [flags, "true"])
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                });
                if (probe is not null && probe.WaitForExit(5000) && probe.ExitCode == 0)
                {
                    return [unshare, flags];
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        return null;
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
        using var stream = typeof(PythonGraderRunner).Assembly.GetManifestResourceStream("RftInfra.Core.python_driver.py")
            ?? throw new InvalidOperationException("python_driver.py is not embedded in RftInfra.Core.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class PythonWorkerException(string message) : Exception(message);

    /// <summary>One python3 process running the driver: a request line in, a reply line out.</summary>
    private sealed class Worker : IAsyncDisposable
    {
        private const int StderrTailChars = 2000;
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        private Worker(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                    if (_stderr.Length > StderrTailChars * 2)
                    {
                        _stderr.Remove(0, _stderr.Length - StderrTailChars);
                    }
                }
            };
            _process.BeginErrorReadLine();
        }

        public static Worker Start(string python, string[] prefix)
        {
            var start = new ProcessStartInfo
            {
                FileName = prefix.Length > 0 ? prefix[0] : python,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = Encoding.UTF8,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var arg in prefix.Skip(1).Concat([python, "-u", "-c", DriverScript.Value]))
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["PYTHONIOENCODING"] = "utf-8";
            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
            try
            {
                return new Worker(Process.Start(start) ?? throw new PythonWorkerException($"{python} did not start."));
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new PythonWorkerException($"{python} did not start: {e.Message}");
            }
        }

        /// <summary>Sends one line and waits for one reply within <paramref name="timeout"/>; null reply = failure text.</summary>
        public async Task<(JsonObject? Reply, string? Failure)> CallAsync(
            string line, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await _process.StandardInput.WriteLineAsync(line.AsMemory(), deadline.Token);
                await _process.StandardInput.FlushAsync(deadline.Token);
                var text = await _process.StandardOutput.ReadLineAsync(deadline.Token);
                if (text is null)
                {
                    await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
                    return (null, $"python exited (code {ExitCode()}) before replying. {StderrTail()}".TrimEnd());
                }

                return JsonNode.Parse(text) is JsonObject reply
                    ? (reply, null)
                    : (null, $"unexpected driver output: {text}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (null, $"grade(sample, item) did not return within {FormatTimeout(timeout)} (the service's limit is 2 min per call).");
            }
            catch (Exception e) when (e is IOException or JsonException or TimeoutException)
            {
                return (null, $"python stopped: {e.Message} {StderrTail()}".TrimEnd());
            }
        }

        public ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }

        private string ExitCode() =>
            _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";

        private string StderrTail()
        {
            lock (_stderr)
            {
                var text = _stderr.ToString().Trim();
                return text.Length == 0 ? "" : "stderr: " + (text.Length > StderrTailChars ? text[^StderrTailChars..] : text);
            }
        }

        private static string FormatTimeout(TimeSpan timeout) =>
            timeout.TotalSeconds >= 1
                ? $"{timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
                : $"{timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
    }
}
