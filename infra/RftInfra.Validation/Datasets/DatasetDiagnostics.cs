using RftInfra.Diagnostics;
using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>One dataset check: its stable code, severity and a one-line title (for docs and tests).</summary>
public sealed record DatasetCheck(string Code, DiagnosticSeverity Severity, string Title);

/// <summary>
/// Every finding the dataset scanner produces (RFT001–RFT019), one factory method per code. Lines are 1-based;
/// columns are 1-based characters within the line (0 when the finding is about the whole line or file).
/// </summary>
public static class DatasetDiagnostics
{
    public const string UnreadableCode = "RFT001";
    public const string EmptyFileCode = "RFT002";
    public const string InvalidUtf8Code = "RFT003";
    public const string JsonSyntaxCode = "RFT004";
    public const string TruncatedLastLineCode = "RFT005";
    public const string NestingTooDeepCode = "RFT006";
    public const string LineTooLongCode = "RFT007";
    public const string BlankLineCode = "RFT008";
    public const string RowNotObjectCode = "RFT009";
    public const string MessagesMissingCode = "RFT010";
    public const string MessagesNotArrayCode = "RFT011";
    public const string MessagesEmptyCode = "RFT012";
    public const string MessageNotObjectCode = "RFT013";
    public const string UnknownRoleCode = "RFT014";
    public const string SystemRoleCode = "RFT015";
    public const string ContentNotTextCode = "RFT016";
    public const string LastMessageRoleCode = "RFT017";
    public const string ToolsNotArrayCode = "RFT018";
    public const string InvalidEscapeCode = "RFT019";

    /// <summary>Findings of one code reported per file before the rest are summarised in one line.</summary>
    public const int MaxPerCode = 20;

    public static readonly IReadOnlyList<DatasetCheck> All =
    [
        new(UnreadableCode, DiagnosticSeverity.Error, "Dataset file cannot be read"),
        new(EmptyFileCode, DiagnosticSeverity.Error, "Dataset has no rows"),
        new(InvalidUtf8Code, DiagnosticSeverity.Error, "Line is not valid UTF-8"),
        new(JsonSyntaxCode, DiagnosticSeverity.Error, "Line is not valid JSON"),
        new(TruncatedLastLineCode, DiagnosticSeverity.Error, "Last line is cut off"),
        new(NestingTooDeepCode, DiagnosticSeverity.Error, "JSON nested too deeply"),
        new(LineTooLongCode, DiagnosticSeverity.Error, "Line too long"),
        new(BlankLineCode, DiagnosticSeverity.Warning, "Blank line"),
        new(RowNotObjectCode, DiagnosticSeverity.Error, "Row is not a JSON object"),
        new(MessagesMissingCode, DiagnosticSeverity.Error, "Row has no messages"),
        new(MessagesNotArrayCode, DiagnosticSeverity.Error, "messages is not an array"),
        new(MessagesEmptyCode, DiagnosticSeverity.Error, "messages is empty"),
        new(MessageNotObjectCode, DiagnosticSeverity.Error, "Message is not an object"),
        new(UnknownRoleCode, DiagnosticSeverity.Error, "Message role missing or unknown"),
        new(SystemRoleCode, DiagnosticSeverity.Error, "system role in an RFT row"),
        new(ContentNotTextCode, DiagnosticSeverity.Error, "Message content is not text"),
        new(LastMessageRoleCode, DiagnosticSeverity.Error, "Last message is not from user or developer"),
        new(ToolsNotArrayCode, DiagnosticSeverity.Error, "tools is not an array of objects"),
        new(InvalidEscapeCode, DiagnosticSeverity.Error, "Unpaired surrogate escape in text"),
    ];

    private static SourcePosition At(int line, int column) => new(line, column);

    public static Diagnostic Unreadable(string file, string reason) => new(
        UnreadableCode, DiagnosticSeverity.Error, file, SourcePosition.None,
        $"The dataset cannot be read: {reason}",
        "Check the path in the job file and that the file exists and is readable.");

    public static Diagnostic EmptyFile(string file, int blankLines) => new(
        EmptyFileCode, DiagnosticSeverity.Error, file, SourcePosition.None,
        blankLines == 0 ? "The dataset is empty." : $"The dataset has no rows, only {blankLines} blank line(s).",
        "Put one JSON object per line: {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}], ...}.");

    public static Diagnostic InvalidUtf8(string file, int line, int column, string detail) => new(
        InvalidUtf8Code, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line} is not valid UTF-8 {detail}.",
        "Save the file as UTF-8 (with or without BOM); re-export it from the tool that wrote it.");

    public static Diagnostic JsonSyntax(string file, int line, int column, string readerMessage) => new(
        JsonSyntaxCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line} is not valid JSON: {readerMessage}",
        "Each line must be exactly one complete JSON object; fix the JSON at the column shown.");

    public static Diagnostic TruncatedLastLine(string file, int line, int column) => new(
        TruncatedLastLineCode, DiagnosticSeverity.Error, file, At(line, column),
        $"The last line ({line}) ends in the middle of a JSON value: the file looks cut off.",
        "Re-export or re-copy the file completely, or delete the partial last line.");

    public static Diagnostic NestingTooDeep(string file, int line, int column, int maxDepth) => new(
        NestingTooDeepCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line} nests objects/arrays deeper than {maxDepth} levels.",
        "Flatten the row: RFT rows need messages and a few item keys; store deep structures as a JSON string.");

    public static Diagnostic LineTooLong(string file, int line, long bytes, int maxBytes) => new(
        LineTooLongCode, DiagnosticSeverity.Error, file, At(line, 0),
        $"Line {line} is {bytes:N0} bytes, over the {maxBytes:N0}-byte limit this validator reads (far beyond any model's context); it was not checked.",
        "Shorten the row: a training prompt must fit the model's context window.");

    public static Diagnostic BlankLine(string file, int line) => new(
        BlankLineCode, DiagnosticSeverity.Warning, file, At(line, 0),
        $"Line {line} is blank; it is skipped here, but the service may count it as an invalid row.",
        "Delete blank lines: JSONL has exactly one JSON object per line.");

    public static Diagnostic RowNotObject(string file, int line, int column, string actualKind) => new(
        RowNotObjectCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line} is a JSON {actualKind}, not an object.",
        "Each line must be an object like {\"messages\": [...], \"reference_answer\": \"...\"}.");

    public static Diagnostic MessagesMissing(string file, int line) => new(
        MessagesMissingCode, DiagnosticSeverity.Error, file, At(line, 1),
        $"Line {line} has no \"messages\" key.",
        "Add \"messages\": [{\"role\": \"user\", \"content\": \"...\"}] with the prompt the model should answer.");

    public static Diagnostic MessagesNotArray(string file, int line, int column, string actualKind) => new(
        MessagesNotArrayCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: \"messages\" is a {actualKind}, not an array.",
        "Make \"messages\" an array of {\"role\": ..., \"content\": ...} objects.");

    public static Diagnostic MessagesEmpty(string file, int line, int column) => new(
        MessagesEmptyCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: \"messages\" is empty.",
        "Add at least one message; the last one must be the user (or developer) turn the model answers.");

    public static Diagnostic MessageNotObject(string file, int line, int column, int index, string actualKind) => new(
        MessageNotObjectCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: messages[{index}] is a {actualKind}, not an object.",
        "Each message is an object: {\"role\": \"user\", \"content\": \"...\"}.");

    public static Diagnostic RoleMissing(string file, int line, int column, int index) => new(
        UnknownRoleCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: messages[{index}] has no string \"role\".",
        "Give every message a role: developer, user, assistant or tool.");

    public static Diagnostic UnknownRole(string file, int line, int column, int index, string role) => new(
        UnknownRoleCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: messages[{index}].role is \"{role}\", which RFT does not accept.",
        "Use one of the roles developer, user, assistant, tool (lower case).");

    public static Diagnostic SystemRole(string file, int line, int column, int index) => new(
        SystemRoleCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: messages[{index}] uses the \"system\" role, which RFT rows do not support.",
        "Rename the role to \"developer\": reasoning models take instructions in the developer role.");

    public static Diagnostic ContentNotText(string file, int line, int column, string field, string problem) => new(
        ContentNotTextCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: {field} {problem}.",
        "Use a string, or an array of {\"type\": \"text\", \"text\": \"...\"} parts; Azure RFT is text-only.");

    public static Diagnostic LastMessageAssistant(string file, int line, int column, int index) => new(
        LastMessageRoleCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: the last message (messages[{index}]) is from the assistant: this is a supervised (SFT) row, and RFT would train on an answer the model never has to produce.",
        "Remove the final assistant message, move its answer to a top-level key such as \"reference_answer\", and reference it in the grader as {{item.reference_answer}}.");

    public static Diagnostic LastMessageRole(string file, int line, int column, int index, string role) => new(
        LastMessageRoleCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: the last message (messages[{index}]) is from \"{role}\"; RFT rows must end with a user or developer message.",
        "End messages with the user (or developer) turn the model should answer.");

    public static Diagnostic ToolsNotArray(string file, int line, int column, string problem) => new(
        ToolsNotArrayCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: \"tools\" {problem}.",
        "Make \"tools\" an array of chat-completions tool definitions: [{\"type\": \"function\", \"function\": {...}}].");

    public static Diagnostic InvalidEscape(string file, int line, int column, string field) => new(
        InvalidEscapeCode, DiagnosticSeverity.Error, file, At(line, column),
        $"Line {line}: {field} contains a \\u escape of an unpaired UTF-16 surrogate, which cannot be encoded as UTF-8.",
        "Remove the stray \\uD800–\\uDFFF escape, or write the full surrogate pair (e.g. \\ud83d\\ude00).");

    /// <summary>The last finding of a code that had more than <see cref="MaxPerCode"/>: how many were not listed.</summary>
    public static Diagnostic MoreOfTheSame(string file, string code, DiagnosticSeverity severity, int notShown) => new(
        code, severity, file, SourcePosition.None,
        $"...and {notShown:N0} more line(s) with {code} (only the first {MaxPerCode} are listed).",
        "Fix the lines above, then run validate again.");
}
