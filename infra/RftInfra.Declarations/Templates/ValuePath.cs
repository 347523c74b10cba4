using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Templates;

/// <summary>One step of a path: a property name (<c>.answer</c>, <c>["answer"]</c>) or an array index (<c>[0]</c>).</summary>
public readonly record struct PathSegment(string? Property, int Index)
{
    public bool IsIndex => Property is null;

    public static PathSegment Name(string property) => new(property, -1);

    public static PathSegment At(int index) => new(null, index);

    public override string ToString() => IsIndex ? $"[{Index}]" : $".{Property}";
}

/// <summary>
/// A variable path such as <c>item.answer.cities[0]</c> or <c>sample.output_json.capital</c>: a namespace and the
/// steps below it, resolved against JSON like the service does (JSON-path-like, indexes allowed).
/// </summary>
public sealed record ValuePath(string Namespace, IReadOnlyList<PathSegment> Segments)
{
    /// <summary>The path below the namespace, e.g. <c>answer.cities[0]</c>.</summary>
    public string Key
    {
        get
        {
            var text = new StringBuilder();
            foreach (var segment in Segments)
            {
                if (segment.IsIndex)
                {
                    text.Append('[').Append(segment.Index).Append(']');
                }
                else
                {
                    if (text.Length > 0)
                    {
                        text.Append('.');
                    }

                    text.Append(segment.Property);
                }
            }

            return text.ToString();
        }
    }

    public override string ToString() => Segments.Count == 0 ? Namespace : $"{Namespace}.{Key}";

    public bool Equals(ValuePath? other) =>
        other is not null && Namespace == other.Namespace && Segments.SequenceEqual(other.Segments);

    public override int GetHashCode() => HashCode.Combine(Namespace, Key);

    /// <summary>Walks the segments below the namespace; false when a step is missing or of the wrong kind.</summary>
    public bool TryResolve(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var segment in Segments)
        {
            if (segment.IsIndex)
            {
                if (value.ValueKind != JsonValueKind.Array || segment.Index >= value.GetArrayLength())
                {
                    return false;
                }

                value = value[segment.Index];
            }
            else if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment.Property!, out value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc cref="TryResolve(JsonElement, out JsonElement)"/>
    public bool TryResolve(JsonNode? root, out JsonNode? value)
    {
        value = root;
        foreach (var segment in Segments)
        {
            if (segment.IsIndex)
            {
                if (value is not JsonArray array || segment.Index >= array.Count)
                {
                    return false;
                }

                value = array[segment.Index];
            }
            else if (value is not JsonObject obj || !obj.TryGetPropertyValue(segment.Property!, out value))
            {
                return false;
            }
        }

        return true;
    }
}
