using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Declarations;
using RftInfra.Files;

namespace RftInfra.Graders.Evaluation;

/// <summary>Finding codes of the grader engine's inputs and grader tests.</summary>
public static class GradeCodes
{
    /// <summary>A grader file that cannot be read or is not a grader object.</summary>
    public const string GraderFileInvalid = "RFT601";

    /// <summary>A JSONL line (data, samples, grader tests) that is not valid JSON of the expected shape.</summary>
    public const string JsonlLineInvalid = "RFT602";

    /// <summary>Data and samples have different row counts.</summary>
    public const string SampleCountMismatch = "RFT603";

    /// <summary>A grader test scored outside its expected reward.</summary>
    public const string GraderTestFailed = "RFT604";

    /// <summary>A grader test could not be scored offline (model grader without endpoint, cosine, no python3).</summary>
    public const string GraderTestNotScored = "RFT605";
}

/// <summary>One non-blank JSONL line: its 1-based line number and parsed value.</summary>
public sealed record JsonlLine(int Line, JsonNode? Value);

/// <summary>Reads the engine's inputs (grader files, JSONL) into JSON, with findings that name file and line.</summary>
public static class GradeInputs
{
    /// <summary>
    /// Reads a grader declaration (JSON, or YAML mapped onto the same JSON) through the validator's bounded reader:
    /// a regular file up to 1 MB, strict UTF-8, YAML aliases and nesting bounded (docs/limits.md).
    /// </summary>
    public static Grader? ReadGrader(string path, string displayPath, List<Diagnostic> diagnostics)
    {
        var document = DeclarationReader.ReadFile(path, displayPath);
        diagnostics.AddRange(document.Diagnostics);
        if (document.Diagnostics.Any(d => d.IsError))
        {
            return null;
        }

        if (document.Object is not { } obj)
        {
            diagnostics.Add(new Diagnostic(GradeCodes.GraderFileInvalid, DiagnosticSeverity.Error, displayPath,
                new SourcePosition(1, 1), "a grader file must hold one object with type and name",
                "Write the grader as the service takes it, e.g. {\"type\": \"string_check\", ...}."));
            return null;
        }

        return GraderJson.FromJson(obj);
    }

    /// <summary>
    /// Reads every non-blank line of a JSONL file, streamed: a line that is not UTF-8 or not JSON becomes a finding
    /// with its line. Only a regular file is opened (never a FIFO or device); sidecar tests
    /// (<see cref="GraderTestRunner.SidecarSuffix"/>) are capped at <see cref="CheckoutFile.SidecarMaxBytes"/>, other
    /// files at the service's file limit.
    /// </summary>
    public static List<JsonlLine>? ReadJsonl(string path, string displayPath, List<Diagnostic> diagnostics)
    {
        var maxBytes = path.EndsWith(GraderTestRunner.SidecarSuffix, StringComparison.OrdinalIgnoreCase)
            ? CheckoutFile.SidecarMaxBytes
            : RftCatalog.Default.Limits.FileMaxBytesExclusive - 1;
        if (CheckoutFile.Check(path, root: null, maxBytes, out var problem) is not { } file)
        {
            var code = problem!.Kind is FileRefusal.NotRegular or FileRefusal.OutsideRoot ? DeclarationDiagnostics.NotRegularFileDescriptor.Code
                : problem.Kind == FileRefusal.TooLarge ? DeclarationDiagnostics.FileTooLargeToReadDescriptor.Code
                : GradeCodes.JsonlLineInvalid;
            diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Error, displayPath, SourcePosition.None,
                $"cannot read the file: {problem.Message}", $"Pass a regular JSONL file; see {CheckoutFile.LimitsDoc}."));
            return null;
        }

        try
        {
            using var reader = new JsonlLineReader(CheckoutFile.OpenRead(file));
            var result = new List<JsonlLine>();
            while (reader.TryReadLine(out var bytes, out var end))
            {
                var number = reader.LineNumber;
                if (end == LineEnd.TooLong)
                {
                    diagnostics.Add(LineInvalid(displayPath, number, 1, $"line {number} is longer than {reader.MaxLineBytes:N0} bytes."));
                    continue;
                }

                if (CheckoutFile.DecodeStrict(bytes, out var utf8) is not { } line)
                {
                    diagnostics.Add(new Diagnostic(DeclarationDiagnostics.InvalidUtf8Descriptor.Code, DiagnosticSeverity.Error, displayPath,
                        new SourcePosition(number, utf8!.Position.Column), $"line {number} is not valid UTF-8: {utf8.Message.Replace("line 1, ", "", StringComparison.Ordinal)}",
                        $"Save the file as UTF-8; see {CheckoutFile.LimitsDoc}."));
                    continue;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                try
                {
                    result.Add(new JsonlLine(number, JsonNode.Parse(line, documentOptions: new() { MaxDepth = DeclarationReader.MaxDepth })));
                }
                catch (JsonException e)
                {
                    diagnostics.Add(LineInvalid(displayPath, number, (int)(e.BytePositionInLine ?? 0) + 1,
                        $"line {number} is not valid JSON: {Json.JsonSyntaxMessage.From(e)}"));
                }
            }

            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new Diagnostic(GradeCodes.JsonlLineInvalid, DiagnosticSeverity.Error, displayPath,
                SourcePosition.None, $"cannot read the file: {e.Message}", null));
            return null;
        }
    }

    private static Diagnostic LineInvalid(string displayPath, int line, int column, string message) =>
        new(GradeCodes.JsonlLineInvalid, DiagnosticSeverity.Error, displayPath, new SourcePosition(line, column), message,
            "Each line must be one complete JSON value.");
}
