using System.Text.Unicode;
using RftInfra.Diagnostics;

namespace RftInfra.Files;

/// <summary>Why a checkout file was not read.</summary>
public enum FileRefusal
{
    /// <summary>No such file.</summary>
    Missing,

    /// <summary>A directory, FIFO, device or socket: only regular files are read.</summary>
    NotRegular,

    /// <summary>The path, or a symbolic link on the way, leads outside the root.</summary>
    OutsideRoot,

    /// <summary>Larger than the reader's cap (checked before reading).</summary>
    TooLarge,

    /// <summary>The operating system refused (permissions, a link loop, an I/O error).</summary>
    Unreadable,

    /// <summary>Not valid UTF-8 (text readers only); <see cref="FileProblem.Position"/> names the first bad byte.</summary>
    InvalidUtf8,
}

/// <summary>A file that was not read, and why, in words a finding can carry.</summary>
public sealed record FileProblem(FileRefusal Kind, string Message, SourcePosition Position)
{
    public FileProblem(FileRefusal kind, string message)
        : this(kind, message, SourcePosition.None)
    {
    }
}

/// <summary>A regular file inside the root whose size was under the cap when checked: <see cref="FullPath"/> has no links left.</summary>
public sealed record CheckedFile(string FullPath, long Length);

/// <summary>
/// The one way Core opens a file of a checkout (declarations, sidecar tests, datasets, the catalog, stack files):
/// the path is resolved through every symbolic link and must stay inside the root; the final file must be a
/// regular file (never a FIFO, which would block on open, or a device such as /dev/zero, which never ends); its
/// size is checked against the caller's cap before a byte is read, and no more than the cap is ever read.
/// Limits are listed in docs/limits.md.
/// </summary>
public static class CheckoutFile
{
    /// <summary>Job and grader declarations, stack files and the catalog.</summary>
    public const long DeclarationMaxBytes = 1024 * 1024;

    /// <summary>Grader sidecar tests (<c>graders/&lt;name&gt;.tests.jsonl</c>) and grade's JSONL inputs.</summary>
    public const long SidecarMaxBytes = 8 * 1024 * 1024;

    /// <summary>Files other tools generate for the CLI: <c>pulumi preview --json</c>, <c>pulumi stack output --json</c>.</summary>
    public const long GeneratedInputMaxBytes = 64 * 1024 * 1024;

    /// <summary>Linux's own limit on links followed while resolving one path (ELOOP).</summary>
    public const int MaxLinkHops = 40;

    public const string LimitsDoc = "docs/limits.md";

    /// <summary>
    /// Checks <paramref name="path"/> without opening it. <paramref name="root"/> null means "any place" (a file
    /// named on the command line); the file type and size are checked either way.
    /// </summary>
    public static CheckedFile? Check(string path, string? root, long maxBytes, out FileProblem? problem)
    {
        problem = null;
        string resolved;
        try
        {
            resolved = ResolveLinks(Path.GetFullPath(path));
            if (root is not null && !IsInside(resolved, ResolveLinks(Path.GetFullPath(root))))
            {
                problem = new FileProblem(FileRefusal.OutsideRoot,
                    "it lies outside the repository (a '..' path or a symbolic link leading out); only files inside the checkout are read.");
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = new FileProblem(FileRefusal.Unreadable, e.Message);
            return null;
        }

        var type = FileTypes.Of(resolved);
        var info = new FileInfo(resolved);
        if (type == FileType.Directory || (!info.Exists && Directory.Exists(resolved)))
        {
            problem = new FileProblem(FileRefusal.NotRegular, "it is a directory, not a file.");
            return null;
        }

        if (type == FileType.Missing || !info.Exists)
        {
            problem = new FileProblem(FileRefusal.Missing, "the file does not exist.");
            return null;
        }

        if (type is not (FileType.Regular or FileType.Unknown))
        {
            problem = new FileProblem(FileRefusal.NotRegular,
                $"it is a {FileTypes.Describe(type)}, not a regular file; it is not opened (reading it could block or never end).");
            return null;
        }

        if (info.Length > maxBytes)
        {
            problem = TooLarge(info.Length, maxBytes);
            return null;
        }

        return new CheckedFile(resolved, info.Length);
    }

    /// <summary>Opens a checked file; a file of length 0 is not opened at all (FIFOs and devices report 0 where the type is unknown).</summary>
    public static Stream OpenRead(CheckedFile file) =>
        file.Length == 0
            ? new MemoryStream([], writable: false)
            : new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    /// <summary>Reads at most <paramref name="maxBytes"/> bytes of a checked file (a file that grew since is refused).</summary>
    public static byte[]? ReadBytes(string path, string? root, long maxBytes, out FileProblem? problem)
    {
        if (Check(path, root, maxBytes, out problem) is not { } file)
        {
            return null;
        }

        try
        {
            using var stream = OpenRead(file);
            var buffer = new byte[Math.Min(file.Length + 1, maxBytes + 1)];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            if (total > maxBytes)
            {
                problem = TooLarge(total, maxBytes);
                return null;
            }

            return total == buffer.Length ? buffer : buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = new FileProblem(FileRefusal.Unreadable, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Reads a checked file as strict UTF-8 (a leading byte-order mark dropped): invalid bytes are a
    /// <see cref="FileRefusal.InvalidUtf8"/> problem naming line and column, never silently U+FFFD.
    /// </summary>
    public static string? ReadText(string path, string? root, long maxBytes, out FileProblem? problem)
    {
        var bytes = ReadBytes(path, root, maxBytes, out problem);
        return bytes is null ? null : DecodeStrict(bytes, out problem);
    }

    /// <summary>Strict UTF-8 decoding; null and a problem with the first invalid byte's line and column otherwise.</summary>
    public static string? DecodeStrict(ReadOnlySpan<byte> bytes, out FileProblem? problem)
    {
        problem = null;
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == System.Buffers.OperationStatus.Done)
        {
            return new string(chars, 0, written);
        }

        var before = bytes[..read];
        var line = before.Count((byte)'\n') + 1;
        var column = read - (before.LastIndexOf((byte)'\n') + 1) + 1;
        problem = new FileProblem(FileRefusal.InvalidUtf8,
            $"byte 0x{bytes[read]:X2} at line {line}, column {column} is not valid UTF-8.", new SourcePosition(line, column));
        return null;
    }

    private static FileProblem TooLarge(long bytes, long maxBytes) =>
        new(FileRefusal.TooLarge, $"it is {bytes:N0} bytes; files of this kind are read only up to {maxBytes:N0} bytes.");

    private static bool IsInside(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        root = Path.TrimEndingDirectorySeparator(root);
        return path.Equals(root, comparison)
            || (path.StartsWith(root, comparison) && path.Length > root.Length && path[root.Length] is '/' or '\\');
    }

    /// <summary>
    /// The path with every symbolic link resolved, component by component (like realpath(3)): a link inside the
    /// checkout to /dev/zero or to /etc resolves to where it really leads. Missing components are kept as they are.
    /// </summary>
    internal static string ResolveLinks(string fullPath)
    {
        var rootPart = Path.GetPathRoot(fullPath) ?? "/";
        var current = rootPart;
        var remaining = new List<string>(Split(fullPath[rootPart.Length..]));
        var hops = 0;
        for (var i = 0; i < remaining.Count; i++)
        {
            var part = remaining[i];
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"more than {MaxLinkHops} symbolic links on the way to {fullPath}.");
            }

            var rest = remaining.Skip(i + 1).ToList();
            var targetPath = Path.IsPathRooted(target) ? target : Path.Join(current, target);
            var targetRoot = Path.GetPathRoot(targetPath) ?? rootPart;
            current = targetRoot;
            remaining = [.. Split(targetPath[targetRoot.Length..]), .. rest];
            i = -1;
        }

        return current;
    }

    private static string[] Split(string relative) =>
        relative.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
}
