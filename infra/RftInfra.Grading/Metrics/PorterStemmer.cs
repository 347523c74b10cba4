using System.Text;

namespace RftInfra.Graders.Metrics;

/// <summary>
/// nltk's <c>nltk.stem.porter.PorterStemmer()</c> in its default NLTK_EXTENSIONS mode (nltk 3.8/3.9.1), the
/// stemmer METEOR's stem stage uses: Porter's five steps with nltk's departures (irregular-form pool, words of
/// ≤ 2 letters kept, "ies"/"ied" on 4-letter words, "alli", "fulli", "logi", the 2-letter cvc case). A
/// transliteration, rule for rule, so the stems are identical.
/// </summary>
internal static class PorterStemmer
{
    private static readonly Dictionary<string, string> IrregularForms = BuildPool();

    private static readonly Rule[] Step1aRules =
    [
        new("sses", "ss", null),
        new("ies", "i", null),
        new("ss", "ss", null),
        new("s", "", null),
    ];

    private static readonly Rule[] Step3Rules =
    [
        new("icate", "ic", HasPositiveMeasure),
        new("ative", "", HasPositiveMeasure),
        new("alize", "al", HasPositiveMeasure),
        new("iciti", "ic", HasPositiveMeasure),
        new("ical", "ic", HasPositiveMeasure),
        new("ful", "", HasPositiveMeasure),
        new("ness", "", HasPositiveMeasure),
    ];

    private static readonly Rule[] Step4Rules =
    [
        new("al", "", MeasureAboveOne),
        new("ance", "", MeasureAboveOne),
        new("ence", "", MeasureAboveOne),
        new("er", "", MeasureAboveOne),
        new("ic", "", MeasureAboveOne),
        new("able", "", MeasureAboveOne),
        new("ible", "", MeasureAboveOne),
        new("ant", "", MeasureAboveOne),
        new("ement", "", MeasureAboveOne),
        new("ment", "", MeasureAboveOne),
        new("ent", "", MeasureAboveOne),
        new("ion", "", stem => Measure(stem) > 1 && stem[^1] is 's' or 't'),
        new("ou", "", MeasureAboveOne),
        new("ism", "", MeasureAboveOne),
        new("ate", "", MeasureAboveOne),
        new("iti", "", MeasureAboveOne),
        new("ous", "", MeasureAboveOne),
        new("ive", "", MeasureAboveOne),
        new("ize", "", MeasureAboveOne),
    ];

    private sealed record Rule(string Suffix, string Replacement, Func<string, bool>? Condition);

    /// <summary><c>PorterStemmer().stem(word)</c> (to_lowercase=True).</summary>
    public static string Stem(string word)
    {
        // Python indexes code points; astral characters stand in as private-use characters while stemming
        // (the rules only compare characters for equality and test ASCII letters), then are put back.
        var (bmpWord, restore) = ToSingleUnits(word);
        var stem = PythonText.Lower(bmpWord);
        if (IrregularForms.ContainsKey(bmpWord))
        {
            return restore(IrregularForms[stem]);
        }

        if (bmpWord.Length <= 2)
        {
            return restore(stem);
        }

        stem = Step1a(stem);
        stem = Step1b(stem);
        stem = ApplyRules(stem, [new("y", "i", s => s.Length > 1 && IsConsonant(s, s.Length - 1))]);
        stem = Step2(stem);
        stem = ApplyRules(stem, Step3Rules);
        stem = ApplyRules(stem, Step4Rules);
        stem = Step5a(stem);
        var beforeStep5b = stem;
        stem = ApplyRules(stem, [new("ll", "l", _ => Measure(beforeStep5b[..^1]) > 1)]);
        return restore(stem);
    }

    private static Dictionary<string, string> BuildPool()
    {
        var irregular = new (string Stem, string[] Forms)[]
        {
            ("sky", ["sky", "skies"]), ("die", ["dying"]), ("lie", ["lying"]), ("tie", ["tying"]),
            ("news", ["news"]), ("inning", ["innings", "inning"]), ("outing", ["outings", "outing"]),
            ("canning", ["cannings", "canning"]), ("howe", ["howe"]), ("proceed", ["proceed"]),
            ("exceed", ["exceed"]), ("succeed", ["succeed"]),
        };
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (stem, forms) in irregular)
        {
            foreach (var form in forms)
            {
                pool[form] = stem;
            }
        }

        return pool;
    }

    private static bool IsConsonant(string word, int i)
    {
        var c = word[i];
        if (c is 'a' or 'e' or 'i' or 'o' or 'u')
        {
            return false;
        }

        if (c == 'y')
        {
            return i == 0 || !IsConsonant(word, i - 1);
        }

        return true;
    }

    // The number of "vc" pairs in the word's consonant/vowel pattern.
    private static int Measure(string stem)
    {
        var count = 0;
        for (var i = 1; i < stem.Length; i++)
        {
            if (!IsConsonant(stem, i - 1) && IsConsonant(stem, i))
            {
                count++;
            }
        }

        return count;
    }

    private static bool HasPositiveMeasure(string stem) => Measure(stem) > 0;

    private static bool MeasureAboveOne(string stem) => Measure(stem) > 1;

    private static bool ContainsVowel(string stem)
    {
        for (var i = 0; i < stem.Length; i++)
        {
            if (!IsConsonant(stem, i))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EndsDoubleConsonant(string word) =>
        word.Length >= 2 && word[^1] == word[^2] && IsConsonant(word, word.Length - 1);

    private static bool EndsCvc(string word) =>
        (word.Length >= 3
            && IsConsonant(word, word.Length - 3)
            && !IsConsonant(word, word.Length - 2)
            && IsConsonant(word, word.Length - 1)
            && word[^1] is not ('w' or 'x' or 'y'))
        || (word.Length == 2 && !IsConsonant(word, 0) && IsConsonant(word, 1));

    // nltk's _apply_rule_list: the first rule whose suffix matches decides, applied or not.
    private static string ApplyRules(string word, Rule[] rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Suffix == "*d" && EndsDoubleConsonant(word))
            {
                var doubled = word[..^2];
                return rule.Condition is null || rule.Condition(doubled) ? doubled + rule.Replacement : word;
            }

            if (word.EndsWith(rule.Suffix, StringComparison.Ordinal))
            {
                var stem = word[..^rule.Suffix.Length];
                return rule.Condition is null || rule.Condition(stem) ? stem + rule.Replacement : word;
            }
        }

        return word;
    }

    private static string Step1a(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length == 4)
        {
            return word[..^3] + "ie";
        }

        return ApplyRules(word, Step1aRules);
    }

    private static string Step1b(string word)
    {
        if (word.EndsWith("ied", StringComparison.Ordinal))
        {
            return word[..^3] + (word.Length == 4 ? "ie" : "i");
        }

        if (word.EndsWith("eed", StringComparison.Ordinal))
        {
            var stem = word[..^3];
            return Measure(stem) > 0 ? stem + "ee" : word;
        }

        string? intermediate = null;
        foreach (var suffix in (string[])["ed", "ing"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && ContainsVowel(word[..^suffix.Length]))
            {
                intermediate = word[..^suffix.Length];
                break;
            }
        }

        if (intermediate is null)
        {
            return word;
        }

        var last = intermediate[^1];
        return ApplyRules(intermediate,
        [
            new("at", "ate", null),
            new("bl", "ble", null),
            new("iz", "ize", null),
            new("*d", last.ToString(), _ => last is not ('l' or 's' or 'z')),
            new("", "e", stem => Measure(stem) == 1 && EndsCvc(stem)),
        ]);
    }

    private static string Step2(string word)
    {
        if (word.EndsWith("alli", StringComparison.Ordinal) && HasPositiveMeasure(word[..^4]))
        {
            return Step2(word[..^4] + "al");
        }

        return ApplyRules(word,
        [
            new("ational", "ate", HasPositiveMeasure),
            new("tional", "tion", HasPositiveMeasure),
            new("enci", "ence", HasPositiveMeasure),
            new("anci", "ance", HasPositiveMeasure),
            new("izer", "ize", HasPositiveMeasure),
            new("bli", "ble", HasPositiveMeasure),
            new("alli", "al", HasPositiveMeasure),
            new("entli", "ent", HasPositiveMeasure),
            new("eli", "e", HasPositiveMeasure),
            new("ousli", "ous", HasPositiveMeasure),
            new("ization", "ize", HasPositiveMeasure),
            new("ation", "ate", HasPositiveMeasure),
            new("ator", "ate", HasPositiveMeasure),
            new("alism", "al", HasPositiveMeasure),
            new("iveness", "ive", HasPositiveMeasure),
            new("fulness", "ful", HasPositiveMeasure),
            new("ousness", "ous", HasPositiveMeasure),
            new("aliti", "al", HasPositiveMeasure),
            new("iviti", "ive", HasPositiveMeasure),
            new("biliti", "ble", HasPositiveMeasure),
            new("fulli", "ful", HasPositiveMeasure),
            new("logi", "log", _ => HasPositiveMeasure(word[..^3])),
        ]);
    }

    private static string Step5a(string word)
    {
        if (word.EndsWith('e'))
        {
            var stem = word[..^1];
            if (Measure(stem) > 1 || (Measure(stem) == 1 && !EndsCvc(stem)))
            {
                return stem;
            }
        }

        return word;
    }

    // Replaces each astral code point with a private-use character absent from the word, so that string
    // indexes count code points as Python does; the returned function undoes the replacement.
    private static (string Word, Func<string, string> Restore) ToSingleUnits(string word)
    {
        if (!word.Any(char.IsSurrogate))
        {
            return (word, s => s);
        }

        var codePoints = PythonText.CodePoints(word);
        var toPlaceholder = new Dictionary<int, char>();
        var fromPlaceholder = new Dictionary<char, int>();
        var next = '\uE000';
        var builder = new StringBuilder();
        foreach (var cp in codePoints)
        {
            if (cp <= 0xFFFF)
            {
                builder.Append((char)cp);
                continue;
            }

            if (!toPlaceholder.TryGetValue(cp, out var placeholder))
            {
                while (word.Contains(next, StringComparison.Ordinal))
                {
                    next++;
                }

                placeholder = next++;
                toPlaceholder[cp] = placeholder;
                fromPlaceholder[placeholder] = cp;
            }

            builder.Append(placeholder);
        }

        return (builder.ToString(), stemmed =>
        {
            var restored = new StringBuilder(stemmed.Length);
            foreach (var c in stemmed)
            {
                if (fromPlaceholder.TryGetValue(c, out var cp))
                {
                    PythonText.AppendCodePoint(restored, cp);
                }
                else
                {
                    restored.Append(c);
                }
            }

            return restored.ToString();
        });
    }
}
