using System.CommandLine;
using System.CommandLine.Parsing;
using RftInfra.Text;

namespace RftInfra.Cli;

/// <summary>
/// Usage errors in our own words, with "did you mean": an unknown command or option names itself and the closest
/// known name. System.CommandLine binds `--fromat json` to a command's file argument (`rft validate`'s JOBFILE), so
/// an argument token that looks like an option is an unknown option here, not a missing file.
/// </summary>
public static class UsageErrors
{
    /// <summary>The messages to print for <paramref name="parseResult"/>; empty when it is a valid command line.</summary>
    public static IReadOnlyList<string> Find(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var name = command is RootCommand ? "rft" : $"rft {command.Name}";
        var afterDoubleDash = TokensAfterDoubleDash(parseResult);
        var messages = new List<string>();

        // Tokens bound to a file argument but written like an option (`--fromat`): before `--` only.
        foreach (var argument in parseResult.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                if (LooksLikeOption(token.Value) && !afterDoubleDash.Contains(token))
                {
                    messages.Add(UnknownOption(name, command, token.Value));
                }
            }
        }

        foreach (var token in parseResult.UnmatchedTokens)
        {
            if (LooksLikeOption(token))
            {
                messages.Add(UnknownOption(name, command, token));
            }
            else if (command is RootCommand)
            {
                messages.Add(UnknownCommand(command, token));
                break;   // the rest are that command's arguments
            }
            else if (messages.Count == 0)
            {
                // After an unknown option its value is unmatched too: say only what went wrong first.
                messages.Add($"{name}: unexpected argument '{Shown(token)}'.");
            }
        }

        if (messages.Count == 0 && parseResult.Errors.Count > 0)
        {
            messages.AddRange(command is RootCommand && parseResult.Tokens.Count == 0
                ? [$"rft: no command given. The commands are: {string.Join(", ", Visible(command.Subcommands).Select(c => c.Name))}."]
                : parseResult.Errors.Select(e => $"{name}: {Shown(e.Message)}"));
        }

        if (messages.Count > 0)
        {
            messages.Add($"Run '{name} --help' for usage.");
        }

        return messages;
    }

    private static string UnknownCommand(Command root, string token)
    {
        var names = Visible(root.Subcommands).Select(c => c.Name).ToList();
        var suggestion = EditDistance.Closest(token, names) is { } match
            ? $" Did you mean '{match}'?"
            : $" The commands are: {string.Join(", ", names)}.";
        return $"rft: unknown command '{Shown(token)}'.{suggestion}";
    }

    private static string UnknownOption(string name, Command command, string token)
    {
        // `--fromat=json` is the option `--fromat` with a value.
        var option = token.Split('=', 2)[0];
        var known = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct().ToList();
        var suggestion = EditDistance.Closest(option.TrimStart('-'), known.Select(k => k[2..])) is { } match
            ? $" Did you mean '--{match}'?"
            : $" The options are: {string.Join(", ", known)}.";
        return $"{name}: unknown option '{Shown(option)}'.{suggestion}";
    }

    private static HashSet<Token> TokensAfterDoubleDash(ParseResult parseResult)
    {
        var after = new HashSet<Token>();
        var seen = false;
        foreach (var token in parseResult.Tokens)
        {
            if (seen)
            {
                after.Add(token);
            }

            seen |= token.Type == TokenType.DoubleDash;
        }

        return after;
    }

    // "-" alone (stdin) and negative numbers are values, not options.
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static IEnumerable<Command> Visible(IEnumerable<Command> commands) => commands.Where(c => !c.Hidden);

    /// <summary>Typed text is shown escaped: an ESC or newline in an argument cannot recolour the terminal or forge a line.</summary>
    private static string Shown(string text) => TerminalText.Escape(text);
}
