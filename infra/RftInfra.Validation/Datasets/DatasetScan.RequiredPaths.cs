using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RftInfra.Diagnostics;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>The declared required item paths (grader templates' <c>{{item.…}}</c>): matched by first name, resolved in each row.</summary>
internal sealed partial class DatasetScan
{
    private bool MatchFirstNames(ref Utf8JsonReader reader)
    {
        var any = false;
        for (var i = 0; i < _paths.Length; i++)
        {
            _matchesProperty[i] = !_foundInRow[i] && _firstNames[i] is { } name && TextIs(ref reader, name);
            any |= _matchesProperty[i];
        }

        return any;
    }

    /// <summary>Walks the rest of each matched path on a copy of the reader, leaving the reader where it was.</summary>
    private void ResolveRequiredPaths(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _paths.Length; i++)
        {
            if (_matchesProperty[i])
            {
                var copy = reader;
                _foundInRow[i] = Resolve(ref copy, _paths[i].Segments, 1);
            }
        }
    }

    /// <summary>The same semantics as <see cref="ValuePath.TryResolve(JsonElement, out JsonElement)"/>, streamed.</summary>
    private static bool Resolve(ref Utf8JsonReader reader, IReadOnlyList<PathSegment> segments, int from)
    {
        for (var s = from; s < segments.Count; s++)
        {
            var segment = segments[s];
            var found = false;
            if (segment.IsIndex)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
                {
                    if (index == segment.Index)
                    {
                        found = true;
                        break;
                    }

                    Skip(ref reader);
                }
            }
            else
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isName = reader.ValueTextEquals(segment.Property);
                    reader.Read();
                    if (isName)
                    {
                        found = true;
                        break;
                    }

                    Skip(ref reader);
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
