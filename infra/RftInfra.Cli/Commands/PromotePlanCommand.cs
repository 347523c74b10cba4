using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Files;
using RftInfra.Json;
using RftInfra.Promotion;
using RftInfra.Text;
using RftInfra.Validation;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Cli.Commands;

/// <summary>
/// `rft promote-plan --stack-file Pulumi.prod.yaml --dev-outputs dev-outputs.json`: the promotion decisions the
/// prod program will take, before `pulumi up` (the prod workflow runs it as a gate). Exit 0 when every
/// promotion deploys, 1 when one is refused, 2 on a bad or missing file.
/// </summary>
public static class PromotePlanCommand
{
    public sealed record Arguments(string StackFile, string DevOutputs);

    private const string StackFileOption = "--stack-file";
    private const string DevOutputsOption = "--dev-outputs";
    private const string Doc = "docs/gitops.md";

    public static Command Create(IOContext io)
    {
        var stackFile = new Option<string>(StackFileOption)
        {
            Description = "The prod stack file holding rft-infra:promotions.",
            DefaultValueFactory = _ => "Pulumi.prod.yaml",
        };
        var devOutputs = new Option<string>(DevOutputsOption)
        {
            Description = "The dev stack's outputs: `pulumi stack output --json --show-secrets=false --stack dev > dev-outputs.json`.",
            Required = true,
        };

        var command = new Command("promote-plan", "Decide each prod promotion (deploy or refuse, and why) from the dev stack's outputs.");
        command.Options.Add(stackFile);
        command.Options.Add(devOutputs);
        command.SetAction(async (parseResult, cancellationToken) =>
            await RunAsync(new Arguments(parseResult.GetValue(stackFile)!, parseResult.GetValue(devOutputs)!), io, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(Arguments args, IOContext io, CancellationToken cancellationToken)
    {
        // Both files are read through the checked reader: regular files only, size-capped, strict UTF-8.
        if (CheckoutFile.ReadText(args.StackFile, root: null, CheckoutFile.DeclarationMaxBytes, out var stackProblem) is not { } stackText)
        {
            await io.Error.WriteLineAsync(Refused(StackFileOption, args.StackFile, stackProblem!,
                "pass the prod stack file that holds rft-infra:promotions, e.g. --stack-file Pulumi.prod.yaml"));
            return ExitCodes.UsageOrIo;
        }

        if (CheckoutFile.ReadText(args.DevOutputs, root: null, CheckoutFile.GeneratedInputMaxBytes, out var outputsProblem) is not { } outputsText)
        {
            await io.Error.WriteLineAsync(Refused(DevOutputsOption, args.DevOutputs, outputsProblem!,
                "write it with `pulumi stack output --stack dev --json > dev-outputs.json` (samples/gitops/dev-outputs.json is an example)"));
            return ExitCodes.UsageOrIo;
        }

        var (config, diagnostics) = PromotionConfigReader.FromStackFile(stackText, args.StackFile);
        foreach (var diagnostic in diagnostics)
        {
            await io.Error.WriteLineAsync(diagnostic.ToString());
        }

        if (config is null)
        {
            return ExitCodes.UsageOrIo;
        }

        IReadOnlyList<DevJob> devJobs;
        try
        {
            devJobs = DevStackOutputs.FromStackOutputs(JsonNode.Parse(outputsText, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }));
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "";
            await io.Error.WriteLineAsync(TerminalText.Escape(
                $"{DevOutputsOption} {args.DevOutputs}: error: not valid JSON{where}: {JsonSyntaxMessage.From(e)}. " +
                "Pass the output of `pulumi stack output --stack dev --json`."));
            return ExitCodes.UsageOrIo;
        }
        catch (FormatException e)
        {
            await io.Error.WriteLineAsync(TerminalText.Escape($"{DevOutputsOption} {args.DevOutputs}: error: {e.Message}"));
            return ExitCodes.UsageOrIo;
        }

        var decisions = PromotionPlanner.Decide(config, devJobs, config.Regions);
        foreach (var decision in decisions)
        {
            var where = $"{decision.Target.DeploymentName} in {decision.Target.Region}";
            // Names, model ids and reasons come from the checkout and the dev stack: one line each, escaped, so a value
            // cannot start a new line (a forged `::error::` workflow command) or recolour the terminal.
            await io.Out.WriteLineAsync(TerminalText.Escape(decision switch
            {
                DeployPromotion d when d.Copy is not null =>
                    $"deploy  {d.Promotion} -> {where}: copy checkpoint {d.Copy.CheckpointId} of {d.Copy.JobId}, then model {d.ModelName} v{d.ModelVersion}, {d.Target.Sku} x {d.Target.Capacity}",
                DeployPromotion d =>
                    $"deploy  {d.Promotion} -> {where}: model {d.ModelName} v{d.ModelVersion} from {d.SourceAccountId}, {d.Target.Sku} x {d.Target.Capacity}",
                RefusedPromotion r => $"refuse  {r.Promotion} -> {where}: {r.Reason}",
                _ => $"unknown {decision.Promotion}",
            }));
        }

        if (decisions.Count == 0)
        {
            await io.Out.WriteLineAsync("no promotions declared: prod deploys nothing.");
        }

        return decisions.Any(d => d is RefusedPromotion) ? ExitCodes.Failed : ExitCodes.Success;
    }

    /// <summary>A file that cannot be read, named with the option that gave it; a missing file says how to make it.</summary>
    private static string Refused(string option, string path, FileProblem problem, string missingFix) =>
        TerminalText.Escape(problem.Kind == FileRefusal.Missing
            ? $"{option} {path}: error: the file does not exist. Fix: {missingFix} ({Doc})."
            : $"{option} {DeclarationDiagnostics.FileRefused(path, problem)}");
}
