using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RftInfra.Diagnostics;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>The <c>messages</c> and <c>tools</c> arrays of one row: roles, content parts, text and prompt hashing.</summary>
internal sealed partial class DatasetScan
{
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
}
