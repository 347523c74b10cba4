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
        yield return PreviewSummaryCommand.Create(io);
        yield return PromotePlanCommand.Create(io);
    }

    /// <summary>Runs `rft` with the given arguments against <paramref name="io"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, IOContext io, CancellationToken cancellationToken = default)
    {
        var root = Create(io);
        var config = new InvocationConfiguration { Output = io.Out, Error = io.Error };
        return await root.Parse(args).InvokeAsync(config, cancellationToken);
    }
}
