using System.ClientModel;
using System.CommandLine;
using System.Text.Json;
using RftInfra.AzureOpenAI.BaseModels;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;
using RftInfra.Validation.Baseline;

namespace RftInfra.Cli.Commands;

/// <summary>The arguments of `rft baseline`, bound once from the parse result.</summary>
public sealed record BaselineArguments(
    string Job,
    string Root = ".",
    string? Endpoint = null,
    int? Rows = null,
    long? Seed = null,
    string? Deployment = null,
    string Format = "text",
    string? Out = null,
    string? Plot = null,
    int Concurrency = 4,
    bool Fresh = false,
    IReadOnlyList<string>? GraderDeployments = null);

/// <summary>
/// `rft baseline JOB`: asks a deployment of the base model to answer sampled validation rows under the job's own
/// prompt and its declared variants, scores the answers with the job's grader as `rft grade` does, and writes the
/// baseline artifact `rft watch` compares training against (docs/baseline.md).
/// </summary>
public static class BaselineCommand
{
    /// <summary>Where the endpoint comes from when --endpoint is not given.</summary>
    public const string EndpointVariable = "AZURE_OPENAI_ENDPOINT";

    public static Command Create(IOContext io)
    {
        var job = new Argument<string>("job") { Description = "The job declaration (jobs/x.yaml), relative to --root." };
        var root = new Option<string>("--root") { Description = "Repository root the job's paths are relative to.", DefaultValueFactory = _ => "." };
        var endpoint = new Option<string?>("--endpoint") { Description = $"Azure OpenAI resource (https://NAME.openai.azure.com/) or `rft emulator` URL; default ${EndpointVariable}. Entra ID by default; a key, if any, comes from {GradeCommand.ApiKeyVariable}." };
        var rows = new Option<int?>("--rows") { Description = $"Validation rows to ask, {BaselinePlan.MinRows} to {BaselinePlan.MaxRows} (default: the job's baseline.rows, else {BaselinePlan.DefaultRows})." };
        var seed = new Option<long?>("--seed") { Description = "Seed of the row sample (default: baseline.seed, else the job's seed, else 0)." };
        var deployment = new Option<string?>("--deployment") { Description = "Deployment of the base model (default: baseline.deployment, else a deployment named like the job's model)." };
        var format = new Option<string>("--format") { Description = "text, json or markdown (json and markdown: stdout carries only that).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "markdown");
        var output = new Option<string?>("--out") { Description = "Where the baseline artifact goes (default .rft/baselines/<job file name>.json under --root)." };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of each variant's reward distribution to this file." };
        var concurrency = new Option<int>("--concurrency") { Description = $"Calls in flight at once, 1 to {BaselineRunOptions.MaxConcurrency}.", DefaultValueFactory = _ => 4 };
        var fresh = new Option<bool>("--fresh") { Description = "Ask every row again instead of reusing the answers cached by an earlier run." };
        var graderDeployment = new Option<string[]>("--grader-deployment") { Description = "MODEL=DEPLOYMENT for a score_model/label_model grader (repeatable; default: a deployment named like the model)." };

        var command = new Command("baseline", "Measure the base model with the job's grader before training: reward per prompt variant, cost, artifact for `rft watch`.");
        command.Arguments.Add(job);
        foreach (var option in new Option[] { root, endpoint, rows, seed, deployment, format, output, plot, concurrency, fresh, graderDeployment })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(new BaselineArguments(
            parseResult.GetValue(job)!, parseResult.GetValue(root)!, parseResult.GetValue(endpoint), parseResult.GetValue(rows),
            parseResult.GetValue(seed), parseResult.GetValue(deployment), parseResult.GetValue(format)!, parseResult.GetValue(output),
            parseResult.GetValue(plot), parseResult.GetValue(concurrency), parseResult.GetValue(fresh), parseResult.GetValue(graderDeployment)),
            io, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(BaselineArguments args, IOContext io, CancellationToken cancellationToken)
    {
        if (args.Rows is { } n && n is < BaselinePlan.MinRows or > BaselinePlan.MaxRows)
        {
            return Usage(io, $"--rows {n} is out of range: a baseline asks {BaselinePlan.MinRows} to {BaselinePlan.MaxRows} rows.");
        }

        if (args.Concurrency is < 1 or > BaselineRunOptions.MaxConcurrency)
        {
            return Usage(io, $"--concurrency {args.Concurrency} is out of range: give 1 to {BaselineRunOptions.MaxConcurrency}.");
        }

        var endpointText = args.Endpoint ?? Environment.GetEnvironmentVariable(EndpointVariable);
        if (endpointText is null or "")
        {
            return Usage(io, $"give --endpoint (or set {EndpointVariable}): the resource that hosts a deployment of the base model (docs/baseline.md).");
        }

        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http"))
        {
            return Usage(io, $"--endpoint '{endpointText}' is not an http(s) URL: give the resource, e.g. https://myres.openai.azure.com/.");
        }

        if (!File.Exists(Path.Combine(args.Root, args.Job)))
        {
            return Usage(io, $"job file '{args.Job}' not found under {args.Root}.");
        }

        var graderDeployments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in args.GraderDeployments ?? [])
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                return Usage(io, $"--grader-deployment '{pair}' is not MODEL=DEPLOYMENT, e.g. --grader-deployment gpt-4.1-mini=grader-mini.");
            }

            graderDeployments[parts[0]] = parts[1];
        }

        var artifactPath = args.Out ?? Path.Combine(".rft", "baselines", Path.GetFileNameWithoutExtension(args.Job) + ".json");
        var fullArtifact = Path.Combine(args.Root, artifactPath);
        if (args.Plot is not null && GradePlot.TargetProblem(Path.Combine(args.Root, args.Plot)) is { } plotProblem)
        {
            return Usage(io, $"--plot '{args.Plot}': {plotProblem}");
        }

        var diagnostics = new List<Diagnostic>();
        var plan = BaselinePlan.Load(args.Root, args.Job, new BaselineOverrides(args.Rows, args.Seed, args.Deployment), diagnostics, cancellationToken);
        if (plan is null)
        {
            foreach (var diagnostic in diagnostics.Where(d => d.IsError))
            {
                io.Error.WriteLine(diagnostic.ToString());
            }

            io.Error.WriteLine($"rft baseline: {args.Job} has errors; nothing was asked. Run `rft validate` for every finding.");
            return ExitCodes.Failed;
        }

        if (GraderLimits.Problem(plan.Grader) is { } limit)
        {
            io.Error.WriteLine($"rft baseline: grader {plan.Grader.Name}: {limit} Nothing was asked (docs/limits-grading.md).");
            return ExitCodes.Failed;
        }

        var key = Environment.GetEnvironmentVariable(GradeCommand.ApiKeyVariable) is { Length: > 0 } k ? new ApiKeyCredential(k) : null;
        using var client = key is null ? new AzureOpenAIBaseModelClient(endpoint) : new AzureOpenAIBaseModelClient(endpoint, key);
        var graderOptions = new ModelGraderClientOptions { Deployments = graderDeployments };
        IModelGraderClient graderClient = key is null
            ? new AzureOpenAIModelGraderClient(endpoint, credential: null, graderOptions)
            : new AzureOpenAIModelGraderClient(endpoint, key, graderOptions);

        var cachePath = Path.ChangeExtension(fullArtifact, ".answers.jsonl");
        BaselineCache cache;
        try
        {
            if (args.Fresh && File.Exists(cachePath))
            {
                File.Delete(cachePath);
            }

            cache = BaselineCache.Open(cachePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage(io, $"cannot use the answer cache {Path.ChangeExtension(artifactPath, ".answers.jsonl")}: {e.Message}");
        }

        var progress = new TerminalProgress(io);
        BaselineResult result;
        using (cache)
        {
            try
            {
                result = await BaselineRunner.RunAsync(plan, client, new BaselineRunOptions
                {
                    Concurrency = args.Concurrency,
                    Cache = cache,
                    CacheScope = endpoint.GetLeftPart(UriPartial.Path),
                    Progress = progress,
                    Engine = new GraderEngineOptions { ModelClient = graderClient },
                }, cancellationToken);
            }
            catch (BaseModelCallException e)
            {
                progress.Done();
                io.Error.WriteLine($"rft baseline: {e.Message}");
                io.Error.WriteLine($"{cache.Count} answers are cached in {Path.ChangeExtension(artifactPath, ".answers.jsonl")}; run the same command again to resume. " +
                    $"Check --endpoint, --deployment and {GradeCommand.ApiKeyVariable} (or the Entra ID login) (docs/baseline.md).");
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                progress.Done();
                io.Error.WriteLine($"rft baseline: cancelled; {cache.Count} answers are cached in {Path.ChangeExtension(artifactPath, ".answers.jsonl")}; " +
                    "run the same command again to resume.");
                return ExitCodes.Failed;
            }
            finally
            {
                progress.Done();
            }
        }

        var advice = BaselineAdvice.For(result);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(fullArtifact))!);
            await File.WriteAllTextAsync(fullArtifact, result.ToJson().ToJsonString(JsonOptions) + "\n", CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage(io, $"cannot write the baseline artifact {artifactPath}: {e.Message}");
        }

        switch (args.Format)
        {
            case "json":
                var json = result.ToJson();
                json["findings"] = GradeOutput.DiagnosticsJson(advice);
                io.Out.WriteLine(json.ToJsonString(JsonOptions));
                break;
            case "markdown":
                io.Out.Write(BaselineOutput.Markdown(result, advice));
                break;
            default:
                BaselineOutput.WriteText(io.Out, result, advice);
                break;
        }

        io.Error.WriteLine($"wrote {artifactPath}");
        if (args.Plot is not null)
        {
            if (BaselinePlot.Write(Path.Combine(args.Root, args.Plot), result) is { } writeProblem)
            {
                return Usage(io, $"--plot '{args.Plot}': {writeProblem}");
            }

            io.Error.WriteLine($"wrote {args.Plot}");
        }

        return ExitCodes.Success;
    }

    private static int Usage(IOContext io, string message)
    {
        io.Error.WriteLine($"rft baseline: {message}");
        return ExitCodes.UsageOrIo;
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
