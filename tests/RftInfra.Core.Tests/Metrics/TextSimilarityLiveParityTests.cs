using System.Text.Json.Nodes;
using RftInfra.Graders.Metrics;

namespace RftInfra.Core.Tests.Metrics;

/// <summary>
/// The live half of the parity proof, selected by RFT_LIVE_REFERENCE=1 (.ci/run, after it installs
/// python3-nltk and wordnet-base): the metrics against Debian's nltk and the Python transliterations run now,
/// meteor against the whole WordNet 3.0 database, and the checked-in answers and WordNet subset against what
/// those references answer today. Selected on a machine without them, these tests fail saying what to install.
/// </summary>
[Trait(LiveReference.Trait, "Live")]
public sealed class TextSimilarityLiveParityTests(ReferenceAnswers answers) : IClassFixture<ReferenceAnswers>
{
    private static readonly Lazy<WordNet> FullWordNet = new(() => WordNet.TryLoad(ReferenceRunner.WordNetDirectory)
        ?? throw new InvalidOperationException(
            $"The WordNet database is missing from {ReferenceRunner.WordNetDirectory}: apt-get install wordnet-base (.ci/run does this)."));

    [LiveReferenceTheory]
    [InlineData("bleu")]
    [InlineData("gleu")]
    [InlineData("meteor")]
    public void NltkMetrics_EqualDebianNltkRunLive(string metric)
    {
        Assert.Equal("3.8", answers.Nltk["nltk"]?.GetValue<string>());
        Parity.AssertEqual(metric, answers.Corpus, ReferenceRunner.Scores(answers.Nltk, metric), FullWordNet.Value);
    }

    [LiveReferenceTheory]
    [InlineData("fuzzy_match")]
    [InlineData("rouge_1")]
    [InlineData("rouge_2")]
    [InlineData("rouge_3")]
    [InlineData("rouge_4")]
    [InlineData("rouge_5")]
    [InlineData("rouge_l")]
    public void PublishedAlgorithmMetrics_EqualTheTransliterationRunLive(string metric) =>
        Parity.AssertEqual(metric, answers.Corpus, ReferenceRunner.Scores(answers.Published, metric), wordNet: null);

    [LiveReferenceFact]
    public void PythonText_MatchesLivePythonStringSemantics() =>
        Parity.AssertPythonText(PythonUnicodeTables.FromLive(
            ReferenceRunner.RunRaw("published_algorithms.py", new JsonObject { ["unicode"] = true })));

    [LiveReferenceFact]
    public void CheckedInAnswers_EqualTheLiveAnswers()
    {
        var stale = new List<string>();
        foreach (var (name, scores) in answers.Nltk.Concat(answers.Published))
        {
            if (scores is JsonArray && !JsonNode.DeepEquals(scores, ReferenceData.Scores[name]))
            {
                stale.Add(name);
            }
        }

        Assert.True(stale.Count == 0,
            $"Metrics/Reference/reference-scores.json differs from the live answers for {string.Join(", ", stale)}: " +
            $"run {ReferenceData.Regenerate}");
        Assert.Equal(answers.Nltk["nltk"]?.GetValue<string>(), ReferenceData.Scores["nltk"]?.GetValue<string>());

        var live = PythonUnicodeTables.FromLive(
            ReferenceRunner.RunRaw("published_algorithms.py", new JsonObject { ["unicode"] = true }));
        var checkedIn = ReferenceData.UnicodeTables;
        Assert.Equal(live.Unidata, checkedIn.Unidata);
        Assert.Equal(live.Assigned, checkedIn.Assigned);
        Assert.True(live.Spaces.SetEquals(checkedIn.Spaces), "python-unicode.json: str.isspace differs; regenerate it");
        Assert.True(live.Alnums.SetEquals(checkedIn.Alnums), "python-unicode.json: str.isalnum differs; regenerate it");
        Assert.Equal(live.Lowers.OrderBy(p => p.Key), checkedIn.Lowers.OrderBy(p => p.Key));
    }

    [LiveReferenceFact]
    public void WordNetFixture_GivesTheFullDatabasesSynonymsForEveryCorpusWordAndStem()
    {
        var words = answers.Corpus
            .SelectMany(p => new[] { p.Output, p.Reference })
            .SelectMany(text => PythonText.SplitWhitespace(PythonText.Lower(text)))
            .SelectMany(word => new[] { word, PorterStemmer.Stem(word) })
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var differing = words
            .Where(w => !ReferenceData.WordNet.SingleWordLemmaNames(w).SetEquals(FullWordNet.Value.SingleWordLemmaNames(w)))
            .ToList();
        Assert.True(words.Count > 500, $"only {words.Count} words");
        Assert.True(differing.Count == 0,
            $"the WordNet fixture differs from {ReferenceRunner.WordNetDirectory} for {string.Join(", ", differing.Take(20))}: " +
            $"run {ReferenceData.Regenerate}");
    }
}
