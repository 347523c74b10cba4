using RftInfra.Graders.Metrics;

namespace RftInfra.Core.Tests.Metrics;

/// <summary>
/// Small cases whose expected values were worked out by hand (the working is in the comments), one group per
/// metric. They pin fuzzy_match and rouge, whose reference packages Debian does not ship, and document the
/// tokenization, smoothing and defaults of every metric.
/// </summary>
public sealed class TextSimilarityMetricsTests
{
    private const double Tolerance = 1e-12;

    // --- fuzzy_match: rapidfuzz fuzz.WRatio(processor=default_process) / 100 -------------------------------

    [Theory]
    // default_process lowercases both to "paris": ratio = 100.
    [InlineData("Paris", "paris", 1.0)]
    // "!" becomes a space and is stripped: both "this is a test", ratio = 100.
    [InlineData("this is a test", "this is a test!", 1.0)]
    // Equal lengths, no common character: ratio 0; token_set/token_sort 0 (Indel distance 6 of 6).
    [InlineData("abc", "xyz", 0.0)]
    // Same length (len_ratio 1 < 1.5): ratio 90.9…; token_ratio 100 (same word set) × 0.95 = 95 wins.
    [InlineData("fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear", 0.95)]
    // 4 vs 13 characters: len_ratio 3.25 → partial scale 0.9; "york" is a window of the longer → 100 × 0.9 = 90
    // beats ratio (LCS 4: 1 − 9/17 = 47.1) and partial_token_ratio (common word → 100 × 0.95 × 0.9 = 85.5).
    [InlineData("York", "new york mets", 0.9)]
    // 1 vs 20: len_ratio 20 ≥ 8 → scale 0.6; partial_ratio 100 × 0.6 = 60 beats 100 × 0.95 × 0.6 = 57.
    [InlineData("a", "aaaaaaaaaaaaaaaaaaaa", 0.6)]
    // rapidfuzz scores 0 when a processed string is empty, even against another empty string.
    [InlineData("", "x", 0.0)]
    [InlineData("!!!", "???", 0.0)]
    // Accented letters are alphanumeric and kept; "é" ≠ "e": ratio over "cafe"/"café" = 1 − 2/8 = 75.
    [InlineData("café", "cafe", 0.75)]
    public void FuzzyMatch_HandCheckedValues(string output, string reference, double expected) =>
        Assert.Equal(expected, TextSimilarityMetrics.Score("fuzzy_match", output, reference), Tolerance);

    [Fact]
    public void FuzzyMatch_CountsAnAstralLetterAsOneCharacter()
    {
        // U+1D400 (𝐀, a letter outside the BMP, kept by default_process) is one code point in Python, so "x𝐀" and
        // "xy" have equal lengths: ratio = LCS 1 ("x") → 1 − 2/4 = 50; token_ratio = 50 too (no common word) × 0.95.
        // Counting UTF-16 units (3 vs 2) would take the partial branch (len_ratio 1.5) and score differently.
        Assert.Equal(0.5, TextSimilarityMetrics.Score("fuzzy_match", "x\U0001D400", "xy"), Tolerance);
        // An emoji is not alphanumeric: default_process turns it into a space and strips it.
        Assert.Equal(1.0, TextSimilarityMetrics.Score("fuzzy_match", "🙂x", "x"), Tolerance);
    }

    // --- bleu: nltk sentence_bleu, weights 0.25×4, no smoothing (method0) -----------------------------------

    [Fact]
    public void Bleu_IdenticalSentence_IsOne() =>
        Assert.Equal(1.0, TextSimilarityMetrics.Score("bleu", "the cat sat on the mat", "the cat sat on the mat"), Tolerance);

    [Fact]
    public void Bleu_IsCaseSensitive()
    {
        // "The" ≠ "the": p1 = 5/6, p2 = 4/5 (not "The cat"), p3 = 3/4, p4 = 2/3, equal lengths so BP = 1:
        // BLEU = (5/6 · 4/5 · 3/4 · 2/3)^(1/4) = (1/3)^(1/4) = 0.7598…
        Assert.Equal(Math.Pow(1.0 / 3, 0.25),
            TextSimilarityMetrics.Score("bleu", "The cat sat on the mat", "the cat sat on the mat"), 1e-15);
    }

    [Fact]
    public void Bleu_NoFourGramMatch_CollapsesThroughFloatMin()
    {
        // p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0/3 → method0 substitutes sys.float_info.min = 2.2250738585072014e-308:
        // exp(¼(ln 5/6 + ln 3/5 + ln 1/4 + ln 2.225e-308)) = 7.2621e-78, as nltk returns (not 0).
        var expected = Math.Exp(0.25 * (Math.Log(5.0 / 6) + Math.Log(3.0 / 5) + Math.Log(1.0 / 4) + Math.Log(2.2250738585072014E-308)));
        var actual = TextSimilarityMetrics.Score("bleu", "the cat sat on the mat", "the cat is on the mat");
        Assert.Equal(expected, actual, expected * 1e-12);
        Assert.InRange(actual, 7.26e-78, 7.27e-78);
    }

    [Fact]
    public void Bleu_ShortOutput_GetsTheBrevityPenalty()
    {
        // All n-gram precisions are 1 (4 of 4 unigrams … 1 of 1 four-gram); BP = exp(1 − 8/4) = e^-1.
        Assert.Equal(Math.Exp(-1), TextSimilarityMetrics.Score("bleu", "a b c d", "a b c d e f g h"), 1e-15);
    }

    [Theory]
    [InlineData("xyz", "abc")] // no unigram match: corpus_bleu returns 0
    [InlineData("", "abc")] // empty output
    [InlineData("", "")]
    public void Bleu_NoUnigramMatch_IsZero(string output, string reference) =>
        Assert.Equal(0.0, TextSimilarityMetrics.Score("bleu", output, reference));

    // --- gleu: nltk sentence_gleu, n = 1..4 ---------------------------------------------------------------

    [Theory]
    // 18 n-grams each side (6+5+4+3); matches 5 + 3 + 1 + 0 = 9 → 9/18.
    [InlineData("the cat sat on the mat", "the cat is on the mat", 0.5)]
    [InlineData("the cat sat on the mat", "the cat sat on the mat", 1.0)]
    // Output has 1 n-gram, reference 3 ("a", "b", "a b"): 1 match / max(1, 3).
    [InlineData("a", "a b", 1.0 / 3)]
    [InlineData("", "", 0.0)]
    // Tabs, newlines and no-break spaces split like Python's str.split(): same tokens → 1.
    [InlineData("a\tb\u00A0c\nd", "a b c d", 1.0)]
    public void Gleu_HandCheckedValues(string output, string reference, double expected) =>
        Assert.Equal(expected, TextSimilarityMetrics.Score("gleu", output, reference), Tolerance);

    // --- meteor: nltk meteor_score, alpha 0.9, beta 3, gamma 0.5, WordNet synonyms ----------------------------

    [Fact]
    public void Meteor_ExactMatchesInTwoChunks()
    {
        // the/cat and on/the/mat match exactly ("sat" vs "is" do not, even via stems or WordNet): m = 5,
        // P = R = 5/6, Fmean = 5/6; chunks 2 → frag 2/5, penalty 0.5·0.4³ = 0.032 → 0.968 · 5/6.
        Assert.Equal(0.968 * 5 / 6, MeteorScore("the cat sat on the mat", "the cat is on the mat"), Tolerance);
    }

    [Fact]
    public void Meteor_UsesStemsThenWordNetSynonyms()
    {
        // No exact match. Stems: "dogs"→"dog" matches "dog". Synonyms: "ran" (verb.exc: ran → run) has the lemma
        // "run", which is the stem of "runs". "quickly" (stem "quickli") matches nothing. m = 2, P = 2/3, R = 2/4,
        // Fmean = (1/3)/(0.9·2/3 + 0.1·1/2) = 0.5128…; one chunk (hyp 0,1 ↔ ref 1,2) → penalty 0.5·(1/2)³.
        var fmean = (2.0 / 3 * 0.5) / ((0.9 * 2 / 3) + (0.1 * 0.5));
        Assert.Equal((1 - (0.5 * 0.125)) * fmean, MeteorScore("dogs ran quickly", "a dog runs fast"), Tolerance);
    }

    [Fact]
    public void Meteor_SingleWord_HasTheFullFragmentationPenalty()
    {
        // Lowercased exact match: P = R = 1, one chunk of one match → frag 1 → (1 − 0.5) · 1.
        Assert.Equal(0.5, MeteorScore("Paris", "paris"), Tolerance);
    }

    [Theory]
    [InlineData("", "paris")]
    [InlineData("paris", "")]
    [InlineData("alpha beta", "gamma delta")]
    public void Meteor_NothingToMatch_IsZero(string output, string reference) =>
        Assert.Equal(0.0, MeteorScore(output, reference));

    [Theory]
    // nltk's own PorterStemmer documentation vectors (NLTK_EXTENSIONS), plus the irregular pool ("skies",
    // "dying"), and code points as Python counts them: "a😀😀ed" drops "ed", then the doubled 😀 like "tt".
    [InlineData("caresses", "caress")]
    [InlineData("flies", "fli")]
    [InlineData("dies", "die")]
    [InlineData("denied", "deni")]
    [InlineData("agreed", "agre")]
    [InlineData("humbled", "humbl")]
    [InlineData("sized", "size")]
    [InlineData("meeting", "meet")]
    [InlineData("stating", "state")]
    [InlineData("itemization", "item")]
    [InlineData("sensational", "sensat")]
    [InlineData("traditional", "tradit")]
    [InlineData("colonizer", "colon")]
    [InlineData("plotted", "plot")]
    [InlineData("skies", "sky")]
    [InlineData("dying", "die")]
    [InlineData("generously", "gener")]
    [InlineData("a😀😀ed", "a😀")]
    [InlineData("😀😀", "😀😀")]
    public void PorterStemmer_MatchesNltk(string word, string stem) =>
        Assert.Equal(stem, PorterStemmer.Stem(word));

    // --- rouge: rouge-score RougeScorer(use_stemmer=False) fmeasure ------------------------------------------

    [Theory]
    // Tokens the,cat,sat,on,the,mat vs the,cat,is,on,the,mat ("." dropped): overlap the×2,cat,on,mat = 5 of 6.
    [InlineData("rouge_1", "The cat sat on the mat.", "the cat is on the mat", 5.0 / 6)]
    // Bigrams: "the cat", "on the", "the mat" match, 3 of 5 each side.
    [InlineData("rouge_2", "The cat sat on the mat.", "the cat is on the mat", 0.6)]
    // Trigrams: only "on the mat", 1 of 4.
    [InlineData("rouge_3", "The cat sat on the mat.", "the cat is on the mat", 0.25)]
    // LCS the,cat,on,the,mat = 5 of 6.
    [InlineData("rouge_l", "The cat sat on the mat.", "the cat is on the mat", 5.0 / 6)]
    // Non-ASCII letters are separators: "café crème" → caf, cr, me; "cafe creme" → cafe, creme: no overlap.
    [InlineData("rouge_1", "Café crème", "cafe creme", 0.0)]
    // "1,234.56" → 1, 234, 56; "1234.56" → 1234, 56: overlap total, 56: P = 2/4, R = 2/3 → F = 4/7.
    [InlineData("rouge_1", "Total: 1,234.56", "total 1234.56", 4.0 / 7)]
    // Fewer tokens than n: no n-grams, overlap 0 → 0.
    [InlineData("rouge_3", "a b", "a b", 0.0)]
    [InlineData("rouge_5", "one two three four five", "One, two, three, four, five!", 1.0)]
    // 4-grams "one two three four" (shared) and "two three four five|six" (not): P = R = 1/2 → F = 0.5.
    [InlineData("rouge_4", "one two three four five", "one two three four six", 0.5)]
    // CJK and emoji produce no tokens at all: 0, even for identical texts.
    [InlineData("rouge_l", "東京 🙂", "東京 🙂", 0.0)]
    // Repeated words are clipped: output the×4 vs reference the×1 → overlap 1, P = 1/4, R = 1 → F = 0.4.
    [InlineData("rouge_1", "the the the the", "the", 0.4)]
    public void Rouge_HandCheckedValues(string metric, string output, string reference, double expected) =>
        Assert.Equal(expected, TextSimilarityMetrics.Score(metric, output, reference), Tolerance);

    [Fact]
    public void Rouge_LargeVocabulary_CountsBigramsOrderByOrder()
    {
        // 5000 distinct tokens (past the 4096 of the packed-key path). Output w0…w4999 has 4999 bigrams; the
        // reference w0…w2499 has 2499, all in the output: P = 2499/4999, R = 1, F = 2PR / (P + R).
        var output = string.Join(' ', Enumerable.Range(0, 5000).Select(i => "w" + i));
        var reference = string.Join(' ', Enumerable.Range(0, 2500).Select(i => "w" + i));
        var precision = 2499.0 / 4999;
        Assert.Equal(2 * precision / (precision + 1), TextSimilarityMetrics.Score("rouge_2", output, reference), Tolerance);
    }

    // --- names, cosine, errors ------------------------------------------------------------------------------

    [Fact]
    public void Cosine_IsNotComputedOfflineAndSaysSo()
    {
        Assert.False(TextSimilarityMetrics.IsComputedOffline("cosine"));
        Assert.Contains("not computed offline", TextSimilarityMetrics.WhyUnavailable("cosine"), StringComparison.Ordinal);
        var error = Assert.Throws<NotSupportedException>(() => TextSimilarityMetrics.Score("cosine", "a", "a"));
        Assert.Contains("embeddings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMetric_NamesTheValidOnes()
    {
        var error = Assert.Throws<NotSupportedException>(() => TextSimilarityMetrics.Score("rouge_9", "a", "a"));
        Assert.Contains("unknown text_similarity metric 'rouge_9'", error.Message, StringComparison.Ordinal);
        Assert.Contains("fuzzy_match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryOfflineMetric_ScoresIdenticalTextsAsOneAndStaysInRange()
    {
        const string Text = "The quick brown fox jumps over the lazy dog";
        // Every metric but cosine (the service's embeddings); meteor reads the checked-in WordNet subset here.
        var metrics = TextSimilarityMetrics.Names.Where(TextSimilarityMetrics.IsComputedOffline).ToList();
        Assert.Equal(10, metrics.Count);
        foreach (var metric in metrics)
        {
            var score = Parity.Score(metric, Text, Text, ReferenceData.WordNet);
            // METEOR's fragmentation penalty applies even to a perfect match: 1 − 0.5 · (1/9)³.
            var expected = metric == "meteor" ? 1 - (0.5 * Math.Pow(1.0 / 9, 3)) : 1.0;
            Assert.Equal(expected, score, Tolerance);
            Assert.InRange(Parity.Score(metric, Text, "a lazy dog", ReferenceData.WordNet), 0.0, 1.0);
        }
    }

    [Fact]
    public void WordNet_MissingDirectory_IsReportedNotGuessed()
    {
        Assert.Null(WordNet.TryLoad(Path.Combine(Path.GetTempPath(), "no-wordnet-" + Guid.NewGuid().ToString("N"))));
    }

    private static double MeteorScore(string output, string reference)
    {
        // The checked-in WordNet subset (Metrics/Reference/wordnet) serves these on a machine without WordNet.
        return Meteor.Score(output, reference, ReferenceData.WordNet);
    }
}
