using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace RftInfra.AzureOpenAI;

/// <summary>Files and the Uploads API: multipart and in-part uploads, import, processing wait, delete.</summary>
public sealed partial class FineTuningClient
{
    /// <summary>
    /// Uploads a JSONL file for fine-tuning: one multipart request up to
    /// <see cref="FineTuningClientOptions.MultipartUploadLimitBytes"/>, the Uploads API in parts above it.
    /// Returns the file as the service created it (usually not processed yet: see <see cref="WaitForFileProcessedAsync"/>).
    /// A lost answer is reported with <see cref="RftServiceException.MayHaveBeenApplied"/>, never retried blindly.
    /// </summary>
    public async Task<FileObject> UploadFileAsync(
        string filePath, string? filename = null, string purpose = "fine-tune", CancellationToken cancellationToken = default)
    {
        filename ??= Path.GetFileName(filePath);
        var size = new FileInfo(filePath).Length;
        if (size > Options.MultipartUploadLimitBytes)
        {
            return await UploadInPartsAsync(filePath, filename, purpose, size, cancellationToken).ConfigureAwait(false);
        }

        var bytes = await File.ReadAllBytesAsync(filePath, cancellationToken).ConfigureAwait(false);
        return await SendAsync<FileObject>(
            _routes.UploadFile(),
            () =>
            {
                var form = new MultipartFormDataContent { { new StringContent(purpose), "purpose" } };
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(file, "file", filename);
                return form;
            },
            $"file {filename}", CallKind.WriteOnceUpload, cancellationToken).ConfigureAwait(false);
    }

    public Task<FileObject> GetFileAsync(string fileId, CancellationToken cancellationToken = default) =>
        SendAsync<FileObject>(_routes.GetFile(fileId), null, $"file {fileId}", CallKind.Repeatable, cancellationToken);

    public Task<Page<FileObject>> ListFilesAsync(
        string? purpose = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<FileObject>>(_routes.ListFiles(purpose, after, limit), null, "files", CallKind.Repeatable, cancellationToken);

    /// <summary>Every file (all pages), in the service's order.</summary>
    public IAsyncEnumerable<FileObject> GetAllFilesAsync(string? purpose = null, CancellationToken cancellationToken = default) =>
        PageAllAsync((after, ct) => ListFilesAsync(purpose, after, limit: null, ct), f => f.Id, cancellationToken);

    /// <summary>Deletes a file; true if deleted, false if it was already gone (404).</summary>
    public async Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        try
        {
            using var _ = await SendRawAsync(_routes.DeleteFile(fileId), null, $"file {fileId}", CallKind.Repeatable, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RftServiceException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Imports a file from a URL (e.g. a blob SAS URL) on the dated preview surface.</summary>
    public Task<FileObject> ImportFileAsync(
        Uri contentUrl, string filename, string purpose = "fine-tune", CancellationToken cancellationToken = default) =>
        SendAsync<FileObject>(
            _routes.ImportFile(),
            () => Json(new JsonObject { ["content_url"] = contentUrl.ToString(), ["filename"] = filename, ["purpose"] = purpose }),
            $"file {filename}", CallKind.WriteOnce, cancellationToken);

    /// <summary>
    /// Polls the file every <see cref="FineTuningClientOptions.FilePollInterval"/> (on the options' clock) until it
    /// is <c>processed</c>; fails clearly when it ends in <c>error</c>, disappears, or is still not processed after
    /// <see cref="FineTuningClientOptions.FileProcessingTimeout"/>.
    /// </summary>
    public async Task<FileObject> WaitForFileProcessedAsync(string fileId, CancellationToken cancellationToken = default)
    {
        var clock = Options.TimeProvider;
        var deadline = clock.GetUtcNow() + Options.FileProcessingTimeout;
        var route = _routes.GetFile(fileId);
        while (true)
        {
            var file = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
            if (file.IsProcessed)
            {
                return file;
            }

            if (file.IsFailed || file.IsGone)
            {
                var details = string.IsNullOrWhiteSpace(file.StatusDetails) ? "no details given" : file.StatusDetails;
                throw Fail(new RftServiceException(
                    $"File {fileId} ({file.Filename}) ended in status '{file.Status}' instead of 'processed': {details}. " +
                    "Fix the data (run `rft validate`) and upload it again.",
                    route.Display, $"file {fileId}", 200, "file_" + file.Status.ToLowerInvariant(), null, file.StatusDetails));
            }

            if (clock.GetUtcNow() >= deadline)
            {
                throw Fail(new RftServiceException(
                    $"File {fileId} ({file.Filename}) is still '{file.Status}' after {Options.FileProcessingTimeout}. " +
                    "The service is slow to import it: try again later, or raise FineTuningClientOptions.FileProcessingTimeout.",
                    route.Display, $"file {fileId}", 200, "file_processing_timeout"));
            }

            await Task.Delay(Options.FilePollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- large-file Uploads API (docs/service.md §1.4)

    public Task<UploadObject> CreateUploadAsync(
        string filename, long bytes, string purpose = "fine-tune", string mimeType = "application/jsonl",
        CancellationToken cancellationToken = default) =>
        // Repeatable: a duplicate pending upload holds no file and expires on its own.
        SendAsync<UploadObject>(
            _routes.CreateUpload(),
            () => Json(new JsonObject { ["bytes"] = bytes, ["filename"] = filename, ["mime_type"] = mimeType, ["purpose"] = purpose }),
            $"upload of {filename}", CallKind.Repeatable, cancellationToken);

    public Task<UploadPart> AddUploadPartAsync(string uploadId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        // Repeatable: a duplicate part is simply not listed in the complete call.
        SendAsync<UploadPart>(
            _routes.AddUploadPart(uploadId),
            () =>
            {
                var form = new MultipartFormDataContent();
                var part = new ReadOnlyMemoryContent(data);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "data", "part");
                return form;
            },
            $"upload {uploadId}", CallKind.RepeatableUpload, cancellationToken);

    public Task<UploadObject> CompleteUploadAsync(
        string uploadId, IReadOnlyList<string> partIds, CancellationToken cancellationToken = default) =>
        SendAsync<UploadObject>(
            _routes.CompleteUpload(uploadId),
            () => Json(new JsonObject { ["part_ids"] = new JsonArray([.. partIds.Select(p => (JsonNode)p)]) }),
            $"upload {uploadId}", CallKind.WriteOnce, cancellationToken);

    public Task<UploadObject> CancelUploadAsync(string uploadId, CancellationToken cancellationToken = default) =>
        SendAsync<UploadObject>(_routes.CancelUpload(uploadId), () => Json(new JsonObject()), $"upload {uploadId}", CallKind.Repeatable, cancellationToken);

    private async Task<FileObject> UploadInPartsAsync(
        string filePath, string filename, string purpose, long size, CancellationToken cancellationToken)
    {
        var upload = await CreateUploadAsync(filename, size, purpose, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var partIds = new List<string>();
            var buffer = new byte[(int)Math.Min(Math.Max(1, Options.UploadPartSizeBytes), size)];
            await using var stream = File.OpenRead(filePath);
            int read;
            while ((read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var part = await AddUploadPartAsync(upload.Id, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                partIds.Add(part.Id);
            }

            var completed = await CompleteUploadAsync(upload.Id, partIds, cancellationToken).ConfigureAwait(false);
            return completed.File ?? throw Fail(new RftServiceException(
                $"The service completed upload {upload.Id} of {filename} but its answer names no file (field 'file' missing).",
                _routes.CompleteUpload(upload.Id).Display, $"upload {upload.Id}", 200, "invalid_response"));
        }
        catch (RftServiceException e) when (!e.MayHaveBeenApplied)
        {
            // Nothing was created: release the pending upload (best effort; it expires on its own anyway).
            await TryCancelUploadAsync(upload.Id).ConfigureAwait(false);
            throw;
        }
    }

    private async Task TryCancelUploadAsync(string uploadId)
    {
        try
        {
            await CancelUploadAsync(uploadId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RftServiceException)
        {
            // Best effort only.
        }
    }
}
