using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace RftInfra.Graders.Metrics;

/// <summary>
/// The part of nltk's <c>WordNetCorpusReader</c> METEOR uses: <c>wordnet.synsets(word)</c> (morphy over noun,
/// verb, adjective, adverb with the exception lists and nltk's substitution rules) and each synset's lemma
/// names. Reads the WordNet 3.0 database files (index.*, data.*, *.exc) that nltk's "wordnet" corpus and
/// Debian's wordnet-base package both ship.
/// </summary>
public sealed partial class WordNet
{
    /// <summary>Environment variable naming a WordNet 3.0 dict directory (else /usr/share/wordnet).</summary>
    public const string DirectoryVariable = "RFT_WORDNET_DIR";

    internal const string MissingMessage = "meteor needs the WordNet 3.0 database for its synonym stage and none " +
        "was found: install it (`apt-get install wordnet-base`, which fills /usr/share/wordnet) or set " +
        DirectoryVariable + " to a directory holding index.noun, data.noun, noun.exc and the other parts of " +
        "speech. Without it meteor is not scored (exact and stem matches alone would under-score synonyms).";

    private static readonly Lazy<WordNet?> DefaultInstance = new(LoadDefault);

    // nltk's POS_LIST order, the order synsets() visits parts of speech in.
    private static readonly (char Pos, string File)[] PartsOfSpeech =
        [('n', "noun"), ('v', "verb"), ('a', "adj"), ('r', "adv")];

    private static readonly Dictionary<char, (string Old, string New)[]> Substitutions = new()
    {
        ['n'] =
        [
            ("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
            ("men", "man"), ("ies", "y"),
        ],
        ['v'] = [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        ['a'] = [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        ['r'] = [],
    };

    private readonly Dictionary<string, Dictionary<char, int[]>> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<char, Dictionary<string, string[]>> _exceptions = [];
    private readonly Dictionary<char, byte[]> _data = [];
    private readonly ConcurrentDictionary<string, HashSet<string>> _lemmaNamesByWord = new(StringComparer.Ordinal);

    private WordNet(string directory)
    {
        foreach (var (pos, file) in PartsOfSpeech)
        {
            LoadIndex(Path.Combine(directory, "index." + file));
            _exceptions[pos] = LoadExceptions(Path.Combine(directory, file + ".exc"));
            _data[pos] = File.ReadAllBytes(Path.Combine(directory, "data." + file));
        }
    }

    /// <summary>The WordNet found at $RFT_WORDNET_DIR or /usr/share/wordnet, or null when there is none.</summary>
    public static WordNet? Default => DefaultInstance.Value;

    /// <summary>Loads WordNet from <paramref name="directory"/>, or returns null when its files are missing.</summary>
    public static WordNet? TryLoad(string directory)
    {
        var required = PartsOfSpeech.SelectMany(p => new[] { "index." + p.File, "data." + p.File, p.File + ".exc" });
        return required.All(file => File.Exists(Path.Combine(directory, file))) ? new WordNet(directory) : null;
    }

    private static WordNet? LoadDefault()
    {
        var configured = Environment.GetEnvironmentVariable(DirectoryVariable);
        return TryLoad(string.IsNullOrEmpty(configured) ? "/usr/share/wordnet" : configured);
    }

    /// <summary>
    /// { lemma.name() for synset in wordnet.synsets(word) for lemma in synset.lemmas() if "_" not in
    /// lemma.name() } — the synonyms METEOR accepts for <paramref name="word"/>.
    /// </summary>
    public IReadOnlySet<string> SingleWordLemmaNames(string word) =>
        _lemmaNamesByWord.GetOrAdd(word, ComputeLemmaNames);

    private HashSet<string> ComputeLemmaNames(string word)
    {
        var lemma = PythonText.Lower(word);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (pos, _) in PartsOfSpeech)
        {
            foreach (var form in Morphy(lemma, pos))
            {
                foreach (var offset in _index[form][pos])
                {
                    foreach (var name in LemmaNames(pos, offset))
                    {
                        if (!name.Contains('_', StringComparison.Ordinal))
                        {
                            names.Add(name);
                        }
                    }
                }
            }
        }

        return names;
    }

    // nltk's _morphy: exception list first; else the word and one round of substitutions; else keep
    // substituting until some form is in the index.
    private List<string> Morphy(string form, char pos)
    {
        if (_exceptions[pos].TryGetValue(form, out var exceptionForms))
        {
            return FilterForms([form, .. exceptionForms], pos);
        }

        var forms = ApplyRules([form], pos);
        var results = FilterForms([form, .. forms], pos);
        if (results.Count > 0)
        {
            return results;
        }

        while (forms.Count > 0)
        {
            forms = ApplyRules(forms, pos);
            results = FilterForms(forms, pos);
            if (results.Count > 0)
            {
                return results;
            }
        }

        return [];
    }

    private static List<string> ApplyRules(List<string> forms, char pos)
    {
        var result = new List<string>();
        foreach (var form in forms)
        {
            foreach (var (old, replacement) in Substitutions[pos])
            {
                if (form.EndsWith(old, StringComparison.Ordinal))
                {
                    result.Add(form[..^old.Length] + replacement);
                }
            }
        }

        return result;
    }

    private List<string> FilterForms(List<string> forms, char pos)
    {
        var result = new List<string>();
        foreach (var form in forms)
        {
            if (_index.TryGetValue(form, out var byPos) && byPos.ContainsKey(pos) && !result.Contains(form))
            {
                result.Add(form);
            }
        }

        return result;
    }

    // The lemma names on the data-file line at the synset's byte offset, less adjective markers like "(a)".
    private IEnumerable<string> LemmaNames(char pos, int offset)
    {
        var data = _data[pos];
        var end = Array.IndexOf(data, (byte)'\n', offset);
        var line = Encoding.UTF8.GetString(data, offset, (end < 0 ? data.Length : end) - offset);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var lemmaCount = Convert.ToInt32(fields[3], 16);
        for (var i = 0; i < lemmaCount; i++)
        {
            yield return SyntacticMarker().Replace(fields[4 + (2 * i)], string.Empty);
        }
    }

    private void LoadIndex(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(' '))
            {
                continue; // license header
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var lemma = fields[0];
            var pos = fields[1][0];
            var synsetCount = int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
            var pointerCount = int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture);
            var firstOffset = 4 + pointerCount + 2;
            var offsets = new int[synsetCount];
            for (var i = 0; i < synsetCount; i++)
            {
                offsets[i] = int.Parse(fields[firstOffset + i], System.Globalization.CultureInfo.InvariantCulture);
            }

            if (!_index.TryGetValue(lemma, out var byPos))
            {
                byPos = [];
                _index[lemma] = byPos;
            }

            byPos[pos] = offsets;
        }
    }

    private static Dictionary<string, string[]> LoadExceptions(string path)
    {
        var exceptions = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var terms = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (terms.Length > 0)
            {
                exceptions[terms[0]] = terms[1..];
            }
        }

        return exceptions;
    }

    [GeneratedRegex(@"\(.*\)$")]
    private static partial Regex SyntacticMarker();
}
