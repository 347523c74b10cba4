using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Metrics;

/// <summary>Python's string semantics per code point: which are assigned, spaces, alphanumeric, and lower().</summary>
public sealed record PythonUnicodeTables(
    string Unidata,
    IReadOnlyList<int> Assigned,
    IReadOnlySet<int> Spaces,
    IReadOnlySet<int> Alnums,
    IReadOnlyDictionary<int, string> Lowers)
{
    /// <summary>The live answer of published_algorithms.py to {"unicode": true}: lists of code points.</summary>
    public static PythonUnicodeTables FromLive(JsonObject tables) => new(
        tables["unidata"]!.GetValue<string>(),
        Points(tables["assigned"]!),
        Points(tables["space"]!).ToHashSet(),
        Points(tables["alnum"]!).ToHashSet(),
        Lower(tables["lower"]!));

    /// <summary>The checked-in python-unicode.json: the same lists as [first, last] ranges.</summary>
    public static PythonUnicodeTables FromRanges(JsonObject tables) => new(
        tables["unidata"]!.GetValue<string>(),
        Ranges(tables["assigned"]!),
        Ranges(tables["space"]!).ToHashSet(),
        Ranges(tables["alnum"]!).ToHashSet(),
        Lower(tables["lower"]!));

    private static List<int> Points(JsonNode list) => list.AsArray().Select(n => n!.GetValue<int>()).ToList();

    private static List<int> Ranges(JsonNode list) => list.AsArray()
        .SelectMany(r => Enumerable.Range(r![0]!.GetValue<int>(), r[1]!.GetValue<int>() - r[0]!.GetValue<int>() + 1))
        .ToList();

    private static Dictionary<int, string> Lower(JsonNode list) => list.AsArray().ToDictionary(
        n => n![0]!.GetValue<int>(),
        n => string.Concat(n![1]!.AsArray().Select(c => char.ConvertFromUtf32(c!.GetValue<int>()))));
}
