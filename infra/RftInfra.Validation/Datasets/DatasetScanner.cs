using RftInfra.Diagnostics;
using RftInfra.Files;
using RftInfra.Templates;

namespace RftInfra.Datasets;

public enum DatasetRole
{
    Training,
    Validation,
}

/// <summary>
/// What to scan: the file, the path shown in findings, its role, and the <c>item.*</c> paths the grader reads
/// (each must exist in every row). <see cref="PromptsToFind"/> are the other file's prompts, for the leakage check;
/// <see cref="CollectPrompts"/> asks for this file's prompts (use it on the smaller file: its rows are hashed in full).
/// </summary>
public sealed record DatasetScanRequest(
    string FilePath,
    string DisplayPath,
    DatasetRole Role,
    IReadOnlyList<ValuePath> RequiredItemPaths,
    PromptSet? PromptsToFind = null,
    bool CollectPrompts = false,
    IProgress<RftInfra.Progress.WorkProgress>? Progress = null);

/// <summary>
/// The prompts of one file for the leakage check: each row's full prompt hash, and its cheap fingerprint, which
/// decides whether a row of the other file is worth hashing in full (see <see cref="RowPrompt"/>).
/// </summary>
public sealed record PromptSet(IReadOnlySet<ulong> Fingerprints, IReadOnlySet<ulong> Hashes)
{
    public static readonly PromptSet Empty = new(new HashSet<ulong>(), new HashSet<ulong>());
}

/// <summary>An <c>item.*</c> path missing from some rows: how many, and the first line numbers (1-based).</summary>
public sealed record MissingKeyReport(ValuePath Path, int MissingCount, IReadOnlyList<int> FirstMissingLines);

/// <summary>
/// The outcome of one streamed pass over a JSONL file. <see cref="RowCount"/> counts non-blank lines (what the
/// service would count as examples, valid or not). <see cref="MissingKeys"/> lists only paths missing from at
/// least one parsed row. <see cref="LeakedLines"/> holds the first <see cref="MaxLeakedLines"/> leaked rows;
/// <see cref="LeakedCount"/> counts them all.
/// </summary>
public sealed record DatasetReport(
    string DisplayPath,
    long Bytes,
    int RowCount,
    IReadOnlyList<Diagnostic> Diagnostics,
    IReadOnlyList<MissingKeyReport> MissingKeys,
    IReadOnlyList<string> FirstRowKeys,
    PromptSet Prompts,
    IReadOnlyList<int> LeakedLines)
{
    public const int MaxLeakedLines = 1000;

    public int LeakedCount { get; init; }
}

/// <summary>Streams a JSONL dataset once, line by line, in constant memory (issue: foundation §3, §5).</summary>
public static partial class DatasetScanner
{
    /// <summary>Nesting deeper than this is a finding (System.Text.Json's default limit).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Checks every row (JSONL syntax, RFT row shape, the grader's <c>item.*</c> paths) in one pass. Never throws
    /// for bad content or a missing file: those are findings in the report. Honours cancellation.
    /// </summary>
    public static DatasetReport Scan(DatasetScanRequest request, CancellationToken cancellationToken = default) =>
        Scan(request, JsonlLineReader.DefaultMaxLineBytes, cancellationToken);

    internal static DatasetReport Scan(DatasetScanRequest request, int maxLineBytes, CancellationToken cancellationToken)
    {
        var scan = new DatasetScan(request);
        long bytes = 0;
        try
        {
            // A FIFO or a device is never opened (open would block, or reading never end); size is the caller's cap.
            if (CheckoutFile.Check(request.FilePath, root: null, long.MaxValue, out var problem) is not { } file)
            {
                scan.AddUnreadable(problem!.Kind == FileRefusal.Missing ? "the file does not exist." : problem.Message);
                return scan.ToReport(0);
            }

            bytes = file.Length;
            using var lines = new JsonlLineReader(CheckoutFile.OpenRead(file), maxLineBytes);
            scan.Run(lines, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            scan.AddUnreadable("the file does not exist.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            scan.AddUnreadable(ex.Message);
        }

        return scan.ToReport(bytes);
    }

    /// <summary>Scans a stream (tests, or data that is not a file); the stream is disposed.</summary>
    internal static DatasetReport Scan(
        Stream stream, DatasetScanRequest request, int maxLineBytes = JsonlLineReader.DefaultMaxLineBytes,
        CancellationToken cancellationToken = default)
    {
        var scan = new DatasetScan(request);
        long bytes;
        using (var lines = new JsonlLineReader(stream, maxLineBytes))
        {
            bytes = stream.CanSeek ? stream.Length : 0;
            scan.Run(lines, cancellationToken);
        }

        return scan.ToReport(bytes);
    }
}
