using System.Text;

namespace RftInfra.Declarations;

/// <summary>
/// The catalog as Markdown tables (regions × model and tier, models, tiers): the generated part of docs/regions.md,
/// so the page cannot drift from catalog/catalog.json (a test compares them).
/// </summary>
public static class CatalogTables
{
    public const string Begin = "<!-- BEGIN generated from catalog/catalog.json: do not edit by hand -->";
    public const string End = "<!-- END generated -->";

    /// <summary>The block between <see cref="Begin"/> and <see cref="End"/>, markers included, lines ending in \n.</summary>
    public static string Markdown(RftCatalog catalog)
    {
        var text = new StringBuilder();
        text.Append(Begin).Append('\n').Append('\n');
        Regions(catalog, text);
        text.Append('\n');
        Models(catalog, text);
        text.Append('\n');
        Tiers(catalog, text);
        text.Append('\n').Append(End).Append('\n');
        return text.ToString();
    }

    private static void Regions(RftCatalog catalog, StringBuilder text)
    {
        var columns = catalog.Models
            .SelectMany(m => catalog.TrainingTypes.Where(m.TrainingTypes.ContainsKey).Select(t => (Model: m, Type: t)))
            .ToList();
        text.Append("✅ confirmed by a source · ✅* inferred (validate warns, `RFT231`) · blank: not offered (validate fails, `RFT207`)\n\n");
        Row(text, ["Region", "ARM name", .. columns.Select(c => $"{c.Model.Id} {c.Type}")]);
        Row(text, ["---", "---", .. columns.Select(_ => ":---:")]);
        foreach (var region in catalog.Regions)
        {
            var name = catalog.RegionDisplayNames.TryGetValue(region, out var display) ? display : region;
            Row(text, [name, $"`{region}`", .. columns.Select(c =>
                !c.Model.RegionsOf(c.Type).Contains(region) ? "" : c.Model.IsInferred(c.Type, region) ? "✅*" : "✅")]);
        }
    }

    private static void Models(RftCatalog catalog, StringBuilder text)
    {
        Row(text, ["Model", "Aliases", "Status", "Endpoint kind", "Grader", "Retirement", "No new customers"]);
        Row(text, ["---", "---", "---", "---", "---", "---", "---"]);
        foreach (var m in catalog.Models)
        {
            Row(text, [$"`{m.Id}`", string.Join(", ", m.Aliases.Select(a => $"`{a}`")), m.Status, $"`{m.EndpointKind}`", $"`{m.Grader}`",
                m.Retirement?.Describe() ?? "", m.NoNewCustomers?.Describe() ?? ""]);
        }
    }

    private static void Tiers(RftCatalog catalog, StringBuilder text)
    {
        Row(text, ["training_type", "Sent as `trainingType`", "Literal confirmed", "Source of the literal"]);
        Row(text, ["---", "---", "---", "---"]);
        foreach (var name in catalog.TrainingTypes)
        {
            var tier = catalog.Tiers.TryGetValue(name, out var t) ? t : new CatalogTier(name, name, true, null);
            Row(text, [$"`{name}`", $"`{tier.Wire}`", tier.WireInferred ? "no (inferred)" : "yes", tier.WireSource ?? ""]);
        }
    }

    private static void Row(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").Append(string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
}
