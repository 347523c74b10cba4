using System.CommandLine;
using RftInfra.Emulator;

namespace RftInfra.Cli.Commands;

/// <summary>`rft emulator`: the local Azure OpenAI fine-tuning emulator, until Ctrl+C.</summary>
public static class EmulatorCommand
{
    private sealed record Arguments(
        int Port, string? StatePath, string? ApiKey, double PaceSeconds, string? FaultsPath, bool AcceptAnyToken, bool AllowPython = false);

    public static Command Create(IOContext io)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var state = new Option<string?>("--state") { Description = "SQLite database file that keeps files and jobs between runs (see docs/emulator.md)." };
        var apiKey = new Option<string?>("--api-key") { Description = "Key callers must send (api-key header or Bearer). Default: rft-emulator-key." };
        var pace = new Option<double>("--pace") { Description = "Seconds per simulated phase and training step, 0 to 3600.", DefaultValueFactory = _ => 2 }
            .InRange(0, OptionRanges.PaceMaxSeconds, minInclusive: true, "a number of seconds");
        var faults = new Option<string?>("--faults") { Description = "JSON fault rules file: {\"rules\":[…]} (docs/emulator.md; an example: samples/emulator/faults.json)." };
        var anyToken = new Option<bool>("--accept-any-token") { Description = "Accept any bearer token (for DefaultAzureCredential users)." };
        var allowPython = new Option<bool>("--allow-python-graders")
        {
            Description = "Run python graders sent to graders/run (executes the caller's code here, sandboxed: docs/security.md). Off by default.",
        };

        var command = new Command("emulator", "Run a local emulator of the Azure OpenAI fine-tuning API until Ctrl+C.");
        foreach (var option in new Option[] { port, state, apiKey, pace, faults, anyToken, allowPython })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(
            new Arguments(
                parseResult.GetValue(port), parseResult.GetValue(state), parseResult.GetValue(apiKey),
                parseResult.GetValue(pace), parseResult.GetValue(faults), parseResult.GetValue(anyToken),
                parseResult.GetValue(allowPython)),
            io, cancellationToken));
        return command;
    }

    /// <summary>A fault rules file is a few rules: more than this is refused rather than read on (a /dev/zero never ends).</summary>
    private const int MaxFaultsFileChars = 1024 * 1024;

    private static async Task<string> ReadBoundedAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[MaxFaultsFileChars + 1];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return read > MaxFaultsFileChars
            ? throw new FormatException($"{path}: the fault rules file is larger than {MaxFaultsFileChars / 1024} KiB; it holds a few rules.")
            : new string(buffer, 0, read);
    }

    private static async Task<int> RunAsync(Arguments arguments, IOContext io, CancellationToken cancellationToken)
    {
        if (arguments.Port is < 0 or > 65535)
        {
            io.Error.WriteLine($"error: --port {arguments.Port} is not a port; use 0 to 65535 (0 picks a free one).");
            return ExitCodes.UsageOrIo;
        }

        if (arguments.ApiKey is { Length: 0 })
        {
            io.Error.WriteLine("error: --api-key is empty; give a key or leave the option out.");
            return ExitCodes.UsageOrIo;
        }

        IReadOnlyList<FaultRule> rules = [];
        if (arguments.FaultsPath is { } faultsPath)
        {
            try
            {
                rules = FaultRulesFile.Parse(await ReadBoundedAsync(faultsPath, cancellationToken), faultsPath);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                io.Error.WriteLine(e is FormatException ? $"error: {e.Message}" : $"error: {faultsPath}: cannot read the fault rules file ({e.Message}).");
                return ExitCodes.UsageOrIo;
            }
        }

        var options = new EmulatorOptions
        {
            Port = arguments.Port,
            StatePath = arguments.StatePath,
            Pace = TimeSpan.FromSeconds(arguments.PaceSeconds),
            Faults = rules,
            AcceptAnyBearerToken = arguments.AcceptAnyToken,
            AllowPythonGraders = arguments.AllowPython,
        };
        if (arguments.ApiKey is not null)
        {
            options = options with { ApiKey = arguments.ApiKey };
        }

        await using var emulator = new RftEmulator(options);
        try
        {
            await emulator.StartAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            // Only the state path is read at start: name the option that gave it.
            io.Error.WriteLine($"error: --state {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        catch (IOException e)
        {
            io.Error.WriteLine($"error: cannot listen on 127.0.0.1:{arguments.Port} ({e.Message}). Pick another --port, or 0 for a free one.");
            return ExitCodes.UsageOrIo;
        }

        var keyShown = arguments.ApiKey is null ? emulator.ApiKey : "(the key given with --api-key)";
        io.Out.WriteLine($"Azure OpenAI fine-tuning emulator listening on {emulator.BaseUrl}");
        io.Out.WriteLine($"  endpoint      {emulator.BaseUrl}   (v1 surface: {emulator.V1Url})");
        io.Out.WriteLine($"  api-key       {keyShown}{(arguments.AcceptAnyToken ? "; any bearer token is accepted too" : "")}");
        io.Out.WriteLine($"  state         {arguments.StatePath ?? "in memory (use --state FILE to keep it)"}");
        io.Out.WriteLine($"  pace          {arguments.PaceSeconds:0.###} s per phase and training step");
        io.Out.WriteLine($"  faults        {(rules.Count == 0 ? "none" : $"{rules.Count} rule(s) from {arguments.FaultsPath}")}");
        io.Out.WriteLine($"  python        {(arguments.AllowPython ? "graders/run executes python graders (sandboxed)" : "graders/run refuses python graders (--allow-python-graders to run them)")}");
        io.Out.WriteLine("Point the kit at it: use the endpoint above as the Azure OpenAI endpoint with the api-key above,");
        io.Out.WriteLine($"  e.g. curl -H \"api-key: <key>\" {emulator.V1Url}fine_tuning/jobs");
        io.Out.WriteLine("Press Ctrl+C to stop.");
        await io.Out.FlushAsync(CancellationToken.None);

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop cleanly below.
        }

        await emulator.StopAsync(CancellationToken.None);
        io.Out.WriteLine("Emulator stopped.");
        return ExitCodes.Success;
    }
}
