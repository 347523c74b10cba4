using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RftInfra.Diagnostics;
using RftInfra.Graders.Evaluation;

namespace RftInfra.Emulator;

/// <summary>A prompt variant's own accuracy: applies when the developer/system prompt contains <see cref="Contains"/>.</summary>
public sealed record PromptAccuracy(string Contains, double Accuracy);

/// <summary>
/// A base-model deployment the emulator answers for (docs/baseline.md, "The emulator"): the rows it knows (a
/// validation file), how a right answer is built from a row (<see cref="Answer"/>: a template string such as
/// <c>{{item.reference_answer}}</c>, or a JSON object whose string values are templates), and the share of rows
/// it answers right. Whether a row is answered right is a deterministic draw from the seed, the row and the
/// developer/system prompt, so a baseline over n rows has mean ≈ accuracy ± √(p(1−p)/n).
/// </summary>
public sealed class BaseModelDeployment
{
    private readonly Dictionary<string, int> _rowByQuestion = new(StringComparer.Ordinal);

    public BaseModelDeployment(string deployment, IReadOnlyList<JsonObject> rows, JsonNode answer, double accuracy,
        long seed = 0, IReadOnlyList<PromptAccuracy>? prompts = null)
    {
        if (accuracy is < 0 or > 1 || double.IsNaN(accuracy))
        {
            throw new ArgumentOutOfRangeException(nameof(accuracy), accuracy, "an accuracy is a share from 0 to 1");
        }

        Deployment = deployment;
        Rows = rows;
        Answer = answer.DeepClone();
        Accuracy = accuracy;
        Seed = seed;
        Prompts = prompts ?? [];
        for (var i = 0; i < rows.Count; i++)
        {
            if (EmulatedBaseModel.QuestionOf(rows[i]["messages"] as JsonArray) is { } question)
            {
                _rowByQuestion.TryAdd(question, i);
            }
        }
    }

    public string Deployment { get; }

    public IReadOnlyList<JsonObject> Rows { get; }

    public JsonNode Answer { get; }

    public double Accuracy { get; }

    public long Seed { get; }

    public IReadOnlyList<PromptAccuracy> Prompts { get; }

    /// <summary>The row whose last user message is <paramref name="question"/>, or -1.</summary>
    internal int RowOf(string question) => _rowByQuestion.TryGetValue(question, out var row) ? row : -1;

    /// <summary>The accuracy for a developer/system prompt: the first matching variant's, else the deployment's.</summary>
    internal double AccuracyFor(string instructions) =>
        Prompts.FirstOrDefault(p => instructions.Contains(p.Contains, StringComparison.Ordinal))?.Accuracy ?? Accuracy;
}

/// <summary>
/// Reads a base-models file (<c>rft emulator --base-models FILE</c>): JSON, source-generated System.Text.Json,
/// bounded in size and depth; every problem is one <see cref="InvalidDataException"/> naming the file and field.
/// </summary>
public static class BaseModelScenario
{
    public const int MaxFileBytes = 1024 * 1024;

    public static IReadOnlyList<BaseModelDeployment> Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new InvalidDataException($"{path}: the base-models file does not exist.");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: the base-models file is larger than {MaxFileBytes / 1024} KiB; it describes a few deployments.");
        }

        BaseModelsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(File.ReadAllBytes(path), BaseModelsJsonContext.Default.BaseModelsDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}({(e.LineNumber ?? 0) + 1}): not a base-models file: {e.Message.Split(" Path:")[0]}");
        }

        if (document?.BaseModels is not { Count: > 0 } entries)
        {
            throw new InvalidDataException($"{path}: 'baseModels' must be a non-empty array of {{deployment, rows, answer, accuracy}}.");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var result = new List<BaseModelDeployment>();
        for (var i = 0; i < entries.Count; i++)
        {
            result.Add(Bind(entries[i], $"{path}: baseModels[{i}]", directory));
        }

        return result;
    }

    private static BaseModelDeployment Bind(BaseModelEntry entry, string where, string directory)
    {
        if (string.IsNullOrWhiteSpace(entry.Deployment))
        {
            throw new InvalidDataException($"{where}.deployment is missing: name the deployment the baseline asks (e.g. \"o4-mini\").");
        }

        if (entry.Accuracy is not { } accuracy || accuracy is < 0 or > 1)
        {
            throw new InvalidDataException($"{where}.accuracy must be a number from 0 to 1 (the share of rows answered right).");
        }

        if (entry.Answer is not (JsonObject or JsonValue) || (entry.Answer is JsonValue v && v.GetValueKind() != JsonValueKind.String))
        {
            throw new InvalidDataException($"{where}.answer must be a template string (\"{{{{item.reference_answer}}}}\") or an object of template strings.");
        }

        if (string.IsNullOrWhiteSpace(entry.Rows))
        {
            throw new InvalidDataException($"{where}.rows is missing: give the JSONL file the emulator knows answers for (relative to this file).");
        }

        var prompts = new List<PromptAccuracy>();
        foreach (var (prompt, j) in (entry.Prompts ?? []).Select((p, j) => (p, j)))
        {
            if (string.IsNullOrEmpty(prompt.Contains) || prompt.Accuracy is not { } a || a is < 0 or > 1)
            {
                throw new InvalidDataException($"{where}.prompts[{j}] needs 'contains' (text of the developer prompt) and 'accuracy' from 0 to 1.");
            }

            prompts.Add(new PromptAccuracy(prompt.Contains, a));
        }

        var diagnostics = new List<Diagnostic>();
        var lines = GradeInputs.ReadJsonl(Path.Combine(directory, entry.Rows), entry.Rows, diagnostics);
        if (lines is null || diagnostics.Count > 0)
        {
            throw new InvalidDataException($"{where}.rows: {diagnostics.FirstOrDefault()?.ToString() ?? "cannot read the file."}");
        }

        var rows = lines.Select(l => l.Value as JsonObject).OfType<JsonObject>().ToList();
        return new BaseModelDeployment(entry.Deployment, rows, entry.Answer, accuracy, entry.Seed ?? 0, prompts);
    }
}

internal sealed class BaseModelsDocument
{
    [JsonPropertyName("$comment")]
    public string? Comment { get; set; }

    public List<BaseModelEntry>? BaseModels { get; set; }
}

internal sealed class BaseModelEntry
{
    public string? Deployment { get; set; }

    public string? Rows { get; set; }

    public JsonNode? Answer { get; set; }

    public double? Accuracy { get; set; }

    public long? Seed { get; set; }

    public List<PromptAccuracyEntry>? Prompts { get; set; }
}

internal sealed class PromptAccuracyEntry
{
    public string? Contains { get; set; }

    public double? Accuracy { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, MaxDepth = 16,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(BaseModelsDocument))]
internal sealed partial class BaseModelsJsonContext : JsonSerializerContext;
