using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RftInfra.Graders.Metrics;

namespace RftInfra.Core.Tests.Metrics;

/// <summary>Runs each Python reference once for the whole corpus and keeps the answers for all tests.</summary>
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
/// bleu/gleu/meteor: Debian's nltk 3.8 live, one python3 process for the corpus. The service runs nltk 3.9.1;
/// sentence_bleu (method0), sentence_gleu, meteor_score, PorterStemmer and WordNet's synsets/morphy are the same
/// code in both versions (see README, section metrics). fuzzy_match and rouge_*: rapidfuzz and rouge-score are
/// not packaged by Debian, so the second reference is a Python transliteration of their published algorithms
/// (published_algorithms.py), and the hand-checked vectors in TextSimilarityMetricsTests pin the values.
/// </summary>
public sealed class TextSimilarityParityTests(ReferenceAnswers answers) : IClassFixture<ReferenceAnswers>
{
    private const double Tolerance = 1e-9;

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

    [Theory]
    [InlineData("bleu")]
    [InlineData("gleu")]
    [InlineData("meteor")]
    public void NltkMetrics_EqualDebianNltkOnTheCorpus(string metric)
    {
        Assert.Equal("3.8", answers.Nltk["nltk"]?.GetValue<string>());
        AssertParity(metric, ReferenceRunner.Scores(answers.Nltk, metric));
    }

    [Theory]
    [InlineData("fuzzy_match")]
    [InlineData("rouge_1")]
    [InlineData("rouge_2")]
    [InlineData("rouge_3")]
    [InlineData("rouge_4")]
    [InlineData("rouge_5")]
    [InlineData("rouge_l")]
    public void PublishedAlgorithmMetrics_EqualThePythonTransliterationOnTheCorpus(string metric) =>
        AssertParity(metric, ReferenceRunner.Scores(answers.Published, metric));

    [Fact]
    public void PythonText_MatchesPythonStringSemanticsForEveryAssignedCodePoint()
    {
        var tables = ReferenceRunner.RunRaw("published_algorithms.py", new JsonObject { ["unicode"] = true });
        var spaces = tables["space"]!.AsArray().Select(n => n!.GetValue<int>()).ToHashSet();
        var alnums = tables["alnum"]!.AsArray().Select(n => n!.GetValue<int>()).ToHashSet();
        var lowers = tables["lower"]!.AsArray().ToDictionary(
            n => n![0]!.GetValue<int>(),
            n => string.Concat(n![1]!.AsArray().Select(c => char.ConvertFromUtf32(c!.GetValue<int>()))));
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var node in tables["assigned"]!.AsArray())
        {
            var cp = node!.GetValue<int>();
            // Code points .NET's (newer) Unicode data and Python's agree are assigned.
            if (Rune.GetUnicodeCategory(new Rune(cp)) == UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            compared++;
            var text = char.ConvertFromUtf32(cp);
            var expectedLower = lowers.GetValueOrDefault(cp, text);
            if (PythonText.IsSpace(cp) != spaces.Contains(cp)
                || PythonText.IsAlnum(cp) != alnums.Contains(cp)
                || PythonText.Lower(text) != expectedLower)
            {
                mismatches.Add($"U+{cp:X4}");
            }
        }

        Assert.True(compared > 140_000, $"only {compared} code points compared");
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} code points differ from Python {tables["unidata"]}: {string.Join(' ', mismatches.Take(40))}");
    }

    private void AssertParity(string metric, double[] expected)
    {
        var corpus = answers.Corpus;
        Assert.Equal(corpus.Count, expected.Length);
        var mismatches = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            var actual = TextSimilarityMetrics.Score(metric, corpus[i].Output, corpus[i].Reference);
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
}
