using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Declarations;

/// <summary>The endpoint a model trains through (catalog <c>endpoint_kind</c>).</summary>
public static class CatalogEndpointKinds
{
    /// <summary>A classic Azure OpenAI account (<c>https://{res}.openai.azure.com</c>); the default.</summary>
    public const string AzureOpenAI = "azure_openai";

    /// <summary>A Foundry resource with a project (<c>https://{res}.services.ai.azure.com/api/projects/{project}</c>).</summary>
    public const string FoundryProject = "foundry_project";

    public static readonly IReadOnlyList<string> All = [AzureOpenAI, FoundryProject];
}

/// <summary>What a model's model graders need (catalog <c>grader</c>).</summary>
public static class CatalogGraderKinds
{
    /// <summary>The service's built-in grader models (the catalog's <c>grader_models</c>), nothing to deploy.</summary>
    public const string BuiltIn = "built_in";

    /// <summary>A grader model the team deploys itself (the open-weight samples: gpt-5.4-mini, ≥ 100k TPM).</summary>
    public const string Deployed = "deployed";

    public static readonly IReadOnlyList<string> All = [BuiltIn, Deployed];
}

/// <summary>A lifecycle date of a model (retirement, no new customers) and where it comes from. <see cref="NotBefore"/>:
/// the source gives the earliest date, not the date.</summary>
public sealed record CatalogDate(DateOnly Date, bool NotBefore, string Source)
{
    public string Describe() => (NotBefore ? "not before " : "") + Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// A model that RFT can train: which training types in which regions (catalog/catalog.json), its status (ga, gated,
/// preview), lifecycle dates, the endpoint kind it needs and what its grader needs. <see cref="InferredRegions"/> holds
/// the regions of a training type that no source states outright (a subset of <see cref="TrainingTypes"/>).
/// </summary>
public sealed record CatalogModel(
    string Id, IReadOnlyList<string> Aliases, string Status, IReadOnlyDictionary<string, IReadOnlyList<string>> TrainingTypes)
{
    public static readonly IReadOnlyList<string> Statuses = ["ga", "gated", "preview"];

    /// <summary>The names of <see cref="CatalogEndpointKinds"/> as the Foundry-project code uses them.</summary>
    public const string AzureOpenAIEndpoint = CatalogEndpointKinds.AzureOpenAI;

    public const string FoundryProjectEndpoint = CatalogEndpointKinds.FoundryProject;

    public string EndpointKind { get; init; } = CatalogEndpointKinds.AzureOpenAI;

    public string Grader { get; init; } = CatalogGraderKinds.BuiltIn;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> InferredRegions { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The source of each training type's region list.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    public CatalogDate? Retirement { get; init; }

    public CatalogDate? NoNewCustomers { get; init; }

    /// <summary>How to get access to a gated model, and its source.</summary>
    public string? Access { get; init; }

    public string? AccessSource { get; init; }

    public bool IsPreview => Status == "preview";

    public bool IsGated => Status == "gated";

    public bool NeedsFoundryProject => EndpointKind == CatalogEndpointKinds.FoundryProject;

    public bool Matches(string model) =>
        string.Equals(model, Id, StringComparison.OrdinalIgnoreCase)
        || Aliases.Contains(model, StringComparer.OrdinalIgnoreCase);

    /// <summary>The regions of a training type (none when the model has no such training).</summary>
    public IReadOnlyList<string> RegionsOf(string trainingType) =>
        TrainingTypes.TryGetValue(trainingType, out var regions) ? regions : [];

    /// <summary>Whether the catalog lists the region for the training type only by inference.</summary>
    public bool IsInferred(string trainingType, string region) =>
        InferredRegions.TryGetValue(trainingType, out var inferred) && inferred.Contains(region);

    /// <summary>Reads <c>models[index]</c>; region names must be among <paramref name="regions"/>.</summary>
    internal static CatalogModel Parse(JsonObject m, int index, IReadOnlySet<string> regions, IReadOnlyCollection<string> trainingTypes)
    {
        var at = $"models[{index}]";
        var id = CatalogJson.Str(m, "id", at);
        var status = CatalogJson.Str(m, "status", at);
        // "private_preview" is how catalogs before December 2026 spelt a preview.
        status = status == "private_preview" ? "preview" : status;
        CatalogJson.OneOf(status, Statuses, $"{at}.status");
        var types = new Dictionary<string, IReadOnlyList<string>>();
        var inferred = new Dictionary<string, IReadOnlyList<string>>();
        var sources = new Dictionary<string, string>();
        foreach (var (type, node) in CatalogJson.Obj(m, "training_types", at))
        {
            if (type.StartsWith('$'))
            {
                continue;
            }

            var where = $"{at}.training_types.{type}";
            CatalogJson.OneOf(type, trainingTypes, where);
            if (node is JsonArray)
            {
                // The April 2026 form: a plain list of regions, all confirmed.
                types[type] = CatalogJson.Regions(node, where, regions);
                continue;
            }

            var tier = node as JsonObject ?? throw new JsonException($"Catalog field '{where}' must be an object with 'regions' (or an array of regions).");
            types[type] = CatalogJson.Regions(tier["regions"], $"{where}.regions", regions);
            // Sets, so a hostile catalog of a megabyte of region names is checked in linear time.
            var guessed = tier["inferred"] is null ? [] : CatalogJson.Regions(tier["inferred"], $"{where}.inferred", types[type].ToHashSet());
            if (guessed.Count > 0)
            {
                inferred[type] = guessed;
            }

            if (CatalogJson.OptionalStr(tier, "source", where) is { } source)
            {
                sources[type] = source;
            }
        }

        var endpoint = CatalogJson.OptionalStr(m, "endpoint_kind", at) ?? CatalogEndpointKinds.AzureOpenAI;
        CatalogJson.OneOf(endpoint, CatalogEndpointKinds.All, $"{at}.endpoint_kind");
        var grader = CatalogJson.OptionalStr(m, "grader", at) ?? CatalogGraderKinds.BuiltIn;
        CatalogJson.OneOf(grader, CatalogGraderKinds.All, $"{at}.grader");
        return new CatalogModel(id, CatalogJson.Strings(m["aliases"], $"{at}.aliases"), status, types)
        {
            EndpointKind = endpoint,
            Grader = grader,
            InferredRegions = inferred,
            Sources = sources,
            Retirement = Date(m, "retirement", at),
            NoNewCustomers = Date(m, "no_new_customers", at),
            Access = CatalogJson.OptionalStr(m, "access", at),
            AccessSource = CatalogJson.OptionalStr(m, "access_source", at),
        };
    }

    private static CatalogDate? Date(JsonObject m, string key, string at)
    {
        if (m[key] is null)
        {
            return null;
        }

        var where = $"{at}.{key}";
        var o = m[key] as JsonObject ?? throw new JsonException($"Catalog field '{where}' must be an object with 'date' and 'source'.");
        var text = CatalogJson.Str(o, "date", where);
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new JsonException($"Catalog field '{where}.date' must be a date like 2026-10-16; found '{text}'.");
        }

        var notBefore = o["not_before"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw new JsonException($"Catalog field '{where}.not_before' must be true or false."),
        };
        return new CatalogDate(date, notBefore, CatalogJson.Str(o, "source", where));
    }
}
