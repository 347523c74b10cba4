using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.AzureOpenAI;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Files;

namespace RftInfra.Lifecycles;

/// <summary>
/// rft:index:TrainingFile — a JSONL file uploaded once per content hash (docs/pulumi.md, resources).
/// Inputs: <c>source</c> (local path, required), <c>purpose</c> (default fine-tune); Check adds <c>contentHash</c>.
/// Outputs: fileId, contentHash, filename, bytes, status, purpose, source. The id is the service's file id.
/// The content hash is part of the uploaded file name (<c>name.sha256-HASH.jsonl</c>), so an existing upload is
/// found by listing files, never uploaded again, even by another stack or after lost state.
/// </summary>
public sealed partial class TrainingFileLifecycle(FineTuningClient client) : IResourceLifecycle
{
    public const string Token = "rft:index:TrainingFile";
    private const string DefaultPurpose = "fine-tune";

    public string TypeToken => Token;

    public Task<CheckResult> CheckAsync(JsonObject oldInputs, JsonObject newInputs, CancellationToken cancellationToken = default)
    {
        var inputs = Props.Clone(newInputs);
        var diagnostics = new List<Diagnostic>();
        var source = Props.Str(inputs, "source");
        if (string.IsNullOrWhiteSpace(source))
        {
            diagnostics.Add(Props.Error(LifecycleCodes.InputMissing, "source", Token, "Input 'source' (the local JSONL file to upload) is missing.",
                "Name the dataset file, e.g. source: data/capital-train.jsonl."));
        }
        // Checked before hashing: a FIFO or a device would block or never end, a file over the service's limit is refused.
        else if (CheckoutFile.Check(source, root: null, RftCatalog.Default.Limits.FileMaxBytesExclusive - 1, out var problem) is not { } file)
        {
            diagnostics.Add(Props.Error(LifecycleCodes.FileUnreadable, "source", source,
                problem!.Kind == FileRefusal.Missing ? $"The training file '{source}' does not exist." : $"The training file '{source}' is not read: {problem.Message}",
                "Check the path (relative to the directory the program runs in) or commit the file; see docs/limits.md."));
        }
        else
        {
            inputs["contentHash"] = Props.Sha256File(file);
        }

        return Task.FromResult(new CheckResult(inputs, diagnostics));
    }

    public DiffResult Diff(string id, JsonObject oldInputs, JsonObject oldOutputs, JsonObject newInputs)
    {
        var detail = new Dictionary<string, PropertyChangeKind>();
        var oldHash = Props.Str(oldOutputs, "contentHash") ?? Props.Str(oldInputs, "contentHash");
        if (oldHash != HashOf(newInputs))
        {
            detail["contentHash"] = PropertyChangeKind.UpdateReplace;
        }

        if ((Props.Str(oldInputs, "purpose") ?? DefaultPurpose) != (Props.Str(newInputs, "purpose") ?? DefaultPurpose))
        {
            detail["purpose"] = PropertyChangeKind.UpdateReplace;
        }

        if (Props.Str(oldInputs, "source") != Props.Str(newInputs, "source"))
        {
            // Same content under another path: nothing to upload.
            detail["source"] = detail.Count > 0 ? PropertyChangeKind.UpdateReplace : PropertyChangeKind.Update;
        }

        if (detail.Count == 0)
        {
            return DiffResult.NoChange;
        }

        var replaces = detail.Where(d => d.Value == PropertyChangeKind.UpdateReplace).Select(d => d.Key).ToList();
        return new DiffResult(replaces.Count > 0 ? DiffChange.Replace : DiffChange.Update, replaces, detail);
    }

    public async Task<CreateResult> CreateAsync(JsonObject inputs, bool preview, CancellationToken cancellationToken = default)
    {
        var source = Props.Required(inputs, "source", Token);
        var purpose = Props.Str(inputs, "purpose") ?? DefaultPurpose;
        var hash = HashOf(inputs);
        var filename = RemoteName(source, hash);
        if (preview)
        {
            return new CreateResult("", Outputs(source, hash, purpose, file: null, filename));
        }

        FileObject file;
        try
        {
            (file, _) = await FindOrCreate.RunAsync(
                client,
                ct => FindByHashAsync(hash, purpose, ct),
                ct => client.UploadFileAsync(source, filename, purpose, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RftServiceException e) when (e.MayHaveBeenApplied)
        {
            throw new RftServiceException(
                $"Uploading {source} could not be confirmed after {client.Options.Retry.MaxRetries + 1} tries: {e.Message} " +
                "Run again: the next run finds the file by its content hash if the service kept it.",
                e.Operation, $"file {filename}", e.Status, e.ErrorCode, e.Param, e.ServiceMessage, e.Attempts, true, e);
        }

        try
        {
            file = await client.WaitForFileProcessedAsync(file.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (RftServiceException e) when (e.ErrorCode is "file_error")
        {
            // The service refused the content: do not leave the broken upload behind.
            await client.DeleteFileAsync(file.Id, cancellationToken).ConfigureAwait(false);
            throw new RftServiceException(
                $"{source}: the service could not import the file and it was deleted again. {e.Message}",
                e.Operation, $"file {filename}", e.Status, e.ErrorCode, e.Param, e.ServiceMessage, e.Attempts, false, e);
        }

        return new CreateResult(file.Id, Outputs(source, hash, purpose, file, filename));
    }

    public async Task<ReadResult> ReadAsync(string id, JsonObject? inputs, JsonObject? outputs, CancellationToken cancellationToken = default)
    {
        FileObject file;
        try
        {
            file = await client.GetFileAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (RftServiceException e) when (e.Status == 404)
        {
            return new ReadResult(null, inputs ?? [], outputs ?? []);
        }

        if (file.IsGone)
        {
            return new ReadResult(null, inputs ?? [], outputs ?? []);
        }

        var hash = Props.Str(outputs, "contentHash") ?? HashFromRemoteName(file.Filename);
        var source = Props.Str(inputs, "source") ?? Props.Str(outputs, "source");
        var newInputs = inputs is null ? new JsonObject() : Props.Clone(inputs);
        if (inputs is null)
        {
            // Import: what the file tells about itself.
            newInputs["purpose"] = file.Purpose;
            if (hash is not null)
            {
                newInputs["contentHash"] = hash;
            }
        }

        return new ReadResult(file.Id, newInputs, Outputs(source, hash, file.Purpose, file, file.Filename));
    }

    public Task<UpdateResult> UpdateAsync(
        string id, JsonObject oldOutputs, JsonObject newInputs, bool preview, CancellationToken cancellationToken = default)
    {
        // Only the local path changed (content and purpose changes replace): record it, nothing to send.
        var outputs = Props.Clone(oldOutputs);
        outputs["source"] = Props.Str(newInputs, "source");
        return Task.FromResult(new UpdateResult(outputs));
    }

    public async Task DeleteAsync(string id, JsonObject outputs, CancellationToken cancellationToken = default) =>
        await client.DeleteFileAsync(id, cancellationToken).ConfigureAwait(false);

    /// <summary>The uploaded name: the local name with the content hash before the extension.</summary>
    public static string RemoteName(string source, string hash)
    {
        var name = Path.GetFileNameWithoutExtension(source);
        var extension = Path.GetExtension(source);
        return $"{name}.sha256-{hash}{(extension.Length == 0 ? ".jsonl" : extension)}";
    }

    public static string? HashFromRemoteName(string filename) =>
        RemoteHash().Match(filename) is { Success: true } m ? m.Groups[1].Value : null;

    private async Task<FileObject?> FindByHashAsync(string hash, string purpose, CancellationToken cancellationToken)
    {
        FileObject? found = null;
        await foreach (var file in client.GetAllFilesAsync(purpose, cancellationToken).ConfigureAwait(false))
        {
            if (HashFromRemoteName(file.Filename) == hash && !file.IsFailed && !file.IsGone)
            {
                found = file;
                if (file.IsProcessed)
                {
                    break;
                }
            }
        }

        return found;
    }

    private static string HashOf(JsonObject inputs) =>
        Props.Str(inputs, "contentHash") is { Length: 64 } hash
            ? hash
            : Props.Sha256File(Props.Required(inputs, "source", Token));

    private static JsonObject Outputs(string? source, string? hash, string purpose, FileObject? file, string filename) => new()
    {
        ["fileId"] = file?.Id,
        ["contentHash"] = hash,
        ["filename"] = file?.Filename ?? filename,
        ["bytes"] = file?.Bytes,
        ["status"] = file?.Status,
        ["purpose"] = purpose,
        ["source"] = source,
    };

    [GeneratedRegex(@"\.sha256-([0-9a-f]{64})(\.[^.]*)?$")]
    private static partial Regex RemoteHash();
}
