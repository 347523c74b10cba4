using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Json;

namespace RftInfra.Declarations;

/// <summary>A price known only within bounds (US dollars), with where it comes from and whether it is inferred.</summary>
public sealed record PriceRange(double Low, double High, string Source, bool Inferred);

/// <summary>A model's token price in US dollars per million input and output tokens.</summary>
public sealed record TokenPrice(double InputPerMillion, double OutputPerMillion, string Source, bool Inferred)
{
    public double Cost(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000d;
}

/// <summary>
/// Rough prices for estimates and budgets (the catalog's <c>prices</c>): training per hour by training type,
/// hosting per hour by deployment SKU, tokens by model. Data, so a price change is a change to the catalog.
/// </summary>
public sealed record CatalogPrices(
    string AsOf,
    double AutoPauseUsd,
    IReadOnlyDictionary<string, PriceRange> TrainingPerHour,
    IReadOnlyDictionary<string, PriceRange> HostingPerHour,
    IReadOnlyDictionary<string, TokenPrice> TokensPerMillion)
{
    /// <summary>No prices known (a checkout's catalog written before prices existed).</summary>
    public static readonly CatalogPrices None = new("", 5000, new Dictionary<string, PriceRange>(),
        new Dictionary<string, PriceRange>(), new Dictionary<string, TokenPrice>());

    /// <summary>The token price of a model or deployment name: exact first, then the longest known name it starts with
    /// (so "gpt-4.1-mini-2025-04-14" finds "gpt-4.1-mini", not "gpt-4.1").</summary>
    public TokenPrice? TokenPriceOf(string model)
    {
        if (TokensPerMillion.TryGetValue(model, out var exact))
            return exact;
        return TokensPerMillion
            .Where(p => model.StartsWith(p.Key + "-", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(p => p.Key.Length)
            .Select(p => p.Value)
            .FirstOrDefault();
    }

    public PriceRange? TrainingRate(string trainingType) =>
        TrainingPerHour.TryGetValue(trainingType.ToLowerInvariant(), out var rate) ? rate : null;

    internal static CatalogPrices Parse(JsonObject? prices)
    {
        if (prices is null)
            return None;
        return new CatalogPrices(
            prices["as_of"] is JsonValue v && v.TryGetValue(out string? asOf) ? asOf : "",
            JsonNumber.AsDouble(prices["auto_pause_usd"]) ?? None.AutoPauseUsd,
            Ranges(prices, "training_per_hour"),
            Ranges(prices, "hosting_per_hour"),
            Entries(prices, "tokens_per_million", (name, o) => new TokenPrice(
                Number(o, "input", name), Number(o, "output", name), Source(o), Inferred(o))));
    }

    private static Dictionary<string, PriceRange> Ranges(JsonObject prices, string key) =>
        Entries(prices, key, (name, o) => new PriceRange(Number(o, "low", name), Number(o, "high", name), Source(o), Inferred(o)));

    private static Dictionary<string, T> Entries<T>(JsonObject prices, string key, Func<string, JsonObject, T> read)
    {
        if (prices[key] is null)
            return new Dictionary<string, T>();
        var table = prices[key] as JsonObject ?? throw new JsonException($"Catalog field 'prices.{key}' must be an object.");
        return table
            .Where(p => !p.Key.StartsWith('$'))
            .ToDictionary(
                p => p.Key,
                p => read($"prices.{key}.{p.Key}", p.Value as JsonObject ?? throw new JsonException($"Catalog field 'prices.{key}.{p.Key}' must be an object.")),
                StringComparer.OrdinalIgnoreCase);
    }

    private static double Number(JsonObject o, string key, string where) =>
        JsonNumber.AsDouble(o[key]) is { } d && double.IsFinite(d) && d >= 0
            ? d
            : throw new JsonException($"Catalog field '{where}.{key}' must be a number of dollars, 0 or more.");

    private static string Source(JsonObject o) => o["source"] is JsonValue v && v.TryGetValue(out string? s) ? s : "";

    private static bool Inferred(JsonObject o) => o["inferred"] is JsonValue v && v.TryGetValue(out bool b) && b;
}
