using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Files;
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

    public static Command Create(IOContext io)
    {
        var stackFile = new Option<string>("--stack-file")
        {
            Description = "The prod stack file holding rft-infra:promotions.",
            DefaultValueFactory = _ => "Pulumi.prod.yaml",
        };
        var devOutputs = new Option<string>("--dev-outputs")
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
            await io.Error.WriteLineAsync(DeclarationDiagnostics.FileRefused(args.StackFile, stackProblem!).ToString());
            return ExitCodes.UsageOrIo;
        }

        if (CheckoutFile.ReadText(args.DevOutputs, root: null, CheckoutFile.GeneratedInputMaxBytes, out var outputsProblem) is not { } outputsText)
        {
            await io.Error.WriteLineAsync(DeclarationDiagnostics.FileRefused(args.DevOutputs, outputsProblem!).ToString());
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
        catch (Exception e) when (e is JsonException or FormatException)
        {
            await io.Error.WriteLineAsync($"{args.DevOutputs}: error: {e.Message}");
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
}
