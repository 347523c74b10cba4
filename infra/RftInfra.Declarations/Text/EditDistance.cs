namespace RftInfra.Text;

/// <summary>"Did you mean" suggestions: the closest candidate by Levenshtein distance, if close enough.</summary>
public static class EditDistance
{
    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>
    /// The candidate closest to <paramref name="value"/> (case-insensitive), or null when none is within about a
    /// third of the longer word's length, or when one contains the other (e.g. "hyperparameter" in "hyperparameters").
    /// </summary>
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Levenshtein(value, candidate);
            var contains = value.Length >= 3 && (candidate.Contains(value, StringComparison.OrdinalIgnoreCase)
                || value.Contains(candidate, StringComparison.OrdinalIgnoreCase));
            var allowed = Math.Max(1, Math.Max(value.Length, candidate.Length) / 3);
            if ((distance <= allowed || contains) && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>" Did you mean 'x'?" or an empty string.</summary>
    public static string DidYouMean(string value, IEnumerable<string> candidates) =>
        Closest(value, candidates) is { } match ? $" Did you mean '{match}'?" : "";
}
