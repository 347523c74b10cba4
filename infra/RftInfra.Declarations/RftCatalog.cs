using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Json;

namespace RftInfra.Declarations;

/// <summary>A training type (tier) of the catalog: its lowercase name, the literal the service takes for it on the
/// wire (<c>trainingType</c>), and whether that literal is inferred. Data, so a correction is a catalog change.</summary>
public sealed record CatalogTier(string Name, string Wire, bool WireInferred, string? WireSource);

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
    /// <summary>The training types with their wire literals, by lowercase name.</summary>
    public IReadOnlyDictionary<string, CatalogTier> Tiers { get; init; } = new Dictionary<string, CatalogTier>();

    /// <summary>Display names of the regions (East US 2), by ARM name.</summary>
    public IReadOnlyDictionary<string, string> RegionDisplayNames { get; init; } = new Dictionary<string, string>();

    /// <summary>The literal to send as <c>trainingType</c> for a training type: the catalog's wire literal, else the value as given.</summary>
    public string WireTrainingType(string trainingType) =>
        Tiers.TryGetValue(trainingType.ToLowerInvariant(), out var tier) ? tier.Wire : trainingType;

    /// <summary>The training type a <c>trainingType</c> literal names (its lowercase name or its wire literal, any case), or null.</summary>
    public string? TrainingTypeOfWire(string literal) =>
        Tiers.Values.FirstOrDefault(t => t.Name.Equals(literal, StringComparison.OrdinalIgnoreCase) || t.Wire.Equals(literal, StringComparison.OrdinalIgnoreCase))?.Name;

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
        var limits = CatalogJson.Obj(root, "limits");
        var regionObjects = CatalogJson.Arr(root, "regions")
            .Select((r, i) => r as JsonObject ?? throw new JsonException($"Catalog field 'regions[{i}]' must be an object with 'name'."))
            .ToList();
        var regions = regionObjects.Select((r, i) => CatalogJson.Str(r, "name", $"regions[{i}]")).ToList();
        var tiers = CatalogJson.Obj(root, "training_types")
            .Where(p => !p.Key.StartsWith('$'))
            .Select(p => Tier(p.Key, p.Value as JsonObject ?? throw new JsonException($"Catalog field 'training_types.{p.Key}' must be an object.")))
            .ToList();
        var trainingTypes = tiers.Select(t => t.Name).ToList();
        var regionSet = regions.ToHashSet(StringComparer.Ordinal);
        if (regionSet.Count != regions.Count)
        {
            throw new JsonException($"Catalog field 'regions' names '{regions.GroupBy(r => r).First(g => g.Count() > 1).Key}' twice.");
        }

        var models = CatalogJson.Arr(root, "models")
            .Select((n, i) => CatalogModel.Parse(
                n as JsonObject ?? throw new JsonException($"Catalog field 'models[{i}]' must be an object."), i, regionSet, trainingTypes))
            .ToList();
        return new RftCatalog(
            regions,
            trainingTypes,
            models,
            CatalogJson.Strings(root["grader_models"], "grader_models"),
            CatalogJson.Strings(root["deployment_skus"], "deployment_skus"),
            new CatalogLimits(
                Long(limits, "file_max_bytes_exclusive"), (int)Long(limits, "training_max_rows"),
                (int)Long(limits, "validation_max_rows"), Long(limits, "python_source_max_bytes_exclusive"),
                (int)Long(limits, "suffix_max_length"), Str(limits, "suffix_pattern"), (int)Long(limits, "metadata_max_pairs"),
                (int)Long(limits, "metadata_key_max_length"), (int)Long(limits, "metadata_value_max_length"),
                Long(limits, "seed_min"), Long(limits, "seed_max")),
            CatalogJson.Obj(root, "quotas").Where(p => p.Value is JsonValue q && q.GetValueKind() == JsonValueKind.Number).ToDictionary(p => p.Key, p => p.Value!.GetValue<long>()),
            CatalogPrices.Parse(root["prices"] as JsonObject))
        {
            Tiers = tiers.ToDictionary(t => t.Name),
            RegionDisplayNames = regionObjects.Zip(regions)
                .ToDictionary(p => p.Second, p => CatalogJson.OptionalStr(p.First, "display_name", "regions") ?? p.Second),
        };
    }

    /// <summary>A training type; a catalog without <c>wire</c> (before December 2026) sends the name itself.</summary>
    private static CatalogTier Tier(string name, JsonObject o)
    {
        if (name != name.ToLowerInvariant())
        {
            throw new JsonException($"Catalog field 'training_types.{name}' must be named in lowercase ('{name.ToLowerInvariant()}'); the literal the service takes goes in its 'wire'.");
        }

        var at = $"training_types.{name}";
        var inferred = o["wire_inferred"] switch
        {
            null => o["wire"] is null,
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw new JsonException($"Catalog field '{at}.wire_inferred' must be true or false."),
        };
        return new CatalogTier(name, CatalogJson.OptionalStr(o, "wire", at) ?? name, inferred, CatalogJson.OptionalStr(o, "wire_source", at));
    }

    private static string Str(JsonObject o, string key) => CatalogJson.Str(o, key, "limits");

    private static long Long(JsonObject o, string key) => CatalogJson.Long(o, key, "limits");
}
