using RftInfra.Core.Diagnostics;
using RftInfra.Core.Templates;

namespace RftInfra.Core.Datasets;

public enum DatasetRole
{
    Training,
    Validation,
}

/// <summary>
/// What to scan: the file, the path shown in findings, its role, and the <c>item.*</c> paths the grader reads
/// (each must exist in every row). <see cref="PromptHashesToFind"/> are prompt hashes of the other file, for the
/// leakage check; <see cref="CollectPromptHashes"/> asks for this file's hashes (use it on the smaller file).
/// </summary>
public sealed record DatasetScanRequest(
    string FilePath,
    string DisplayPath,
    DatasetRole Role,
    IReadOnlyList<ValuePath> RequiredItemPaths,
    IReadOnlySet<ulong>? PromptHashesToFind = null,
    bool CollectPromptHashes = false);

/// <summary>An <c>item.*</c> path missing from some rows: how many, and the first line numbers (1-based).</summary>
public sealed record MissingKeyReport(ValuePath Path, int MissingCount, IReadOnlyList<int> FirstMissingLines);

/// <summary>The outcome of one streamed pass over a JSONL file.</summary>
public sealed record DatasetReport(
    string DisplayPath,
    long Bytes,
    int RowCount,
    IReadOnlyList<Diagnostic> Diagnostics,
    IReadOnlyList<MissingKeyReport> MissingKeys,
    IReadOnlyList<string> FirstRowKeys,
    IReadOnlySet<ulong> PromptHashes,
    IReadOnlyList<int> LeakedLines);

/// <summary>Streams a JSONL dataset once, line by line, in constant memory (issue: foundation §3, §5).</summary>
public static partial class DatasetScanner
{
    public static DatasetReport Scan(DatasetScanRequest request, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("Implemented by the dataset validation work (Datasets/).");
}
