using System.ClientModel;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Cli.Commands;

/// <summary>The arguments of `rft grade`, bound once from the parse result.</summary>
public sealed record GradeArguments(
    string Root,
    string? Grader,
    string? Data,
    string? Samples,
    string? SampleText,
    bool Rows,
    string Format,
    string? Plot,
    bool Check,
    double PythonTimeoutSeconds,
    string? Endpoint = null,
    IReadOnlyList<string>? Deployments = null);

/// <summary>
/// `rft grade`: runs a grader locally over a dataset and model outputs and shows the reward distribution, or
/// (`--check`) runs the graders' sidecar tests.
/// </summary>
public static class GradeCommand
{
    public static Command Create(IOContext io)
    {
        var root = new Option<string>("--root") { Description = "Directory that relative paths (and graders/ for --check) are resolved against.", DefaultValueFactory = _ => "." };
        var grader = new Option<string?>("--grader") { Description = "The grader file (graders/x.json or .yaml)." };
        var data = new Option<string?>("--data") { Description = "The dataset (JSONL, one row per line): the item namespace." };
        var samples = new Option<string?>("--samples") { Description = "Model outputs, one JSON value per line; line N pairs with row N of --data. A JSON string is the output text; an object or array is JSON output." };
        var sampleText = new Option<string?>("--sample-text") { Description = "One model output tried against every row of --data." };
        var rows = new Option<bool>("--rows") { Description = "Also print each row's reward." };
        var format = new Option<string>("--format") { Description = "text or json (json: stdout carries only JSON).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var plot = new Option<string?>("--plot") { Description = "Write a PNG histogram of the rewards to this file." };
        var check = new Option<bool>("--check") { Description = "Run the grader tests (graders/<name>.tests.jsonl) of --grader, or of every grader under graders/." };
        var endpoint = new Option<string?>("--endpoint") { Description = "Azure OpenAI resource (https://NAME.openai.azure.com/) or `rft emulator` URL that runs score_model/label_model graders and text_similarity cosine (embeddings deployment text-embedding-3-large, or --deployment text-embedding-3-large=NAME). Entra ID by default; the key, if any, comes from AZURE_OPENAI_API_KEY." };
        var deployment = new Option<string[]>("--deployment") { Description = "MODEL=DEPLOYMENT: the deployment a grader model runs on (repeatable; default: a deployment named like the model).", AllowMultipleArgumentsPerToken = false };
        var pythonTimeout = new Option<double>("--python-timeout") { Description = "Seconds a python grader's grade() may take per row, more than 0 and at most 3600 (the service allows 120).", DefaultValueFactory = _ => PythonGraderRunner.DefaultTimeout.TotalSeconds }
            .InRange(0, OptionRanges.PythonTimeoutMaxSeconds, minInclusive: false, "a number of seconds");

        var command = new Command("grade", "Run a grader locally: rewards for model outputs, the reward distribution, grader tests.");
        foreach (var option in new Option[] { root, grader, data, samples, sampleText, rows, format, plot, check, endpoint, deployment, pythonTimeout })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var arguments = new GradeArguments(
                parseResult.GetValue(root)!, parseResult.GetValue(grader), parseResult.GetValue(data),
                parseResult.GetValue(samples), parseResult.GetValue(sampleText), parseResult.GetValue(rows),
                parseResult.GetValue(format)!, parseResult.GetValue(plot), parseResult.GetValue(check),
                parseResult.GetValue(pythonTimeout), parseResult.GetValue(endpoint), parseResult.GetValue(deployment));
            return await RunAsync(arguments, io, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(GradeArguments args, IOContext io, CancellationToken cancellationToken)
    {
        if (!OptionRanges.IsInRange(args.PythonTimeoutSeconds, 0, OptionRanges.PythonTimeoutMaxSeconds, minInclusive: false))
        {
            return Usage(io, OptionRanges.OutOfRange("--python-timeout", args.PythonTimeoutSeconds, 0,
                OptionRanges.PythonTimeoutMaxSeconds, minInclusive: false, "a number of seconds"));
        }

        var clients = ModelGraderClientFrom(args, out var problem);
        if (problem is not null)
        {
            return Usage(io, problem);
        }

        var options = new GraderEngineOptions
        {
            PythonTimeout = TimeSpan.FromSeconds(args.PythonTimeoutSeconds), ModelClient = clients?.Models, EmbeddingClient = clients?.Embeddings,
        };
        return args.Check ? await CheckAsync(args, options, io, cancellationToken) : await GradeAsync(args, options, io, cancellationToken);
    }

    /// <summary>The environment variable an API key for --endpoint is read from (never a command-line argument: shells keep history).</summary>
    public const string ApiKeyVariable = "AZURE_OPENAI_API_KEY";

    /// <summary>The grader model and embeddings (cosine) clients for --endpoint (null without it), or a usage problem.</summary>
    private static (AzureOpenAIModelGraderClient Models, AzureOpenAIEmbeddingClient Embeddings)? ModelGraderClientFrom(GradeArguments args, out string? problem)
    {
        problem = null;
        if (args.Endpoint is null)
        {
            if (args.Deployments is { Count: > 0 })
            {
                problem = "--deployment needs --endpoint (the resource that hosts the deployments).";
            }

            return null;
        }

        if (!Uri.TryCreate(args.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http"))
        {
            problem = $"--endpoint '{args.Endpoint}' is not an http(s) URL: give the resource, e.g. https://myres.openai.azure.com/.";
            return null;
        }

        var deployments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in args.Deployments ?? [])
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                problem = $"--deployment '{pair}' is not MODEL=DEPLOYMENT, e.g. --deployment gpt-4.1-mini=grader-mini.";
                return null;
            }

            deployments[parts[0]] = parts[1];
        }

        var options = new ModelGraderClientOptions { Deployments = deployments };
        if (Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key)
        {
            return (new AzureOpenAIModelGraderClient(endpoint, new ApiKeyCredential(key), options),
                new AzureOpenAIEmbeddingClient(endpoint, new ApiKeyCredential(key), options));
        }

        // One credential for both clients, so Entra ID signs in once.
        var credential = new Azure.Identity.DefaultAzureCredential();
        return (new AzureOpenAIModelGraderClient(endpoint, credential, options), new AzureOpenAIEmbeddingClient(endpoint, credential, options));
    }

    private static async Task<int> CheckAsync(GradeArguments args, GraderEngineOptions options, IOContext io, CancellationToken cancellationToken)
    {
        GraderTestReport report;
        if (args.Grader is not null)
        {
            var path = Path.Combine(args.Root, args.Grader);
            if (!File.Exists(path))
            {
                return Usage(io, $"grader file '{args.Grader}' not found.");
            }

            if (!File.Exists(GraderTestRunner.SidecarPath(path)))
            {
                return Usage(io, $"'{args.Grader}' has no grader tests: write {GraderTestRunner.SidecarPath(args.Grader)} " +
                    "(one line per test: {\"item\": {…}, \"sample\": \"…\", \"expected\": 1, \"note\": \"…\"}).");
            }

            report = await GraderTestRunner.RunAsync(path, args.Grader, options, cancellationToken);
        }
        else
        {
            report = await GraderTestRunner.RunAllAsync(Path.Combine(args.Root, "graders"), "graders", options, cancellationToken);
        }

        if (args.Format == "json")
        {
            var json = new JsonObject
            {
                ["passed"] = report.Passed,
                ["failed"] = report.Failed,
                ["not_scored"] = report.NotScored,
                ["diagnostics"] = GradeOutput.DiagnosticsJson(report.Diagnostics),
            };
            io.Out.WriteLine(json.ToJsonString(JsonOptions));
        }
        else
        {
            // The layout of `rft validate`: grouped by file, the fix under each finding.
            ValidationOutput.WriteFindings(io.Out, report.Diagnostics, io.IsTerminal);
            io.Out.WriteLine($"grader tests: {report.Passed} passed, {report.Failed} failed, {report.NotScored} not run offline.");
        }

        return report.HasErrors ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static async Task<int> GradeAsync(GradeArguments args, GraderEngineOptions options, IOContext io, CancellationToken cancellationToken)
    {
        if (args.Grader is null || args.Data is null)
        {
            return Usage(io, "give --grader and --data (and --samples or --sample-text), or --check to run grader tests.");
        }

        if ((args.Samples is null) == (args.SampleText is null))
        {
            return Usage(io, "give exactly one of --samples FILE (one output per data row) and --sample-text TEXT.");
        }

        foreach (var (option, file) in new[] { ("--grader", args.Grader), ("--data", args.Data), ("--samples", args.Samples) })
        {
            if (file is not null && !File.Exists(Path.Combine(args.Root, file)))
            {
                return Usage(io, $"{option} file '{file}' not found.");
            }
        }

        if (args.Plot is not null && GradePlot.TargetProblem(Path.Combine(args.Root, args.Plot)) is { } plotProblem)
        {
            return Usage(io, $"--plot '{args.Plot}': {plotProblem}");
        }

        var diagnostics = new List<Diagnostic>();
        var grader = GradeInputs.ReadGrader(Path.Combine(args.Root, args.Grader), args.Grader, diagnostics);
        var dataLines = GradeInputs.ReadJsonl(Path.Combine(args.Root, args.Data), args.Data, diagnostics) ?? [];
        var items = new List<(int Line, JsonObject Item)>();
        foreach (var line in dataLines)
        {
            if (line.Value is JsonObject item)
            {
                items.Add((line.Line, item));
            }
            else
            {
                diagnostics.Add(new Diagnostic(GradeCodes.JsonlLineInvalid, DiagnosticSeverity.Error, args.Data,
                    new SourcePosition(line.Line, 1), $"line {line.Line} is not a JSON object: each dataset row is an object.", null));
            }
        }

        List<JsonObject> samples;
        if (args.Samples is not null)
        {
            var sampleLines = GradeInputs.ReadJsonl(Path.Combine(args.Root, args.Samples), args.Samples, diagnostics) ?? [];
            samples = sampleLines.Select(l => GraderSample.FromValue(l.Value)).ToList();
            if (diagnostics.Count == 0 && samples.Count != items.Count)
            {
                diagnostics.Add(new Diagnostic(GradeCodes.SampleCountMismatch, DiagnosticSeverity.Error, args.Samples,
                    SourcePosition.None,
                    $"{args.Samples} has {samples.Count} outputs but {args.Data} has {items.Count} rows; output N is graded against row N.",
                    "Give one output per data row, in the same order (blank lines are skipped in both)."));
            }
        }
        else
        {
            samples = items.Select(_ => GraderSample.FromText(args.SampleText!)).ToList();
        }

        if (grader is null || diagnostics.Count > 0)
        {
            foreach (var diagnostic in diagnostics)
            {
                io.Error.WriteLine(diagnostic.ToString());
            }

            return ExitCodes.Failed;
        }

        if (items.Count == 0)
        {
            return Usage(io, $"{args.Data} has no rows.");
        }

        if (GraderLimits.Problem(grader) is { } limit)
        {
            io.Error.WriteLine($"rft grade: {args.Grader}: {limit} Nothing was graded (docs/limits-grading.md).");
            return ExitCodes.Failed;
        }

        await using (var engine = new GraderEngine(options))
        {
            GradeBatchResult batch;
            using (var progress = ProgressDisplay.For(io))
            {
                batch = await GradeBatch.GradeAllAsync(engine, grader, items.Select(x => x.Item).ToList(), samples,
                    $"grading {args.Data}", progress, cancellationToken);
            }

            if (batch is { FailedRow: { } i, Failure: { } failure })
            {
                // A failed call is not a score: stop at the first one instead of reporting every row as 0.
                io.Error.WriteLine($"rft grade: the grader model call to {args.Endpoint} failed on row {i + 1} (line {items[i].Line}) " +
                    $"of {args.Data}: {failure.Message.Split('\n')[0].TrimEnd('.')}.");
                io.Error.WriteLine("No rewards were reported. Check --endpoint, --deployment and " +
                    $"{ApiKeyVariable} (or the Entra ID login) (docs/limits-grading.md).");
                return ExitCodes.Failed;
            }

            var results = batch.Results.ToList();

            var summary = RewardSummary.Compute(grader, results);
            var pythonNote = ContainsPython(grader) ? engine.Python.IsolationNote : null;
            if (args.Format == "json")
            {
                io.Out.WriteLine(GradeOutput.Json(args, grader, items, results, summary, pythonNote).ToJsonString(JsonOptions));
            }
            else
            {
                GradeOutput.WriteText(io.Out, args, grader, items, samples, results, summary, pythonNote);
            }

            if (summary.Scored == 0)
            {
                var why = string.Join("; ", summary.NotScoredReasons.Select(r => $"{r.Value} rows: {r.Key}"));
                io.Error.WriteLine($"rft grade: no row of {args.Data} could be scored ({why}).{(args.Plot is null ? "" : " No plot written.")}");
                return ExitCodes.Failed;
            }

            if (args.Plot is not null)
            {
                var plotPath = Path.Combine(args.Root, args.Plot);
                if (GradePlot.Write(plotPath, $"{grader.Name}: rewards on {Path.GetFileName(args.Data)} (n = {summary.Scored})", summary) is { } writeProblem)
                {
                    return Usage(io, $"--plot '{args.Plot}': {writeProblem}");
                }

                io.Error.WriteLine($"wrote {args.Plot}");
            }
        }

        return ExitCodes.Success;
    }

    private static bool ContainsPython(Grader grader) =>
        grader is PythonGrader || (grader is MultiGrader m && m.Graders.Any(g => g.Value is PythonGrader));

    private static int Usage(IOContext io, string message)
    {
        io.Error.WriteLine($"rft grade: {message}");
        return ExitCodes.UsageOrIo;
    }


    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
