using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RftInfra.AzureOpenAI;

/// <summary>
/// Settings of a <see cref="FineTuningClient"/> (Azure SDK shape: one immutable options object). Defaults suit the
/// real service; tests shrink the delays and swap the clock.
/// </summary>
public sealed class FineTuningClientOptions
{
    /// <summary>Entra ID scope of the bearer token (docs/service.md §1.2: the v1 spec's scope, accepted by all Azure AI endpoints).</summary>
    public const string DefaultTokenScope = "https://cognitiveservices.azure.com/.default";

    /// <summary>The scope the Foundry SDKs ask for on a project endpoint (docs/foundry.md).</summary>
    public const string FoundryProjectTokenScope = "https://ai.azure.com/.default";

    /// <summary>The dated surface used only where docs/service.md says a field or call exists only there (see <see cref="ApiRoutes"/>).</summary>
    public const string DefaultPreviewApiVersion = "2025-04-01-preview";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public RetrySettings Retry { get; init; } = new();

    /// <summary>Null: <see cref="FoundryProjectTokenScope"/> for a Foundry project endpoint, else <see cref="DefaultTokenScope"/>.</summary>
    public string? TokenScope { get; init; }

    public string PreviewApiVersion { get; init; } = DefaultPreviewApiVersion;

    /// <summary>Files up to this size go in one multipart request; larger ones through the Uploads API in parts.</summary>
    public long MultipartUploadLimitBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Part size for the Uploads API (the service takes at most 64 MB per part).</summary>
    public int UploadPartSizeBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>How often <see cref="FineTuningClient.WaitForFileProcessedAsync"/> asks for the file's status.</summary>
    public TimeSpan FilePollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a file may stay unprocessed before the wait gives up.</summary>
    public TimeSpan FileProcessingTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Request/response lines (method, path, status, try): never headers, bodies or keys.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The HTTP transport (a proxy, or a test handler). Null: a SocketsHttpHandler owned by the client.</summary>
    public HttpMessageHandler? Transport { get; init; }
}

/// <summary>
/// Retry and timeout settings (Azure.Core's defaults in spirit): each try has <see cref="AttemptTimeout"/>; 408, 429,
/// 5xx and connection failures are retried up to <see cref="MaxRetries"/> times with exponential backoff and jitter,
/// never sooner than the service's retry-after hint; the whole call, retries included, ends after <see cref="TotalTimeout"/>.
/// </summary>
public sealed record RetrySettings
{
    public int MaxRetries { get; init; } = 5;

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(0.8);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Per-try timeout of file and part uploads (a multipart body of up to the multipart limit).</summary>
    public TimeSpan UploadAttemptTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
