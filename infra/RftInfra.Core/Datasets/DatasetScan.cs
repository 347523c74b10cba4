using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using RftInfra.Core.Diagnostics;
using RftInfra.Core.Templates;

namespace RftInfra.Core.Datasets;

/// <summary>
/// The state of one pass over a JSONL file. Each line is read once with a <see cref="Utf8JsonReader"/> over the
/// line's bytes in the pooled buffer: no <c>JsonDocument</c>, no string per row, so the cost stays close to a
/// bare parse and memory does not depend on the file size. Findings are capped per code
/// (<see cref="DatasetDiagnostics.MaxPerCode"/>) so a broken 1 GB file yields a short report.
/// </summary>
internal sealed class DatasetScan
{
    private const int MaxMissingLinesPerPath = 5;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = DatasetScanner.MaxDepth };
    private static readonly Dictionary<string, DiagnosticSeverity> SeverityByCode =
        DatasetDiagnostics.All.ToDictionary(c => c.Code, c => c.Severity);

    private readonly string _file;
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly Dictionary<string, int> _countByCode = [];

    // Required item paths, split for speed: the UTF-8 first property name is matched while reading the row.
    private readonly ValuePath[] _paths;
    private readonly byte[]?[] _firstNames;
    private readonly bool[] _foundInRow;
    private readonly bool[] _matchesProperty;
    private readonly int[] _missingCounts;
    private readonly List<int>[] _missingLines;

    // Prompt hashes: the row's messages laid out in _text as [role][text length][text in canonical form] each,
    // then one XxHash3 over that. A pooled buffer reused for every row: no per-row allocation.
    private readonly bool _hashing;
    private readonly IReadOnlySet<ulong>? _hashesToFind;
    private readonly HashSet<ulong>? _collectedHashes;
    private byte[] _text = [];
    private int _textLength;
    private readonly List<int> _leakedLines = [];
    private int _leakedCount;

    private int _rowCount;
    private int _blankLines;
    private List<string>? _firstRowKeys;
    private bool _sawMessages;
    private bool _messagesHashed;

    public DatasetScan(DatasetScanRequest request)
    {
        _file = request.DisplayPath;
        _paths = [.. request.RequiredItemPaths.Distinct()];
        _firstNames = new byte[]?[_paths.Length];
        _foundInRow = new bool[_paths.Length];
        _matchesProperty = new bool[_paths.Length];
        _missingCounts = new int[_paths.Length];
        _missingLines = new List<int>[_paths.Length];
        for (var i = 0; i < _paths.Length; i++)
        {
            _missingLines[i] = [];
            if (_paths[i].Segments is [{ IsIndex: false } first, ..])
            {
                _firstNames[i] = Encoding.UTF8.GetBytes(first.Property!);
            }
        }

        _hashesToFind = request.PromptHashesToFind;
        _collectedHashes = request.CollectPromptHashes ? [] : null;
        _hashing = _hashesToFind is not null || _collectedHashes is not null;
        if (_hashing)
        {
            _text = ArrayPool<byte>.Shared.Rent(64 * 1024);
        }
    }

    private enum Role : byte
    {
        None,
        Developer,
        User,
        Assistant,
        Tool,
        System,
        Unknown,
        NotAMessage,
    }

    public void Run(JsonlLineReader lines, CancellationToken cancellationToken)
    {
        while (lines.TryReadLine(out var line, out var end))
        {
            if ((lines.LineNumber & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (end == LineEnd.TooLong)
            {
                _rowCount++;
                if (ShouldReport(DatasetDiagnostics.LineTooLongCode))
                {
                    Add(DatasetDiagnostics.LineTooLong(_file, lines.LineNumber, lines.LineLength, lines.MaxLineBytes));
                }

                continue;
            }

            ScanLine(line, lines.LineNumber, end);
        }

        if (_rowCount == 0)
        {
            ShouldReport(DatasetDiagnostics.EmptyFileCode);
            Add(DatasetDiagnostics.EmptyFile(_file, _blankLines));
        }
    }

    public void AddUnreadable(string reason)
    {
        ShouldReport(DatasetDiagnostics.UnreadableCode);
        Add(DatasetDiagnostics.Unreadable(_file, reason));
    }

    public DatasetReport ToReport(long bytes)
    {
        if (_hashing)
        {
            ArrayPool<byte>.Shared.Return(_text);
            _text = [];
        }

        foreach (var (code, count) in _countByCode)
        {
            if (count > DatasetDiagnostics.MaxPerCode)
            {
                _diagnostics.Add(DatasetDiagnostics.MoreOfTheSame(
                    _file, code, SeverityByCode[code], count - DatasetDiagnostics.MaxPerCode));
            }
        }

        var missing = new List<MissingKeyReport>();
        for (var i = 0; i < _paths.Length; i++)
        {
            if (_missingCounts[i] > 0)
            {
                missing.Add(new MissingKeyReport(_paths[i], _missingCounts[i], _missingLines[i]));
            }
        }

        return new DatasetReport(
            _file, bytes, _rowCount, _diagnostics, missing, _firstRowKeys ?? [],
            _collectedHashes ?? (IReadOnlySet<ulong>)new HashSet<ulong>(), _leakedLines)
        {
            LeakedCount = _leakedCount,
        };
    }

    private void ScanLine(ReadOnlySpan<byte> line, int lineNumber, LineEnd end)
    {
        if (lineNumber == 1 && line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }

        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        if (line.IndexOfAnyExcept(" \t\r"u8) < 0)
        {
            _blankLines++;
            if (ShouldReport(DatasetDiagnostics.BlankLineCode))
            {
                Add(DatasetDiagnostics.BlankLine(_file, lineNumber));
            }

            return;
        }

        _rowCount++;
        if (!Utf8Validation.IsValid(line))
        {
            if (ShouldReport(DatasetDiagnostics.InvalidUtf8Code))
            {
                ReportInvalidUtf8(line, lineNumber);
            }

            return;
        }

        var reader = new Utf8JsonReader(line, ReaderOptions);
        try
        {
            ScanRow(ref reader, line, lineNumber);
        }
        catch (JsonException ex)
        {
            ReportSyntaxError(line, lineNumber, end, ex);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape an unpaired surrogate (\ud800) when comparing a key or role.
            ReportInvalidEscape(ref reader, line, lineNumber, "a key or value");
        }
    }

    private void ScanRow(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var kind = KindOf(reader.TokenType);
            reader.Skip();
            ReadToEnd(ref reader);
            if (ShouldReport(DatasetDiagnostics.RowNotObjectCode))
            {
                Add(DatasetDiagnostics.RowNotObject(_file, lineNumber, 1, kind));
            }

            return;
        }

        var keys = _firstRowKeys is null ? new List<string>() : null;
        _sawMessages = false;
        _messagesHashed = false;
        Array.Clear(_foundInRow);

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            keys?.Add(PropertyName(ref reader, line, lineNumber));
            var matched = MatchFirstNames(ref reader);
            var isMessages = TextIs(ref reader, "messages"u8);
            var isTools = !isMessages && TextIs(ref reader, "tools"u8);
            reader.Read();
            if (matched)
            {
                ResolveRequiredPaths(ref reader);
            }

            if (isMessages)
            {
                ScanMessages(ref reader, line, lineNumber);
            }
            else if (isTools)
            {
                ScanTools(ref reader, line, lineNumber);
            }
            else
            {
                reader.Skip();
            }
        }

        ReadToEnd(ref reader);

        // The row is valid JSON: now the row-level findings and facts.
        if (keys is not null)
        {
            _firstRowKeys = keys;
        }

        if (!_sawMessages && ShouldReport(DatasetDiagnostics.MessagesMissingCode))
        {
            Add(DatasetDiagnostics.MessagesMissing(_file, lineNumber));
        }

        for (var i = 0; i < _paths.Length; i++)
        {
            if (!_foundInRow[i] && _paths[i].Segments.Count > 0)
            {
                _missingCounts[i]++;
                if (_missingLines[i].Count < MaxMissingLinesPerPath)
                {
                    _missingLines[i].Add(lineNumber);
                }
            }
        }

        if (_messagesHashed)
        {
            var hash = XxHash3.HashToUInt64(_text.AsSpan(0, _textLength));
            _collectedHashes?.Add(hash);
            if (_hashesToFind?.Contains(hash) == true)
            {
                _leakedCount++;
                if (_leakedLines.Count < DatasetReport.MaxLeakedLines)
                {
                    _leakedLines.Add(lineNumber);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> for a property name or a string, with a plain
    /// byte comparison when the token has no escapes (almost always; these checks run several times per message).
    /// Escaped tokens still go through the reader, which unescapes them (and throws on an unpaired surrogate).
    /// </summary>
    private static bool TextIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> text) =>
        reader.ValueIsEscaped ? reader.ValueTextEquals(text) : reader.ValueSpan.SequenceEqual(text);

    /// <summary>Reads past the end of the top-level value: the reader throws if anything but whitespace follows.</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    private string PropertyName(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            ReportInvalidEscape(ref reader, line, lineNumber, "a top-level key");
            return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    /// <summary>Marks the required paths (not yet found in this row) whose first property is the current property name.</summary>
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

                    reader.Skip();
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

                    reader.Skip();
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private void ScanMessages(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber)
    {
        _sawMessages = true;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            if (ShouldReport(DatasetDiagnostics.MessagesNotArrayCode))
            {
                Add(DatasetDiagnostics.MessagesNotArray(
                    _file, lineNumber, Column(line, reader.TokenStartIndex), KindOf(reader.TokenType)));
            }

            reader.Skip();
            return;
        }

        var arrayStart = reader.TokenStartIndex;
        _textLength = 0;

        var index = -1;
        var lastRole = Role.None;
        long lastStart = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            index++;
            lastStart = reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                if (ShouldReport(DatasetDiagnostics.MessageNotObjectCode))
                {
                    Add(DatasetDiagnostics.MessageNotObject(
                        _file, lineNumber, Column(line, lastStart), index, KindOf(reader.TokenType)));
                }

                reader.Skip();
                lastRole = Role.NotAMessage;
                continue;
            }

            lastRole = ScanMessage(ref reader, line, lineNumber, index);
        }

        if (index < 0)
        {
            if (ShouldReport(DatasetDiagnostics.MessagesEmptyCode))
            {
                Add(DatasetDiagnostics.MessagesEmpty(_file, lineNumber, Column(line, arrayStart)));
            }

            return;
        }

        _messagesHashed = _hashing;
        if (lastRole is Role.Assistant or Role.Tool or Role.System
            && ShouldReport(DatasetDiagnostics.LastMessageRoleCode))
        {
            var column = Column(line, lastStart);
            Add(lastRole == Role.Assistant
                ? DatasetDiagnostics.LastMessageAssistant(_file, lineNumber, column, index)
                : DatasetDiagnostics.LastMessageRole(_file, lineNumber, column, index, RoleName(lastRole)));
        }
    }

    /// <summary>One message object, from its StartObject to its EndObject; returns its role.</summary>
    private Role ScanMessage(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, int index)
    {
        var messageStart = reader.TokenStartIndex;
        var role = Role.None;
        long roleStart = messageStart;
        var content = ContentKind.Missing;
        long contentStart = messageStart;
        var header = _textLength;
        if (_hashing)
        {
            Reserve(5);
            _textLength += 5;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (TextIs(ref reader, "role"u8))
            {
                reader.Read();
                roleStart = reader.TokenStartIndex;
                role = ReadRole(ref reader, line, lineNumber, index);
            }
            else if (TextIs(ref reader, "content"u8))
            {
                reader.Read();
                contentStart = reader.TokenStartIndex;
                content = ScanContent(ref reader, line, lineNumber, index);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        switch (role)
        {
            case Role.None when ShouldReport(DatasetDiagnostics.UnknownRoleCode):
                Add(DatasetDiagnostics.RoleMissing(_file, lineNumber, Column(line, roleStart), index));
                break;
            case Role.System when ShouldReport(DatasetDiagnostics.SystemRoleCode):
                Add(DatasetDiagnostics.SystemRole(_file, lineNumber, Column(line, roleStart), index));
                break;
        }

        // An assistant turn that only calls tools may have no content (chat-completions shape).
        if (content is ContentKind.Missing or ContentKind.Null && role != Role.Assistant
            && ShouldReport(DatasetDiagnostics.ContentNotTextCode))
        {
            Add(DatasetDiagnostics.ContentNotText(
                _file, lineNumber, Column(line, contentStart), $"messages[{index}].content",
                content == ContentKind.Null ? "is null" : "is missing"));
        }

        if (_hashing)
        {
            _text[header] = (byte)role;
            BinaryPrimitives.WriteInt32LittleEndian(_text.AsSpan(header + 1), _textLength - header - 5);
        }

        return role;
    }

    private Role ReadRole(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, int index)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return Role.None;
        }

        if (TextIs(ref reader, "user"u8))
        {
            return Role.User;
        }

        if (TextIs(ref reader, "assistant"u8))
        {
            return Role.Assistant;
        }

        if (TextIs(ref reader, "developer"u8))
        {
            return Role.Developer;
        }

        if (TextIs(ref reader, "tool"u8))
        {
            return Role.Tool;
        }

        if (TextIs(ref reader, "system"u8))
        {
            return Role.System;
        }

        if (ShouldReport(DatasetDiagnostics.UnknownRoleCode))
        {
            var column = Column(line, reader.TokenStartIndex);
            string text;
            try
            {
                text = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                text = Encoding.UTF8.GetString(reader.ValueSpan);
            }

            Add(DatasetDiagnostics.UnknownRole(_file, lineNumber, column, index, Shorten(text)));
        }

        return Role.Unknown;
    }

    private enum ContentKind
    {
        Missing,
        Null,
        Text,
        NotText,
    }

    private ContentKind ScanContent(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, int index)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                ReadText(ref reader, line, lineNumber, index, -1);
                return ContentKind.Text;
            case JsonTokenType.Null:
                return ContentKind.Null;
            case JsonTokenType.StartArray:
                return ScanContentParts(ref reader, line, lineNumber, index);
            default:
                if (ShouldReport(DatasetDiagnostics.ContentNotTextCode))
                {
                    Add(DatasetDiagnostics.ContentNotText(
                        _file, lineNumber, Column(line, reader.TokenStartIndex), $"messages[{index}].content",
                        $"is a {KindOf(reader.TokenType)}, not text"));
                }

                reader.Skip();
                return ContentKind.NotText;
        }
    }

    private ContentKind ScanContentParts(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, int index)
    {
        var arrayStart = reader.TokenStartIndex;
        var result = ContentKind.Text;
        var part = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            part++;
            var partStart = reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                result = ContentKind.NotText;
                ReportContent(line, lineNumber, partStart, index, part, $"is a {KindOf(reader.TokenType)}, not a text part");
                reader.Skip();
                continue;
            }

            var typeIsText = false;
            string? otherType = null;
            var hasText = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (TextIs(ref reader, "type"u8))
                {
                    reader.Read();
                    typeIsText = reader.TokenType == JsonTokenType.String && TextIs(ref reader, "text"u8);
                    if (!typeIsText)
                    {
                        otherType = reader.TokenType == JsonTokenType.String
                            ? $"\"{Shorten(Encoding.UTF8.GetString(reader.ValueSpan))}\""
                            : $"a {KindOf(reader.TokenType)}";
                        reader.Skip();
                    }
                }
                else if (TextIs(ref reader, "text"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        hasText = true;
                        ReadText(ref reader, line, lineNumber, index, part);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!typeIsText || !hasText)
            {
                result = ContentKind.NotText;
                ReportContent(line, lineNumber, partStart, index, part,
                    !typeIsText
                        ? otherType is null ? "has no \"type\"" : $"has type {otherType}; only \"text\" parts are allowed"
                        : "has no string \"text\"");
            }
        }

        if (part < 0)
        {
            result = ContentKind.NotText;
            if (ShouldReport(DatasetDiagnostics.ContentNotTextCode))
            {
                Add(DatasetDiagnostics.ContentNotText(
                    _file, lineNumber, Column(line, arrayStart), $"messages[{index}].content", "is an empty array"));
            }
        }

        return result;
    }

    private void ReportContent(ReadOnlySpan<byte> line, int lineNumber, long start, int index, int part, string problem)
    {
        if (ShouldReport(DatasetDiagnostics.ContentNotTextCode))
        {
            Add(DatasetDiagnostics.ContentNotText(
                _file, lineNumber, Column(line, start), $"messages[{index}].content[{part}]", problem));
        }
    }

    /// <summary>
    /// A text value: checked for unpaired surrogate escapes (<c>\ud800</c>, which System.Text.Json reads but no UTF-8
    /// consumer can encode) and, when hashes are wanted, appended to the message text in a canonical escaped form:
    /// JSON's minimal escaping (<c>\"</c>, <c>\\</c>, <c>\n</c>-style short forms, <c>\u00xx</c> for other control
    /// characters, everything else as UTF-8). Most strings are already in that form and are copied as they are;
    /// only strings with <c>\u</c> or <c>\/</c> escapes are re-encoded.
    /// </summary>
    private void ReadText(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, int index, int part)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            Hash(raw);
            return;
        }

        var firstU = raw.IndexOf("\\u"u8);
        if (firstU >= 0 && !SurrogateEscapesArePaired(raw, firstU))
        {
            ReportInvalidEscape(ref reader, line, lineNumber,
                part < 0 ? $"messages[{index}].content" : $"messages[{index}].content[{part}].text");
            Hash(raw);
            return;
        }

        if (!_hashing)
        {
            return;
        }

        if (firstU < 0 && raw.IndexOf("\\/"u8) < 0)
        {
            Hash(raw);
        }
        else
        {
            HashCanonical(raw);
        }
    }

    /// <summary>False when a <c>\uD800</c>–<c>\uDBFF</c> escape is not followed by a <c>\uDC00</c>–<c>\uDFFF</c> one, or a low one stands alone.</summary>
    private static bool SurrogateEscapesArePaired(ReadOnlySpan<byte> raw, int at)
    {
        while (at >= 0)
        {
            var next = at + 2;
            if (IsEscape(raw, at))
            {
                var unit = Hex4(raw.Slice(at + 2, 4));
                next = at + 6;
                if (unit is >= 0xD800 and <= 0xDBFF)
                {
                    if (LowSurrogateAt(raw, at + 6) < 0)
                    {
                        return false;
                    }

                    next = at + 12;
                }
                else if (unit is >= 0xDC00 and <= 0xDFFF)
                {
                    return false;
                }
            }

            var found = raw[next..].IndexOf("\\u"u8);
            at = found < 0 ? -1 : next + found;
        }

        return true;
    }

    /// <summary>True when the backslash at <paramref name="at"/> starts an escape (is not itself escaped: <c>\\u</c>).</summary>
    private static bool IsEscape(ReadOnlySpan<byte> raw, int at)
    {
        var before = 0;
        while (at - before - 1 >= 0 && raw[at - before - 1] == (byte)'\\')
        {
            before++;
        }

        return before % 2 == 0;
    }

    /// <summary>The low surrogate escaped at <paramref name="at"/> (<c>\uDC00</c>–<c>\uDFFF</c>), or -1.</summary>
    private static int LowSurrogateAt(ReadOnlySpan<byte> raw, int at)
    {
        if (raw.Length < at + 6 || raw[at] != (byte)'\\' || raw[at + 1] != (byte)'u')
        {
            return -1;
        }

        var unit = Hex4(raw.Slice(at + 2, 4));
        return unit is >= 0xDC00 and <= 0xDFFF ? unit : -1;
    }

    /// <summary>
    /// Re-encodes an escaped string body (escapes checked by the reader, surrogates paired) in the canonical form,
    /// straight into <see cref="_text"/>. Only <c>\u</c> and <c>\/</c> escapes change; the others (<c>\"</c>,
    /// <c>\\</c>, <c>\n</c>, ...) are already canonical and are copied with the text around them in one piece.
    /// </summary>
    private void HashCanonical(ReadOnlySpan<byte> raw)
    {
        // The canonical form is never longer: \uXXXX becomes at most 6 bytes, a surrogate pair's 12 become 4.
        Reserve(raw.Length);
        var output = _text.AsSpan(_textLength);
        var written = 0;
        var copied = 0; // raw[..copied] is already in output
        var at = 0;
        while (true)
        {
            var found = raw[at..].IndexOf((byte)'\\');
            if (found < 0)
            {
                break;
            }

            var slash = at + found;
            var kind = raw[slash + 1];
            if (kind != (byte)'u' && kind != (byte)'/')
            {
                at = slash + 2;
                continue;
            }

            raw[copied..slash].CopyTo(output[written..]);
            written += slash - copied;
            var codePoint = (int)'/';
            var consumed = 2;
            if (kind == (byte)'u')
            {
                codePoint = Hex4(raw.Slice(slash + 2, 4));
                consumed = 6;
                if (codePoint is >= 0xD800 and <= 0xDBFF)
                {
                    codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (LowSurrogateAt(raw, slash + 6) - 0xDC00);
                    consumed = 12;
                }
            }

            written += MinimalEscape(codePoint, output[written..]);
            at = copied = slash + consumed;
        }

        raw[copied..].CopyTo(output[written..]);
        _textLength += written + raw.Length - copied;
    }

    /// <summary>One character in JSON's minimal escaping; returns the byte count written.</summary>
    private static int MinimalEscape(int codePoint, Span<byte> output)
    {
        byte shortForm = codePoint switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\b' => (byte)'b',
            '\t' => (byte)'t',
            '\n' => (byte)'n',
            '\f' => (byte)'f',
            '\r' => (byte)'r',
            _ => 0,
        };
        if (shortForm != 0)
        {
            output[0] = (byte)'\\';
            output[1] = shortForm;
            return 2;
        }

        if (codePoint < 0x20)
        {
            "\\u00"u8.CopyTo(output);
            output[4] = (byte)"0123456789abcdef"[codePoint >> 4];
            output[5] = (byte)"0123456789abcdef"[codePoint & 0xF];
            return 6;
        }

        return new System.Text.Rune(codePoint).EncodeToUtf8(output);
    }

    /// <summary>Appends to the message text whose hash goes into the prompt hash (when hashes are wanted).</summary>
    private void Hash(ReadOnlySpan<byte> text)
    {
        if (!_hashing || text.IsEmpty)
        {
            return;
        }

        Reserve(text.Length);
        text.CopyTo(_text.AsSpan(_textLength));
        _textLength += text.Length;
    }

    /// <summary>Makes room for <paramref name="bytes"/> more in <see cref="_text"/> (it grows to the longest row's messages).</summary>
    private void Reserve(int bytes)
    {
        if (_textLength + bytes > _text.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_textLength + bytes, _text.Length * 2));
            _text.AsSpan(0, _textLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_text);
            _text = bigger;
        }
    }

    private static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var digit in hex)
        {
            value = (value << 4) | (digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return value;
    }

    private void ReportInvalidEscape(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, string field)
    {
        if (ShouldReport(DatasetDiagnostics.InvalidEscapeCode))
        {
            Add(DatasetDiagnostics.InvalidEscape(_file, lineNumber, Column(line, reader.TokenStartIndex), field));
        }
    }

    private void ScanTools(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            if (ShouldReport(DatasetDiagnostics.ToolsNotArrayCode))
            {
                Add(DatasetDiagnostics.ToolsNotArray(_file, lineNumber, Column(line, reader.TokenStartIndex),
                    $"is a {KindOf(reader.TokenType)}, not an array"));
            }

            reader.Skip();
            return;
        }

        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            if (reader.TokenType != JsonTokenType.StartObject && ShouldReport(DatasetDiagnostics.ToolsNotArrayCode))
            {
                Add(DatasetDiagnostics.ToolsNotArray(_file, lineNumber, Column(line, reader.TokenStartIndex),
                    $"[{index}] is a {KindOf(reader.TokenType)}, not a tool object"));
            }

            reader.Skip();
        }
    }

    private void ReportInvalidUtf8(ReadOnlySpan<byte> line, int lineNumber)
    {
        if (lineNumber == 1 && line is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            Add(DatasetDiagnostics.InvalidUtf8(_file, lineNumber, 1, "(the file starts with a UTF-16 byte-order mark: it is UTF-16)"));
            return;
        }

        var offset = 0;
        while (offset < line.Length
            && System.Text.Rune.DecodeFromUtf8(line[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        var bad = line.Slice(offset, Math.Min(4, line.Length - offset));
        Add(DatasetDiagnostics.InvalidUtf8(_file, lineNumber, Column(line, offset),
            $"(byte 0x{line[offset]:X2} at byte {offset + 1} of the line starts no valid UTF-8 sequence: {Convert.ToHexString(bad)})"));
    }

    private void ReportSyntaxError(ReadOnlySpan<byte> line, int lineNumber, LineEnd end, JsonException ex)
    {
        var errorAt = (int)Math.Clamp(ex.BytePositionInLine ?? 0, 0, line.Length);
        var (tooDeepAt, unclosedAtEnd) = JsonShape.Inspect(line, DatasetScanner.MaxDepth);
        if (tooDeepAt >= 0 && errorAt >= tooDeepAt)
        {
            if (ShouldReport(DatasetDiagnostics.NestingTooDeepCode))
            {
                Add(DatasetDiagnostics.NestingTooDeep(_file, lineNumber, Column(line, tooDeepAt), DatasetScanner.MaxDepth));
            }
        }
        else if (end == LineEnd.EndOfFile && unclosedAtEnd)
        {
            if (ShouldReport(DatasetDiagnostics.TruncatedLastLineCode))
            {
                Add(DatasetDiagnostics.TruncatedLastLine(_file, lineNumber, Column(line, line.Length)));
            }
        }
        else if (ShouldReport(DatasetDiagnostics.JsonSyntaxCode))
        {
            Add(DatasetDiagnostics.JsonSyntax(_file, lineNumber, Column(line, errorAt), ReaderMessage(ex)));
        }
    }

    /// <summary>System.Text.Json's message without its "LineNumber: 0 | BytePositionInLine: n." tail (we give line:column).</summary>
    private static string ReaderMessage(JsonException ex)
    {
        var message = ex.Message;
        var tail = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return tail > 0 ? message[..tail].TrimEnd(' ', '|') : message;
    }

    /// <summary>Counts a finding of a code; true while it is among the first <see cref="DatasetDiagnostics.MaxPerCode"/>.</summary>
    private bool ShouldReport(string code)
    {
        ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_countByCode, code, out _);
        count++;
        return count <= DatasetDiagnostics.MaxPerCode;
    }

    private void Add(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>1-based character column of a byte offset in the line.</summary>
    private static int Column(ReadOnlySpan<byte> line, long byteOffset) =>
        Encoding.UTF8.GetCharCount(line[..(int)Math.Min(byteOffset, line.Length)]) + 1;

    private static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string RoleName(Role role) => role.ToString().ToLowerInvariant();

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
