using System.Globalization;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RftInfra.Declarations;

/// <summary>
/// The one YAML reader of the kit (jobs, graders, grade's grader files, stack files): YamlDotNet's event parser
/// turned into JSON nodes with the position of every value, under budgets. An alias costs the node count of what
/// it copies, so a billion-laughs file stops at <see cref="MaxNodes"/> before the tree grows; nesting stops at
/// <see cref="DeclarationReader.MaxDepth"/>. Tags, merge keys and complex keys are findings (RFT309): a declaration
/// is plain data. Nothing here throws on bad input.
/// </summary>
internal static class YamlTree
{
    /// <summary>Nodes a file may produce, aliases expanded. A large job or grader has a few thousand.</summary>
    public const int MaxNodes = 100_000;

    private static readonly HashSet<string> PlainTags =
        ["tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"];

    public static JsonNode? Read(string text, string file, SourceMap positions, List<Diagnostic> diagnostics)
    {
        var state = new State(file, positions, diagnostics);
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                diagnostics.Add(DeclarationDiagnostics.EmptyFile(file));
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = state.Node(parser, "", 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                diagnostics.Add(DeclarationDiagnostics.SyntaxError(file, ToPosition(second.Start),
                    "The file holds more than one YAML document.", "Keep one declaration per file (remove the '---' separator)."));
            }

            return root;
        }
        catch (RejectedYaml rejected)
        {
            diagnostics.Add(rejected.Diagnostic);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws these on some malformed input; point after the last value read.
            diagnostics.Add(DeclarationDiagnostics.SyntaxError(file, positions.Last, "The YAML is malformed after this point.",
                "Check brackets, braces and quotes from here on (an unclosed '[' or '{' is usual)."));
            return null;
        }
        catch (YamlException e)
        {
            var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            diagnostics.Add(DeclarationDiagnostics.SyntaxError(file, ToPosition(e.Start), message,
                "Fix the YAML at this position (indentation, a missing ':' or an unclosed quote is usual)."));
            return null;
        }
    }

    internal static SourcePosition ToPosition(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    /// <summary>A finding that ends the read (the tree would be wrong or too big past it).</summary>
    private sealed class RejectedYaml(Diagnostic diagnostic) : Exception(diagnostic.Message)
    {
        public Diagnostic Diagnostic { get; } = diagnostic;
    }

    private sealed class State(string file, SourceMap positions, List<Diagnostic> diagnostics)
    {
        private readonly Dictionary<string, (JsonNode? Node, int Count)> _anchors = new(StringComparer.Ordinal);
        private int _nodes;

        public JsonNode? Node(IParser parser, string path, int depth) => Node(parser, path, depth, out _);

        private JsonNode? Node(IParser parser, string path, int depth, out int count)
        {
            var start = parser.Current ?? throw new YamlException("Unexpected end of the file: a value is missing.");
            if (depth > DeclarationReader.MaxDepth)
            {
                throw new YamlException(start.Start, start.End, $"The YAML nests deeper than {DeclarationReader.MaxDepth} levels.");
            }

            positions.SetValue(path, ToPosition(start.Start));
            if (start is AnchorAlias alias)
            {
                parser.MoveNext();
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"Alias '*{alias.Value}' names no anchor defined before it.");
                }

                Spend(target.Count, alias.Start);
                count = target.Count;
                return target.Node?.DeepClone();
            }

            if (start is NodeEvent { Tag: { IsEmpty: false, IsNonSpecific: false } tag } tagged && !PlainTags.Contains(tag.Value))
            {
                throw Unsupported(tagged.Start, $"The tag '{Shorten(tag.Value)}' is not supported: a declaration is plain data.",
                    "Remove the tag and write the value itself (quote it to keep it a string).");
            }

            Spend(1, start.Start);
            count = 1;
            JsonNode? node;
            string? anchor;
            switch (start)
            {
                case Scalar scalar:
                    parser.MoveNext();
                    anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                    node = ScalarValue(scalar);
                    break;
                case SequenceStart sequence:
                {
                    parser.MoveNext();
                    anchor = sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value;
                    var array = new JsonArray();
                    var index = 0;
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        array.Add(Node(parser, SourceMap.Item(path, index++), depth + 1, out var itemCount));
                        count += itemCount;
                    }

                    node = array;
                    break;
                }

                case MappingStart mapping:
                {
                    parser.MoveNext();
                    anchor = mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value;
                    var obj = new JsonObject();
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyScalar = Key(parser);
                        var key = keyScalar.Value;
                        var childPath = SourceMap.Child(path, key);
                        var keyPosition = ToPosition(keyScalar.Start);
                        var value = Node(parser, childPath, depth + 1, out var valueCount);
                        count += valueCount;
                        if (obj.ContainsKey(key))
                        {
                            diagnostics.Add(DeclarationDiagnostics.DuplicateKey(file, keyPosition, key));
                        }

                        obj[key] = value;
                        positions.SetKey(childPath, keyPosition);
                    }

                    node = obj;
                    break;
                }

                default:
                    throw new YamlException(start.Start, start.End, $"Unexpected YAML {start.GetType().Name}.");
            }

            if (anchor is not null)
            {
                _anchors[anchor] = (node, count);
            }

            return node;
        }

        private Scalar Key(IParser parser)
        {
            switch (parser.Current)
            {
                case Scalar { Style: ScalarStyle.Plain, Value: "<<" } merge:
                    throw Unsupported(merge.Start, "Merge keys ('<<') are not supported.",
                        "Write the keys out in this mapping instead of merging them from an anchor.");
                case Scalar { Tag: { IsEmpty: false, IsNonSpecific: false } tag } tagged when !PlainTags.Contains(tag.Value):
                    throw Unsupported(tagged.Start, $"The tag '{Shorten(tag.Value)}' is not supported on a key.", "Write the key as plain text.");
                case Scalar { Anchor.IsEmpty: false } anchored:
                    throw Unsupported(anchored.Start, "Anchors on keys are not supported.", "Write the key as plain text.");
                case Scalar scalar:
                    parser.MoveNext();
                    return scalar;
                case AnchorAlias alias:
                    throw Unsupported(alias.Start, $"An alias ('*{alias.Value}') cannot be a key.", "Write the key as plain text.");
                case { } other:
                    throw Unsupported(other.Start, "Complex keys ('? [a]', a list or mapping as a key) are not supported.",
                        "Mapping keys must be plain text such as 'name:'.");
                default:
                    throw new YamlException("Unexpected end of the file inside a mapping.");
            }
        }

        private void Spend(int nodes, Mark at)
        {
            _nodes += nodes;
            if (_nodes > MaxNodes)
            {
                throw new RejectedYaml(DeclarationDiagnostics.YamlTooLarge(file, ToPosition(at), MaxNodes));
            }
        }

        private RejectedYaml Unsupported(Mark at, string message, string hint) =>
            new(DeclarationDiagnostics.YamlUnsupported(file, ToPosition(at), message, hint));

        private static string Shorten(string tag) =>
            tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) ? "!!" + tag[18..] : tag.Length > 60 ? tag[..60] + "…" : tag;
    }

    /// <summary>YAML 1.2 core schema for plain scalars; quoted scalars and <c>!!str</c> are always strings.</summary>
    private static JsonNode? ScalarValue(Scalar scalar)
    {
        var value = scalar.Value;
        var tag = scalar.Tag;
        if (scalar.Style != ScalarStyle.Plain || (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create((double)integer);
        }

        if (value.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create((double)hex);
        }

        if (value.Length > 0 && (char.IsDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }
}
