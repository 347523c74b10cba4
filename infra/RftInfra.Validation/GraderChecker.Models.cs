using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Validation;

/// <summary>The model graders' own rules: allowed model, messages, sampling parameters, range and labels.</summary>
public sealed partial class GraderChecker
{
    private void CheckModelGrader(JsonObject grader, string path)
    {
        var model = Shape.AsString(grader["model"]);
        if (model is not null && !catalog.GraderModels.Contains(model, StringComparer.OrdinalIgnoreCase))
        {
            diagnostics.Add(GraderDiagnostics.ModelNotAllowed(file, At(path, "model"), model, catalog.GraderModels));
        }

        if (grader["input"] is JsonArray messages)
        {
            if (messages.Count == 0)
            {
                diagnostics.Add(GraderDiagnostics.MissingField(file, At(path, "input"), "input[0]", $"'{SourceMap.Child(path, "input")}' (at least one message)"));
            }

            for (var i = 0; i < messages.Count; i++)
            {
                var messagePath = SourceMap.Item(SourceMap.Child(path, "input"), i);
                if (messages[i] is JsonObject message && Shape.AsString(message["role"]) is { } role
                    && !GraderDiagnostics.MessageRoles.Contains(role))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidRole(file, positions.Value(SourceMap.Child(messagePath, "role")), role));
                }

                if (messages[i] is JsonObject m && m["content"] is { } content && !Shape.IsString(content) && content is not JsonArray)
                {
                    diagnostics.Add(GraderDiagnostics.WrongType(file, positions.Value(SourceMap.Child(messagePath, "content")),
                        $"'{SourceMap.Child(messagePath, "content")}'", "a string or an array of input_text parts", Shape.KindOf(content)));
                }
            }
        }

        if (grader["sampling_params"] is JsonObject sampling && model is not null)
        {
            var samplingPath = SourceMap.Child(path, "sampling_params");
            var reasoning = GraderShape.IsReasoningModel(model);
            if (Shape.AsString(sampling["reasoning_effort"]) is { } effort)
            {
                if (!reasoning)
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, positions.Value(SourceMap.Child(samplingPath, "reasoning_effort")),
                        $"reasoning_effort is only for reasoning models; {model} is not one."));
                }
                else if (!GraderShape.SamplingReasoningEfforts.Contains(effort))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, positions.Value(SourceMap.Child(samplingPath, "reasoning_effort")),
                        $"reasoning_effort '{effort}' is not low, medium or high."));
                }
            }

            foreach (var (name, min, max) in new[] { ("temperature", 0.0, 2.0), ("top_p", 0.0, 1.0) })
            {
                if (sampling[name] is null)
                {
                    continue;
                }

                var at = positions.Value(SourceMap.Child(samplingPath, name));
                if (reasoning)
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, at, $"{name} is not supported by reasoning model {model}; use reasoning_effort."));
                }
                else if (Shape.AsNumber(sampling[name]) is { } value && (value < min || value > max))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, at, $"{name} {value} is outside {min}–{max}."));
                }
            }

            if (Shape.AsNumber(sampling["max_completions_tokens"]) is { } tokens && tokens < 1)
            {
                diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, positions.Value(SourceMap.Child(samplingPath, "max_completions_tokens")),
                    $"max_completions_tokens {tokens} must be at least 1."));
            }
        }
    }

    private void CheckRange(JsonObject grader, string path)
    {
        double min = 0, max = 1;
        if (grader["range"] is JsonArray range)
        {
            if (range.Count != 2 || Shape.AsNumber(range[0]) is not { } lo || Shape.AsNumber(range[1]) is not { } hi || lo >= hi)
            {
                diagnostics.Add(GraderDiagnostics.InvalidRange(file, At(path, "range"),
                    $"range {range.ToJsonString()} must be [min, max] with min < max."));
                return;
            }

            (min, max) = (lo, hi);
        }

        if (Shape.AsNumber(grader["pass_threshold"]) is { } threshold && (threshold < min || threshold > max))
        {
            diagnostics.Add(GraderDiagnostics.InvalidRange(file, At(path, "pass_threshold"),
                $"pass_threshold {threshold} is outside the grader's range [{min}, {max}]."));
        }
    }

    private void CheckLabels(JsonObject grader, string path)
    {
        var labels = (grader["labels"] as JsonArray)?.Select(Shape.AsString).ToList() ?? [];
        var passing = (grader["passing_labels"] as JsonArray)?.Select(Shape.AsString).ToList() ?? [];
        if (grader["labels"] is JsonArray && (labels.Count < 2 || labels.Any(l => string.IsNullOrEmpty(l))))
        {
            diagnostics.Add(GraderDiagnostics.InvalidLabels(file, At(path, "labels"), "labels must be at least two non-empty strings."));
        }

        if (grader["passing_labels"] is JsonArray)
        {
            var notLabels = passing.Where(p => p is null || !labels.Contains(p)).ToList();
            if (passing.Count == 0 || notLabels.Count > 0)
            {
                diagnostics.Add(GraderDiagnostics.InvalidLabels(file, At(path, "passing_labels"), passing.Count == 0
                    ? "passing_labels is empty, so every sample fails."
                    : $"passing_labels {string.Join(", ", notLabels.Select(l => $"'{l}'"))} are not in labels."));
            }
        }
    }
}
