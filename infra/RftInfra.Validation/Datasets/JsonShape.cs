using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>
/// A byte-level look at a line that failed to parse, to say why in words: was it nested too deeply, or does it
/// stop inside a string or an open object/array (a cut-off line)? Only run on lines that already failed.
/// </summary>
internal static class JsonShape
{
    /// <returns>The byte offset of the first bracket nested deeper than <paramref name="maxDepth"/> (or -1), and
    /// whether the line ends inside a string or with brackets still open.</returns>
    public static (int TooDeepAt, bool UnclosedAtEnd) Inspect(ReadOnlySpan<byte> line, int maxDepth)
    {
        var depth = 0;
        var tooDeepAt = -1;
        var inString = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    if (depth > maxDepth && tooDeepAt < 0)
                    {
                        tooDeepAt = i;
                    }

                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    break;
            }
        }

        return (tooDeepAt, inString || depth > 0);
    }
}
