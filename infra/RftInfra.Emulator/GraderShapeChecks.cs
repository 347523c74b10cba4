using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Graders;
using RftInfra.Validation;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Emulator;

/// <summary>
/// The grader checks the service makes before accepting a grader (docs/service.md §3): type, required fields, enum
/// values, nesting. A failure is a 400 whose <c>param</c> is the path of the bad field.
/// </summary>
internal static class GraderShapeChecks
{
    // The enums are the validator's description (GraderShape); what follows them here is the service's own
    // behaviour: which types it takes where, and its 400 wording naming the param.
    private static readonly HashSet<string> Operations = [.. GraderShape.StringCheckOperations];

    private static readonly HashSet<string> Metrics = [.. GraderShape.EvaluationMetrics];

    private static readonly HashSet<string> Roles = [.. GraderShape.MessageRoles];

    /// <summary>The types the graders endpoints and an RFT job take at the top level (§1.6, §3.6).</summary>
    private static readonly HashSet<string> TopLevelTypes =
        [GraderTypes.StringCheck, GraderTypes.TextSimilarity, GraderTypes.ScoreModel, GraderTypes.Python, GraderTypes.Multi];

    private static readonly HashSet<string> MultiChildTypes =
        [GraderTypes.StringCheck, GraderTypes.TextSimilarity, GraderTypes.ScoreModel, GraderTypes.Python, GraderTypes.LabelModel];

    private const int MaxPythonSourceBytes = 256 * 1024;

    public static void Check(JsonObject grader, string param, bool forTraining)
    {
        var type = JobRequestChecks.String(grader, "type", param + ".type") ?? throw EmulatorErrors.MissingField(param + ".type");
        if (!TopLevelTypes.Contains(type))
        {
            throw EmulatorErrors.InvalidPayload(
                $"Grader type '{type}' is not supported {(forTraining ? "for reinforcement fine-tuning" : "here")}; use string_check, text_similarity, score_model, python or multi.",
                param + ".type");
        }

        CheckOne(grader, type, param);
    }

    private static void CheckOne(JsonObject grader, string type, string param)
    {
        Required(grader, "name", param);
        switch (type)
        {
            case GraderTypes.StringCheck:
                Required(grader, "input", param);
                Required(grader, "reference", param);
                OneOf(grader, "operation", Operations, param);
                break;
            case GraderTypes.TextSimilarity:
                Required(grader, "input", param);
                Required(grader, "reference", param);
                OneOf(grader, "evaluation_metric", Metrics, param);
                break;
            case GraderTypes.ScoreModel:
                Required(grader, "model", param);
                CheckMessages(grader, param);
                CheckRange(grader, param);
                break;
            case GraderTypes.LabelModel:
                Required(grader, "model", param);
                CheckMessages(grader, param);
                CheckLabels(grader, param);
                break;
            case GraderTypes.Python:
                var source = Required(grader, "source", param);
                if (System.Text.Encoding.UTF8.GetByteCount(source) > MaxPythonSourceBytes)
                {
                    throw EmulatorErrors.InvalidPayload($"'{param}.source' is larger than 256 KB.", param + ".source");
                }

                if (!source.Contains("def grade(", StringComparison.Ordinal))
                {
                    throw EmulatorErrors.InvalidPayload(
                        $"'{param}.source' must define grade(sample, item) returning a float.", param + ".source");
                }

                break;
            case GraderTypes.Multi:
                CheckMulti(grader, param);
                break;
        }
    }

    private static void CheckMulti(JsonObject grader, string param)
    {
        Required(grader, "calculate_output", param);
        if (grader["graders"] is not JsonObject children || children.Count == 0)
        {
            throw EmulatorErrors.InvalidPayload(
                $"'{param}.graders' must be a non-empty object mapping names to graders.", param + ".graders");
        }

        foreach (var (key, child) in children)
        {
            var childParam = $"{param}.graders.{key}";
            if (child is not JsonObject childObject)
            {
                throw EmulatorErrors.InvalidPayload($"'{childParam}' must be a grader object.", childParam);
            }

            var childType = JobRequestChecks.String(childObject, "type", childParam + ".type")
                ?? throw EmulatorErrors.MissingField(childParam + ".type");
            if (!MultiChildTypes.Contains(childType))
            {
                throw EmulatorErrors.InvalidPayload(
                    $"'{childParam}' has type '{childType}', which a multi grader cannot contain (no nested multi).", childParam + ".type");
            }

            CheckOne(childObject, childType, childParam);
        }
    }

    private static void CheckMessages(JsonObject grader, string param)
    {
        if (grader["input"] is not JsonArray input || input.Count == 0)
        {
            throw EmulatorErrors.InvalidPayload(
                $"'{param}.input' must be a non-empty array of messages {{\"role\",\"content\"}}.", param + ".input");
        }

        for (var i = 0; i < input.Count; i++)
        {
            var messageParam = $"{param}.input[{i}]";
            if (input[i] is not JsonObject message)
            {
                throw EmulatorErrors.InvalidPayload($"'{messageParam}' must be a message object.", messageParam);
            }

            OneOf(message, "role", Roles, messageParam);
            if (message["content"] is null)
            {
                throw EmulatorErrors.MissingField(messageParam + ".content");
            }
        }
    }

    private static void CheckRange(JsonObject grader, string param)
    {
        if (grader["range"] is null)
        {
            return;
        }

        if (grader["range"] is not JsonArray { Count: 2 } range
            || range[0]?.GetValueKind() != JsonValueKind.Number || range[1]?.GetValueKind() != JsonValueKind.Number
            || range[0]!.GetValue<double>() >= range[1]!.GetValue<double>())
        {
            throw EmulatorErrors.InvalidPayload(
                $"'{param}.range' must be two numbers [min, max] with min < max, e.g. [0, 1].", param + ".range");
        }
    }

    private static void CheckLabels(JsonObject grader, string param)
    {
        var labels = Strings(grader, "labels", param);
        var passing = Strings(grader, "passing_labels", param);
        if (passing.FirstOrDefault(p => !labels.Contains(p)) is { } stray)
        {
            throw EmulatorErrors.InvalidPayload(
                $"'{param}.passing_labels' contains '{stray}', which is not one of labels.", param + ".passing_labels");
        }
    }

    private static List<string> Strings(JsonObject grader, string name, string param)
    {
        if (grader[name] is not JsonArray array || array.Count == 0
            || array.Any(item => item?.GetValueKind() != JsonValueKind.String))
        {
            throw EmulatorErrors.InvalidPayload($"'{param}.{name}' must be a non-empty array of strings.", $"{param}.{name}");
        }

        return array.Select(item => item!.GetValue<string>()).ToList();
    }

    private static string Required(JsonObject grader, string name, string param) =>
        JobRequestChecks.String(grader, name, $"{param}.{name}") ?? throw EmulatorErrors.MissingField($"{param}.{name}");

    private static void OneOf(JsonObject grader, string name, HashSet<string> allowed, string param)
    {
        var value = Required(grader, name, param);
        if (!allowed.Contains(value))
        {
            throw EmulatorErrors.InvalidPayload(
                $"'{param}.{name}' is '{value}'; use one of: {string.Join(", ", allowed)}.", $"{param}.{name}");
        }
    }
}
