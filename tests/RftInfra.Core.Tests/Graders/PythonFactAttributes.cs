using System.ComponentModel;
using System.Diagnostics;
using RftInfra.Core.Tests.Metrics;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

/// <summary>
/// Tests that run python graders need a python3 (the .NET SDK alone has none). Where none runs they are reported
/// as skipped with what to install — except when <see cref="LiveReference.Variable"/>=1 (.ci/run, the pull-request
/// workflow): then every outside program is required, and a missing python3 fails them.
/// </summary>
public static class PythonAvailability
{
    public const string SkipReason = "needs python3 to run python graders, and none runs here: install Python 3 " +
        "(apt-get install python3) or set " + PythonGraderRunner.PythonVariable + "; with " + LiveReference.Variable +
        "=1 (as in .ci/run) this test fails instead of skipping";

    private static readonly Lazy<bool> Runs = new(Probe);

    /// <summary>Whether the tests needing python3 run here: it starts, or it is required.</summary>
    public static bool ShouldRun => LiveReference.IsSelected || Runs.Value;

    private static bool Probe()
    {
        var interpreter = Environment.GetEnvironmentVariable(PythonGraderRunner.PythonVariable) is { Length: > 0 } configured
            ? configured
            : "python3";
        var start = new ProcessStartInfo(interpreter, ["-c", "pass"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // not found, or not executable
        }
    }
}

/// <summary>A fact that needs python3: see <see cref="PythonAvailability"/>.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (!PythonAvailability.ShouldRun)
        {
            Skip = PythonAvailability.SkipReason;
        }
    }
}

/// <summary>A theory that needs python3: see <see cref="PythonAvailability"/>.</summary>
public sealed class PythonTheoryAttribute : TheoryAttribute
{
    public PythonTheoryAttribute()
    {
        if (!PythonAvailability.ShouldRun)
        {
            Skip = PythonAvailability.SkipReason;
        }
    }
}
