using RftInfra.Cli;

namespace RftInfra.Core.Tests;

/// <summary>Runs the real `rft` root command in-process with string writers (Bicep/Aspire style).</summary>
public static class CliRunner
{
    public static async Task<(string Stdout, string Stderr, int ExitCode)> Rft(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await RftCommand.RunAsync(args, new IOContext(TextReader.Null, stdout, stderr));
        return (stdout.ToString(), stderr.ToString(), exit);
    }
}
