namespace RftInfra.Cli;

/// <summary>Where a command reads and writes: the real console in `rft`, string writers in tests.</summary>
public sealed record IOContext(TextReader In, TextWriter Out, TextWriter Error, bool IsTerminal = false)
{
    public static IOContext Console() => new(
        System.Console.In,
        System.Console.Out,
        System.Console.Error,
        !System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null);
}
