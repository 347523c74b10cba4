using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RftInfra.Graders.Metrics;

namespace RftInfra.Core.Tests.Metrics;

/// <summary>
/// The reference implementations' answers checked in under Metrics/Reference (made by
/// regenerate_reference_data.py with Debian's python3-nltk), so the parity tests need only the .NET SDK:
/// the scores on the corpus, Python's string tables and a WordNet 3.0 subset for METEOR's synonym stage.
/// </summary>
public static class ReferenceData
{
    public const string Regenerate = "/usr/bin/python3 tests/RftInfra.Core.Tests/Metrics/regenerate_reference_data.py " +
        "(after apt-get install python3-nltk wordnet-base)";

    private static readonly Lazy<JsonObject> ScoresFile = new(() => Load("reference-scores.json"));
    private static readonly Lazy<JsonObject> UnicodeFile = new(() => Load("python-unicode.json"));
    private static readonly Lazy<WordNet> FixtureWordNet = new(() => WordNet.TryLoad(WordNetDirectory)
        ?? throw new InvalidOperationException($"The WordNet fixture is missing from {WordNetDirectory}; run {Regenerate}."));

    public static string Directory => ReferenceRunner.ScriptPath("Reference");

    /// <summary>The WordNet subset that serves METEOR in the offline tests.</summary>
    public static string WordNetDirectory => Path.Combine(Directory, "wordnet");

    public static WordNet WordNet => FixtureWordNet.Value;

    /// <summary>{"nltk", "python", "corpus_sha256", and per metric the scores of every corpus pair}.</summary>
    public static JsonObject Scores => ScoresFile.Value;

    /// <summary>Python's str.isspace / isalnum / lower tables, checked in as code point ranges.</summary>
    public static PythonUnicodeTables UnicodeTables => PythonUnicodeTables.FromRanges(UnicodeFile.Value);

    public static string CorpusSha256() =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ReferenceRunner.ScriptPath("similarity-corpus.jsonl"))));

    private static JsonObject Load(string name)
    {
        var path = Path.Combine(Directory, name);
        return JsonNode.Parse(File.ReadAllText(path))?.AsObject()
            ?? throw new InvalidDataException($"{path}: expected a JSON object; run {Regenerate}.");
    }
}
