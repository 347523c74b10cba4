namespace RftInfra.Cli;

/// <summary>
/// Where a command reads and writes: the real console in `rft`, string writers in tests. <see cref="IsGitHubActions"/>
/// (GITHUB_ACTIONS=true on the real console) turns on workflow-command annotations; tests set it explicitly.
/// </summary>
public sealed record IOContext(TextReader In, TextWriter Out, TextWriter Error, bool IsTerminal = false, bool IsGitHubActions = false)
{
    /// <summary>Whether stderr is a terminal a person watches (the progress display shows only then); false in tests.</summary>
    public bool IsErrorTerminal { get; init; }

    /// <summary>The clock for date-dependent findings (a base model near retirement); tests pin it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static IOContext Console() => new(
        System.Console.In,
        System.Console.Out,
        System.Console.Error,
        !System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null,
        Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true")
    {
        IsErrorTerminal = !System.Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb"
            && Environment.GetEnvironmentVariable("CI") is null,
    };
}
