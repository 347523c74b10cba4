using RftInfra.Diagnostics;

namespace RftInfra.Diagnostics;

/// <summary>
/// One check's identity: its stable code, default severity, a title (SARIF rule, docs/checks.md) and the usual fix.
/// Each area's catalog class (DeclarationDiagnostics, JobDiagnostics, GraderDiagnostics, ...) holds its descriptors and a factory method per code.
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title, string Fix)
{
    public Diagnostic Create(string file, SourcePosition position, string message, string? hint = null) =>
        new(Code, Severity, file, position, message, hint ?? Fix);

    /// <summary>"1, 2, 3, …": the first <paramref name="shown"/> line numbers of <paramref name="total"/>.</summary>
    public static string FormatLines(IReadOnlyList<int> lines, int total, int shown = 5) =>
        string.Join(", ", lines.Take(shown)) + (Math.Max(total, lines.Count) > Math.Min(shown, lines.Count) ? ", …" : "");
}
