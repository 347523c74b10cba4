using System.CommandLine;
using RftInfra.Files;
using RftInfra.GitOps;

namespace RftInfra.Cli.Commands;

/// <summary>
/// `rft preview-summary preview-dev.json [preview-prod.json] [--output comment.md]`: the PR comment (Markdown)
/// for one or more `pulumi preview --json` documents. Exit 0 with the comment, 2 on a missing file or bad JSON.
/// </summary>
public static class PreviewSummaryCommand
{
    public sealed record Arguments(IReadOnlyList<string> Files, string? Output, int MaxChars);

    public static Command Create(IOContext io)
    {
        var files = new Argument<string[]>("previews")
        {
            Description = "Files holding `pulumi preview --json` output, one per stack (dev first). The stack name comes from the URNs.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Write the comment to this file instead of stdout.",
        };
        var maxChars = new Option<int>("--max-chars")
        {
            Description = "Largest comment to produce (GitHub's limit is 65536 characters).",
            DefaultValueFactory = _ => new PreviewSummaryOptions().MaxChars,
        };

        var command = new Command("preview-summary", "Turn `pulumi preview --json` output into the pull-request comment (RFT summary first).");
        command.Arguments.Add(files);
        command.Options.Add(output);
        command.Options.Add(maxChars);
        command.SetAction(async (parseResult, cancellationToken) =>
            await RunAsync(
                new Arguments(parseResult.GetValue(files) ?? [], parseResult.GetValue(output), parseResult.GetValue(maxChars)),
                io, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(Arguments args, IOContext io, CancellationToken cancellationToken)
    {
        if (args.MaxChars is < 2_000 or > PreviewSummaryOptions.GitHubCommentLimit)
        {
            await io.Error.WriteLineAsync(
                $"error: --max-chars {args.MaxChars} is out of range; use 2000 to {PreviewSummaryOptions.GitHubCommentLimit}.");
            return ExitCodes.UsageOrIo;
        }

        var previews = new List<(string Stack, PreviewDigest Digest)>();
        foreach (var file in args.Files)
        {
            // Regular files only (a FIFO would block), size-capped, strict UTF-8.
            if (CheckoutFile.ReadText(file, root: null, CheckoutFile.GeneratedInputMaxBytes, out var problem) is not { } text)
            {
                await io.Error.WriteLineAsync($"{file}: error: cannot read the preview: {problem!.Message}");
                return ExitCodes.UsageOrIo;
            }

            try
            {
                var digest = PreviewDigestReader.Parse(text);
                previews.Add((digest.StackName ?? Path.GetFileNameWithoutExtension(file), digest));
            }
            catch (PreviewFormatException e)
            {
                var where = e.Line > 0 ? $"{file}({e.Line})" : file;
                await io.Error.WriteLineAsync($"{where}: error: {e.Message}");
                return ExitCodes.UsageOrIo;
            }
        }

        var comment = PreviewSummaryWriter.Write(previews, new PreviewSummaryOptions { MaxChars = args.MaxChars });
        if (args.Output is null)
        {
            await io.Out.WriteAsync(comment);
            return ExitCodes.Success;
        }

        try
        {
            await File.WriteAllTextAsync(args.Output, comment, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await io.Error.WriteLineAsync($"{args.Output}: error: cannot write the comment: {e.Message}");
            return ExitCodes.UsageOrIo;
        }

        return ExitCodes.Success;
    }
}
