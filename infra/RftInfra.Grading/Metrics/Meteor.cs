namespace RftInfra.Graders.Metrics;

/// <summary>
/// meteor. Reproduces nltk 3.9.1 <c>nltk.translate.meteor_score.meteor_score([reference_tokens], output_tokens)</c>
/// with its defaults: preprocess=str.lower, stemmer=PorterStemmer() (NLTK_EXTENSIONS), wordnet=nltk's WordNet
/// 3.0, alpha=0.9, beta=3.0, gamma=0.5. Alignment in nltk's three stages, each matching from the last
/// hypothesis word backwards to the last unmatched reference word: exact (lowercased) words, then Porter stems,
/// then WordNet synonyms. As in nltk, the synonym stage sees the words left over by the stem stage in their
/// stemmed form (the stems are looked up in WordNet and compared with reference stems).
/// Score = (1 − 0.5·(chunks/matches)³) · P·R / (0.9·P + 0.1·R), 0 when nothing matches or a side is empty.
/// Tokens: <c>str.split()</c>.
/// </summary>
internal static class Meteor
{
    private const double Alpha = 0.9;
    private const double Beta = 3.0;
    private const double Gamma = 0.5;

    public static double Score(string output, string reference, WordNet wordNet)
    {
        var hypothesis = Enumerate(TextSimilarityMetrics.Tokenize(output));
        var referenceWords = Enumerate(TextSimilarityMetrics.Tokenize(reference));
        var translationLength = hypothesis.Count;
        var referenceLength = referenceWords.Count;

        var matches = MatchExact(hypothesis, referenceWords);
        var hypothesisStems = Stemmed(hypothesis);
        var referenceStems = Stemmed(referenceWords);
        matches.AddRange(MatchExact(hypothesisStems, referenceStems));
        matches.AddRange(MatchSynonyms(hypothesisStems, referenceStems, wordNet));
        var sorted = matches.OrderBy(m => m.Hypothesis).ToList(); // stable, like Python's sorted()

        var matchCount = sorted.Count;
        if (translationLength == 0 || referenceLength == 0 || matchCount == 0)
        {
            return 0.0; // nltk's ZeroDivisionError branch.
        }

        var precision = (double)matchCount / translationLength;
        var recall = (double)matchCount / referenceLength;
        var fmean = precision * recall / ((Alpha * precision) + ((1 - Alpha) * recall));
        var fragmentation = (double)CountChunks(sorted) / matchCount;
        var penalty = Gamma * Math.Pow(fragmentation, Beta);
        return (1 - penalty) * fmean;
    }

    private readonly record struct Word(int Index, string Text);

    private readonly record struct Match(int Hypothesis, int Reference);

    private static List<Word> Enumerate(List<string> tokens) =>
        tokens.Select((token, index) => new Word(index, PythonText.Lower(token))).ToList();

    private static List<Word> Stemmed(List<Word> words) =>
        words.Select(w => new Word(w.Index, PorterStemmer.Stem(w.Text))).ToList();

    // nltk's _match_enums: removes the matched words from both lists.
    private static List<Match> MatchExact(List<Word> hypothesis, List<Word> reference)
    {
        var matches = new List<Match>();
        for (var i = hypothesis.Count - 1; i >= 0; i--)
        {
            for (var j = reference.Count - 1; j >= 0; j--)
            {
                if (string.Equals(hypothesis[i].Text, reference[j].Text, StringComparison.Ordinal))
                {
                    matches.Add(new Match(hypothesis[i].Index, reference[j].Index));
                    hypothesis.RemoveAt(i);
                    reference.RemoveAt(j);
                    break;
                }
            }
        }

        return matches;
    }

    // nltk's _enum_wordnetsyn_match: a reference word matches when it is the hypothesis word or one of the
    // single-word lemma names of the hypothesis word's synsets.
    private static List<Match> MatchSynonyms(List<Word> hypothesis, List<Word> reference, WordNet wordNet)
    {
        var matches = new List<Match>();
        for (var i = hypothesis.Count - 1; i >= 0; i--)
        {
            var synonyms = wordNet.SingleWordLemmaNames(hypothesis[i].Text);
            for (var j = reference.Count - 1; j >= 0; j--)
            {
                var candidate = reference[j].Text;
                if (candidate == hypothesis[i].Text || synonyms.Contains(candidate))
                {
                    matches.Add(new Match(hypothesis[i].Index, reference[j].Index));
                    hypothesis.RemoveAt(i);
                    reference.RemoveAt(j);
                    break;
                }
            }
        }

        return matches;
    }

    // nltk's _count_chunks: runs of matches adjacent in both sentences.
    private static int CountChunks(List<Match> matches)
    {
        var chunks = 1;
        for (var i = 0; i < matches.Count - 1; i++)
        {
            var adjacent = matches[i + 1].Hypothesis == matches[i].Hypothesis + 1
                && matches[i + 1].Reference == matches[i].Reference + 1;
            if (!adjacent)
            {
                chunks++;
            }
        }

        return chunks;
    }
}
