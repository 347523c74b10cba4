using System.CommandLine;
using RftInfra.Cli.Commands;

namespace RftInfra.Cli;

/// <summary>The `rft` root command: one file per verb under Commands/.</summary>
public static class RftCommand
{
    public static RootCommand Create(IOContext io)
    {
        var root = new RootCommand("rft: validate, grade and run reinforcement fine-tuning declarations for Azure OpenAI.");
        foreach (var command in Commands(io))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    // One line per verb; each Commands/<Verb>Command.cs builds its own options and action.
    private static IEnumerable<Command> Commands(IOContext io)
    {
        yield return VersionCommand.Create(io);
        yield return ValidateCommand.Create(io);
        yield return EmulatorCommand.Create(io);
        yield return PreviewSummaryCommand.Create(io);
        yield return PromotePlanCommand.Create(io);
        yield return GradeCommand.Create(io);
    }

    /// <summary>Runs `rft` with the given arguments against <paramref name="io"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, IOContext io, CancellationToken cancellationToken = default)
    {
        var root = Create(io);
        var config = new InvocationConfiguration { Output = io.Out, Error = io.Error };
        var parseResult = root.Parse(args);
        // Usage errors exit 2 (ExitCodes.UsageOrIo; System.CommandLine's default would be 1, the findings code), in
        // our words: an unknown command or option names the closest known one.
        if (UsageErrors.Find(parseResult) is { Count: > 0 } usage)
        {
            foreach (var line in usage)
            {
                io.Error.WriteLine(line);
            }

            return ExitCodes.UsageOrIo;
        }

        return await parseResult.InvokeAsync(config, cancellationToken);
    }
}
