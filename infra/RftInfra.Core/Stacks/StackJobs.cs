using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RftInfra.Core.Stacks;

/// <summary>A dataset file the stack uploads: repository-relative path, SHA-256 of its bytes (its identity) and size.</summary>
public sealed record DataFile(string Path, string Sha256, long Bytes);

/// <summary>SKU and capacity for the fine-tuned model's deployment once the job succeeds.</summary>
public sealed record DeploySettings(string Sku, int Capacity);

/// <summary>
/// What the Pulumi program needs from one job declaration to declare its rft resources: the resolved grader JSON,
/// the dataset hashes and the deploy settings. Full validation is `rft validate`'s job (and the provider's Check);
/// this only refuses what would make the program itself wrong.
/// </summary>
public sealed record StackJob(
    string Name,
    string DeclarationPath,
    string Region,
    string Model,
    DataFile TrainingFile,
    DataFile ValidationFile,
    string GraderName,
    JsonObject Grader,
    JsonObject? ResponseFormat,
    JsonObject? Hyperparameters,
    string? TrainingType,
    string? Suffix,
    long? Seed,
    IReadOnlyDictionary<string, string> Metadata,
    DeploySettings? Deploy);

public static class StackJobLoader
{
    public const string DefaultDeploySku = "GlobalStandard";

    public static StackJobsResult Load(string repositoryRoot, StackSettings settings)
    {
        var diagnostics = new DiagnosticBag();
        var jobs = new List<StackJob>();
        foreach (var path in settings.JobPaths)
        {
            var job = LoadOne(repositoryRoot, path, settings.Regions, diagnostics);
            if (job is null)
            {
                continue;
            }

            if (jobs.Any(j => j.Name == job.Name))
            {
                diagnostics.Add(Error("RFT521", path, $"job name '{job.Name}' is declared by two files of this stack.",
                    "give every job a unique name"));
                continue;
            }

            jobs.Add(job);
        }

        return new StackJobsResult(diagnostics.HasErrors ? [] : jobs, diagnostics.Items);
    }

    private static StackJob? LoadOne(string root, string path, IReadOnlyList<string> regions, DiagnosticBag diagnostics)
    {
        var fullPath = Path.Combine(root, path);
        if (!File.Exists(fullPath))
        {
            diagnostics.Add(Error("RFT520", path, "job declaration not found.",
                "fix the path in rft-infra:jobs (paths are relative to the repository root)"));
            return null;
        }

        JsonObject? doc;
        try
        {
            doc = ReadDocument(fullPath) as JsonObject;
        }
        catch (Exception e) when (e is YamlException or JsonException)
        {
            diagnostics.Add(Error("RFT520", path, $"cannot be read: {e.Message}", "run `rft validate` for details"));
            return null;
        }

        if (doc is null)
        {
            diagnostics.Add(Error("RFT520", path, "a job declaration must be a mapping.", "run `rft validate` for details"));
            return null;
        }

        var before = diagnostics.Items.Count;
        string Required(string key)
        {
            var value = Str(doc, key);
            if (value is null)
            {
                diagnostics.Add(Error("RFT522", path, $"'{key}' is required.", "run `rft validate` for details"));
            }

            return value ?? string.Empty;
        }

        var name = Required("name");
        var model = Required("model");
        var region = Required("region").ToLowerInvariant();
        var graderName = Required("grader");
        var trainingPath = Required("training_file");
        var validationPath = Required("validation_file");
        if (diagnostics.Items.Count > before)
        {
            return null;
        }

        if (!regions.Contains(region))
        {
            diagnostics.Add(Error("RFT523", path,
                $"job '{name}' trains in {region}, which is not one of this stack's regions ({string.Join(", ", regions)}).",
                $"add it: pulumi config set rft-infra:regions '[{string.Join(",", regions.Append(region).Select(r => $"\"{r}\""))}]'"));
            return null;
        }

        var grader = LoadGrader(root, path, graderName, diagnostics);
        var training = HashFile(root, path, trainingPath, diagnostics);
        var validation = HashFile(root, path, validationPath, diagnostics);
        if (grader is null || training is null || validation is null)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc["metadata"] is JsonObject meta)
        {
            foreach (var (key, value) in meta)
            {
                metadata[key] = value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                    ? v.GetValue<string>()
                    : value?.ToJsonString() ?? string.Empty;
            }
        }

        return new StackJob(
            name, path, region, model, training, validation, graderName, grader,
            doc["response_format"]?.DeepClone() as JsonObject,
            doc["hyperparameters"]?.DeepClone() as JsonObject,
            Str(doc, "training_type"),
            Str(doc, "suffix"),
            WholeNumber(doc["seed"]),
            metadata,
            ReadDeploy(doc["deploy"], path, diagnostics));
    }

    private static DeploySettings? ReadDeploy(JsonNode? node, string path, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case null:
                return new DeploySettings(DefaultDeploySku, 1);
            case JsonValue v when v.GetValueKind() == JsonValueKind.False:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.True:
                return new DeploySettings(DefaultDeploySku, 1);
            case JsonObject obj:
                var sku = Str(obj, "sku") ?? DefaultDeploySku;
                var capacity = obj["capacity"] is null ? 1 : WholeNumber(obj["capacity"]) ?? 0;
                if (capacity < 1)
                {
                    diagnostics.Add(Error("RFT522", path, "deploy.capacity must be at least 1.", "set deploy: { sku: GlobalStandard, capacity: 1 }"));
                }

                return new DeploySettings(sku, Math.Max(1, capacity));
            default:
                diagnostics.Add(Error("RFT522", path, "deploy must be false or a mapping with sku and capacity.",
                    "set deploy: { sku: GlobalStandard, capacity: 1 }"));
                return null;
        }
    }

    private static JsonObject? LoadGrader(string root, string jobPath, string graderName, DiagnosticBag diagnostics)
    {
        var candidates = new[] { ".json", ".yaml", ".yml" }
            .Select(ext => Path.Combine(root, "graders", graderName + ext))
            .Where(File.Exists)
            .ToList();
        if (candidates.Count == 0)
        {
            diagnostics.Add(Error("RFT524", jobPath, $"grader '{graderName}' not found as graders/{graderName}.json or .yaml.",
                "create the grader file or fix 'grader' in the job"));
            return null;
        }

        try
        {
            if (ReadDocument(candidates[0]) is JsonObject grader)
            {
                return grader;
            }
        }
        catch (Exception e) when (e is YamlException or JsonException)
        {
            diagnostics.Add(Error("RFT524", jobPath, $"grader '{graderName}' cannot be read: {e.Message}", "run `rft validate` for details"));
            return null;
        }

        diagnostics.Add(Error("RFT524", jobPath, $"grader '{graderName}' must be a mapping.", "run `rft validate` for details"));
        return null;
    }

    private static DataFile? HashFile(string root, string jobPath, string relativePath, DiagnosticBag diagnostics)
    {
        var full = Path.Combine(root, relativePath);
        if (!File.Exists(full))
        {
            diagnostics.Add(Error("RFT525", jobPath, $"dataset '{relativePath}' not found.", "fix the path (relative to the repository root)"));
            return null;
        }

        using var stream = File.OpenRead(full);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new DataFile(relativePath.Replace('\\', '/'), hash, stream.Length);
    }

    /// <summary>Reads a JSON or YAML file into a JsonNode (YAML plain scalars become numbers/booleans/null where they parse).</summary>
    internal static JsonNode? ReadDocument(string fullPath)
    {
        var text = File.ReadAllText(fullPath);
        if (fullPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return JsonNode.Parse(text);
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : YamlToJson(stream.Documents[0].RootNode);
    }

    internal static JsonNode? YamlToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p =>
            KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? string.Empty, YamlToJson(p.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(YamlToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null")
        {
            return null;
        }

        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    /// <summary>A whole number from YAML (backed by long) or JSON (backed by JsonElement) alike; null otherwise.</summary>
    private static int? WholeNumber(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && n == Math.Floor(n) && n is >= int.MinValue and <= int.MaxValue
            ? (int)n
            : null;

    private static string? Str(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s.Trim() : null;

    private static Diagnostic Error(string code, string file, string message, string hint) =>
        new(code, DiagnosticSeverity.Error, file, SourcePosition.None, message, hint);
}

public sealed record StackJobsResult(IReadOnlyList<StackJob> Jobs, IReadOnlyList<Diagnostic> Diagnostics);
