using System.Diagnostics;
using System.Text.Json.Nodes;
using RftInfra.Graders;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Emulator;

/// <summary>
/// <c>POST …/graders/run</c>: grades one model sample with the kit's <see cref="GraderEngine"/> and answers in the
/// service's shape <c>{reward, metadata, sub_rewards, model_grader_token_usage_per_model}</c> (docs/service.md §1.6).
/// Model graders are answered by the <see cref="EmulatedGraderModel"/>; python graders run in a local python3.
/// </summary>
internal static class GraderRun
{
    private static readonly string[] ErrorFlags =
    [
        GraderErrorKinds.FormulaParse, GraderErrorKinds.SampleParse, "truncated_observation_error",
        "unresponsive_reward_error", GraderErrorKinds.InvalidVariable, GraderErrorKinds.Other,
        GraderErrorKinds.PythonServer, GraderErrorKinds.PythonRuntime, GraderErrorKinds.ModelServer,
        GraderErrorKinds.ModelRefusal, GraderErrorKinds.ModelParse,
    ];

    public static async Task<JsonObject> RunAsync(JsonObject grader, string modelSample, JsonObject? item, TimeProvider time, CancellationToken cancellationToken)
    {
        var models = new EmulatedModelGraderClient(time);
        // The service scores cosine with its own embeddings; the emulator with its deterministic stand-in.
        await using var engine = new GraderEngine(new GraderEngineOptions { ModelClient = models, EmbeddingClient = new EmulatedEmbeddingClient() });
        var typed = GraderJson.FromJson(grader);
        var watch = Stopwatch.StartNew();
        var result = await engine.GradeAsync(typed, item ?? [], GraderSample.FromText(modelSample), cancellationToken);
        var seconds = watch.Elapsed.TotalSeconds;

        var errors = new JsonObject();
        foreach (var flag in ErrorFlags)
        {
            errors[flag] = result.Errors.Any(e => e.Kind == flag);
        }

        errors["python_grader_server_error_type"] = null;
        errors["python_grader_runtime_error_details"] = Details(result, GraderErrorKinds.PythonRuntime);
        errors["model_grader_server_error_details"] = Details(result, GraderErrorKinds.ModelServer);
        if (result.NotScoredReason is { } reason)
        {
            // The engine could not score it here (e.g. no python3): say so instead of inventing a reward.
            errors[GraderErrorKinds.Other] = true;
            errors["other_error_details"] = reason;
        }

        var subRewards = new JsonObject();
        foreach (var (key, value) in result.SubRewards)
        {
            subRewards[key] = value;
        }

        var reward = result.Reward ?? 0;
        var scores = result.SubRewards.Count > 0 ? subRewards.DeepClone() : new JsonObject { [typed.Name] = reward };
        return new JsonObject
        {
            ["reward"] = reward,
            ["metadata"] = new JsonObject
            {
                ["name"] = typed.Name,
                ["type"] = typed.Type,
                ["execution_time"] = Math.Round(seconds, 4),
                ["scores"] = scores,
                ["token_usage"] = models.TotalTokens == 0 ? null : models.TotalTokens,
                ["sampled_model_name"] = null,
                ["errors"] = errors,
            },
            ["sub_rewards"] = subRewards,
            ["model_grader_token_usage_per_model"] = models.UsagePerModel(),
        };
    }

    private static string? Details(GradeResult result, string kind) =>
        result.Errors.FirstOrDefault(e => e.Kind == kind)?.Message;

    /// <summary>The engine's embeddings client inside the emulator: <see cref="EmulatedEmbeddings"/>, in-process.</summary>
    private sealed class EmulatedEmbeddingClient : IEmbeddingClient
    {
        public Task<IReadOnlyList<float[]>> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<float[]>>(request.Inputs.Select(text => EmulatedEmbeddings.Vector(text, out _)).ToList());
    }

    /// <summary>The engine's model grader client inside the emulator: the emulated grader model, in-process.</summary>
    private sealed class EmulatedModelGraderClient(TimeProvider time) : IModelGraderClient
    {
        private readonly Dictionary<string, (int Prompt, int Completion)> _usage = new(StringComparer.Ordinal);

        public int TotalTokens
        {
            get
            {
                lock (_usage)
                {
                    return _usage.Values.Sum(u => u.Prompt + u.Completion);
                }
            }
        }

        public Task<ModelGraderResponse> CompleteAsync(ModelGraderRequest request, CancellationToken cancellationToken = default)
        {
            var chat = new JsonObject
            {
                ["messages"] = new JsonArray(request.Messages
                    .Select(m => (JsonNode?)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
                ["response_format"] = request.ResponseFormat.DeepClone(),
            };
            var completion = EmulatedGraderModel.Complete(chat, request.Model, time.GetUtcNow());
            var message = completion["choices"]![0]!["message"]!;
            var prompt = completion["usage"]!["prompt_tokens"]!.GetValue<int>();
            var output = completion["usage"]!["completion_tokens"]!.GetValue<int>();
            lock (_usage)
            {
                var (p, c) = _usage.GetValueOrDefault(request.Model);
                _usage[request.Model] = (p + prompt, c + output);
            }

            return Task.FromResult(new ModelGraderResponse(
                message["content"]?.GetValue<string>() ?? "", message["refusal"]?.GetValue<string>(), prompt, output));
        }

        public JsonObject UsagePerModel()
        {
            lock (_usage)
            {
                var json = new JsonObject();
                foreach (var (model, (prompt, completion)) in _usage)
                {
                    json[model] = new JsonObject
                    {
                        ["prompt_tokens"] = prompt,
                        ["completion_tokens"] = completion,
                        ["total_tokens"] = prompt + completion,
                    };
                }

                return json;
            }
        }
    }
}
