using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Core.Stacks;

/// <summary>
/// The RFT training regions from <c>catalog/catalog.json</c> (<c>regions[].name</c>, ARM names). The stack config
/// is checked against it, so a new region is a data change, not a code change.
/// </summary>
public sealed class RegionCatalog
{
    public const string RelativePath = "catalog/catalog.json";

    private RegionCatalog(IReadOnlySet<string> regions) => Regions = regions;

    public IReadOnlySet<string> Regions { get; }

    public static RegionCatalog FromJson(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{RelativePath}: not valid JSON ({e.Message}).", e);
        }

        if (root?["regions"] is not JsonArray array)
        {
            throw new InvalidDataException($"{RelativePath}: expected a \"regions\" list of {{\"name\": \"<arm name>\"}} objects.");
        }

        var regions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in array)
        {
            if (item?["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String)
            {
                regions.Add(name.GetValue<string>().ToLowerInvariant());
            }
        }

        return new RegionCatalog(regions);
    }

    /// <summary>Reads <c>catalog/catalog.json</c> under the repository root.</summary>
    public static RegionCatalog Load(string repositoryRoot) =>
        FromJson(File.ReadAllText(Path.Combine(repositoryRoot, RelativePath)));
}
