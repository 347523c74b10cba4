using Microsoft.Extensions.Time.Testing;
using RftInfra.Cli;

namespace RftInfra.Core.Tests;

/// <summary>Runs the real `rft` root command in-process with string writers (Bicep/Aspire style).</summary>
public static class CliRunner
{
    /// <summary>The instant CLI tests run at: before any retirement window of the built-in catalog, so findings do not
    /// change with the calendar (lifecycle tests pick their own dates).</summary>
    public static readonly DateTimeOffset Now = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);

    public static IOContext Io(TextWriter stdout, TextWriter stderr, bool isGitHubActions = false) =>
        new(TextReader.Null, stdout, stderr, IsGitHubActions: isGitHubActions) { Time = new FakeTimeProvider(Now) };

    public static async Task<(string Stdout, string Stderr, int ExitCode)> Rft(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await RftCommand.RunAsync(args, Io(stdout, stderr));
        return (stdout.ToString(), stderr.ToString(), exit);
    }
}
