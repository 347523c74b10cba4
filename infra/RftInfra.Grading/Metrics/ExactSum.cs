namespace RftInfra.Graders.Metrics;

/// <summary>
/// Python's <c>math.fsum</c>: the correctly rounded sum of floats (Shewchuk's exact partials, as CPython
/// implements it), so the BLEU log-sum rounds exactly as nltk's does.
/// </summary>
internal static class ExactSum
{
    public static double Of(ReadOnlySpan<double> values)
    {
        var partials = new List<double>();
        foreach (var value in values)
        {
            var x = value;
            var i = 0;
            foreach (var partial in partials.ToArray())
            {
                var y = partial;
                if (Math.Abs(x) < Math.Abs(y))
                {
                    (x, y) = (y, x);
                }

                var hi = x + y;
                var lo = y - (hi - x);
                if (lo != 0.0)
                {
                    partials[i++] = lo;
                }

                x = hi;
            }

            partials.RemoveRange(i, partials.Count - i);
            partials.Add(x);
        }

        if (partials.Count == 0)
        {
            return 0.0;
        }

        var n = partials.Count - 1;
        var sum = partials[n];
        var low = 0.0;
        while (n > 0)
        {
            var x = sum;
            var y = partials[--n];
            sum = x + y;
            var yRounded = sum - x;
            low = y - yRounded;
            if (low != 0.0)
            {
                break;
            }
        }

        // Round half to even across the remaining partials, as CPython does.
        if (n > 0 && ((low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0)))
        {
            var y = low * 2;
            var x = sum + y;
            if (y == x - sum)
            {
                sum = x;
            }
        }

        return sum;
    }
}
