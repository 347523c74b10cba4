using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Newtonsoft.Json;
using RftInfra.Diagnostics;
using RftInfra.Files;

namespace RftInfra.Declarations;

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

    /// <summary>
    /// Reads a declaration through <see cref="CheckoutFile"/>: a regular file (inside <paramref name="root"/> when
    /// given) of at most <see cref="CheckoutFile.DeclarationMaxBytes"/>, strict UTF-8; anything else is a finding.
    /// </summary>
    public static LoadedDocument ReadFile(string path, string displayPath, string? root = null)
    {
        var text = CheckoutFile.ReadText(path, root, CheckoutFile.DeclarationMaxBytes, out var problem);
        return text is null
            ? new LoadedDocument(displayPath, null, SourceMap.Empty, [DeclarationDiagnostics.FileRefused(displayPath, problem!)])
            : Read(text, displayPath, IsYaml(path));
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
        if (text.IndexOf('\0') is var nul and >= 0)
        {
            // Newtonsoft stops at a NUL and YAML forbids it: a file with one is not the text it looks like.
            var line = text.AsSpan(0, nul).Count('\n') + 1;
            var column = nul - text.LastIndexOf('\n', Math.Max(0, nul - 1)) ;
            diagnostics.Add(DeclarationDiagnostics.SyntaxError(displayPath, new SourcePosition(line, Math.Max(1, column)),
                "The file contains a NUL character (\\0).", "Remove the NUL bytes; a declaration is plain UTF-8 text."));
            return new LoadedDocument(displayPath, null, positions, diagnostics);
        }

        var root = yaml
            ? YamlTree.Read(text, displayPath, positions, diagnostics)
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
                    RejectComment(reader, lines);
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
                    RejectComment(reader, lines);
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
            case JsonToken.Integer or JsonToken.Float:
                return JsonNumber(reader.Value);
            case JsonToken.Comment:
                RejectComment(reader, lines);
                return null;
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
    /// A JSON number as the YAML reader gives it: a double when finite (an integer too big for a long, such as a
    /// seed of 10^26, becomes its nearest double, so the range checks report it); NaN, Infinity and overflowing
    /// spellings (1e400) become their text, so the type checks report them (RFT202) exactly as they do for YAML.
    /// </summary>
    private static JsonValue JsonNumber(object? value)
    {
        var number = value switch
        {
            BigInteger big => (double)big,
            IConvertible convertible => convertible.ToDouble(CultureInfo.InvariantCulture),
            _ => double.NaN,
        };
        return double.IsFinite(number)
            ? Number(number)
            : JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NaN");
    }

    /// <summary>Comments are not JSON: a file the service, editors and other tools read differently is a finding.</summary>
    private static void RejectComment(JsonTextReader reader, string[] lines)
    {
        if (reader.TokenType == JsonToken.Comment)
        {
            var at = TokenStart(reader, lines);
            throw new JsonReaderException("Comments are not allowed in JSON.", reader.Path, at.Line, at.Column, null);
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

    /// <summary>Deeper nesting is a finding, not a stack overflow (System.Text.Json's default limit).</summary>
    public const int MaxDepth = 64;

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
}
