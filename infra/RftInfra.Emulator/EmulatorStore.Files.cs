using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Emulator;

/// <summary>The files API: upload, import check, quota, list, content and delete (docs/service.md §1).</summary>
internal sealed partial class EmulatorStore
{
    private static readonly HashSet<string> Purposes =
        ["assistants", "assistants_output", "batch", "batch_output", "fine-tune", "fine-tune-results", "evals"];
    private const long MinExpirySeconds = 1_209_600;
    private const long MaxExpirySeconds = 2_592_000;

    public FileRecord UploadFile(string filename, string purpose, byte[] content, long? expiresAfterSeconds) =>
        Locked(() => AddFile(filename, purpose, content, expiresAfterSeconds), mutates: true);

    private FileRecord AddFile(string filename, string purpose, byte[] content, long? expiresAfterSeconds)
    {
        if (!Purposes.Contains(purpose))
        {
            throw EmulatorErrors.InvalidPayload(
                $"'{purpose}' is not a valid purpose. Use one of: {string.Join(", ", Purposes.Order())} (fine-tuning data: fine-tune).",
                "purpose");
        }

        if (content.Length == 0)
        {
            throw EmulatorErrors.InvalidPayload($"The file '{filename}' is empty.", "file");
        }

        if (content.LongLength > _options.MaxFileBytes)
        {
            throw EmulatorErrors.InvalidPayload(
                $"The file '{filename}' has {content.LongLength} bytes; the limit is {_options.MaxFileBytes} bytes. Split it or use a smaller dataset.",
                "file");
        }

        if (expiresAfterSeconds is { } seconds && (seconds < MinExpirySeconds || seconds > MaxExpirySeconds))
        {
            throw EmulatorErrors.InvalidPayload(
                $"expires_after[seconds] must be between {MinExpirySeconds} and {MaxExpirySeconds} (14 to 30 days); got {seconds}.",
                "expires_after");
        }

        CheckFileQuota(content.LongLength);

        var now = Now;
        var problem = purpose == "fine-tune" ? JsonlProblem(content) : null;
        var file = new FileRecord
        {
            Id = NewId("file-"),
            Filename = filename,
            Purpose = purpose,
            Bytes = content.LongLength,
            CreatedAt = now,
            ExpiresAt = expiresAfterSeconds is { } s ? now.AddSeconds(s) : null,
            Status = "pending",
            ReadyAt = now + _options.Pace,
            FinalStatus = problem is null ? "processed" : "error",
            StatusDetails = problem,
        };
        _state.Files.Add(file);
        _database.Stage(file.Id, content);
        return file;
    }

    /// <summary>The resource's file quota (docs/service.md §1.3): a number of files and a total size, every purpose counted.</summary>
    private void CheckFileQuota(long bytes)
    {
        if (_state.Files.Count >= _options.MaxFiles)
        {
            throw EmulatorErrors.QuotaExceeded(
                $"The quota for files is reached: the resource has {_state.Files.Count} files and the maximum is {_options.MaxFiles}. Delete files you no longer need.");
        }

        var used = _state.Files.Sum(f => f.Bytes);
        if (used + bytes > _options.MaxTotalFileBytes)
        {
            throw EmulatorErrors.QuotaExceeded(
                $"The quota for file storage is reached: the resource's files hold {used} bytes, this one has {bytes} and the maximum in total is {_options.MaxTotalFileBytes} bytes. Delete files you no longer need.");
        }
    }

    /// <summary>What the service's import check would reject: a line that is not a JSON object.</summary>
    private static string? JsonlProblem(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content).TrimStart('\uFEFF');
        var lineNumber = 0;
        var rows = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(line) is not JsonObject)
                {
                    return $"Invalid file format. Line {lineNumber} is not a JSON object.";
                }
            }
            catch (JsonException)
            {
                return $"Invalid file format. Line {lineNumber} is not valid JSON.";
            }

            rows++;
        }

        return rows == 0 ? "Invalid file format. The file has no JSON lines." : null;
    }

    public FileRecord GetFile(string id) => Locked(() => FindFile(id), mutates: false);

    private FileRecord FindFile(string id) =>
        _state.Files.FirstOrDefault(f => f.Id == id) ?? throw EmulatorErrors.NotFound("file", id);

    public (IReadOnlyList<FileRecord> Page, bool HasMore) ListFiles(string? purpose, string? after, int limit, bool ascending) =>
        Locked(() =>
        {
            var files = _state.Files.Where(f => purpose is null || f.Purpose == purpose);
            var ordered = (ascending ? files : files.Reverse()).ToList();
            return Page(ordered, f => f.Id, after, limit);
        }, mutates: false);

    public FileRecord DeleteFile(string id) => Locked(() =>
    {
        var file = FindFile(id);
        _state.Files.Remove(file);
        return file;
    }, mutates: true);

    public (FileRecord File, byte[] Content) FileContent(string id) => Locked(() =>
    {
        var file = FindFile(id);
        return (file, _database.FileContent(id));
    }, mutates: false);

    public FileRecord? FindFileOrNull(string? id) => id is null ? null : _state.Files.FirstOrDefault(f => f.Id == id);
}
