using System.Text.Json.Nodes;
using RftInfra.Core.Tests.Validation;
using RftInfra.Emulator;
using static RftInfra.Core.Tests.Baseline.BaselineKit;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Baseline;

/// <summary>`rft baseline` end to end against the emulator's base-model deployments.</summary>
public sealed class BaselineCommandTests
{
    private static async Task<(string Stdout, string Stderr, int Exit)> Baseline(string root, Uri endpoint, params string[] extra) =>
        await CliRunner.Rft(["baseline", "jobs/quiz.yaml", "--root", root, "--endpoint", endpoint.ToString(), .. extra]);

    [Fact]
    public async Task Baseline_ReportsTheConfiguredAccuracyOfEachVariant_WithinSamplingError()
    {
        var (dir, model) = QuizCheckout(100, declared: 0.3, a: 0.6, b: 0.9);
        using var _ = dir;
        await using var emulator = await TestEmulatorWith(model);

        var (stdout, stderr, exit) = await Baseline(dir.Path, emulator.Server.BaseUrl, "--format", "json");

        Assert.True(exit == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("rft-baseline", json["kind"]!.GetValue<string>());
        Assert.Equal(100, json["rows"]!.GetValue<int>());
        var variants = json["variants"]!.AsArray();
        Assert.Equal(["declared", "a", "b"], variants.Select(v => v!["name"]!.GetValue<string>()));
        foreach (var (variant, accuracy) in variants.Zip([0.3, 0.6, 0.9]))
        {
            var mean = variant!["mean"]!.GetValue<double>();
            Assert.True(Math.Abs(mean - accuracy) <= SamplingError(accuracy, 100),
                $"variant {variant["name"]}: mean {mean}, configured {accuracy} ± {SamplingError(accuracy, 100):0.###}");
            Assert.Equal(100, variant["count"]!.GetValue<int>());
            Assert.Equal(mean, variant["passRate"]!.GetValue<double>(), 6);
        }

        Assert.Equal("b", json["best"]!.GetValue<string>());
        Assert.Equal(300, emulator.Server.Requests.Count(r => r.Path.Contains("/chat/completions", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Baseline_SampleJob_ScoresEveryVariantExactlyAtAccuracyOneAndZero()
    {
        var rows = BaseModelScenario.Load(Path.Combine(RepoRoot, "data", "emulator-base-models.json"))[0].Rows;
        var model = new BaseModelDeployment("o4-mini", rows, JsonValue.Create("{{item.reference_answer}}"), accuracy: 1,
            prompts: [new PromptAccuracy("and nothing else", 0)]);
        await using var emulator = await TestEmulatorWith(model);
        using var output = new TempRoot();
        var artifact = Path.Combine(output.Path, "capital.json");

        var (stdout, stderr, exit) = await CliRunner.Rft("baseline", "jobs/capital-qa.yaml", "--root", RepoRoot,
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--format", "json", "--out", artifact);

        Assert.True(exit == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("jobs/capital-qa.yaml", json["job"]!.GetValue<string>());
        Assert.Equal("o4-mini-2025-04-16", json["model"]!.GetValue<string>());
        Assert.Equal("capital-match", json["grader"]!.GetValue<string>());
        Assert.Equal(6, json["rows"]!.GetValue<int>());
        var variants = json["variants"]!.AsArray();
        Assert.Equal(1.0, variants[0]!["mean"]!.GetValue<double>());
        Assert.Equal("terse", variants[1]!["name"]!.GetValue<string>());
        Assert.Equal(0.0, variants[1]!["mean"]!.GetValue<double>());
        Assert.Equal("declared", json["best"]!.GetValue<string>());
        Assert.Equal("too easy", variants[0]!["band"]!.GetValue<string>());
        Assert.Equal("no signal", variants[1]!["band"]!.GetValue<string>());
        var codes = json["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>()).ToList();
        Assert.Contains("RFT814", codes); // declared passes everything: saturated
        Assert.Contains("RFT812", codes); // terse scores 0 everywhere: sparse
        var written = JsonNode.Parse(File.ReadAllText(artifact))!;
        Assert.Equal(json["variants"]!.ToJsonString(), written["variants"]!.ToJsonString());
        Assert.Null(written["findings"]);
        Assert.DoesNotContain(emulator.Server.ApiKey, stdout + stderr + File.ReadAllText(artifact), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baseline_SendsTheJobsReasoningEffortAndTheVariantsDeveloperPrompt()
    {
        var (dir, model) = QuizCheckout(10, declared: 1, a: 1, b: 1);
        using var _ = dir;
        await using var emulator = await TestEmulatorWith(model);

        var (stdout, stderr, exit) = await Baseline(dir.Path, emulator.Server.BaseUrl, "--format", "json", "--rows", "10");

        Assert.True(exit == 0, stderr);
        var tokens = JsonNode.Parse(stdout)!["variants"]![1]!["tokens"]!;
        // reasoning_effort low: the emulator reports 64 reasoning tokens per answer.
        Assert.Equal(640, tokens["reasoning"]!.GetValue<long>());
        Assert.True(tokens["input"]!.GetValue<long>() > 0);
        var cost = JsonNode.Parse(stdout)!["variants"]![1]!["costUsd"]!.GetValue<double>();
        var expected = ((tokens["input"]!.GetValue<long>() * 1.1) + (tokens["output"]!.GetValue<long>() * 4.4)) / 1_000_000;
        Assert.Equal(expected, cost, 6);
    }

    [Fact]
    public async Task Baseline_Resumes_AnswersAlreadyFetchedAreNotAskedAgain()
    {
        var (dir, model) = QuizCheckout(20, declared: 0.5, a: 0.5, b: 0.5);
        using var _ = dir;
        await using var emulator = await TestEmulatorWith(model);
        // Every chat call after the 25th fails for good (400 is not retried): the first run stops part way.
        emulator.Server.Faults.SetRules([new FaultRule { Path = "*/chat/completions", Nth = Enumerable.Range(26, 100).ToList(), Status = 400 }]);

        var first = await Baseline(dir.Path, emulator.Server.BaseUrl, "--rows", "20", "--concurrency", "1");

        Assert.Equal(1, first.Exit);
        Assert.Contains("25 answers are cached in", first.Stderr, StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", first.Stderr, StringComparison.Ordinal);
        emulator.Server.Faults.SetRules([]);
        var before = Chats(emulator);

        var second = await Baseline(dir.Path, emulator.Server.BaseUrl, "--rows", "20", "--format", "json");

        Assert.True(second.Exit == 0, second.Stderr);
        Assert.Equal(60 - 25, Chats(emulator) - before);
        Assert.Equal(25, JsonNode.Parse(second.Stdout)!["cachedAnswers"]!.GetValue<int>());

        var third = await Baseline(dir.Path, emulator.Server.BaseUrl, "--rows", "20", "--format", "json");
        Assert.Equal(0, third.Exit);
        Assert.Equal(60, JsonNode.Parse(third.Stdout)!["cachedAnswers"]!.GetValue<int>());
        Assert.Equal(second.Stdout.Split("\"variants\"")[1], third.Stdout.Split("\"variants\"")[1]);

        var fresh = await Baseline(dir.Path, emulator.Server.BaseUrl, "--rows", "20", "--format", "json", "--fresh");
        Assert.Equal(0, fresh.Exit);
        Assert.Equal(0, JsonNode.Parse(fresh.Stdout)!["cachedAnswers"]!.GetValue<int>());
    }

    [Fact]
    public async Task Baseline_CallFailsWhileOthersAreInFlight_IsOneErrorNotAStackTrace()
    {
        var (dir, model) = QuizCheckout(30, declared: 1, a: 1, b: 1);
        using var _ = dir;
        await using var emulator = await TestEmulatorWith(model);
        emulator.Server.Faults.SetRules([
            new FaultRule { Path = "*/chat/completions", Nth = [7], Status = 400 },
            new FaultRule { Path = "*/chat/completions", Every = 1, Fault = FaultKind.Latency, LatencyMs = 50 }]);

        var (_, stderr, exit) = await Baseline(dir.Path, emulator.Server.BaseUrl, "--rows", "30", "--concurrency", "8");

        Assert.Equal(1, exit);
        Assert.Contains("rft baseline: deployment 'quiz-model' answered HTTP 400", stderr, StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baseline_AnswersCachedFromOneEndpoint_AreNotTakenForAnother()
    {
        var (dir, model) = QuizCheckout(10, declared: 1, a: 1, b: 1);
        using var _ = dir;
        await using var first = await TestEmulatorWith(model);
        Assert.Equal(0, (await Baseline(dir.Path, first.Server.BaseUrl, "--rows", "10")).Exit);
        await using var second = await TestEmulatorWith(model);

        var (stdout, stderr, exit) = await Baseline(dir.Path, second.Server.BaseUrl, "--rows", "10", "--format", "json");

        Assert.True(exit == 0, stderr);
        Assert.Equal(0, JsonNode.Parse(stdout)!["cachedAnswers"]!.GetValue<int>());
        Assert.Equal(30, Chats(second));
    }

    [Fact]
    public async Task Baseline_Cancelled_ExitsOneSayingHowToResume()
    {
        var (dir, model) = QuizCheckout(10, declared: 1, a: 1, b: 1);
        using var _ = dir;
        await using var emulator = await TestEmulatorWith(model);
        emulator.Server.Faults.SetRules([new FaultRule { Path = "*/chat/completions", Every = 1, Fault = FaultKind.Latency, LatencyMs = 30_000 }]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var exit = await global::RftInfra.Cli.RftCommand.RunAsync(["baseline", "jobs/quiz.yaml", "--root", dir.Path, "--endpoint", emulator.Server.BaseUrl.ToString()],
            new global::RftInfra.Cli.IOContext(TextReader.Null, stdout, stderr), cancel.Token);

        Assert.Equal(1, exit);
        Assert.Contains("rft baseline: cancelled; 0 answers are cached in", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", stderr.ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Baseline_TooManyVariants_IsRft800()
    {
        var (dir, model) = QuizCheckout(10, 1, 1, 1);
        using var _ = dir;
        var variants = string.Concat(Enumerable.Range(0, 11).Select(i => $"    - name: v{i}\n      prompt: p{i}\n"));
        var job = File.ReadAllText(Path.Combine(dir.Path, "jobs/quiz.yaml"));
        dir.Write("jobs/quiz.yaml", job[..job.IndexOf("  variants:", StringComparison.Ordinal)] + "  variants:\n" + variants);
        await using var emulator = await TestEmulatorWith(model);

        var (_, stderr, exit) = await Baseline(dir.Path, emulator.Server.BaseUrl);

        Assert.Equal(1, exit);
        Assert.Contains("error RFT800: baseline.variants has 11 entries; at most 10 are tried", stderr, StringComparison.Ordinal);
        Assert.Equal(0, Chats(emulator));
    }

    [Fact]
    public async Task Baseline_RateLimited_RetriesThroughTheResiliencePipelineAndCompletes()
    {
        var (dir, model) = QuizCheckout(10, declared: 1, a: 1, b: 1);
        using var _ = dir;
        await using var emulator = await TestEmulatorWith(model);
        emulator.Server.Faults.SetRules([new FaultRule { Path = "*/chat/completions", Nth = [1, 2], Status = 429, RetryAfterMs = 10 }]);

        var (stdout, stderr, exit) = await Baseline(dir.Path, emulator.Server.BaseUrl, "--rows", "10", "--format", "json", "--concurrency", "1");

        Assert.True(exit == 0, stderr);
        Assert.Equal(2, emulator.Server.Requests.Count(r => r.Status == 429));
        Assert.Equal(1.0, JsonNode.Parse(stdout)!["variants"]![0]!["mean"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("--rows", "5", "--rows 5 is out of range: a baseline asks 10 to 100 rows.")]
    [InlineData("--rows", "101", "--rows 101 is out of range")]
    [InlineData("--concurrency", "0", "--concurrency 0 is out of range")]
    [InlineData("--endpoint", "ftp://x", "is not an http(s) URL")]
    [InlineData("--grader-deployment", "gpt-4.1", "is not MODEL=DEPLOYMENT")]
    public async Task Baseline_BadOptions_ExitTwoWithTheFix(string option, string value, string expected)
    {
        var args = new List<string> { "baseline", "jobs/capital-qa.yaml", "--root", RepoRoot, option, value };
        if (option != "--endpoint")
        {
            args.AddRange(["--endpoint", "http://127.0.0.1:9/"]);
        }

        var (_, stderr, exit) = await CliRunner.Rft([.. args]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baseline_InvalidBaselineSection_ExitsOneWithTheFindingAndAsksNothing()
    {
        var (dir, model) = QuizCheckout(10, 1, 1, 1);
        using var _ = dir;
        dir.Write("jobs/quiz.yaml", File.ReadAllText(Path.Combine(dir.Path, "jobs/quiz.yaml"))
            .Replace("rows: 100", "rows: 500", StringComparison.Ordinal)
            .Replace("name: b", "name: a", StringComparison.Ordinal));
        await using var emulator = await TestEmulatorWith(model);

        var (_, stderr, exit) = await Baseline(dir.Path, emulator.Server.BaseUrl);

        Assert.Equal(1, exit);
        Assert.Contains("jobs/quiz.yaml(12,9): error RFT800: baseline.rows is 500", stderr, StringComparison.Ordinal);
        Assert.Contains("error RFT800: baseline.rows is 500; a baseline asks 10 to 100 rows.", stderr, StringComparison.Ordinal);
        Assert.Contains("error RFT800: baseline.variants[1] is named 'a', which is taken by an earlier variant", stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was asked", stderr, StringComparison.Ordinal);
        Assert.Equal(0, Chats(emulator));
    }

    [Fact]
    public async Task Baseline_UnknownDeployment_ExitsOneNamingTheDeploymentAndTheStatus()
    {
        var (dir, model) = QuizCheckout(10, 1, 1, 1);
        using var _ = dir;
        await using var emulator = await TestEmulatorWith(model, o => o with { Deployments = new HashSet<string>() });

        var (_, stderr, exit) = await Baseline(dir.Path, emulator.Server.BaseUrl, "--deployment", "missing-model");

        Assert.Equal(1, exit);
        Assert.Contains("rft baseline: deployment 'missing-model' answered HTTP 404: DeploymentNotFound", stderr, StringComparison.Ordinal);
        Assert.Contains("0 answers are cached", stderr, StringComparison.Ordinal);
    }

    private static int Chats(Emulator.TestEmulator emulator) =>
        emulator.Server.Requests.Count(r => r.Path.Contains("/chat/completions", StringComparison.Ordinal));

    internal static async Task<Emulator.TestEmulator> TestEmulatorWith(BaseModelDeployment model, Func<EmulatorOptions, EmulatorOptions>? configure = null)
    {
        var emulator = await Emulator.TestEmulator.StartAsync(o => (configure?.Invoke(o) ?? o) with { BaseModels = [model] });
        Environment.SetEnvironmentVariable(global::RftInfra.Cli.Commands.GradeCommand.ApiKeyVariable, emulator.Server.ApiKey);
        return emulator;
    }
}
