using System.Diagnostics;

namespace RftInfra.Core.Tests;

/// <summary>
/// Runs the built `rft` (rft.dll beside the test binaries) in a child process: for what an in-process test cannot
/// observe (a stack overflow aborts the whole process with exit 134) and for an environment of its own (an API key
/// set here never leaks into tests that run in parallel). Ends the child after <paramref name="timeout"/>.
/// </summary>
public static class CliProcess
{
    public sealed record Outcome(string Stdout, string Stderr, int ExitCode, TimeSpan Elapsed);

    public static async Task<Outcome> Rft(IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout, params string[] args)
    {
        // dotnet test sets DOTNET_HOST_PATH to the muxer that runs it; fall back to dotnet on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rft.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // No credentials of the test process reach the child unless the test gives them.
        start.Environment.Remove("AZURE_OPENAI_API_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start rft");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"rft {string.Join(' ', args)} ran longer than {timeout.TotalSeconds} s");
        }

        return new Outcome(await stdout, await stderr, process.ExitCode, watch.Elapsed);
    }
}
