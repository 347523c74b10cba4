using System.Globalization;
using System.Text.Json.Nodes;
using Newtonsoft.Json;
using RftInfra.Core.Diagnostics;
using RftInfra.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RftInfra.Core.Declarations;

/// <summary>A declaration file read into JSON with the position of every value; <see cref="Root"/> is null when unreadable.</summary>
public sealed record LoadedDocument(string DisplayPath, JsonNode? Root, SourceMap Positions, IReadOnlyList<Diagnostic> Diagnostics)
{
    public JsonObject? Object => Root as JsonObject;
}

/// <summary>
/// Reads job and grader declarations (.json with Newtonsoft's line info, .yaml/.yml with YamlDotNet marks) into
/// <see cref="JsonNode"/>s plus a <see cref="SourceMap"/>, so every later finding can name file:line:column.
/// Syntax errors and duplicate keys come back as Diagnostics; nothing here throws on bad input.
/// </summary>
public static class DeclarationReader
{
    public static readonly IReadOnlyList<string> Extensions = [".json", ".yaml", ".yml"];

    /// <summary>Keys that serve editors only (<c>$schema</c>); never sent to the service.</summary>
    public static readonly IReadOnlyList<string> EditorKeys = ["$schema"];

    /// <summary>A copy of a declaration without editor-only keys: the grader or job as the service should get it.</summary>
    public static JsonObject WithoutEditorKeys(JsonObject declaration)
    {
        var copy = (JsonObject)declaration.DeepClone();
        foreach (var key in EditorKeys)
        {
            copy.Remove(key);
        }

        return copy;
    }

    public static bool IsDeclarationFile(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    public static LoadedDocument ReadFile(string path, string displayPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new LoadedDocument(displayPath, null, SourceMap.Empty,
                [DeclarationDiagnostics.FileUnreadable(displayPath, e.Message)]);
        }

        return Read(text, displayPath, IsYaml(path));
    }

    public static bool IsYaml(string path) =>
        Path.GetExtension(path).Equals(".yaml", StringComparison.OrdinalIgnoreCase)
        || Path.GetExtension(path).Equals(".yml", StringComparison.OrdinalIgnoreCase);

    public static LoadedDocument Read(string text, string displayPath, bool yaml)
    {
        if (string.IsNullOrWhiteSpace(text.TrimStart('\uFEFF')))
        {
            return new LoadedDocument(displayPath, null, SourceMap.Empty, [DeclarationDiagnostics.EmptyFile(displayPath)]);
        }

        var positions = new SourceMap();
        var diagnostics = new List<Diagnostic>();
        var root = yaml
            ? ReadYaml(text, displayPath, positions, diagnostics)
            : ReadJson(text, displayPath, positions, diagnostics);
        return new LoadedDocument(displayPath, root, positions, diagnostics);
    }

    private static JsonNode? ReadJson(string text, string file, SourceMap positions, List<Diagnostic> diagnostics)
    {
        var lines = text.Split('\n');
        using var reader = new JsonTextReader(new StringReader(text))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = MaxDepth,
        };
        try
        {
            if (!reader.Read())
            {
                diagnostics.Add(DeclarationDiagnostics.EmptyFile(file));
                return null;
            }

            var root = ReadJsonValue(reader, lines, "", file, positions, diagnostics);
            if (reader.Read())
            {
                diagnostics.Add(DeclarationDiagnostics.SyntaxError(file, Here(reader),
                    "Additional text after the end of the JSON value.", "Keep exactly one JSON object in the file."));
            }

            return root;
        }
        catch (JsonReaderException e)
        {
            diagnostics.Add(DeclarationDiagnostics.SyntaxError(file, new SourcePosition(e.LineNumber, Math.Max(1, e.LinePosition)),
                StripJsonPosition(e.Message), "Fix the JSON syntax at this position (a missing comma, quote or brace is usual)."));
            return null;
        }
    }

    // Newtonsoft positions are after the token; callers get the value's start, which is close enough for
    // scalars on one line and exact for the object/array opening (column of '{' or '[' is reported after it).
    private static SourcePosition Here(JsonTextReader reader) =>
        new(reader.LineNumber, Math.Max(1, reader.LinePosition));

    private static JsonNode? ReadJsonValue(JsonTextReader reader, string[] lines, string path, string file, SourceMap positions, List<Diagnostic> diagnostics)
    {
        positions.SetValue(path, TokenStart(reader, lines));
        switch (reader.TokenType)
        {
            case JsonToken.StartObject:
            {
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType != JsonToken.EndObject)
                {
                    if (reader.TokenType == JsonToken.Comment)
                    {
                        continue;
                    }

                    var key = (string)reader.Value!;
                    var keyPosition = TokenStart(reader, lines);
                    var childPath = SourceMap.Child(path, key);
                    if (!reader.Read())
                    {
                        break;
                    }

                    var value = ReadJsonValue(reader, lines, childPath, file, positions, diagnostics);
                    SetMember(obj, key, value, childPath, keyPosition, file, positions, diagnostics);
                }

                if (reader.TokenType != JsonToken.EndObject)
                {
                    throw new JsonReaderException("Unexpected end of file: an object is not closed with '}'.", path, reader.LineNumber, reader.LinePosition, null);
                }

                return obj;
            }

            case JsonToken.StartArray:
            {
                var array = new JsonArray();
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonToken.EndArray)
                {
                    if (reader.TokenType == JsonToken.Comment)
                    {
                        continue;
                    }

                    array.Add(ReadJsonValue(reader, lines, SourceMap.Item(path, index++), file, positions, diagnostics));
                }

                if (reader.TokenType != JsonToken.EndArray)
                {
                    throw new JsonReaderException("Unexpected end of file: an array is not closed with ']'.", path, reader.LineNumber, reader.LinePosition, null);
                }

                return array;
            }

            case JsonToken.String:
                return JsonValue.Create((string)reader.Value!);
            case JsonToken.Integer:
                return Number(Convert.ToDouble(reader.Value, CultureInfo.InvariantCulture));
            case JsonToken.Float:
                return Number(Convert.ToDouble(reader.Value, CultureInfo.InvariantCulture));
            case JsonToken.Boolean:
                return JsonValue.Create((bool)reader.Value!);
            case JsonToken.Null:
            case JsonToken.Undefined:
                return null;
            default:
                throw new JsonReaderException($"Unexpected token {reader.TokenType}.", path, reader.LineNumber, reader.LinePosition, null);
        }
    }

    /// <summary>
    /// Where the current token starts. Newtonsoft reports the position just after a token (after the ':' for a
    /// property name), so walk back over the raw line: to the opening quote of a string (skipping escaped quotes),
    /// or over the characters of a number or literal. '{' and '[' are one character.
    /// </summary>
    private static SourcePosition TokenStart(JsonTextReader reader, string[] lines)
    {
        var lineIndex = reader.LineNumber - 1;
        if (lineIndex < 0 || lineIndex >= lines.Length)
        {
            return new SourcePosition(Math.Max(1, reader.LineNumber), Math.Max(1, reader.LinePosition));
        }

        var line = lines[lineIndex];
        var i = Math.Min(reader.LinePosition, line.Length) - 1; // index of the token's last character
        if (reader.TokenType == JsonToken.PropertyName)
        {
            while (i >= 0 && (line[i] == ':' || char.IsWhiteSpace(line[i])))
            {
                i--;
            }
        }

        if (reader.TokenType is JsonToken.String or JsonToken.PropertyName && i >= 0 && line[i] is '"' or '\'')
        {
            var quote = line[i];
            for (var j = i - 1; j >= 0; j--)
            {
                if (line[j] == quote && !IsEscaped(line, j))
                {
                    return new SourcePosition(reader.LineNumber, j + 1);
                }
            }
        }
        else if (reader.TokenType is JsonToken.Integer or JsonToken.Float or JsonToken.Boolean or JsonToken.Null)
        {
            while (i > 0 && (char.IsLetterOrDigit(line[i - 1]) || line[i - 1] is '.' or '+' or '-'))
            {
                i--;
            }

            return new SourcePosition(reader.LineNumber, i + 1);
        }

        return new SourcePosition(reader.LineNumber, Math.Max(1, i + 1));
    }

    private static bool IsEscaped(string line, int index)
    {
        var backslashes = 0;
        for (var k = index - 1; k >= 0 && line[k] == '\\'; k--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static string StripJsonPosition(string message)
    {
        var cut = message.IndexOf(" Path '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static JsonNode? ReadYaml(string text, string file, SourceMap positions, List<Diagnostic> diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                diagnostics.Add(DeclarationDiagnostics.EmptyFile(file));
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadYamlNode(parser, "", file, positions, anchors, diagnostics);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                diagnostics.Add(DeclarationDiagnostics.SyntaxError(file, ToPosition(second.Start),
                    "The file holds more than one YAML document.", "Keep one declaration per file (remove the '---' separator)."));
            }

            return root;
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

    /// <summary>Deeper nesting is a finding, not a stack overflow (System.Text.Json's default limit).</summary>
    public const int MaxDepth = 64;

    private static JsonNode? ReadYamlNode(
        IParser parser, string path, string file, SourceMap positions, Dictionary<string, JsonNode?> anchors, List<Diagnostic> diagnostics,
        int depth = 0)
    {
        var start = parser.Current ?? throw new YamlException("Unexpected end of the file: a value is missing.");
        if (depth > MaxDepth)
        {
            throw new YamlException(start.Start, start.End, $"The YAML nests deeper than {MaxDepth} levels.");
        }

        positions.SetValue(path, ToPosition(start.Start));
        JsonNode? node;
        string? anchor = null;
        switch (start)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"Alias '*{alias.Value}' names no anchor defined before it.");
                }

                return target?.DeepClone();
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
                    array.Add(ReadYamlNode(parser, SourceMap.Item(path, index++), file, positions, anchors, diagnostics, depth + 1));
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
                    if (parser.Current is not Scalar keyScalar)
                    {
                        throw parser.Current is { } other
                            ? new YamlException(other.Start, other.End, "Mapping keys must be plain text.")
                            : new YamlException("Unexpected end of the file inside a mapping.");
                    }

                    parser.MoveNext();
                    var key = keyScalar.Value;
                    var childPath = SourceMap.Child(path, key);
                    var keyPosition = ToPosition(keyScalar.Start);
                    var value = ReadYamlNode(parser, childPath, file, positions, anchors, diagnostics, depth + 1);
                    SetMember(obj, key, value, childPath, keyPosition, file, positions, diagnostics);
                }

                node = obj;
                break;
            }

            default:
                throw new YamlException(start.Start, start.End, $"Unexpected YAML {start.GetType().Name}.");
        }

        if (anchor is not null)
        {
            anchors[anchor] = node;
        }

        return node;
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
            return Number(integer);
        }

        if (value.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return Number(hex);
        }

        if (value.Length > 0 && (char.IsDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real))
        {
            return Number(real);
        }

        return JsonValue.Create(value);
    }

    // Numbers are held as double whatever their spelling (1, 1.0, 0x1), like JsonNode.Parse gives them to
    // GetValue<double>(): the grader engine and the checks read them that way.
    private static JsonValue Number(double value) => JsonValue.Create(value);

    /// <summary>Adds a member; a repeated key is a finding and, as in JSON parsers, the last value wins.</summary>
    private static void SetMember(
        JsonObject obj, string key, JsonNode? value, string childPath, SourcePosition keyPosition, string file,
        SourceMap positions, List<Diagnostic> diagnostics)
    {
        if (obj.ContainsKey(key))
        {
            diagnostics.Add(DeclarationDiagnostics.DuplicateKey(file, keyPosition, key));
        }

        obj[key] = value;
        positions.SetKey(childPath, keyPosition);
    }

    private static SourcePosition ToPosition(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));
}
