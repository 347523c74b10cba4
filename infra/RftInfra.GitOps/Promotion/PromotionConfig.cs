using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Declarations;

namespace RftInfra.Promotion;

/// <summary>How a model reaches a prod account (docs/service.md §6 and §1.7).</summary>
public enum PromotionMethod
{
    /// <summary>A Deployment in the prod account with <c>properties.model.source</c> = the dev account's ARM id.</summary>
    CrossRegionDeployment,

    /// <summary>Copy a checkpoint into the prod account first (preview API), then deploy it there without a source.</summary>
    CheckpointCopy,
}

/// <summary>One prod account to deploy into: its region (the program has one account per region), the name and size.</summary>
public sealed record PromotionTarget(string Region, string DeploymentName, string Sku, int Capacity);

/// <summary>
/// One promotion from the prod stack: what to promote (exactly one of a dev job, a fine-tuned model id or a
/// checkpoint id), where to, the reward gate and the method.
/// </summary>
public sealed record PromotionSpec(
    string Name,
    string? Job,
    string? Model,
    string? Checkpoint,
    IReadOnlyList<PromotionTarget> Targets,
    double? MinValidationReward,
    PromotionMethod Method);

/// <summary>
/// The prod stack's promotion settings (Pulumi.prod.yaml, namespace <c>rft-infra</c>): the dev stack to read
/// (<c>devStack</c>, e.g. <c>acme/rft-infra/dev</c>), a default reward gate (<c>minValidationReward</c>), the
/// promotions, and the jobs prod trains on purpose (the program's own <c>jobs</c> key, see
/// <c>StackConfigParser</c>; absent in Pulumi.prod.yaml, so prod never trains).
/// </summary>
public sealed record PromotionConfig(
    string DevStack,
    double? MinValidationReward,
    IReadOnlyList<PromotionSpec> Promotions,
    IReadOnlyList<string> TrainInProd)
{
    /// <summary>The stack's <c>regions</c> when read from the stack file (the program gets its accounts instead).</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    public const string Namespace = "rft-infra";
    public const string DefaultSku = "GlobalStandard";
    public const int DefaultCapacity = 1;
}

/// <summary>
/// Reads promotion settings from the stack file (YAML, with line numbers) or from the config values the Pulumi
/// program sees (JSON). Problems are Diagnostics naming the key and the fix; nothing is silently ignored.
/// </summary>
public static class PromotionConfigReader
{
    private static readonly HashSet<string> PromotionKeys =
        ["name", "job", "model", "checkpoint", "targets", "minValidationReward", "method"];

    private static readonly HashSet<string> TargetKeys = ["region", "deployment", "sku", "capacity"];

    /// <summary>Reads <c>Pulumi.prod.yaml</c>: the <c>config:</c> keys under the <c>rft-infra:</c> namespace.</summary>
    public static (PromotionConfig? Config, IReadOnlyList<Diagnostic> Diagnostics) FromStackFile(string text, string file)
    {
        var bag = new DiagnosticBag();
        // The kit's one bounded YAML reader: alias bombs, tags, merge and complex keys are findings (RFT30x).
        var document = DeclarationReader.Read(text, file, yaml: true);
        foreach (var diagnostic in document.Diagnostics)
        {
            bag.Add(diagnostic);
        }

        if (document.Root is null)
        {
            return (null, bag.Items);
        }

        if (document.Object?["config"] is not JsonObject config)
        {
            bag.Add(Error(file, SourcePosition.None, "no `config:` mapping; a Pulumi stack file keeps its settings under `config:`.",
                $"add `config:` with `{PromotionConfig.Namespace}:devStack` and `{PromotionConfig.Namespace}:promotions`."));
            return (null, bag.Items);
        }

        var values = new JsonObject();
        var lines = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach (var (key, valueNode) in config)
        {
            if (!key.StartsWith(PromotionConfig.Namespace + ":", StringComparison.Ordinal))
            {
                continue;
            }

            var shortKey = key[(PromotionConfig.Namespace.Length + 1)..];
            var path = SourceMap.Child("config", key);
            // Re-parsed so whole numbers read back as int and double alike (the reader holds every number as double).
            values[shortKey] = valueNode is null ? null : JsonNode.Parse(valueNode.ToJsonString());
            lines[shortKey] = document.Positions.Key(path);
            if (valueNode is JsonArray items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    lines[$"{shortKey}[{i}]"] = document.Positions.Value(SourceMap.Item(path, i));
                }
            }
        }

        var result = Bind(values, file, key => lines.TryGetValue(key, out var exact)
            ? exact
            : lines.GetValueOrDefault(key.Split('[', '.')[0], SourcePosition.None), bag);
        return (result, bag.Items);
    }

    /// <summary>Reads the values the program gets from <c>new Config("rft-infra")</c> (each a JSON text or null).</summary>
    public static (PromotionConfig? Config, IReadOnlyList<Diagnostic> Diagnostics) FromConfigValues(
        string? devStack, string? minValidationReward, string? promotionsJson, string? jobsJson)
    {
        var bag = new DiagnosticBag();
        var values = new JsonObject();
        try
        {
            values["devStack"] = devStack;
            values["minValidationReward"] = minValidationReward is null ? null : JsonNode.Parse(minValidationReward);
            values["promotions"] = promotionsJson is null ? null : JsonNode.Parse(promotionsJson);
            values["jobs"] = jobsJson is null ? null : JsonNode.Parse(jobsJson);
        }
        catch (JsonException e)
        {
            bag.Add(Error("Pulumi stack config", SourcePosition.None, $"a `{PromotionConfig.Namespace}` value is not valid JSON: {e.Message}", null));
            return (null, bag.Items);
        }

        return (Bind(values, "Pulumi stack config", _ => SourcePosition.None, bag), bag.Items);
    }

    private static PromotionConfig? Bind(JsonObject values, string file, Func<string, SourcePosition> at, DiagnosticBag bag)
    {
        var devStack = values["devStack"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(devStack))
        {
            bag.Add(Error(file, at("devStack"), $"`{PromotionConfig.Namespace}:devStack` is missing: prod reads the models from the dev stack's outputs.",
                $"pulumi config set --stack prod {PromotionConfig.Namespace}:devStack <org>/rft-infra/dev"));
        }

        var gate = Number(values["minValidationReward"], "minValidationReward", file, at, bag);
        var promotions = new List<PromotionSpec>();
        switch (values["promotions"])
        {
            case null:
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (BindPromotion(array[i], $"promotions[{i}]", file, at, bag) is { } spec)
                    {
                        promotions.Add(spec);
                    }
                }

                break;
            default:
                bag.Add(Error(file, at("promotions"), $"`{PromotionConfig.Namespace}:promotions` must be a list of promotions.", null));
                break;
        }

        foreach (var duplicate in promotions.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            bag.Add(Error(file, at("promotions"), $"promotion name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique.", null));
        }

        var trainInProd = new List<string>();
        if (values["jobs"] is JsonArray train)
        {
            // Prod trains only what its stack lists on purpose; the program's StackConfigParser checks the paths.
            trainInProd.AddRange(train.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()));
        }

        var regions = values["regions"] is JsonArray regionArray
            ? regionArray.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList()
            : [];
        return bag.HasErrors ? null : new PromotionConfig(devStack!, gate, promotions, trainInProd) { Regions = regions };
    }

    private static PromotionSpec? BindPromotion(JsonNode? node, string path, string file, Func<string, SourcePosition> at, DiagnosticBag bag)
    {
        var where = at(path);
        if (node is not JsonObject obj)
        {
            bag.Add(Error(file, where, $"{path} must be a mapping with `job` (or `model`/`checkpoint`) and `targets`.", null));
            return null;
        }

        foreach (var (key, _) in obj)
        {
            if (!PromotionKeys.Contains(key))
            {
                bag.Add(Error(file, where, $"{path}: unknown key `{key}`.", $"use one of {string.Join(", ", PromotionKeys.Order())}."));
            }
        }

        var job = Text(obj, "job");
        var model = Text(obj, "model");
        var checkpoint = Text(obj, "checkpoint");
        var name = Text(obj, "name") ?? job ?? model ?? checkpoint;
        var sources = new[] { job, model }.Count(s => s is not null);
        if (sources != 1)
        {
            bag.Add(Error(file, where, $"{path}: give exactly one of `job` (a dev job name or ftjob id) or `model` (a fine-tuned model id); found {sources}.",
                "`checkpoint` goes with `job`: the job that made it."));
        }

        if (checkpoint is not null && job is null)
        {
            bag.Add(Error(file, where, $"{path}: `checkpoint` needs `job`, the dev job that produced it (for its status, reward and account).", null));
        }

        var method = PromotionMethod.CrossRegionDeployment;
        switch (Text(obj, "method"))
        {
            case null or "crossRegionDeployment":
                break;
            case "checkpointCopy":
                method = PromotionMethod.CheckpointCopy;
                if (checkpoint is null)
                {
                    bag.Add(Error(file, where, $"{path}: `method: checkpointCopy` copies a checkpoint; add `checkpoint: ftchkpt-…`.", null));
                }

                break;
            case var other:
                bag.Add(Error(file, where, $"{path}: unknown method `{other}`.", "use `crossRegionDeployment` (default) or `checkpointCopy`."));
                break;
        }

        var targets = new List<PromotionTarget>();
        if (obj["targets"] is JsonArray array && array.Count > 0)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (BindTarget(array[i], $"{path}.targets[{i}]", name, file, where, bag) is { } target)
                {
                    targets.Add(target);
                }
            }
        }
        else
        {
            bag.Add(Error(file, where, $"{path}: `targets` must list at least one prod region, e.g. `- region: swedencentral`.", null));
        }

        foreach (var duplicate in targets.GroupBy(t => (t.Region, t.DeploymentName)).Where(g => g.Count() > 1))
        {
            bag.Add(Error(file, where, $"{path}: deployment '{duplicate.Key.DeploymentName}' in {duplicate.Key.Region} is listed twice.", null));
        }

        var gate = Number(obj["minValidationReward"], $"{path}.minValidationReward", file, _ => where, bag);
        return name is null ? null : new PromotionSpec(name, job, model, checkpoint, targets, gate, method);
    }

    private static PromotionTarget? BindTarget(JsonNode? node, string path, string? promotionName, string file, SourcePosition where, DiagnosticBag bag)
    {
        if (node is not JsonObject obj || Text(obj, "region") is not { } region)
        {
            bag.Add(Error(file, where, $"{path} needs `region` (the prod account's region, e.g. swedencentral).", null));
            return null;
        }

        foreach (var (key, _) in obj)
        {
            if (!TargetKeys.Contains(key))
            {
                bag.Add(Error(file, where, $"{path}: unknown key `{key}`.", $"use one of {string.Join(", ", TargetKeys.Order())}."));
            }
        }

        var capacity = PromotionConfig.DefaultCapacity;
        if (obj["capacity"] is { } capacityNode)
        {
            if (capacityNode is JsonValue v && v.TryGetValue<int>(out var n) && n > 0)
            {
                capacity = n;
            }
            else
            {
                bag.Add(Error(file, where, $"{path}.capacity must be a whole number above 0, found {capacityNode.ToJsonString()}.", null));
            }
        }

        var deployment = Text(obj, "deployment") ?? promotionName ?? region;
        return new PromotionTarget(region, deployment, Text(obj, "sku") ?? PromotionConfig.DefaultSku, capacity);
    }

    private static double? Number(JsonNode? node, string key, string file, Func<string, SourcePosition> at, DiagnosticBag bag)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<double>(out var d))
        {
            return d;
        }

        // Pulumi keeps plain config values as strings ("0.7").
        if (node is JsonValue s && s.TryGetValue<string>(out var text) &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        bag.Add(Error(file, at(key), $"`{key}` must be a number (a validation reward such as 0.7), found {node.ToJsonString()}.", null));
        return null;
    }

    private static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    private static Diagnostic Error(string file, SourcePosition position, string message, string? hint) =>
        new("RFT601", DiagnosticSeverity.Error, file, position, message, hint);
}
