using RftInfra.Declarations;

namespace RftInfra.Emulator;

/// <summary>How the local emulator listens, authenticates, paces jobs and which limits it enforces.</summary>
public sealed record EmulatorOptions
{
    /// <summary>The port on 127.0.0.1; 0 picks a free one (read <see cref="RftEmulator.BaseUrl"/> after start).</summary>
    public int Port { get; init; }

    /// <summary>The key callers send as <c>api-key</c> (or as <c>Authorization: Bearer</c>, as the OpenAI SDK does).</summary>
    public string ApiKey { get; init; } = "rft-emulator-key";

    /// <summary>
    /// Accept any bearer token (what a <c>TokenCredential</c> such as DefaultAzureCredential sends): the emulator
    /// cannot verify Entra tokens, so this only checks that one is present.
    /// </summary>
    public bool AcceptAnyBearerToken { get; init; }

    /// <summary>
    /// The SQLite database that keeps state between runs (read on start, every change committed before it is
    /// answered); null keeps it in memory.
    /// </summary>
    public string? StatePath { get; init; }

    /// <summary>Drives file processing and job progression; a FakeTimeProvider in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// How long each simulated phase takes: file processing, validating files, and each training step. Zero makes
    /// everything finish at the next request.
    /// </summary>
    public TimeSpan Pace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Training steps of a simulated job (one metrics event per step).</summary>
    public int TotalSteps { get; init; } = 6;

    /// <summary>Fault rules applied before the routes (see <see cref="FaultRule"/>).</summary>
    public IReadOnlyList<FaultRule> Faults { get; init; } = [];

    /// <summary>Files per resource, every purpose counted (the catalog's quota: 50 on Azure's quota page).</summary>
    public int MaxFiles { get; init; } = (int)Quota("fine_tuning_files", 50);

    /// <summary>Bytes of all files of the resource together (the catalog's quota: 1 GB on Azure's quota page).</summary>
    public long MaxTotalFileBytes { get; init; } = Quota("fine_tuning_files_total_bytes", 1L << 30);

    /// <summary>Bytes per file (the catalog's limit: under 512 MB).</summary>
    public long MaxFileBytes { get; init; } = RftCatalog.Default.Limits.FileMaxBytesExclusive - 1;

    /// <summary>Jobs waiting (pending, queued) per resource (the catalog's quota: 20 on Azure's quota page).</summary>
    public int MaxQueuedJobs { get; init; } = (int)Quota("queued_training_jobs", 20);

    /// <summary>Jobs per resource, finished ones included until deleted (the catalog's quota: 100).</summary>
    public int MaxJobs { get; init; } = (int)Quota("total_training_jobs", 100);

    /// <summary>The largest JSON request body; a bigger one is answered 413 before it is read.</summary>
    public long MaxJsonBodyBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>
    /// Deployment names the chat completions route serves (the emulated grader model); null serves any name.
    /// </summary>
    public IReadOnlySet<string>? Deployments { get; init; }

    /// <summary>Base-model deployments the chat completions route answers with a configured accuracy (<see cref="BaseModelDeployment"/>).</summary>
    public IReadOnlyList<BaseModelDeployment> BaseModels { get; init; } = [];

    /// <summary>
    /// The emulated resource's Azure region (e.g. swedencentral): with it, a job's trainingType is checked against
    /// the regions the kit's catalog lists for the model; null skips that check.
    /// </summary>
    public string? Region { get; init; }

    private static long Quota(string name, long fallback) =>
        RftCatalog.Default.Quotas.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>
    /// Run python graders sent to <c>POST …/graders/run</c> (in the sandbox, docs/security.md). Off by default: anyone
    /// holding the key (the default one is public) could otherwise run code on this machine; without it such a run
    /// is answered 403 <c>pythonGradersDisabled</c>.
    /// </summary>
    public bool AllowPythonGraders { get; init; }

    /// <summary>Answer the dated surface's create without <c>trainingType</c> with the service's misleading error.</summary>
    public bool RequireTrainingTypeOnDatedSurface { get; init; }
}
