using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Graders.Metrics;

namespace RftInfra.Core.Tests.Metrics;

/// <summary>Runs each Python reference once for the whole corpus and keeps the answers for all live tests.</summary>
public sealed class ReferenceAnswers
{
    private readonly Lazy<JsonObject> _nltk;
    private readonly Lazy<JsonObject> _published;

    public ReferenceAnswers()
    {
        Corpus = ReferenceRunner.LoadCorpus();
        _nltk = new(() => ReferenceRunner.Run("nltk_reference.py", Corpus));
        _published = new(() => ReferenceRunner.Run("published_algorithms.py", Corpus));
    }

    public IReadOnlyList<SimilarityPair> Corpus { get; }

    /// <summary>Debian's nltk (3.8) run live: sentence_bleu, sentence_gleu, meteor_score.</summary>
    public JsonObject Nltk => _nltk.Value;

    /// <summary>The Python transliterations of rouge-score 0.1.2 and rapidfuzz 3.10.1 run live.</summary>
    public JsonObject Published => _published.Value;
}

/// <summary>
/// Parity proof: every metric on every pair of Metrics/similarity-corpus.jsonl (660 pairs: punctuation, casing,
/// accents, Greek/Cyrillic/CJK/Hangul/Arabic, emoji, empty and blank strings, repeated words, numbers, long
/// paragraphs, Porter and WordNet morphology) equals the reference to 1e-9.
/// These tests read the references' answers checked in under Metrics/Reference, so they need only the .NET SDK;
/// meteor reads the WordNet subset there. TextSimilarityLiveParityTests compares with the references run live.
/// bleu/gleu/meteor: Debian's nltk 3.8. The service runs nltk 3.9.1; sentence_bleu (method0), sentence_gleu,
/// meteor_score, PorterStemmer and WordNet's synsets/morphy are the same code in both versions.
/// fuzzy_match and rouge_*: rapidfuzz and rouge-score are not packaged by Debian, so the second reference is a
/// Python transliteration of their published algorithms (published_algorithms.py), and the hand-checked vectors
/// in TextSimilarityMetricsTests pin the values.
/// </summary>
public sealed class TextSimilarityParityTests(ReferenceAnswers answers) : IClassFixture<ReferenceAnswers>
{
    [Fact]
    public void Corpus_HasAtLeast200VariedPairs()
    {
        var corpus = answers.Corpus;
        Assert.True(corpus.Count >= 200, $"the parity corpus has {corpus.Count} pairs, fewer than 200");
        Assert.Contains(corpus, p => p.Output.Length == 0 && p.Reference.Length == 0);
        Assert.Contains(corpus, p => p.Output.Any(char.IsSurrogate));
        Assert.Contains(corpus, p => p.Output.Any(c => c is >= '\u4E00' and <= '\u9FFF'));
        Assert.Contains(corpus, p => p.Output.Normalize(NormalizationForm.FormD) != p.Output);
    }

    [Fact]
    public void CheckedInAnswers_AreForThisCorpusAndDebianNltk()
    {
        Assert.True(ReferenceData.CorpusSha256() == ReferenceData.Scores["corpus_sha256"]?.GetValue<string>(),
            $"similarity-corpus.jsonl changed since Metrics/Reference was made: run {ReferenceData.Regenerate}");
        Assert.Equal("3.8", ReferenceData.Scores["nltk"]?.GetValue<string>());
    }

    [Fact]
    public void WordNetFixture_IsASmallSubsetWithItsLicense()
    {
        var files = Directory.GetFiles(ReferenceData.WordNetDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["LICENSE", "adj.exc", "adv.exc", "data.adj", "data.adv", "data.noun", "data.verb", "index.adj",
                "index.adv", "index.noun", "index.verb", "noun.exc", "verb.exc"],
            files,
            StringComparer.Ordinal);
        var bytes = Directory.GetFiles(ReferenceData.WordNetDirectory).Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 10_000, 1_000_000);
        Assert.Contains("WordNet 3.0 Copyright 2006 by Princeton University",
            File.ReadAllText(Path.Combine(ReferenceData.WordNetDirectory, "LICENSE")), StringComparison.Ordinal);
        // The license header of the database stays at the top of each index and data file.
        Assert.StartsWith("  1 This software and database is being provided to you, the LICENSEE, by",
            File.ReadAllText(Path.Combine(ReferenceData.WordNetDirectory, "index.noun")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bleu")]
    [InlineData("gleu")]
    [InlineData("meteor")]
    public void NltkMetrics_EqualTheCheckedInNltkAnswers(string metric) =>
        Parity.AssertEqual(metric, answers.Corpus, ReferenceRunner.Scores(ReferenceData.Scores, metric), ReferenceData.WordNet);

    [Theory]
    [InlineData("fuzzy_match")]
    [InlineData("rouge_1")]
    [InlineData("rouge_2")]
    [InlineData("rouge_3")]
    [InlineData("rouge_4")]
    [InlineData("rouge_5")]
    [InlineData("rouge_l")]
    public void PublishedAlgorithmMetrics_EqualTheCheckedInAnswers(string metric) =>
        Parity.AssertEqual(metric, answers.Corpus, ReferenceRunner.Scores(ReferenceData.Scores, metric), wordNet: null);

    [Fact]
    public void PythonText_MatchesTheCheckedInPythonStringSemantics() =>
        Parity.AssertPythonText(ReferenceData.UnicodeTables);
}

/// <summary>The comparisons the checked-in and the live parity tests share.</summary>
internal static class Parity
{
    private const double Tolerance = 1e-9;

    /// <summary>The metric's score; meteor reads <paramref name="wordNet"/>, the others need none.</summary>
    public static double Score(string metric, string output, string reference, WordNet? wordNet) =>
        metric == "meteor"
            ? Meteor.Score(output, reference, wordNet ?? throw new ArgumentNullException(nameof(wordNet)))
            : TextSimilarityMetrics.Score(metric, output, reference);

    public static void AssertEqual(string metric, IReadOnlyList<SimilarityPair> corpus, double[] expected, WordNet? wordNet)
    {
        Assert.Equal(corpus.Count, expected.Length);
        var mismatches = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            var actual = Score(metric, corpus[i].Output, corpus[i].Reference, wordNet);
            if (!(Math.Abs(actual - expected[i]) <= Tolerance))
            {
                mismatches.Add($"line {corpus[i].Line}: expected {expected[i]:R}, got {actual:R} " +
                    $"(output \"{corpus[i].Output}\", reference \"{corpus[i].Reference}\")");
            }
        }

        Assert.True(mismatches.Count == 0,
            $"{metric}: {mismatches.Count} of {corpus.Count} pairs differ from the reference by more than " +
            $"{Tolerance}:\n{string.Join('\n', mismatches.Take(15))}");
    }

    public static void AssertPythonText(PythonUnicodeTables tables)
    {
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var cp in tables.Assigned)
        {
            // Code points .NET's (newer) Unicode data and Python's agree are assigned.
            if (Rune.GetUnicodeCategory(new Rune(cp)) == UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            compared++;
            var text = char.ConvertFromUtf32(cp);
            var expectedLower = tables.Lowers.GetValueOrDefault(cp, text);
            if (PythonText.IsSpace(cp) != tables.Spaces.Contains(cp)
                || PythonText.IsAlnum(cp) != tables.Alnums.Contains(cp)
                || PythonText.Lower(text) != expectedLower)
            {
                mismatches.Add($"U+{cp:X4}");
            }
        }

        Assert.True(compared > 140_000, $"only {compared} code points compared");
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} code points differ from Python {tables.Unidata}: {string.Join(' ', mismatches.Take(40))}");
    }
}
