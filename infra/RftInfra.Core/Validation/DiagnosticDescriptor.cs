using RftInfra.Core.Diagnostics;

namespace RftInfra.Core.Validation;

/// <summary>
/// One check's identity: its stable code, default severity, a title (SARIF rule, README) and the usual fix.
/// Each area's catalog class (<see cref="GraderDiagnostics"/>, <see cref="JobDiagnostics"/>,
/// <see cref="DeclarationDiagnostics"/>) holds its descriptors and a factory method per code.
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title, string Fix)
{
    public Diagnostic Create(string file, SourcePosition position, string message, string? hint = null) =>
        new(Code, Severity, file, position, message, hint ?? Fix);

    /// <summary>Every descriptor of the declaration checks (RFT1xx, RFT2xx, RFT3xx), for SARIF rules and docs.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All =>
        [.. GraderDiagnostics.All, .. JobDiagnostics.All, .. DeclarationDiagnostics.All, .. PythonDiagnostics.All];
}
