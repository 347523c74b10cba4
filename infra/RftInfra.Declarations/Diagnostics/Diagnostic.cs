namespace RftInfra.Diagnostics;

public enum DiagnosticSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>A position in a file: 1-based line and column; 0 means "the whole file" or "unknown".</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public static readonly SourcePosition None = new(0, 0);
}

/// <summary>
/// One finding, as data (Bicep's habit): what is wrong, where, and what to do. `rft validate`, the provider's
/// Check and CI annotations all consume the same list. Messages never contain secrets.
/// </summary>
public sealed record Diagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string File,
    SourcePosition Position,
    string Message,
    string? Hint = null)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>
    /// The resource input the finding is about, when a resource's Check made it (e.g. <c>trainingFileId</c>): the
    /// provider names it in its check failure. Not part of the printed text.
    /// </summary>
    public string? Input { get; init; }

    /// <summary>`path(line,col): error RFT012: message` — the MSBuild/Bicep shape editors and CI understand.</summary>
    public override string ToString()
    {
        var where = Position.Line > 0 ? $"{File}({Position.Line},{Math.Max(1, Position.Column)})" : File;
        var text = $"{where}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
        return Hint is null ? text : $"{text} Fix: {Hint}";
    }
}
