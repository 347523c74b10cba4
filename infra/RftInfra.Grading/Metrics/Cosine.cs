namespace RftInfra.Graders.Metrics;

/// <summary>The cosine of two embedding vectors, in double precision.</summary>
public static class Cosine
{
    /// <exception cref="ArgumentException">The vectors differ in length, are empty, or one is all zeros (no direction).</exception>
    public static double Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            throw new ArgumentException($"the embeddings have {a.Length} and {b.Length} dimensions; cosine needs two non-empty vectors of one length");
        }

        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        if (normA == 0 || normB == 0 || !double.IsFinite(dot) || !double.IsFinite(normA) || !double.IsFinite(normB))
        {
            throw new ArgumentException("an embedding is all zeros or not finite; cosine is undefined");
        }

        // Rounding can push |cos| a hair past 1.
        return Math.Clamp(dot / (Math.Sqrt(normA) * Math.Sqrt(normB)), -1, 1);
    }
}
