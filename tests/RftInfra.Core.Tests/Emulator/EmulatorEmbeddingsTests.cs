using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Emulator;

/// <summary>The emulator's embeddings route: deterministic vectors, float and base64 encodings, the service's errors.</summary>
public class EmulatorEmbeddingsTests
{
    private const string Path = "/openai/deployments/emb/embeddings?api-version=2024-10-21";

    private static float[] Floats(JsonNode embedding) => embedding is JsonArray a
        ? a.Select(n => n!.GetValue<float>()).ToArray()
        : Enumerable.Range(0, Convert.FromBase64String(embedding.GetValue<string>()).Length / 4)
            .Select(i => BitConverter.ToSingle(Convert.FromBase64String(embedding.GetValue<string>()), i * 4)).ToArray();

    [Theory]
    [InlineData("float")]
    [InlineData("base64")]
    public async Task Embeddings_EqualTextsEmbedEqually_DisjointTextsAreOrthogonal(string format)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (status, body) = await emulator.Post(Path, new JsonObject
        {
            ["input"] = new JsonArray("Paris is big", "paris IS big", "tokyo"), ["encoding_format"] = format,
        });

        Assert.Equal(200, status);
        var vectors = body!["data"]!.AsArray().Select(d => Floats(d!["embedding"]!)).ToList();
        Assert.Equal(3, vectors.Count);
        Assert.All(vectors, v => Assert.Equal(64, v.Length));
        Assert.Equal(vectors[0], vectors[1]);
        Assert.Equal(1, RftInfra.Graders.Metrics.Cosine.Similarity(vectors[0], vectors[1]), 12);
        Assert.Equal(0, RftInfra.Graders.Metrics.Cosine.Similarity(vectors[1], vectors[2]), 12);
        Assert.Equal(7, body["usage"]!["prompt_tokens"]!.GetValue<int>()); // 3 + 3 + 1 words
    }

    [Fact]
    public async Task Embeddings_BadRequests_AnswerTheServicesErrors()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { Deployments = new HashSet<string> { "emb" } });
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Path, new JsonObject { ["input"] = new JsonArray() }), "input");
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post(Path, new JsonObject { ["input"] = new JsonArray("a", 3) }), "input[1]");
        TestEmulator.AssertError(400, "invalidPayload",
            await emulator.Post(Path, new JsonObject { ["input"] = "a", ["encoding_format"] = "int8" }), "encoding_format");
        TestEmulator.AssertError(404, "DeploymentNotFound",
            await emulator.Post("/openai/deployments/other/embeddings?api-version=2024-10-21", new JsonObject { ["input"] = "a" }));
    }

    [Theory]
    [InlineData("Paris", 1.0)]
    [InlineData("Lyon", 0.0)]
    public async Task GraderRun_Cosine_IsScoredWithTheEmulatedEmbeddings(string sample, double expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (status, body) = await emulator.Post("/openai/v1/fine_tuning/alpha/graders/run", new JsonObject
        {
            ["grader"] = new JsonObject
            {
                ["type"] = "text_similarity", ["name"] = "sim", ["input"] = "{{sample.output_text}}",
                ["reference"] = "{{item.reference_answer}}", ["evaluation_metric"] = "cosine",
            },
            ["model_sample"] = sample,
            ["item"] = new JsonObject { ["reference_answer"] = "Paris" },
        });

        Assert.Equal(200, status);
        Assert.Equal(expected, body!["reward"]!.GetValue<double>(), 12);
        Assert.False(body["metadata"]!["errors"]!["other_error"]!.GetValue<bool>());
    }
}
