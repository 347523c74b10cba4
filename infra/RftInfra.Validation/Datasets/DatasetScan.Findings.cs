using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RftInfra.Diagnostics;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>How a line's problems become findings: UTF-8 and syntax reports, per-code caps, columns and names.</summary>
internal sealed partial class DatasetScan
{
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

    /// <summary>The reader's complaint in our words, without its position tail (we give line:column).</summary>
    private static string ReaderMessage(JsonException ex) => Json.JsonSyntaxMessage.From(ex);

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
