using System.CommandLine;
using RftInfra.Validation;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Cli.Commands;

/// <summary>The arguments of `rft validate`, after parsing.</summary>
public sealed record ValidateArguments(IReadOnlyList<string> JobFiles, string Root, string Format, bool RunPythonTests = false);

/// <summary>
/// `rft validate [JOBFILE...] [--root DIR] [--format text|json|sarif] [--run-python-tests]`: every RFT pitfall, offline.
/// No code from the checkout runs unless --run-python-tests is given (docs/security.md).
/// </summary>
public static class ValidateCommand
{
    public static readonly IReadOnlyList<string> Formats = ["text", "json", "sarif"];

    public static Command Create(IOContext io)
    {
        var jobs = new Argument<string[]>("JOBFILE")
        {
            Description = "Job files to validate (default: every file in jobs/ under the root).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var root = new Option<string>("--root")
        {
            Description = "The checkout to validate (holds graders/, jobs/, data/).",
            DefaultValueFactory = _ => ".",
        };
        var format = new Option<string>("--format")
        {
            Description = "Output: text (grouped by file), json (a findings array) or sarif (SARIF 2.1.0 for code scanning).",
            DefaultValueFactory = _ => "text",
        };
        var runPython = new Option<bool>(PythonDiagnostics.RunPythonTestsFlag)
        {
            Description = "Also run python graders' sidecar tests (graders/<name>.tests.jsonl): this executes code from the checkout, in the sandbox described in docs/security.md. Without it, python sources are only compiled.",
        };
        var command = new Command("validate", "Check graders, jobs and datasets offline: every finding with file, line, column and a fix.");
        command.Arguments.Add(jobs);
        command.Options.Add(root);
        command.Options.Add(format);
        command.Options.Add(runPython);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(
            new ValidateArguments(
                parseResult.GetValue(jobs) ?? [], parseResult.GetValue(root) ?? ".", parseResult.GetValue(format) ?? "text", parseResult.GetValue(runPython)),
            io,
            cancellationToken)));
        return command;
    }

    public static int Run(ValidateArguments arguments, IOContext io, CancellationToken cancellationToken = default)
    {
        if (!Formats.Contains(arguments.Format))
        {
            io.Error.WriteLine($"rft validate: unknown format '{RftInfra.Text.TerminalText.Escape(arguments.Format)}'; use text, json or sarif.");
            return ExitCodes.UsageOrIo;
        }

        var root = Path.GetFullPath(arguments.Root);
        if (!Directory.Exists(root))
        {
            io.Error.WriteLine($"rft validate: directory '{arguments.Root}' does not exist (--root).");
            return ExitCodes.UsageOrIo;
        }

        var jobFiles = new List<string>();
        foreach (var job in arguments.JobFiles)
        {
            var full = new[] { Path.GetFullPath(job), Path.GetFullPath(Path.Combine(root, job)) }.FirstOrDefault(File.Exists);
            if (full is null)
            {
                io.Error.WriteLine($"rft validate: job file '{job}' not found (looked in the current directory and in {arguments.Root}).");
                return ExitCodes.UsageOrIo;
            }

            jobFiles.Add(full);
        }

        ValidationResult result;
        try
        {
            using var progress = ProgressDisplay.For(io);
            result = RftValidator.ValidateRoot(root, jobFiles, cancellationToken: cancellationToken, runPythonTests: arguments.RunPythonTests, progress: progress, time: io.Time);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            io.Error.WriteLine($"rft validate: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the validator must not look like a finding or print a stack trace; say what to report.
            io.Error.WriteLine($"rft validate: internal error ({e.GetType().Name}: {e.Message}); please report it with the file that caused it.");
            return ExitCodes.UsageOrIo;
        }

        switch (arguments.Format)
        {
            case "json":
                ValidationOutput.WriteJson(io.Out, result);
                break;
            case "sarif":
                ValidationOutput.WriteSarif(io.Out, result);
                break;
            default:
                ValidationOutput.WriteText(io.Out, result, io.IsTerminal, io.IsGitHubActions ? ValidationOutput.NewStopCommandsToken() : null);
                break;
        }

        if (io.IsGitHubActions)
        {
            // With --format json/sarif stdout stays one document, so annotations go to stderr (the runner scans both).
            var prefix = Path.GetRelativePath(Environment.CurrentDirectory, root).Replace('\\', '/');
            ValidationOutput.WriteGitHubAnnotations(arguments.Format == "text" ? io.Out : io.Error, result.Diagnostics,
                prefix is "." ? "" : prefix.TrimEnd('/') + "/");
        }

        return result.HasErrors ? ExitCodes.Failed : ExitCodes.Success;
    }
}
