using System.Diagnostics;

namespace RftInfra.Graders.Evaluation;

/// <summary>The limits a python grader process runs under (the service's: 2 min per call, 2 GB of memory).</summary>
public sealed record PythonLimits
{
    /// <summary>Address space of the worker process (RLIMIT_AS).</summary>
    public long MemoryBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest file the grader may write (RLIMIT_FSIZE).</summary>
    public long FileBytes { get; init; } = 1L * 1024 * 1024 * 1024;

    /// <summary>What one call may write to stdout and stderr together before its process is stopped.</summary>
    public long OutputBytesPerCall { get; init; } = 4L * 1024 * 1024;
}

/// <summary>
/// How python processes are started (docs/security.md): an empty environment but for what the driver needs, no
/// network and a PID namespace of their own when <c>unshare</c> works here (so nothing the grader starts outlives
/// it), no capabilities when <c>setpriv</c> can drop them (so a root grader cannot raise its own limits or read
/// rft's memory). What is not available is said in <see cref="Note"/>, never assumed.
/// </summary>
public sealed class PythonSandbox
{
    private static readonly Lazy<PythonSandbox> Isolating = new(() => Probe(isolateNetwork: true));
    private static readonly Lazy<PythonSandbox> Plain = new(() => Probe(isolateNetwork: false));

    private PythonSandbox(IReadOnlyList<string> prefix, bool networkIsolated, bool capabilitiesDropped)
    {
        Prefix = prefix;
        NetworkIsolated = networkIsolated;
        CapabilitiesDropped = capabilitiesDropped;
    }

    /// <summary>The command that precedes the interpreter (unshare …, setpriv …); empty when none works here.</summary>
    public IReadOnlyList<string> Prefix { get; }

    /// <summary>True when the grader has no network and its own PID namespace (<c>unshare -n -p</c>).</summary>
    public bool NetworkIsolated { get; }

    /// <summary>True when the grader runs without capabilities (setpriv), even when rft runs as root.</summary>
    public bool CapabilitiesDropped { get; }

    public const string NotIsolatedNote =
        "network not isolated: python graders run with network access because unshare -n does not work here " +
        "(no privileges or user namespaces), so the service's no-network sandbox is not reproduced";

    public string Note => NetworkIsolated
        ? "python graders run without network and in their own PID namespace (unshare -n -p), like the service's sandbox"
        : NotIsolatedNote;

    /// <summary>No wrapper at all (what macOS and Windows get): python is started directly.</summary>
    internal static PythonSandbox None { get; } = new([], false, false);

    /// <summary>The sandbox of this machine (probed once per process).</summary>
    public static PythonSandbox ForThisMachine(bool isolateNetwork) => isolateNetwork ? Isolating.Value : Plain.Value;

    /// <summary>The environment a python grader gets: nothing of rft's own (no keys, no tokens), only what python needs.</summary>
    public static void SetEnvironment(ProcessStartInfo start)
    {
        var systemRoot = Environment.GetEnvironmentVariable("SYSTEMROOT");
        start.Environment.Clear();
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["LANG"] = "C.UTF-8";
        if (OperatingSystem.IsWindows())
        {
            if (systemRoot is not null)
            {
                start.Environment["SYSTEMROOT"] = systemRoot; // python on Windows does not start without it
            }
        }
        else
        {
            start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        }
    }

    private static PythonSandbox Probe(bool isolateNetwork)
    {
        if (!OperatingSystem.IsLinux() || PythonGraderRunner.FindOnPath("true") is not { } trueCommand)
        {
            return new PythonSandbox([], false, false);
        }

        var unshare = PythonGraderRunner.FindOnPath("unshare");
        var setpriv = PythonGraderRunner.FindOnPath("setpriv");
        string[][] namespaces = !isolateNetwork || unshare is null
            ? []
            :
            [
                [unshare, "-n", "-p", "-f", "--kill-child", "--mount-proc", "--"],
                [unshare, "-r", "-n", "-p", "-f", "--kill-child", "--mount-proc", "--"],
            ];
        string[][] capabilities = setpriv is null
            ? []
            :
            [
                [setpriv, "--nnp", "--bounding-set", "-all", "--inh-caps", "-all", "--"],
                [setpriv, "--nnp", "--"],
            ];

        var ns = namespaces.FirstOrDefault(n => Works([.. n, trueCommand]));
        foreach (var caps in capabilities)
        {
            if (ns is not null && Works([.. ns, .. caps, trueCommand]))
            {
                return new PythonSandbox([.. ns, .. caps], true, caps.Length > 3);
            }

            if (ns is null && Works([.. caps, trueCommand]))
            {
                return new PythonSandbox(caps, false, caps.Length > 3);
            }
        }

        return ns is not null ? new PythonSandbox(ns, true, false) : new PythonSandbox([], false, false);
    }

    private static bool Works(string[] command)
    {
        try
        {
            var start = new ProcessStartInfo(command[0])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in command.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            SetEnvironment(start);
            using var probe = Process.Start(start);
            if (probe is null)
            {
                return false;
            }

            if (!probe.WaitForExit(5000))
            {
                probe.Kill(entireProcessTree: true);
                return false;
            }

            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
