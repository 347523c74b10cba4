using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;
using RftInfra.Validation;
using RftInfra.Validation.Baseline;
using RftInfra.Validation.Cost;

namespace RftInfra.Cli.Commands;

/// <summary>`rft cost JOB`: a rough estimate of training, model-grader tokens and hosting before any money is spent (docs/cost.md).</summary>
public static class CostCommand
{
    /// <summary>Training rows from which a first job is "large" (RFT815: start with 10-100).</summary>
    public const int LargeFirstJobRows = 1000;

    public static Command Create(IOContext io)
    {
        var job = new Argument<string>("job") { Description = "The job declaration (jobs/x.yaml), relative to --root." };
        var root = new Option<string>("--root") { Description = "Repository root the job's paths are relative to.", DefaultValueFactory = _ => "." };
        var format = new Option<string>("--format") { Description = "text, json or markdown (json and markdown: stdout carries only that).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "markdown");
        var command = new Command("cost", "Estimate (roughly) what a job costs: training hours, model-grader tokens, hosting.");
        command.Arguments.Add(job);
        command.Options.Add(root);
        command.Options.Add(format);
        command.SetAction(parseResult => Run(parseResult.GetValue(job)!, parseResult.GetValue(root)!, parseResult.GetValue(format)!, io));
        return command;
    }

    public static int Run(string jobPath, string root, string format, IOContext io)
    {
        if (!File.Exists(Path.Combine(root, jobPath)))
        {
            io.Error.WriteLine($"rft cost: job file '{jobPath}' not found under {root}.");
            return ExitCodes.UsageOrIo;
        }

        var display = jobPath.Replace('\\', '/');
        var diagnostics = new List<Diagnostic>();
        var document = DeclarationReader.ReadFile(Path.Combine(root, jobPath), display, root);
        diagnostics.AddRange(document.Diagnostics);
        Grader? grader = null;
        JobDeclaration? declaration = null;
        if (document.Object is { } json && !document.Diagnostics.Any(d => d.IsError))
        {
            declaration = JobDeclaration.FromJson(json);
            if (declaration.Grader.Name is { } name && BaselinePlan.FindGrader(root, name) is { } graderPath)
            {
                grader = GradeInputs.ReadGrader(Path.Combine(root, graderPath), graderPath, diagnostics);
            }
            else if (declaration.Grader.Inline is { } inline)
            {
                grader = GraderJson.FromJson(inline);
            }

            diagnostics.AddRange(RftValidator.CheckJob(json, display, grader?.Json, positions: document.Positions));
        }

        if (declaration is null || grader is null || diagnostics.Any(d => d.IsError))
        {
            foreach (var diagnostic in diagnostics.Where(d => d.IsError))
            {
                io.Error.WriteLine(diagnostic.ToString());
            }

            io.Error.WriteLine($"rft cost: {jobPath} has errors; no estimate. Run `rft validate` for every finding.");
            return ExitCodes.Failed;
        }

        var estimate = CostEstimate.For(display, declaration, grader, root, RftCatalog.Default);
        var advice = new List<Diagnostic>(BaselineAdvice.ForJob(display, declaration, grader, []));
        if (estimate.TrainingRows >= LargeFirstJobRows && Shape.AsString(declaration.Json["stage"]) is null or "iterate")
        {
            advice.Add(BaselineDiagnostics.FirstJobTooLarge.Create(display, document.Positions.Value("training_file"),
                $"{declaration.TrainingFile} has {estimate.TrainingRows:N0} rows; if this is the task's first job, most of that money buys " +
                "nothing a 10-100 row job would not have shown (a grader or data mismatch)."));
        }

        switch (format)
        {
            case "json":
                var output = CostJson(estimate);
                output["findings"] = GradeOutput.DiagnosticsJson(advice);
                io.Out.WriteLine(output.ToJsonString(BaselineCommand.JsonOptions));
                break;
            case "markdown":
                io.Out.Write(Markdown(estimate, advice));
                break;
            default:
                io.Out.Write(Text(estimate, advice));
                break;
        }

        return ExitCodes.Success;
    }

    public const string Roughness =
        "Rough: training hours are this kit's assumption (2-12 s per training row and epoch at compute_multiplier 1; no throughput is published), " +
        "grader tokens assume 50-500 answer tokens and 20-200 output tokens per call, and prices are the catalog's (see docs/cost.md). " +
        "Queueing, preprocessing and failed jobs are not billed.";

    internal static JsonObject CostJson(CostEstimate e) => new()
    {
        ["kind"] = "rft-cost",
        ["version"] = 1,
        ["job"] = e.JobFile,
        ["pricesAsOf"] = e.PricesAsOf,
        ["rough"] = Roughness,
        ["trainingType"] = e.TrainingType,
        ["trainingRows"] = e.TrainingRows,
        ["validationRows"] = e.ValidationRows,
        ["epochs"] = BoundsJson(e.Epochs),
        ["computeMultiplier"] = e.ComputeMultiplier,
        ["evalSamples"] = e.EvalSamples,
        ["training"] = new JsonObject
        {
            ["hours"] = BoundsJson(e.TrainingHours),
            ["ratePerHour"] = e.TrainingRate is { } r ? new JsonObject { ["low"] = r.Low, ["high"] = r.High, ["source"] = r.Source, ["inferred"] = r.Inferred } : null,
            ["usd"] = e.TrainingUsd is { } t ? BoundsJson(t) : null,
        },
        ["graders"] = new JsonArray(e.GraderTokens.Select(g => (JsonNode?)new JsonObject
        {
            ["grader"] = g.Grader,
            ["model"] = g.Model,
            ["calls"] = BoundsJson(g.Calls),
            ["inputTokensPerCall"] = BoundsJson(g.InputTokensPerCall),
            ["outputTokensPerCall"] = BoundsJson(g.OutputTokensPerCall),
            ["usd"] = g.Usd is { } u ? BoundsJson(u) : null,
            ["priceSource"] = g.PriceSource,
        }).ToArray()),
        ["graderUsd"] = e.GraderUsd is { } gu ? BoundsJson(gu) : null,
        ["totalUsd"] = e.TotalUsd is { } total ? BoundsJson(total) : null,
        ["hosting"] = e.DeploySku is null ? null : new JsonObject
        {
            ["sku"] = e.DeploySku,
            ["usdPerHour"] = e.HostingRate is { } h ? BoundsJson(new Bounds(h.Low, h.High)) : null,
            ["usdPer30Days"] = e.HostingRate is { } h30 ? BoundsJson(new Bounds(h30.Low * 720, h30.High * 720)) : null,
        },
        ["autoPauseUsd"] = e.AutoPauseUsd,
    };

    private static JsonObject BoundsJson(Bounds b) => new() { ["low"] = Math.Round(b.Low, 4), ["high"] = Math.Round(b.High, 4) };

    private static string Text(CostEstimate e, IReadOnlyList<Diagnostic> advice)
    {
        var o = new StringBuilder();
        o.AppendLine($"cost estimate of {e.JobFile} (prices as of {e.PricesAsOf}):");
        o.AppendLine($"  training     {Hours(e.TrainingHours)} on {e.TrainingRows:N0} rows × {Range(e.Epochs, "0.#")} epochs × compute {e.ComputeMultiplier:0.##} " +
            $"at {Rate(e.TrainingRate)} ({e.TrainingType}): {Usd(e.TrainingUsd)}");
        foreach (var g in e.GraderTokens)
        {
            o.AppendLine($"  grader       {g.Grader} ({g.Model}): {Range(g.Calls, "N0")} calls × {Range(g.InputTokensPerCall, "N0")} in / {Range(g.OutputTokensPerCall, "N0")} out tokens: {Usd(g.Usd)}");
        }

        if (e.GraderTokens.Count == 0)
        {
            o.AppendLine("  grader       no model grader: $0 in grader tokens");
        }

        o.AppendLine($"  total        {Usd(e.TotalUsd)} (training + grading; the service auto-pauses at ${e.AutoPauseUsd:N0})");
        o.AppendLine(e.DeploySku is null
            ? "  hosting      nothing to deploy"
            : $"  hosting      {e.DeploySku}: {(e.HostingRate is { } h ? $"${h.Low:0.##}/h, about ${h.Low * 24:0.##}/day, ${h.Low * 720:N0} per 30 days" : "no price in the catalog")} once deployed, plus tokens used");
        o.AppendLine($"  {Roughness}");
        foreach (var finding in advice)
        {
            o.AppendLine(finding.ToString());
        }

        return o.ToString();
    }

    private static string Markdown(CostEstimate e, IReadOnlyList<Diagnostic> advice)
    {
        var md = new StringBuilder();
        md.AppendLine($"### Cost estimate of `{e.JobFile.Replace("`", "'", StringComparison.Ordinal)}`");
        md.AppendLine();
        md.AppendLine("| part | basis | estimate |");
        md.AppendLine("|---|---|---:|");
        md.AppendLine($"| training | {Hours(e.TrainingHours)}, {e.TrainingRows:N0} rows × {Range(e.Epochs, "0.#")} epochs at {Rate(e.TrainingRate)} ({e.TrainingType}) | {Usd(e.TrainingUsd)} |");
        foreach (var g in e.GraderTokens)
        {
            md.AppendLine($"| grader {g.Grader} | {g.Model}, {Range(g.Calls, "N0")} calls | {Usd(g.Usd)} |");
        }

        md.AppendLine($"| **total** | training + grading | **{Usd(e.TotalUsd)}** |");
        if (e.DeploySku is not null)
        {
            md.AppendLine($"| hosting | {e.DeploySku} after success | {(e.HostingRate is { } h ? $"${h.Low:0.##}/h" : "no price")} |");
        }

        md.AppendLine();
        md.AppendLine($"_{Roughness} The service auto-pauses a job at ${e.AutoPauseUsd:N0}._");
        foreach (var finding in advice)
        {
            md.AppendLine($"- **{finding.Code}** {finding.Message} {finding.Hint}");
        }

        return md.ToString();
    }

    private static string Hours(Bounds b) => $"{Range(b, "0.##")} h";

    private static string Rate(PriceRange? r) => r is null ? "no rate in the catalog" : r.Low == r.High ? $"${r.Low:0.##}/h" : $"${r.Low:0.##}-{r.High:0.##}/h";

    private static string Usd(Bounds? b) => b is null ? "unknown (no price in the catalog)" : $"${Range(b, "N2")}";

    private static string Range(Bounds b, string format) =>
        b.Low == b.High ? b.Low.ToString(format, CultureInfo.InvariantCulture)
            : $"{b.Low.ToString(format, CultureInfo.InvariantCulture)}-{b.High.ToString(format, CultureInfo.InvariantCulture)}";
}
