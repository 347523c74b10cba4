// The real provider (RftResourceProvider with its real lifecycles and client) driven verb by verb, the way the
// engine drives it, against `rft emulator` configured exactly as the rehearsal stack configures it.
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.Experimental;
using Pulumi.Experimental.Provider;
using RftInfra.Emulator;
using RftInfra.Stacks;
using RftInfra.ResourceProvider;

namespace RftInfra.Tests;

public sealed class ProviderRehearsalTests
{
    private const string Key = "rehearsal-key-9d41-SECRET";
    private const string Prefix = "urn:pulumi:rehearsal::rft-infra::rft-infra:index:Job$";

    private static readonly ImmutableDictionary<string, PropertyValue> None = ImmutableDictionary<string, PropertyValue>.Empty;

    /// <summary>The capital-qa job as the rehearsal stack loads it (the program turns these into the resources' inputs).</summary>
    private static StackJob CapitalQa()
    {
        var root = StackTests.RepositoryRoot;
        var settings = StackConfigParser.Parse("rehearsal", new Dictionary<string, string?>
        {
            ["regions"] = """["swedencentral"]""",
            ["jobs"] = """["jobs/capital-qa.yaml"]""",
            ["rehearsal"] = $$"""{"endpoint":"http://127.0.0.1:5080/","apiKey":"{{Key}}"}""",
        }, new HashSet<string> { "swedencentral" }).Settings!;
        return StackJobLoader.Load(root, settings).Jobs.Single();
    }

    private static ImmutableDictionary<string, PropertyValue> Map(JsonObject bag) => PropertyValues.FromBag(bag, new HashSet<string>());

    private static async Task<RftResourceProvider> Configured(RftEmulator emulator, string key)
    {
        var provider = new RftResourceProvider();
        var args = None
            .Add("endpoint", new PropertyValue(emulator.BaseUrl.ToString()))
            .Add("credential", new PropertyValue("apikey"))
            .Add("apiKey", new PropertyValue(key).WithSecret(true));
        var check = await provider.CheckConfig(new CheckRequest(new Urn("urn:pulumi:rehearsal::rft-infra::pulumi:providers:rft::rft-swedencentral"),
            None, args, ImmutableArray<byte>.Empty), CancellationToken.None);
        Assert.Empty(check.Failures!);
        await provider.Configure(new ConfigureRequest(ImmutableDictionary<string, string>.Empty, args,
            acceptSecrets: true, acceptResources: true, sendsOldInputs: true, sendsOldInputsToDelete: true), CancellationToken.None);
        return provider;
    }

    private static async Task<(string Id, ImmutableDictionary<string, PropertyValue> Inputs, ImmutableDictionary<string, PropertyValue> Outputs)> CheckAndCreate(
        RftResourceProvider provider, string urn, ImmutableDictionary<string, PropertyValue> inputs)
    {
        var check = await provider.Check(new CheckRequest(new Urn(urn), None, inputs, ImmutableArray<byte>.Empty), CancellationToken.None);
        Assert.Empty(check.Failures!);
        var checkedInputs = check.Inputs!.ToImmutableDictionary();
        var created = await provider.Create(new CreateRequest(new Urn(urn), checkedInputs, TimeSpan.Zero, preview: false), CancellationToken.None);
        return (created.Id!, checkedInputs, created.Outputs!.ToImmutableDictionary());
    }

    private static int Writes(RftEmulator emulator, int since) => emulator.Requests.Skip(since).Count(r => r.Method != "GET");

    /// <summary>The emulator's clock: moves only while <see cref="Running"/> is set, so a job stays unfinished after the uploads.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero).UtcTicks;

        public bool Running { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            // Each look at the clock while running moves it on by a minute: a file is processed by the next poll.
            var ticks = Running ? Interlocked.Add(ref _ticks, TimeSpan.TicksPerMinute) : Interlocked.Read(ref _ticks);
            return new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task UpOnceThenAgain_UploadsEachFileOnce_CreatesOneJob_AdoptsOnRetry_DiffsNothing_CancelsOnDestroy()
    {
        var clock = new ManualClock();
        await using var emulator = new RftEmulator(new EmulatorOptions { ApiKey = Key, Pace = TimeSpan.FromSeconds(30), TimeProvider = clock });
        await emulator.StartAsync();
        var provider = await Configured(emulator, Key);
        var job = CapitalQa();
        var root = StackTests.RepositoryRoot;

        // Preview of a fresh stack: Check and a preview Create write nothing.
        var trainingUrn = Prefix + "rft:index:TrainingFile::capital-qa-training";
        var trainingInputs = Map(new JsonObject { ["source"] = Path.Combine(root, job.TrainingFile.Path), ["contentHash"] = job.TrainingFile.Sha256 });
        var previewCheck = await provider.Check(new CheckRequest(new Urn(trainingUrn), None, trainingInputs, ImmutableArray<byte>.Empty), CancellationToken.None);
        await provider.Create(new CreateRequest(new Urn(trainingUrn), previewCheck.Inputs!.ToImmutableDictionary(), TimeSpan.Zero, preview: true), CancellationToken.None);
        Assert.Equal(0, Writes(emulator, 0));

        // First up: two uploads, a grader validation, one job.
        clock.Running = true;
        var training = await CheckAndCreate(provider, trainingUrn, trainingInputs);
        var validation = await CheckAndCreate(provider, Prefix + "rft:index:TrainingFile::capital-qa-validation",
            Map(new JsonObject { ["source"] = Path.Combine(root, job.ValidationFile.Path), ["contentHash"] = job.ValidationFile.Sha256 }));
        Assert.StartsWith("file", training.Id);
        Assert.NotEqual(training.Id, validation.Id);
        clock.Running = false;
        Assert.Equal(2, emulator.Requests.Count(r => r.Method == "POST" && r.Path.Contains("files", StringComparison.Ordinal)));

        var grader = await CheckAndCreate(provider, Prefix + "rft:index:Grader::capital-qa-grader",
            Map(new JsonObject { ["grader"] = job.Grader.DeepClone(), ["sourceFile"] = job.GraderPath }));
        Assert.True(grader.Outputs["hash"].TryGetString(out _));

        var jobUrn = Prefix + "rft:index:FineTuningJob::capital-qa-job";
        var jobInputs = Map(new JsonObject
        {
            ["model"] = job.Model,
            ["trainingFileId"] = training.Id,
            ["validationFileId"] = validation.Id,
            ["trainingFileHash"] = job.TrainingFile.Sha256,
            ["validationFileHash"] = job.ValidationFile.Sha256,
            ["grader"] = job.Grader.DeepClone(),
            ["hyperparameters"] = job.Hyperparameters!.DeepClone(),
            ["trainingType"] = job.TrainingType,
            ["suffix"] = job.Suffix,
            ["seed"] = job.Seed,
            ["sourceFile"] = job.DeclarationPath,
            ["declaration"] = job.Declaration.DeepClone(),
            ["dataRoot"] = root,
        });
        var created = await CheckAndCreate(provider, jobUrn, jobInputs);
        Assert.StartsWith("ftjob", created.Id);
        Assert.Single(emulator.Requests, r => r.Method == "POST" && r.Path.EndsWith("/fine_tuning/jobs", StringComparison.Ordinal));

        // A retried up after lost state: the same content and spec are adopted, nothing is written.
        var before = emulator.Requests.Count;
        Assert.Equal(training.Id, (await CheckAndCreate(provider, trainingUrn, trainingInputs)).Id);
        Assert.Equal(created.Id, (await CheckAndCreate(provider, jobUrn, jobInputs)).Id);
        Assert.Equal(0, Writes(emulator, before));

        // Refresh, then a no-op up: Read answers, Diff finds no change, nothing is written.
        before = emulator.Requests.Count;
        var read = await provider.Read(new ReadRequest(new Urn(jobUrn), created.Id, created.Outputs, created.Inputs), CancellationToken.None);
        Assert.Equal(created.Id, read.Id);
        var refreshed = read.Outputs!.ToImmutableDictionary();
        var diff = await provider.Diff(new DiffRequest(new Urn(jobUrn), created.Id, refreshed, created.Inputs,
            ImmutableArray<string>.Empty, created.Inputs), CancellationToken.None);
        Assert.False(diff.Changes);
        Assert.Equal(0, Writes(emulator, before));

        // A spec change (the seed) is a replace, named by the input.
        var reseeded = created.Inputs.SetItem("seed", new PropertyValue(7));
        var change = await provider.Diff(new DiffRequest(new Urn(jobUrn), created.Id, refreshed, reseeded,
            ImmutableArray<string>.Empty, created.Inputs), CancellationToken.None);
        Assert.True(change.Changes);
        Assert.Equal(["seed"], change.Replaces!);
        Assert.Equal(0, Writes(emulator, before));

        // Destroy: the unfinished job is cancelled, the files are deleted.
        await provider.Delete(new DeleteRequest(new Urn(jobUrn), created.Id, refreshed, TimeSpan.Zero, created.Inputs), CancellationToken.None);
        await provider.Delete(new DeleteRequest(new Urn(trainingUrn), training.Id, training.Outputs, TimeSpan.Zero, training.Inputs), CancellationToken.None);
        Assert.True(read.Outputs!["status"].TryGetString(out var status) && status is not ("succeeded" or "failed" or "cancelled"), status);
        Assert.Single(emulator.Requests, r => r.Method == "POST" && r.Path.EndsWith($"/{created.Id}/cancel", StringComparison.Ordinal));
        Assert.Contains(emulator.Requests, r => r.Method == "DELETE" && r.Path.EndsWith(training.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWrongKey_FailsTheWrite_WithoutShowingEitherKey()
    {
        await using var emulator = new RftEmulator(new EmulatorOptions { ApiKey = Key, Pace = TimeSpan.Zero });
        await emulator.StartAsync();
        const string wrong = "not-the-key-5c2e";
        var provider = await Configured(emulator, wrong);
        var job = CapitalQa();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => CheckAndCreate(provider, Prefix + "rft:index:TrainingFile::capital-qa-training",
            Map(new JsonObject { ["source"] = Path.Combine(StackTests.RepositoryRoot, job.TrainingFile.Path), ["contentHash"] = job.TrainingFile.Sha256 })));

        Assert.Contains("401", e.ToString());
        Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Requests, r => r.Status is >= 200 and < 300 && r.Method != "GET");
    }
}
