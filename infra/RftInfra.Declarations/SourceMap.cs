using RftInfra.Diagnostics;

namespace RftInfra.Declarations;

/// <summary>
/// Where each value of a loaded declaration starts in its file, keyed by path: <c>""</c> for the root,
/// <c>hyperparameters.n_epochs</c>, <c>input[1].content</c>. Keys also get an entry at <c>path#key</c> (the
/// position of the key itself, for "unknown field" findings).
/// </summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);

    public static readonly SourceMap Empty = new();

    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    public void SetValue(string path, SourcePosition position) => _positions[path] = position;

    public void SetKey(string path, SourcePosition position) => _positions[path + "#key"] = position;

    /// <summary>The furthest position recorded (line 1 when nothing was read).</summary>
    public SourcePosition Last =>
        _positions.Values.Where(p => p.Line > 0).DefaultIfEmpty(new SourcePosition(1, 1))
            .MaxBy(p => ((long)p.Line << 32) + p.Column);

    /// <summary>The position of the value at <paramref name="path"/>, else of its nearest parent, else none.</summary>
    public SourcePosition Value(string path)
    {
        while (true)
        {
            if (_positions.TryGetValue(path, out var position))
            {
                return position;
            }

            if (path.Length == 0)
            {
                return SourcePosition.None;
            }

            path = Parent(path);
        }
    }

    /// <summary>The position of the key that names <paramref name="path"/>, else of its value.</summary>
    public SourcePosition Key(string path) =>
        _positions.TryGetValue(path + "#key", out var position) ? position : Value(path);

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
