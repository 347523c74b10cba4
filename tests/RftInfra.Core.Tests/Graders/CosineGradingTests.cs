using System.Text.Json.Nodes;
using RftInfra.Cli.Commands;
using RftInfra.Core.Tests.Emulator;
using RftInfra.Core.Tests.Validation;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;
using RftInfra.Graders.Metrics;

namespace RftInfra.Core.Tests.Graders;

/// <summary>text_similarity cosine: scored through an embeddings deployment when there is one, "not scored" (never 0) otherwise.</summary>
public class CosineGradingTests
{
    private const string GraderJson =
        """{"type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "{{item.reference_answer}}", "evaluation_metric": "cosine", "pass_threshold": 0.5}""";

    private static readonly JsonObject Item = new() { ["reference_answer"] = "Paris" };

    private static JsonObject Sample(string text) => new() { ["output_text"] = text };

    /// <summary>Hand-written fake: fixed vectors per text, or a failure.</summary>
    private sealed class FakeEmbeddings(Func<string, float[]> embed, Exception? failure = null) : IEmbeddingClient
    {
        public List<EmbeddingRequest> Requests { get; } = [];

        public Task<IReadOnlyList<float[]>> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return failure is null ? Task.FromResult<IReadOnlyList<float[]>>(request.Inputs.Select(embed).ToList()) : Task.FromException<IReadOnlyList<float[]>>(failure);
        }
    }

    private static async Task<GradeResult> Grade(IEmbeddingClient? client, string sample)
    {
        await using var engine = new GraderEngine(new GraderEngineOptions { EmbeddingClient = client });
        return await engine.GradeAsync(RftInfra.Graders.GraderJson.Parse(GraderJson), Item, Sample(sample));
    }

    [Fact]
    public async Task WithEmbeddings_ScoresTheCosineOfInputAndReference()
    {
        var fake = new FakeEmbeddings(text => text == "Paris" ? [1, 0] : [1, 1]);
        var result = await Grade(fake, "Lyon");
        Assert.Equal(Math.Sqrt(0.5), result.Reward!.Value, 12);
        Assert.True(result.Passed);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("text-embedding-3-large", request.Model);
        Assert.Equal(["Lyon", "Paris"], request.Inputs);
    }

    [Fact]
    public async Task WithoutEmbeddings_IsNotScoredNeverZero()
    {
        var result = await Grade(null, "Paris");
        Assert.Null(result.Reward);
        Assert.StartsWith("sim uses cosine: cosine compares text-embedding-3-large embeddings", result.NotScoredReason, StringComparison.Ordinal);
        Assert.Contains("rft grade --endpoint URL", result.NotScoredReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingsCallFails_RowIsNotScoredAndSaysWhy()
    {
        var result = await Grade(new FakeEmbeddings(_ => [], new ModelGraderException("Embeddings model 'text-embedding-3-large' (deployment 'x') failed with HTTP 404: DeploymentNotFound", 404)), "Paris");
        Assert.Null(result.Reward);
        Assert.Equal(GraderErrorKinds.ModelServer, Assert.Single(result.Errors).Kind);
        Assert.Contains("HTTP 404", result.NotScoredReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new float[] { 0, 0 }, "all zeros")]
    [InlineData(new float[] { 1 }, "dimensions")]
    public async Task UnusableVectors_AreACallFailureNotAScore(float[] other, string expected)
    {
        var result = await Grade(new FakeEmbeddings(text => text == "Paris" ? [1, 0] : other), "Lyon");
        Assert.Null(result.Reward);
        Assert.Contains(expected, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cosine_OfOppositeOrthogonalAndEqualVectors()
    {
        Assert.Equal(-1, Cosine.Similarity([1, 2], [-1, -2]), 12);
        Assert.Equal(0, Cosine.Similarity([1, 0], [0, 5]), 12);
        Assert.Equal(1, Cosine.Similarity([3, 4], [3, 4]), 12);
    }

    // --- rft grade --endpoint: the emulator serves embeddings deterministically -----------------------------

    private static TempRoot Checkout()
    {
        var root = TempRoot.Clean();
        root.Write("graders/sim.json", GraderJson);
        return root;
    }

    [Fact]
    public async Task GradeCli_WithEmulatorEndpoint_ScoresCosineThroughTheMappedDeployment()
    {
        await using var emulator = await TestEmulator.StartAsync();
        Environment.SetEnvironmentVariable(GradeCommand.ApiKeyVariable, emulator.Server.ApiKey);
        using var root = Checkout();

        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", root.Path, "--grader", "graders/sim.json",
            "--data", "data/train.jsonl", "--sample-text", "CITY", "--format", "json", "--rows",
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--deployment", "text-embedding-3-large=emb");

        Assert.True(exit == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal((3, 3), (json["summary"]!["count"]!.GetValue<int>(), json["summary"]!["scored"]!.GetValue<int>()));
        // The sample equals every row's reference: the emulator's embeddings give cosine 1.
        Assert.All(json["rows"]!.AsArray(), row => Assert.Equal(1.0, row!["reward"]!.GetValue<double>(), 6));
        var calls = emulator.Server.Requests.Where(r => r.Path.EndsWith("/embeddings", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, r => Assert.Equal("/openai/deployments/emb/embeddings", r.Path));
        Assert.DoesNotContain(emulator.Server.ApiKey, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GradeCli_WithEmulatorEndpoint_DifferentTextScoresBelowOne()
    {
        await using var emulator = await TestEmulator.StartAsync();
        Environment.SetEnvironmentVariable(GradeCommand.ApiKeyVariable, emulator.Server.ApiKey);
        using var root = Checkout();

        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", root.Path, "--grader", "graders/sim.json",
            "--data", "data/train.jsonl", "--sample-text", "CITY of light", "--format", "json", "--rows",
            "--endpoint", emulator.Server.BaseUrl.ToString(), "--deployment", "text-embedding-3-large=emb");

        Assert.True(exit == 0, stderr);
        var rewards = JsonNode.Parse(stdout)!["rows"]!.AsArray().Select(r => r!["reward"]!.GetValue<double>()).ToList();
        Assert.All(rewards, r => Assert.InRange(r, 0.05, 0.95));
        Assert.Single(rewards.Distinct());
    }

    [Fact]
    public async Task GradeCli_WithoutEndpoint_ReportsNotScored()
    {
        using var root = Checkout();
        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", root.Path, "--grader", "graders/sim.json",
            "--data", "data/train.jsonl", "--sample-text", "CITY", "--format", "json", "--rows");

        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(0, json["summary"]!["scored"]!.GetValue<int>());
        Assert.All(json["rows"]!.AsArray(), row => Assert.Null(row!["reward"]));
        var reason = Assert.Single(json["summary"]!["not_scored"]!.AsObject());
        Assert.Contains("uses cosine", reason.Key, StringComparison.Ordinal);
        Assert.Equal(3, reason.Value!.GetValue<int>());
        // Nothing could be scored: exit 1 and one line saying why (docs/limits-grading.md).
        Assert.Equal(1, exit);
        Assert.Contains("could be scored", stderr, StringComparison.Ordinal);
    }
}
