using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RftInfra.Datasets;
using RftInfra.Diagnostics;
using RftInfra.Text;
using RftInfra.Validation;
using RftInfra.Declarations;
using RftInfra.Files;

namespace RftInfra.Cli.Commands;

/// <summary>
/// The ways `rft validate` prints findings: text grouped by file, JSON, SARIF 2.1.0, GitHub annotations. Findings
/// carry user text (file names, values, a grader's exception): every form masks known secret values, text and
/// annotations escape control characters, and under GitHub Actions the text block is wrapped in
/// <c>::stop-commands::</c> so a <c>::</c> in user text cannot become a workflow command.
/// </summary>
public static class ValidationOutput
{
    // Findings are shown to people and tools, never embedded in HTML: keep quotes and non-ASCII readable.
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the findings as text. With <paramref name="stopCommandsToken"/> (under GitHub Actions) the block is
    /// fenced by <c>::stop-commands::TOKEN</c> … <c>::TOKEN::</c>: the runner runs no workflow command inside it.
    /// </summary>
    public static void WriteText(TextWriter output, ValidationResult result, bool color, string? stopCommandsToken = null)
    {
        if (stopCommandsToken is not null)
        {
            output.WriteLine($"::stop-commands::{stopCommandsToken}");
        }

        WriteFindings(output, result.Diagnostics, color);
        var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
        var notes = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Info);
        var checkedText = $"{Plural(result.JobCount, "job")}, {Plural(result.GraderCount, "grader")} checked";
        var notesText = notes == 0 ? "" : $" ({Plural(notes, "note")})";
        output.WriteLine(errors + warnings == 0
            ? $"{checkedText}: no problems found{notesText}."
            : $"{checkedText}: {Plural(errors, "error")}, {Plural(warnings, "warning")}{notesText}.");
        if (stopCommandsToken is not null)
        {
            output.WriteLine($"::{stopCommandsToken}::");
        }
    }

    /// <summary>
    /// Findings grouped by file, one line each (`line:col severity CODE: message`) and its fix below: the layout of
    /// `rft validate`, also used by `rft grade --check`.
    /// </summary>
    public static void WriteFindings(TextWriter output, IEnumerable<Diagnostic> diagnostics, bool color)
    {
        string Paint(string text, string code) => color ? $"\u001b[{code}m{text}\u001b[0m" : text;

        foreach (var group in diagnostics.GroupBy(d => d.File))
        {
            output.WriteLine(Paint(Shown(group.Key), "1"));
            foreach (var d in group)
            {
                var where = d.Position.Line > 0 ? $"{d.Position.Line}:{Math.Max(1, d.Position.Column)}" : "-";
                var severity = Level(d.Severity);
                var painted = d.Severity switch
                {
                    DiagnosticSeverity.Error => Paint(severity, "31"),
                    DiagnosticSeverity.Warning => Paint(severity, "33"),
                    _ => Paint(severity, "36"),
                };
                output.WriteLine($"  {where,-8} {painted} {Shown(d.Code)}: {Shown(d.Message)}");
                if (d.Hint is not null)
                {
                    output.WriteLine($"  {"",-8} {Paint("fix:", "2")} {Shown(d.Hint)}");
                }
            }

            output.WriteLine();
        }
    }

    /// <summary>A fresh unguessable token for <c>::stop-commands::</c>.</summary>
    public static string NewStopCommandsToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>User text for a terminal or log: secrets masked, control characters escaped.</summary>
    private static string Shown(string s) => TerminalText.Escape(SecretScrubber.Scrub(s));

    public static void WriteJson(TextWriter output, ValidationResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("jobs", result.JobCount);
            json.WriteNumber("graders", result.GraderCount);
            json.WriteNumber("errors", result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
            json.WriteNumber("warnings", result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning));
            json.WriteStartArray("findings");
            foreach (var d in result.Diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("code", d.Code);
                json.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                json.WriteString("file", SecretScrubber.Scrub(d.File));
                json.WriteNumber("line", d.Position.Line);
                json.WriteNumber("column", d.Position.Column);
                json.WriteString("message", SecretScrubber.Scrub(d.Message));
                if (d.Hint is null)
                {
                    json.WriteNull("hint");
                }
                else
                {
                    json.WriteString("hint", SecretScrubber.Scrub(d.Hint));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>SARIF 2.1.0 for GitHub code scanning: a rule per code found, locations relative to the checkout root.</summary>
    public static void WriteSarif(TextWriter output, ValidationResult result)
    {
        var version = typeof(ValidationOutput).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var descriptors = DiagnosticCatalog.All.ToDictionary(d => d.Code);
        foreach (var check in DatasetDiagnostics.All)
        {
            descriptors[check.Code] = new DiagnosticDescriptor(check.Code, check.Severity, check.Title, check.Title);
        }

        // Rules for the codes found (code scanning needs no others; the full list is in docs/checks.md).
        var codes = result.Diagnostics.Select(d => d.Code)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "rft");
            json.WriteString("semanticVersion", version.Split('+')[0]);
            json.WriteStartArray("rules");
            foreach (var code in codes)
            {
                json.WriteStartObject();
                json.WriteString("id", code);
                if (descriptors.TryGetValue(code, out var descriptor))
                {
                    json.WriteStartObject("shortDescription");
                    json.WriteString("text", descriptor.Title);
                    json.WriteEndObject();
                    json.WriteStartObject("help");
                    json.WriteString("text", descriptor.Fix);
                    json.WriteEndObject();
                    json.WriteStartObject("defaultConfiguration");
                    json.WriteString("level", Level(descriptor.Severity));
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("originalUriBaseIds");
            json.WriteStartObject("SRCROOT");
            json.WriteString("description", "The root of the validated checkout (--root).");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("results");
            foreach (var d in result.Diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", d.Code);
                json.WriteString("level", Level(d.Severity));
                json.WriteStartObject("message");
                json.WriteString("text", SecretScrubber.Scrub(d.Hint is null ? d.Message : $"{d.Message} Fix: {d.Hint}"));
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", SecretScrubber.Scrub(d.File));
                json.WriteString("uriBaseId", "SRCROOT");
                json.WriteEndObject();
                if (d.Position.Line > 0)
                {
                    json.WriteStartObject("region");
                    json.WriteNumber("startLine", d.Position.Line);
                    json.WriteNumber("startColumn", Math.Max(1, d.Position.Column));
                    json.WriteEndObject();
                }

                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>
    /// GitHub Actions workflow commands (<c>::error file=…,line=…,col=…,title=…::message</c>), which GitHub shows
    /// as annotations on the pull request. <paramref name="pathPrefix"/> maps root-relative paths to repo paths.
    /// </summary>
    public static void WriteGitHubAnnotations(TextWriter output, IEnumerable<Diagnostic> diagnostics, string pathPrefix = "")
    {
        foreach (var d in diagnostics)
        {
            var command = d.Severity switch
            {
                DiagnosticSeverity.Error => "error",
                DiagnosticSeverity.Warning => "warning",
                _ => "notice",
            };
            var properties = new StringBuilder($"file={EscapeProperty(pathPrefix + d.File)}");
            if (d.Position.Line > 0)
            {
                properties.Append($",line={d.Position.Line},col={Math.Max(1, d.Position.Column)}");
            }

            properties.Append($",title={EscapeProperty(d.Code)}");
            var message = d.Hint is null ? d.Message : $"{d.Message}\nFix: {d.Hint}";
            output.WriteLine($"::{command} {properties}::{EscapeData(message)}");
        }
    }

    /// <summary>Workflow-command data: secrets masked, %, CR and LF percent-encoded, other control characters escaped.</summary>
    private static string EscapeData(string s) => TerminalText.Escape(SecretScrubber.Scrub(s)
        .Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal));

    private static string EscapeProperty(string s) =>
        EscapeData(s).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
