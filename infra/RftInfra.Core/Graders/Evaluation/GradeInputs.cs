using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Core.Declarations;
using RftInfra.Core.Diagnostics;

namespace RftInfra.Core.Graders.Evaluation;

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
    /// <summary>Reads a grader declaration: JSON, or YAML (.yaml/.yml) mapped onto the same JSON.</summary>
    public static Grader? ReadGrader(string path, string displayPath, List<Diagnostic> diagnostics)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new Diagnostic(GradeCodes.GraderFileInvalid, DiagnosticSeverity.Error, displayPath,
                SourcePosition.None, $"cannot read the grader file: {e.Message}", "Pass an existing file with --grader."));
            return null;
        }

        var isYaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        JsonNode? node;
        if (isYaml)
        {
            // The declaration reader, as `rft validate` reads graders: it bounds nesting and aliases (a YAML nested
            // 100 000 deep overflowed YamlDotNet's recursive YamlStream) and names file, line and column.
            var document = DeclarationReader.Read(text, displayPath, yaml: true);
            if (document.Diagnostics.Where(d => d.IsError).ToList() is { Count: > 0 } errors)
            {
                diagnostics.AddRange(errors);
                return null;
            }

            node = document.Root;
        }
        else
        {
            try
            {
                node = JsonNode.Parse(text, documentOptions: new() { CommentHandling = JsonCommentHandling.Skip });
            }
            catch (JsonException e)
            {
                diagnostics.Add(new Diagnostic(GradeCodes.GraderFileInvalid, DiagnosticSeverity.Error, displayPath,
                    new SourcePosition((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1),
                    $"the grader is not valid JSON: {FirstSentence(e.Message)}", "Fix the JSON syntax at this position."));
                return null;
            }
        }

        if (node is not JsonObject obj)
        {
            diagnostics.Add(new Diagnostic(GradeCodes.GraderFileInvalid, DiagnosticSeverity.Error, displayPath,
                new SourcePosition(1, 1), "a grader file must hold one object with type and name",
                "Write the grader as the service takes it, e.g. {\"type\": \"string_check\", ...}."));
            return null;
        }

        return GraderJson.FromJson(obj);
    }

    /// <summary>Reads every non-blank line of a JSONL file; a line that is not JSON becomes a finding with its line.</summary>
    public static List<JsonlLine>? ReadJsonl(string path, string displayPath, List<Diagnostic> diagnostics)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path);
            var result = new List<JsonlLine>();
            var number = 0;
            foreach (var line in lines)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                try
                {
                    result.Add(new JsonlLine(number, JsonNode.Parse(line.TrimStart('\uFEFF'))));
                }
                catch (JsonException e)
                {
                    diagnostics.Add(new Diagnostic(GradeCodes.JsonlLineInvalid, DiagnosticSeverity.Error, displayPath,
                        new SourcePosition(number, (int)(e.BytePositionInLine ?? 0) + 1),
                        $"line {number} is not valid JSON: {FirstSentence(e.Message)}",
                        "Each line must be one complete JSON value."));
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

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
