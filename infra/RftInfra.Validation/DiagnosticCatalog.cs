using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Validation;

/// <summary>Every descriptor of the declaration checks (RFT1xx, RFT2xx, RFT3xx), for SARIF rules and docs.
/// Lives here, not on DiagnosticDescriptor, because the catalogs span the Declarations and Validation layers.</summary>
public static class DiagnosticCatalog
{
    public static IReadOnlyList<DiagnosticDescriptor> All =>
        [.. GraderDiagnostics.All, .. JobDiagnostics.All, .. DeclarationDiagnostics.All, .. PythonDiagnostics.All,
         .. Baseline.BaselineDiagnostics.All];
}
