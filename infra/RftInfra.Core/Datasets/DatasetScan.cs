using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
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

    // The leakage check: the row's prompt (null when no prompts are wanted), the other file's prompts to look for,
    // and this file's prompts when they are collected.
    private readonly RowPrompt? _prompt;
    private readonly PromptSet? _promptsToFind;
    private readonly HashSet<ulong>? _collectedFingerprints;
    private readonly HashSet<ulong>? _collectedHashes;
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

        _promptsToFind = request.PromptsToFind;
        if (request.CollectPrompts)
        {
            _collectedFingerprints = [];
            _collectedHashes = [];
        }

        _prompt = _promptsToFind is not null || request.CollectPrompts ? new RowPrompt() : null;
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
            _collectedHashes is null ? PromptSet.Empty : new PromptSet(_collectedFingerprints!, _collectedHashes), _leakedLines)
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

        // A row starts with '{' almost always: only then is the whole line searched for something not blank.
        if (line.IsEmpty || (line[0] is (byte)' ' or (byte)'\t' or (byte)'\r' && line.IndexOfAnyExcept(" \t\r"u8) < 0))
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
            Skip(ref reader);
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
                Skip(ref reader);
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
            var fingerprint = _prompt!.Fingerprint();
            if (_collectedHashes is not null)
            {
                _collectedFingerprints!.Add(fingerprint);
                _collectedHashes.Add(_prompt.Hash(line));
            }

            if (_promptsToFind is not null && _promptsToFind.Fingerprints.Contains(fingerprint)
                && _promptsToFind.Hashes.Contains(_prompt.Hash(line)))
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

    /// <summary>
    /// <see cref="Utf8JsonReader.Skip"/> for a line that is all in the buffer: a plain <c>Read</c> loop that counts
    /// the depth itself, measurably cheaper than the reader's own (which asks for <c>CurrentDepth</c> each token).
    /// </summary>
    private static void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
        }

        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = 1;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray when --depth == 0:
                    return;
            }
        }
    }

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

            Skip(ref reader);
            return;
        }

        var arrayStart = reader.TokenStartIndex;
        _prompt?.Clear();

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

                Skip(ref reader);
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

        _messagesHashed = _prompt is not null;
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
                Skip(ref reader);
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

        _prompt?.AddRole((byte)role);

        return role;
    }

    private Role ReadRole(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, int index)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            Skip(ref reader);
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

                Skip(ref reader);
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
                Skip(ref reader);
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
                        Skip(ref reader);
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
                        Skip(ref reader);
                    }
                }
                else
                {
                    reader.Read();
                    Skip(ref reader);
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
    /// A text value: checked for unpaired surrogate escapes and, when prompts are wanted, added to the row's prompt
    /// (see <see cref="RowPrompt"/>). Most strings are canonical as they stand in the line; the others (with
    /// <c>\u</c> or <c>\/</c> escapes) are re-encoded only when an escape touches the bytes the fingerprint reads.
    /// </summary>
    private void ReadText(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, int index, int part)
    {
        var raw = reader.ValueSpan;
        var start = (int)reader.TokenStartIndex + 1; // after the opening quote
        var first = reader.ValueIsEscaped ? JsonEscapes.IndexOfReencoded(raw) : -1;
        if (first < 0)
        {
            _prompt?.AddText(raw, start, raw.Length, reencoded: false);
            return;
        }

        if (!JsonEscapes.Walk(raw, first, [], out var length, out var escapesEnd))
        {
            // An error in the row: its prompt no longer matters.
            ReportInvalidEscape(ref reader, line, lineNumber,
                part < 0 ? $"messages[{index}].content" : $"messages[{index}].content[{part}].text");
            return;
        }

        if (_prompt is null)
        {
            return;
        }

        const int edge = RowPrompt.EdgeBytes;
        if (first >= edge && escapesEnd <= raw.Length - edge)
        {
            // The re-encoded escapes are all inside: the ends are canonical as they stand.
            _prompt.AddText(raw[..edge], raw[^edge..], length, start, raw.Length, reencoded: true);
        }
        else
        {
            var canonical = _prompt.CanonicalBuffer(raw.Length);
            JsonEscapes.Walk(raw, first, canonical, out length, out _);
            _prompt.AddText(canonical[..length], start, raw.Length, reencoded: true);
        }
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

            Skip(ref reader);
            return;
        }

        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            if (reader.TokenType != JsonTokenType.StartObject && ShouldReport(DatasetDiagnostics.ToolsNotArrayCode))
            {
                Add(DatasetDiagnostics.ToolsNotArray(_file, lineNumber, Column(line, reader.TokenStartIndex),
                    $"[{index}] is a {KindOf(reader.TokenType)}, not a tool object"));
            }

            Skip(ref reader);
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
