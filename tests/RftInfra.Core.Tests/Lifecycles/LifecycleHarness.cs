using System.Text.Json.Nodes;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RftInfra.AzureOpenAI;
using RftInfra.Emulator;
using RftInfra.Lifecycles;

namespace RftInfra.Core.Tests.Lifecycles;

/// <summary>
/// The emulator on 127.0.0.1:0 (its own fake clock, one simulated phase per <see cref="Pace"/>), a client with tiny
/// retry delays and a recording logger, the three lifecycles, and two small RFT datasets in a temp directory.
/// </summary>
internal sealed class LifecycleHarness : IAsyncDisposable
{
    public static readonly TimeSpan Pace = TimeSpan.FromMinutes(1);
    public const string Key = "emu-key-7f3c9a-TOPSECRET";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rft-lifecycle-{Guid.NewGuid():N}");

    private LifecycleHarness(RftEmulator emulator, FakeTimeProvider clock, FineTuningClient client, RecordingLogger logger)
    {
        Emulator = emulator;
        Clock = clock;
        Client = client;
        Logger = logger;
        Files = new TrainingFileLifecycle(client);
        Graders = new GraderLifecycle(client);
        Jobs = new FineTuningJobLifecycle(client);
        Directory.CreateDirectory(_dir);
        TrainPath = Write("capital-train.jsonl", Rows("France", "Paris", "Japan", "Tokyo"));
        ValidPath = Write("capital-valid.jsonl", Rows("Italy", "Rome", "Peru", "Lima"));
    }

    public RftEmulator Emulator { get; }
    public FakeTimeProvider Clock { get; }
    public FineTuningClient Client { get; }
    public RecordingLogger Logger { get; }
    public TrainingFileLifecycle Files { get; }
    public GraderLifecycle Graders { get; }
    public FineTuningJobLifecycle Jobs { get; }
    public string TrainPath { get; }
    public string ValidPath { get; }

    /// <summary>Tiny delays so faults cost milliseconds; a per-try timeout generous enough for a loaded machine.</summary>
    public static readonly RetrySettings FastRetry = new()
    {
        MaxRetries = 4,
        Delay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        UploadAttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    public static JsonObject Grader(string operation = "eq") => new()
    {
        ["type"] = "string_check",
        ["name"] = "capital-match",
        ["input"] = "{{sample.output_text}}",
        ["reference"] = "{{item.reference_answer}}",
        ["operation"] = operation,
    };

    public static async Task<LifecycleHarness> StartAsync(
        IReadOnlyList<FaultRule>? faults = null, RetrySettings? retry = null, long multipartLimit = 100L * 1024 * 1024,
        string? foundryProject = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var emulator = new RftEmulator(new EmulatorOptions { ApiKey = Key, TimeProvider = clock, Pace = Pace, Faults = faults ?? [] });
        await emulator.StartAsync();
        var logger = new RecordingLogger();
        // A Foundry project: the client talks to {emulator}/api/projects/{project} (docs/foundry.md).
        var endpoint = foundryProject is null ? emulator.BaseUrl : new Uri(emulator.BaseUrl, $"api/projects/{foundryProject}");
        var client = new FineTuningClient(endpoint, new AzureKeyCredential(Key), new FineTuningClientOptions
        {
            Retry = retry ?? FastRetry,
            FilePollInterval = TimeSpan.FromMilliseconds(2),
            FileProcessingTimeout = TimeSpan.FromSeconds(10),
            Logger = logger,
            MultipartUploadLimitBytes = multipartLimit,
            UploadPartSizeBytes = 64,
        });
        return new LifecycleHarness(emulator, clock, client, logger);
    }

    /// <summary>Moves the emulator's clock on by one simulated phase.</summary>
    public void Tick(int phases = 1) => Clock.Advance(Pace * phases);

    /// <summary>Runs <paramref name="work"/> while the emulator's clock moves on by itself (files get processed meanwhile).</summary>
    public async Task<T> WithClockRunning<T>(Func<Task<T>> work)
    {
        using var stop = new CancellationTokenSource();
        var ticker = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Tick();
                await Task.Delay(3, CancellationToken.None);
            }
        });
        try
        {
            return await work();
        }
        finally
        {
            await stop.CancelAsync();
            await ticker;
        }
    }

    /// <summary>Check then Create, as the engine runs them, for a training file.</summary>
    public async Task<CreateResult> CreateFileAsync(string path)
    {
        var check = await Files.CheckAsync([], new JsonObject { ["source"] = path });
        Assert.True(check.IsValid, string.Join("; ", check.Diagnostics));
        return await WithClockRunning(() => Files.CreateAsync(check.Inputs, preview: false));
    }

    public static JsonObject JobInputs(CreateResult train, CreateResult valid, JsonObject? grader = null) => new()
    {
        ["model"] = "o4-mini-2025-04-16",
        ["trainingFileId"] = train.Id,
        ["trainingFileHash"] = (string?)train.Outputs["contentHash"],
        ["validationFileId"] = valid.Id,
        ["validationFileHash"] = (string?)valid.Outputs["contentHash"],
        ["grader"] = grader ?? Grader(),
        ["hyperparameters"] = new JsonObject { ["n_epochs"] = 2, ["eval_samples"] = 2, ["reasoning_effort"] = "low" },
        ["trainingType"] = "globalstandard",
        ["seed"] = 42,
        ["suffix"] = "capital-qa",
        ["metadata"] = new JsonObject { ["team"] = "geo" },
    };

    /// <summary>Calls that can change something (anything but GET), from the emulator's own record.</summary>
    public int WriteCalls(int since = 0) => Emulator.Requests.Skip(since).Count(r => r.Method != "GET");

    public async Task<List<FileObject>> LiveFilesAsync()
    {
        var files = new List<FileObject>();
        await foreach (var file in Client.GetAllFilesAsync())
        {
            if (!file.IsGone)
            {
                files.Add(file);
            }
        }

        return files;
    }

    public async Task<List<FineTuningJob>> JobsAsync()
    {
        var jobs = new List<FineTuningJob>();
        await foreach (var job in Client.GetJobsAsync())
        {
            jobs.Add(job);
        }

        return jobs;
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Rows(params string[] pairs)
    {
        var lines = new List<string>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            var row = new JsonObject
            {
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "developer", ["content"] = "Answer with the capital city only." },
                    new JsonObject { ["role"] = "user", ["content"] = $"What is the capital of {pairs[i]}?" }),
                ["reference_answer"] = pairs[i + 1],
            };
            lines.Add(row.ToJsonString());
        }

        return string.Join('\n', lines) + "\n";
    }
}

/// <summary>Keeps every formatted log line (and exception text) the client writes.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
