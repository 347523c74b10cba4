using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Json;

namespace RftInfra.Declarations;

/// <summary>A model that RFT can train: which training types in which regions (catalog/catalog.json).</summary>
public sealed record CatalogModel(
    string Id, IReadOnlyList<string> Aliases, string Status, IReadOnlyDictionary<string, IReadOnlyList<string>> TrainingTypes)
{
    public const string AzureOpenAIEndpoint = "azure_openai";
    public const string FoundryProjectEndpoint = "foundry_project";

    /// <summary>
    /// The endpoint a job on this model needs: <see cref="AzureOpenAIEndpoint"/> (an Azure OpenAI / AI Services
    /// account, the default) or <see cref="FoundryProjectEndpoint"/> (a Foundry resource with a project; docs/foundry.md).
    /// </summary>
    public string EndpointKind { get; init; } = AzureOpenAIEndpoint;

    public bool NeedsFoundryProject => EndpointKind == FoundryProjectEndpoint;

    public bool IsPreview => Status != "ga";

    public bool Matches(string model) =>
        string.Equals(model, Id, StringComparison.OrdinalIgnoreCase)
        || Aliases.Contains(model, StringComparer.OrdinalIgnoreCase);
}

public sealed record CatalogLimits(
    long FileMaxBytesExclusive,
    int TrainingMaxRows,
    int ValidationMaxRows,
    long PythonSourceMaxBytesExclusive,
    int SuffixMaxLength,
    string SuffixPattern,
    int MetadataMaxPairs,
    int MetadataKeyMaxLength,
    int MetadataValueMaxLength,
    long SeedMin,
    long SeedMax);

/// <summary>
/// Regions, trainable models, grader models, limits, quotas and rough prices — data in <c>catalog/catalog.json</c>, so a later
/// change to the service is a change to that file, not to code. A checkout's own catalog wins over the copy
/// built into the kit.
/// </summary>
public sealed record RftCatalog(
    IReadOnlyList<string> Regions,
    IReadOnlyList<string> TrainingTypes,
    IReadOnlyList<CatalogModel> Models,
    IReadOnlyList<string> GraderModels,
    IReadOnlyList<string> DeploymentSkus,
    CatalogLimits Limits,
    IReadOnlyDictionary<string, long> Quotas,
    CatalogPrices Prices)
{
    public const string RelativePath = "catalog/catalog.json";

    private static readonly Lazy<RftCatalog> BuiltIn = new(() =>
    {
        using var stream = typeof(RftCatalog).Assembly.GetManifestResourceStream("RftInfra.Declarations.catalog.json")
            ?? throw new InvalidOperationException("The built-in catalog resource is missing from RftInfra.Declarations.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    /// <summary>The catalog the kit was built with (a copy of catalog/catalog.json).</summary>
    public static RftCatalog Default => BuiltIn.Value;

    public CatalogModel? FindModel(string model) => Models.FirstOrDefault(m => m.Matches(model));

    public IEnumerable<string> ModelNames => Models.SelectMany(m => m.Aliases.Prepend(m.Id));

    /// <summary>Reads a catalog; throws <see cref="JsonException"/> with the field name when the file is malformed.</summary>
    public static RftCatalog Parse(string json)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("The catalog must be a JSON object.");
        var limits = Obj(root, "limits");
        var models = Arr(root, "models").Select(n =>
        {
            var m = (JsonObject)n!;
            var types = Obj(m, "training_types").ToDictionary(
                p => p.Key, p => (IReadOnlyList<string>)Strings(p.Value, $"models.training_types.{p.Key}"));
            return new CatalogModel(Str(m, "id"), Strings(m["aliases"], "aliases"), Str(m, "status"), types)
            {
                EndpointKind = m["endpoint_kind"] is null ? CatalogModel.AzureOpenAIEndpoint : Str(m, "endpoint_kind"),
            };
        }).ToList();
        return new RftCatalog(
            Arr(root, "regions").Select(r => Str((JsonObject)r!, "name")).ToList(),
            Obj(root, "training_types").Select(p => p.Key).ToList(),
            models,
            Strings(root["grader_models"], "grader_models"),
            Strings(root["deployment_skus"], "deployment_skus"),
            new CatalogLimits(
                Long(limits, "file_max_bytes_exclusive"), (int)Long(limits, "training_max_rows"),
                (int)Long(limits, "validation_max_rows"), Long(limits, "python_source_max_bytes_exclusive"),
                (int)Long(limits, "suffix_max_length"), Str(limits, "suffix_pattern"), (int)Long(limits, "metadata_max_pairs"),
                (int)Long(limits, "metadata_key_max_length"), (int)Long(limits, "metadata_value_max_length"),
                Long(limits, "seed_min"), Long(limits, "seed_max")),
            Obj(root, "quotas").Where(p => p.Value is JsonValue q && q.GetValueKind() == JsonValueKind.Number).ToDictionary(p => p.Key, p => p.Value!.GetValue<long>()),
            CatalogPrices.Parse(root["prices"] as JsonObject));
    }

    private static JsonObject Obj(JsonObject o, string key) =>
        o[key] as JsonObject ?? throw new JsonException($"Catalog field '{key}' must be an object.");

    private static JsonArray Arr(JsonObject o, string key) =>
        o[key] as JsonArray ?? throw new JsonException($"Catalog field '{key}' must be an array.");

    private static string Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : throw new JsonException($"Catalog field '{key}' must be a string.");

    private static long Long(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue(out long l) ? l : throw new JsonException($"Catalog field '{key}' must be an integer.");

    private static double? Num(JsonObject o, string key) =>
        JsonNumber.AsDouble(o[key]);

    private static List<string> Strings(JsonNode? node, string what) =>
        node is JsonArray a
            ? a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : throw new JsonException($"Catalog '{what}' must hold strings.")).ToList()
            : throw new JsonException($"Catalog field '{what}' must be an array of strings.");
}
