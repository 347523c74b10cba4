using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace RftInfra.Emulator;

/// <summary>
/// The emulated resource: files, uploads and jobs behind one lock. Every operation first brings file processing
/// and job progression up to the <see cref="TimeProvider"/>'s now; any change is committed to the state database
/// before the answer. A change that cannot be committed is undone (the state is read back from the database) and
/// answered with an error, so an answer never reports a change that was not kept, nor an error for one that was.
/// Handlers get records back or an <see cref="EmulatorException"/>.
/// </summary>
internal sealed partial class EmulatorStore : IDisposable
{
    private static readonly HashSet<string> Purposes =
        ["assistants", "assistants_output", "batch", "batch_output", "fine-tune", "fine-tune-results", "evals"];

    private const long MaxUploadBytes = 9L * 1024 * 1024 * 1024;
    private const long MinExpirySeconds = 1_209_600;
    private const long MaxExpirySeconds = 2_592_000;

    private readonly object _gate = new();
    private readonly EmulatorOptions _options;
    private readonly EmulatorDatabase _database;
    private EmulatorState _state;

    /// <summary>Set when the state could not even be read back after a failed commit: every call fails until restart.</summary>
    private bool _broken;

    public EmulatorStore(EmulatorOptions options)
    {
        _options = options;
        _database = EmulatorDatabase.Open(options.StatePath);
        try
        {
            _state = _database.Load();
        }
        catch
        {
            _database.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _database.Dispose();
        }
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Runs <paramref name="operation"/> under the lock after catching up with the clock, and commits any change
    /// (progression made before a refused request is kept too) before returning.
    /// </summary>
    private T Locked<T>(Func<T> operation, bool mutates)
    {
        lock (_gate)
        {
            if (_broken)
            {
                throw EmulatorErrors.NotSaved();
            }

            try
            {
                var changed = CatchUp();
                T result;
                try
                {
                    result = operation();
                }
                catch (EmulatorException) when (changed)
                {
                    Commit();
                    throw;
                }

                if (changed || mutates)
                {
                    Commit();
                }

                return result;
            }
            catch (Exception e) when (e is not EmulatorException)
            {
                // An unexpected failure may have left memory half-changed: go back to what was committed.
                Revert();
                throw;
            }
        }
    }

    private void Commit()
    {
        try
        {
            _database.Commit(_state);
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
        {
            Revert();
            throw EmulatorErrors.NotSaved();
        }
    }

    private void Revert()
    {
        try
        {
            _state = _database.Load();
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidDataException)
        {
            // Memory may no longer match the database: refuse every call rather than answer from it.
            _broken = true;
        }
    }

    /// <summary>Files finish processing, expired files and uploads go, jobs progress. True when anything changed.</summary>
    private bool CatchUp()
    {
        var now = Now;
        var changed = false;
        foreach (var file in _state.Files.Where(f => f.Status == "pending" && f.ReadyAt <= now))
        {
            file.Status = file.FinalStatus;
            changed = true;
        }

        changed |= _state.Files.RemoveAll(f => f.ExpiresAt is { } expires && expires <= now) > 0;
        foreach (var upload in _state.Uploads.Where(u => u.Status == "pending" && u.ExpiresAt <= now))
        {
            upload.Status = "expired";
            upload.Parts.Clear();
            changed = true;
        }

        return AdvanceJobs(now) | changed;
    }

    // ---- files ----

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

    /// <summary>The resource's file quota (rft-api.md §1.3): a number of files and a total size, every purpose counted.</summary>
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

    /// <summary>Cursor paging: the items after the one with id <paramref name="after"/> (all when null).</summary>
    private static (IReadOnlyList<T> Page, bool HasMore) Page<T>(List<T> ordered, Func<T, string> id, string? after, int limit)
    {
        var start = 0;
        if (after is not null)
        {
            var index = ordered.FindIndex(item => id(item) == after);
            start = index < 0 ? ordered.Count : index + 1;
        }

        var page = ordered.Skip(start).Take(limit).ToList();
        return (page, start + page.Count < ordered.Count);
    }

    // ---- uploads (large files) ----

    public UploadRecord CreateUpload(JsonObject body) => Locked(() =>
    {
        var filename = RequiredString(body, "filename");
        var purpose = RequiredString(body, "purpose");
        var mimeType = RequiredString(body, "mime_type");
        if (body["bytes"] is not JsonValue bytesValue || !bytesValue.TryGetValue<long>(out var bytes) || bytes <= 0)
        {
            throw EmulatorErrors.InvalidPayload("'bytes' must be the positive total size of the file in bytes.", "bytes");
        }

        if (bytes > MaxUploadBytes || bytes > _options.MaxFileBytes)
        {
            throw EmulatorErrors.InvalidPayload(
                $"'bytes' is {bytes}; the limit is {Math.Min(MaxUploadBytes, _options.MaxFileBytes)} bytes.", "bytes");
        }

        if (!Purposes.Contains(purpose))
        {
            throw EmulatorErrors.InvalidPayload($"'{purpose}' is not a valid purpose (fine-tuning data: fine-tune).", "purpose");
        }

        var now = Now;
        var upload = new UploadRecord
        {
            Id = NewId("upload-"),
            Filename = filename,
            Purpose = purpose,
            MimeType = mimeType,
            Bytes = bytes,
            CreatedAt = now,
            ExpiresAt = now.AddHours(2),
        };
        _state.Uploads.Add(upload);
        return upload;
    }, mutates: true);

    public (UploadRecord Upload, UploadPartRecord Part) AddUploadPart(string uploadId, byte[] data) => Locked(() =>
    {
        var upload = PendingUpload(uploadId);
        if (data.Length == 0)
        {
            throw EmulatorErrors.InvalidPayload("The part is empty; send its bytes in the multipart field 'data'.", "data");
        }

        if (upload.Parts.Sum(p => p.Bytes) + data.Length > upload.Bytes)
        {
            throw EmulatorErrors.InvalidPayload(
                $"The parts would exceed the {upload.Bytes} bytes declared when the upload was created.", "data");
        }

        var part = new UploadPartRecord
        {
            Id = NewId("part-"),
            CreatedAt = Now,
            AzureBlockId = Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
            Bytes = data.LongLength,
        };
        upload.Parts.Add(part);
        _database.Stage(part.Id, data);
        return (upload, part);
    }, mutates: true);

    public UploadRecord CompleteUpload(string uploadId, JsonObject body) => Locked(() =>
    {
        var upload = PendingUpload(uploadId);
        if (body["part_ids"] is not JsonArray partIds || partIds.Count == 0)
        {
            throw EmulatorErrors.MissingField("part_ids");
        }

        var content = new MemoryStream();
        foreach (var partId in partIds.Select(p => p?.GetValueKind() == JsonValueKind.String ? p.GetValue<string>() : ""))
        {
            var part = upload.Parts.FirstOrDefault(p => p.Id == partId)
                ?? throw EmulatorErrors.InvalidPayload($"Part '{partId}' is not part of upload '{uploadId}'.", "part_ids");
            content.Write(_database.PartData(part.Id));
        }

        if (content.Length != upload.Bytes)
        {
            throw EmulatorErrors.InvalidPayload(
                $"The parts hold {content.Length} bytes but the upload declared {upload.Bytes}. Send every part, then complete.",
                "part_ids");
        }

        var bytes = content.ToArray();
        if (body["md5"] is JsonValue md5Value && md5Value.TryGetValue<string>(out var md5) && md5.Length > 0
            && !string.Equals(md5, Convert.ToHexStringLower(MD5.HashData(bytes)), StringComparison.OrdinalIgnoreCase))
        {
            throw EmulatorErrors.InvalidPayload("The md5 checksum does not match the uploaded bytes.", "md5");
        }

        var file = AddFile(upload.Filename, upload.Purpose, bytes, null);
        upload.Status = "completed";
        upload.FileId = file.Id;
        upload.Parts.Clear();
        return upload;
    }, mutates: true);

    public UploadRecord CancelUpload(string uploadId) => Locked(() =>
    {
        var upload = PendingUpload(uploadId);
        upload.Status = "cancelled";
        upload.Parts.Clear();
        return upload;
    }, mutates: true);

    public FileRecord? FindFileOrNull(string? id) => id is null ? null : _state.Files.FirstOrDefault(f => f.Id == id);

    private UploadRecord PendingUpload(string uploadId)
    {
        var upload = _state.Uploads.FirstOrDefault(u => u.Id == uploadId) ?? throw EmulatorErrors.NotFound("upload", uploadId);
        if (upload.Status != "pending")
        {
            throw EmulatorErrors.BadState($"Upload '{uploadId}' is {upload.Status}; only a pending upload takes parts, completes or cancels.");
        }

        return upload;
    }

    private static string RequiredString(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw EmulatorErrors.MissingField(name);
}
