using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RftInfra.AzureOpenAI;
using RftInfra.Emulator;
using RftInfra.Lifecycles;
using RftInfra.ProviderModel;
using RftInfra.Core.Tests.Lifecycles;

namespace RftInfra.Core.Tests.ProviderModel;

/// <summary>
/// The seam between the Pulumi engine and the kit, rehearsed here: the provider's Core side (<see cref="ResourceVerbs"/>
/// over the three lifecycles) driven in engine order by <see cref="EngineDriver"/> against the emulator, through
/// preview, up, refresh, a no-op up, a spec change and destroy — then each step again with a fault injected.
/// The RftJob program shape: two TrainingFiles, a Grader, and a FineTuningJob fed the files' fileId outputs.
/// </summary>
public class EngineSeamTests
{
    private const string JobCreatePath = "/openai/fine_tuning/jobs";

    private static readonly string[] Steps = ["up", "refresh", "noop-up", "spec-change", "destroy"];

    private static readonly Dictionary<string, Func<FaultRule, FaultRule>> Faults = new()
    {
        ["429"] = r => r with { Fault = FaultKind.Status, Status = 429, RetryAfterMs = 5 },
        ["500"] = r => r with { Fault = FaultKind.Status, Status = 500 },
        ["503"] = r => r with { Fault = FaultKind.Status, Status = 503 },
        ["drop"] = r => r with { Fault = FaultKind.DropConnection },
        ["response-lost"] = r => r with { Fault = FaultKind.ResponseLost },
        // Held past the client's per-try timeout (LateTimeout); the emulator stops waiting when the client hangs up.
        ["late-response"] = r => r with { Fault = FaultKind.LateResponse, LatencyMs = 4000 },
    };

    /// <summary>
    /// A per-try timeout well under the late answers' delay, and long enough that the service has done the work
    /// before the client gives up, even on a loaded machine (what "the answer came too late" means).
    /// </summary>
    private static readonly RetrySettings LateTimeout = LifecycleHarness.FastRetry with
    {
        AttemptTimeout = TimeSpan.FromSeconds(1), UploadAttemptTimeout = TimeSpan.FromSeconds(1),
    };

    public static readonly TheoryData<string, string> FaultMatrix = BuildMatrix();

    private static TheoryData<string, string> BuildMatrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var step in Steps)
        {
            foreach (var fault in Faults.Keys)
            {
                data.Add(step, fault);
            }
        }

        return data;
    }

    [Fact]
    public async Task Preview_OfAFreshStack_PassesTheJobsCheckWithUnknownFileIds_AndCallsNothing()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var engine = Engine(h);

        var planned = await engine.PreviewAsync(Program(h));

        Assert.Empty(h.Emulator.Requests);
        Assert.Empty(engine.State);
        Assert.True(PropertyBags.IsUnknown(planned["train"]["fileId"]));
        Assert.True(PropertyBags.IsUnknown(planned["valid"]["fileId"]));
        Assert.Equal(Sha256(h.TrainPath), (string?)planned["train"]["contentHash"]);
        Assert.True(PropertyBags.IsUnknown(planned["grader"]["serviceValidated"]));
        // The job's inputs hold unknowns, so all its outputs are unknown (the provider never calls the lifecycle then).
        Assert.All(RftResourceTypes.FineTuningJob.OutputNames, o => Assert.True(PropertyBags.IsUnknown(planned["job"][o]), o));
        foreach (var (name, type) in new[] { ("train", RftResourceTypes.TrainingFile), ("grader", RftResourceTypes.Grader), ("job", RftResourceTypes.FineTuningJob) })
        {
            // Every declared output is a known value or unknown: never a known null a dependent would lose.
            Assert.All(type.OutputNames, output => Assert.True(planned[name][output] is not null, $"{name}.{output} is a known null"));
        }

        Assert.Equal(
            ["check train (preview)", "create train (preview)", "check valid (preview)", "create valid (preview)",
                "check grader (preview)", "create grader (preview)", "check job (preview)", "create job (preview)"],
            engine.Calls);
    }

    [Fact]
    public async Task Check_OfAJobWithoutItsFileIds_NamesEachMissingInput()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var verbs = new ResourceVerbs(ProviderSettings.Lifecycles(h.Client));
        var inputs = new JsonObject { ["model"] = "o4-mini-2025-04-16", ["grader"] = LifecycleHarness.Grader(), ["seed"] = -1 };

        var (_, failures) = await verbs.CheckAsync(RftResourceTypes.FineTuningJobToken, [], inputs);

        Assert.Equal(["trainingFileId", "validationFileId", "seed"], failures.Select(f => f.Property));
        Assert.Contains("RFT901", failures[0].Reason);
        Assert.Contains("Input 'trainingFileId' is missing", failures[0].Reason);
    }

    [Fact]
    public async Task Rehearsal_UpRefreshNoopUpSpecChangeDestroy_ConvergesWithTheExpectedCalls()
    {
        await using var h = await LifecycleHarness.StartAsync();
        var engine = Engine(h);

        var (oldJob, up) = await StepAsync(h, engine, "up", Program(h));
        Assert.Equal(1, Count(up, "POST", JobCreatePath));
        Assert.Equal(2, Count(up, "POST", "/openai/v1/files"));
        Assert.Equal(1, Count(up, "POST", "/openai/v1/fine_tuning/alpha/graders/validate"));
        Assert.Equal(4, Writes(up));
        Assert.True(engine.Calls.IndexOf("check job") < engine.Calls.IndexOf("create job"));
        Assert.True((bool)engine["grader"].Outputs["serviceValidated"]!);

        var (_, refresh) = await StepAsync(h, engine, "refresh", Program(h));
        Assert.Equal(0, Writes(refresh));
        Assert.Equal("pending", (string?)engine["job"].Outputs["status"]);

        var (_, noop) = await StepAsync(h, engine, "noop-up", Program(h));
        Assert.Empty(noop); // not even a read

        engine.Calls.Clear();
        var (newJob, change) = await StepAsync(h, engine, "spec-change", Program(h, operation: "ilike"));
        Assert.NotEqual(oldJob, newJob);
        Assert.Equal(1, Count(change, "POST", JobCreatePath));
        Assert.Equal(1, Count(change, "POST", $"/openai/v1/fine_tuning/jobs/{oldJob}/cancel"));
        Assert.Equal(1, Count(change, "POST", "/openai/v1/fine_tuning/alpha/graders/validate"));
        Assert.Equal(3, Writes(change));
        // Check before Diff; the replacement is created before the old job is deleted (no deleteBeforeReplace).
        Assert.Equal(
            ["check job (preview)", "diff job (preview)", "create job (preview)", "delete job (preview)", "check job", "diff job", "create job", "delete job"],
            engine.Calls.Where(c => c.Contains(" job", StringComparison.Ordinal)).ToList());

        engine.Calls.Clear();
        var (_, destroy) = await StepAsync(h, engine, "destroy", Program(h, operation: "ilike"));
        Assert.Equal(["delete job", "delete grader", "delete valid", "delete train"], engine.Calls);
        Assert.Equal(1, Count(destroy, "POST", $"/openai/v1/fine_tuning/jobs/{newJob}/cancel"));
        Assert.Equal(2, Count(destroy, "DELETE", "/openai/v1/files/*"));
        Assert.Equal(3, Writes(destroy));
    }

    /// <summary>The provider configured with a Foundry project endpoint (docs/foundry.md): the same steps, on the project's paths.</summary>
    [Fact]
    public async Task Rehearsal_ThroughAFoundryProjectEndpoint_MakesTheSameCallsOnTheProjectsV1Paths()
    {
        const string V1 = "/api/projects/rft-dev/openai/v1";
        await using var h = await LifecycleHarness.StartAsync(foundryProject: "rft-dev");
        var (settings, failures) = ProviderSettings.Parse(new Uri(h.Emulator.BaseUrl, "api/projects/rft-dev").ToString(), "apikey", LifecycleHarness.Key);
        Assert.Empty(failures);
        var client = settings!.CreateClient(new FineTuningClientOptions
        {
            Retry = LifecycleHarness.FastRetry, FilePollInterval = TimeSpan.FromMilliseconds(2), FileProcessingTimeout = TimeSpan.FromSeconds(10),
        });
        Assert.True(client.IsFoundryProject);
        var engine = new EngineDriver(
            new ResourceVerbs(ProviderSettings.Lifecycles(client)),
            (type, create) => type == RftResourceTypes.TrainingFileToken ? h.WithClockRunning(create) : create());

        var (job, up) = await StepAsync(h, engine, "up", Program(h));
        Assert.Equal(1, Count(up, "POST", $"{V1}/fine_tuning/jobs"));
        Assert.Equal(2, Count(up, "POST", $"{V1}/files"));
        Assert.Equal(1, Count(up, "POST", $"{V1}/fine_tuning/alpha/graders/validate"));
        Assert.Equal(4, Writes(up));
        Assert.All(h.Emulator.Requests, r => Assert.StartsWith(V1 + "/", r.Path, StringComparison.Ordinal));

        var (_, refresh) = await StepAsync(h, engine, "refresh", Program(h));
        Assert.Equal(0, Writes(refresh));
        var (_, noop) = await StepAsync(h, engine, "noop-up", Program(h));
        Assert.Empty(noop);

        var (_, destroy) = await StepAsync(h, engine, "destroy", Program(h));
        Assert.Equal(1, Count(destroy, "POST", $"{V1}/fine_tuning/jobs/{job}/cancel"));
        Assert.Equal(2, Count(destroy, "DELETE", $"{V1}/files/*"));
    }

    /// <summary>Each step again with its first read, first POST and first DELETE failing: the same end state.</summary>
    [Theory]
    [MemberData(nameof(FaultMatrix))]
    public async Task Rehearsal_WithAFaultInOneStep_ConvergesToTheSameEndState(string faultedStep, string fault)
    {
        var late = fault == "late-response";
        await using var h = await LifecycleHarness.StartAsync(retry: late ? LateTimeout : null);
        var engine = Engine(h);
        FaultRule[] rules = [.. new[] { "GET", "POST", "DELETE" }.Select(m => Faults[fault](new FaultRule { Method = m, Path = "*", First = 1 }))];

        foreach (var step in Steps)
        {
            var program = Program(h, operation: step is "spec-change" or "destroy" ? "ilike" : "eq");
            h.Emulator.Faults.SetRules(step == faultedStep ? rules : []);
            var (_, calls) = await StepAsync(h, engine, step, program, () => h.Emulator.Faults.SetRules([]));
            if (step == faultedStep)
            {
                // A no-op up makes no call at all, so there is nothing to fail.
                Assert.Equal(step != "noop-up", calls.Any(r => r.Fault is not null));
            }
        }
    }

    [Fact]
    public async Task JobCreate_AnsweredAfterTheClientGaveUp_IsAdoptedNotDuplicated()
    {
        await using var h = await LifecycleHarness.StartAsync(retry: LateTimeout);
        var engine = Engine(h);
        h.Emulator.Faults.SetRules([new FaultRule { Method = "POST", Path = JobCreatePath, First = 1, Fault = FaultKind.LateResponse, LatencyMs = 4000 }]);

        await engine.UpAsync(Program(h));

        var calls = h.Emulator.Requests;
        var late = Assert.Single(calls, r => r.Fault == FaultKind.LateResponse);
        Assert.Equal(201, late.Status); // the service made the job (the dated surface answers 201)
        Assert.Equal(1, Count(calls, "POST", JobCreatePath)); // the client did not ask again:
        Assert.Contains(calls.SkipWhile(r => r != late).Skip(1), r => r.Method == "GET" && r.Path == "/openai/v1/fine_tuning/jobs"); // it looked
        var job = Assert.Single(await h.JobsAsync());
        Assert.Equal(job.Id, engine["job"].Id);
        Assert.Equal(job.Metadata![FineTuningJobLifecycle.SpecHashKey], (string?)engine["job"].Outputs["specHash"]);
    }

    /// <summary>
    /// Runs one step and checks the state it must leave (one live job, for the declared spec, on the declared files;
    /// no orphaned or duplicate file; one job per spec ever). Returns the live job's id (null after destroy) and the
    /// calls the step made, taken before the checks' own reads.
    /// </summary>
    private static async Task<(string? JobId, IReadOnlyList<EmulatorRequest> Calls)> StepAsync(
        LifecycleHarness h, EngineDriver engine, string step, IReadOnlyList<Declared> program, Action? afterStep = null)
    {
        var before = h.Emulator.Requests.Count;
        await (step switch
        {
            "refresh" => engine.RefreshAsync(),
            "destroy" => engine.DestroyAsync(),
            _ => engine.UpAsync(program),
        });
        IReadOnlyList<EmulatorRequest> calls = [.. h.Emulator.Requests.Skip(before)];
        afterStep?.Invoke();

        var jobs = await h.JobsAsync();
        Assert.All(jobs.GroupBy(j => j.Metadata![FineTuningJobLifecycle.SpecHashKey]), g => Assert.Single(g));
        var live = jobs.Where(j => j.Status.State != JobState.Cancelled && j.Status.State != JobState.Cancelling).ToList();
        var files = await h.LiveFilesAsync();
        if (step == "destroy")
        {
            Assert.Empty(engine.State);
            Assert.Empty(files);
            Assert.Empty(live);
            return (null, calls);
        }

        Assert.Equal(["train", "valid", "grader", "job"], engine.State.Select(r => r.Name));
        Assert.Equal(
            new[] { engine["train"].Id, engine["valid"].Id }.Order(StringComparer.Ordinal),
            files.Select(f => f.Id).Order(StringComparer.Ordinal));
        var job = engine["job"];
        Assert.Equal([job.Id], live.Select(j => j.Id));
        Assert.Equal((string?)job.Outputs["specHash"], live[0].Metadata![FineTuningJobLifecycle.SpecHashKey]);
        Assert.Equal(FineTuningJobLifecycle.SpecHash(job.Inputs), (string?)job.Outputs["specHash"]);
        Assert.Equal((engine["train"].Id, engine["valid"].Id), (live[0].TrainingFile, live[0].ValidationFile));
        return (job.Id, calls);
    }

    private static EngineDriver Engine(LifecycleHarness h) => new(
        new ResourceVerbs(ProviderSettings.Lifecycles(h.Client)),
        // A file is processed while the emulator's clock moves; nothing else lets time pass, so jobs stay pending.
        (type, create) => type == RftResourceTypes.TrainingFileToken ? h.WithClockRunning(create) : create());

    /// <summary>The RftJob program: two files, the grader, and the job fed the files' fileId outputs.</summary>
    private static IReadOnlyList<Declared> Program(LifecycleHarness h, string operation = "eq")
    {
        var grader = LifecycleHarness.Grader(operation);
        var dataRoot = Path.GetDirectoryName(h.TrainPath)!;
        var (trainHash, validHash) = (Sha256(h.TrainPath), Sha256(h.ValidPath));
        return
        [
            new("train", RftResourceTypes.TrainingFileToken, new Dictionary<string, object?> { ["source"] = h.TrainPath, ["contentHash"] = trainHash }),
            new("valid", RftResourceTypes.TrainingFileToken, new Dictionary<string, object?> { ["source"] = h.ValidPath, ["contentHash"] = validHash }),
            new("grader", RftResourceTypes.GraderToken, new Dictionary<string, object?> { ["grader"] = grader, ["sourceFile"] = "graders/capital-match.json" }),
            new("job", RftResourceTypes.FineTuningJobToken, new Dictionary<string, object?>
            {
                ["model"] = "o4-mini-2025-04-16",
                ["trainingFileId"] = new OutputRef("train", "fileId"),
                ["validationFileId"] = new OutputRef("valid", "fileId"),
                ["trainingFileHash"] = trainHash,
                ["validationFileHash"] = validHash,
                ["grader"] = grader.DeepClone(),
                ["hyperparameters"] = new JsonObject { ["n_epochs"] = 2, ["eval_samples"] = 2, ["reasoning_effort"] = "low" },
                ["trainingType"] = "globalstandard",
                ["seed"] = JsonValue.Create(42),
                ["suffix"] = "capital-qa",
                ["metadata"] = new JsonObject { ["team"] = "geo" },
                ["sourceFile"] = "jobs/capital-qa.yaml",
                ["declaration"] = new JsonObject
                {
                    ["name"] = "capital-qa",
                    ["model"] = "o4-mini-2025-04-16",
                    ["training_file"] = Path.GetFileName(h.TrainPath),
                    ["validation_file"] = Path.GetFileName(h.ValidPath),
                    ["grader"] = "capital-match",
                    ["training_type"] = "globalstandard",
                    ["region"] = "swedencentral",
                    ["suffix"] = "capital-qa",
                    ["seed"] = 42,
                },
                ["dataRoot"] = dataRoot,
            }, ["grader"]),
        ];
    }

    private static int Count(IEnumerable<EmulatorRequest> calls, string method, string pathGlob)
    {
        var rule = new FaultRule { Method = method, Path = pathGlob };
        return calls.Count(r => r.Method == method && rule.MatchesRequest(r.Method, r.Path));
    }

    /// <summary>Calls that can change something (anything but GET).</summary>
    private static int Writes(IEnumerable<EmulatorRequest> calls) => calls.Count(r => r.Method != "GET");

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
