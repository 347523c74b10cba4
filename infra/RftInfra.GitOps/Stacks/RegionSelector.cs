using System.Text.Json.Nodes;
using RftInfra.Declarations;

namespace RftInfra.Stacks;

/// <summary>
/// <c>rft-infra:regions</c> naming what a region offers instead of listing regions:
/// <c>{"model": "o4-mini", "training_type": "globalstandard"}</c> is every region where the catalog has that tier
/// of that model (add <c>"confirmed_only": true</c> to leave out inferred ones). Resolved from the catalog at
/// preview time, so a stack that means "all of them" follows the catalog without edits (docs/regions.md).
/// </summary>
public sealed record RegionSelector(string Model, string TrainingType, bool ConfirmedOnly)
{
    public const string Example = """'{"model": "o4-mini", "training_type": "globalstandard"}'""";

    private static readonly string[] Fields = ["model", "training_type", "confirmed_only"];

    /// <summary>Reads the selector object; null with <paramref name="problem"/> when it is malformed.</summary>
    public static RegionSelector? Read(JsonObject value, out string? problem)
    {
        problem = null;
        if (value.Select(p => p.Key).FirstOrDefault(k => !Fields.Contains(k)) is { } unknown)
        {
            problem = $"'{unknown}' is not a field of a region selector; use model, training_type and (optionally) confirmed_only.";
            return null;
        }

        if (value["model"] is not JsonValue m || !m.TryGetValue(out string? model) || model.Trim().Length == 0
            || value["training_type"] is not JsonValue t || !t.TryGetValue(out string? type) || type.Trim().Length == 0)
        {
            problem = "a region selector needs the strings 'model' and 'training_type'.";
            return null;
        }

        var confirmedOnly = false;
        if (value["confirmed_only"] is { } c && !(c is JsonValue b && b.TryGetValue(out confirmedOnly)))
        {
            problem = "'confirmed_only' must be true or false.";
            return null;
        }

        return new RegionSelector(model.Trim(), type.Trim().ToLowerInvariant(), confirmedOnly);
    }

    /// <summary>The regions the selector names in <paramref name="catalog"/>, in catalog order; empty with a problem otherwise.</summary>
    public IReadOnlyList<string> Resolve(RftCatalog catalog, out string? problem)
    {
        problem = null;
        var model = catalog.FindModel(Model);
        if (model is null)
        {
            problem = $"the region selector names model '{Model}', which catalog/catalog.json does not list. Models: {string.Join(", ", catalog.Models.Select(x => x.Id))}.";
            return [];
        }

        if (!model.TrainingTypes.ContainsKey(TrainingType))
        {
            problem = $"{model.Id} has no '{TrainingType}' training in catalog/catalog.json; it has: {string.Join(", ", model.TrainingTypes.Keys)}.";
            return [];
        }

        var listed = model.RegionsOf(TrainingType).ToHashSet(StringComparer.Ordinal);
        var regions = catalog.Regions.Where(r => listed.Contains(r) && !(ConfirmedOnly && model.IsInferred(TrainingType, r))).ToList();
        if (regions.Count == 0)
        {
            problem = $"no region is confirmed for '{TrainingType}' training of {model.Id}; drop confirmed_only or list regions.";
        }

        return regions;
    }

    /// <summary>What the preview prints: the selector and the list it resolved to.</summary>
    public string Describe(RftCatalog catalog, IReadOnlyList<string> regions)
    {
        var model = catalog.FindModel(Model)!;
        var inferred = regions.Count(r => model.IsInferred(TrainingType, r));
        return $"every {(ConfirmedOnly ? "confirmed " : "")}'{TrainingType}' region of {model.Id} in catalog/catalog.json: "
            + $"{string.Join(", ", regions)} ({regions.Count}{(inferred > 0 ? $", {inferred} inferred" : "")}).";
    }
}
