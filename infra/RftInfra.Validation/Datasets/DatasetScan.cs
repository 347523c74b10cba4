using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RftInfra.Diagnostics;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>
/// The state of one pass over a JSONL file. Each line is read once with a <see cref="Utf8JsonReader"/> over the
/// line's bytes in the pooled buffer: no <c>JsonDocument</c>, no string per row, so the cost stays close to a
/// bare parse and memory does not depend on the file size. Findings are capped per code
/// (<see cref="DatasetDiagnostics.MaxPerCode"/>) so a broken 1 GB file yields a short report.
/// </summary>
internal sealed partial class DatasetScan
{
    private const int MaxMissingLinesPerPath = 5;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = DatasetScanner.MaxDepth };
    private static readonly Dictionary<string, DiagnosticSeverity> SeverityByCode =
        DatasetDiagnostics.All.ToDictionary(c => c.Code, c => c.Severity);

    private readonly string _file;
    private readonly IProgress<RftInfra.Progress.WorkProgress>? _progress;
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
        _progress = request.Progress;
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

    private string ProgressActivity => "checking " + _file;

    public void Run(JsonlLineReader lines, CancellationToken cancellationToken)
    {
        while (lines.TryReadLine(out var line, out var end))
        {
            if ((lines.LineNumber & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _progress?.Report(new(ProgressActivity, lines.LineNumber, null, "lines"));
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

        _progress?.Report(new(ProgressActivity, lines.LineNumber, lines.LineNumber, "lines"));

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
}
