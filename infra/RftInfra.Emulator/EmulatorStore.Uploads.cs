using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Emulator;

/// <summary>The uploads API for large files: create, add parts, complete into a file, cancel.</summary>
internal sealed partial class EmulatorStore
{
    private const long MaxUploadBytes = 9L * 1024 * 1024 * 1024;

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
