namespace RftInfra.AzureOpenAI;

/// <summary>One HTTP call's method and address; <see cref="Display"/> (method and path, no host) names it in errors and logs.</summary>
internal sealed record ApiRoute(HttpMethod Method, Uri Uri)
{
    public string Display => $"{Method} {Uri.AbsolutePath}";
}

/// <summary>
/// The one place that decides which Azure OpenAI surface each call uses (docs/service.md §1.1). Everything goes to the
/// GA <c>/openai/v1/</c> surface, except what docs/service.md documents only on the dated
/// <c>2025-04-01-preview</c> surface; each such entry says why. Changing a surface means changing one line here.
/// </summary>
internal sealed partial class ApiRoutes
{
    private readonly string _root;
    private readonly string _previewVersion;

    /// <param name="endpoint">The resource endpoint, e.g. <c>https://myres.openai.azure.com/</c>, or a Foundry project
    /// endpoint, <c>https://myres.services.ai.azure.com/api/projects/myproject</c>; a trailing <c>openai/v1/</c> or
    /// <c>openai/</c> is accepted and stripped.</param>
    public ApiRoutes(Uri endpoint, string previewVersion)
    {
        var root = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        foreach (var suffix in new[] { "/openai/v1", "/openai" })
        {
            if (root.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                root = root[..^suffix.Length];
                break;
            }
        }

        _root = root;
        _previewVersion = previewVersion;
        IsFoundryProject = FoundryProjectPath().IsMatch(new Uri(root + "/").AbsolutePath);
    }

    /// <summary>
    /// True for a Foundry project endpoint (<c>…/api/projects/{project}</c>, docs/foundry.md). Project endpoints refuse
    /// dated <c>api-version</c> values (docs/service.md §1.1), so every call goes to the project's <c>openai/v1/</c>
    /// surface there, including the ones an account sends to the dated surface (see <see cref="Dated"/>).
    /// </summary>
    public bool IsFoundryProject { get; }

    // ---- Files: upload, list, get, delete and content are all on v1 (docs/service.md §1.3).
    public ApiRoute UploadFile() => V1(HttpMethod.Post, "files");

    public ApiRoute ListFiles(string? purpose, string? after, int? limit) =>
        V1(HttpMethod.Get, "files", ("purpose", purpose), ("after", after), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public ApiRoute GetFile(string fileId) => V1(HttpMethod.Get, $"files/{Esc(fileId)}");

    public ApiRoute DeleteFile(string fileId) => V1(HttpMethod.Delete, $"files/{Esc(fileId)}");

    // Import from a URL: documented only on 2025-04-01-preview; v1 availability unconfirmed (§1.3).
    public ApiRoute ImportFile() => Dated(HttpMethod.Post, "files/import");

    // ---- Large-file Uploads API: documented only on 2025-04-01-preview; the v1 path is unconfirmed (§1.4).
    public ApiRoute CreateUpload() => Dated(HttpMethod.Post, "uploads");

    public ApiRoute AddUploadPart(string uploadId) => Dated(HttpMethod.Post, $"uploads/{Esc(uploadId)}/parts");

    public ApiRoute CompleteUpload(string uploadId) => Dated(HttpMethod.Post, $"uploads/{Esc(uploadId)}/complete");

    public ApiRoute CancelUpload(string uploadId) => Dated(HttpMethod.Post, $"uploads/{Esc(uploadId)}/cancel");

    // ---- Jobs (§1.5).
    // Create: v1, except that the Azure-only `trainingType` is documented only on the dated create (§2.4), so a
    // create that carries it goes there.
    public ApiRoute CreateJob(bool withTrainingType) =>
        withTrainingType ? Dated(HttpMethod.Post, "fine_tuning/jobs") : V1(HttpMethod.Post, "fine_tuning/jobs");

    // List: v1. The `metadata[k]=v` filter is OpenAI-documented and unconfirmed on Azure (§9.1): it is sent, and
    // the client filters the answer locally as well, so a service that ignores it still gives the right jobs.
    public ApiRoute ListJobs(string? after, int? limit, IReadOnlyDictionary<string, string>? metadata)
    {
        var query = new List<(string, string?)> { ("after", after), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            query.Add(($"metadata[{key}]", value));
        }

        return V1(HttpMethod.Get, "fine_tuning/jobs", [.. query]);
    }

    public ApiRoute GetJob(string jobId) => V1(HttpMethod.Get, $"fine_tuning/jobs/{Esc(jobId)}");

    public ApiRoute CancelJob(string jobId) => V1(HttpMethod.Post, $"fine_tuning/jobs/{Esc(jobId)}/cancel");

    public ApiRoute PauseJob(string jobId) => V1(HttpMethod.Post, $"fine_tuning/jobs/{Esc(jobId)}/pause");

    public ApiRoute ResumeJob(string jobId) => V1(HttpMethod.Post, $"fine_tuning/jobs/{Esc(jobId)}/resume");

    // Events and checkpoints: GET per the specs (Learn's REST samples showing POST are wrong, §1.5).
    public ApiRoute ListJobEvents(string jobId, string? after, int? limit) =>
        V1(HttpMethod.Get, $"fine_tuning/jobs/{Esc(jobId)}/events", ("after", after), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public ApiRoute ListJobCheckpoints(string jobId, string? after, int? limit) =>
        V1(HttpMethod.Get, $"fine_tuning/jobs/{Esc(jobId)}/checkpoints", ("after", after), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    // Delete job: Azure-only and documented only on the dated surface (§1.5).
    public ApiRoute DeleteJob(string jobId) => Dated(HttpMethod.Delete, $"fine_tuning/jobs/{Esc(jobId)}");

    // ---- Graders (alpha): v1 only; a dated path is unconfirmed (§1.6).
    public ApiRoute ValidateGrader() => V1(HttpMethod.Post, "fine_tuning/alpha/graders/validate");

    public ApiRoute RunGrader() => V1(HttpMethod.Post, "fine_tuning/alpha/graders/run");

    private ApiRoute V1(HttpMethod method, string path, params (string Key, string? Value)[] query) =>
        new(method, Build($"{_root}/openai/v1/{path}", query));

    // On a project endpoint the dated surface is not there: the same path on its v1 surface (inferred from the OpenAI
    // shape the v1 surface copies: /v1/uploads, trainingType in the v1 create body; docs/foundry.md).
    private ApiRoute Dated(HttpMethod method, string path, params (string Key, string? Value)[] query) =>
        IsFoundryProject
            ? V1(method, path, query)
            : new(method, Build($"{_root}/openai/{path}", [("api-version", _previewVersion), .. query]));

    private static Uri Build(string path, (string Key, string? Value)[] query)
    {
        var parts = query
            .Where(q => q.Value is not null)
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value!)}")
            .ToList();
        return new Uri(parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}");
    }

    private static string Esc(string id) => Uri.EscapeDataString(id);

    /// <summary>The path of a project endpoint: <c>/api/projects/{project}</c> (one segment, nothing after it).</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^/api/projects/[^/]+/$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex FoundryProjectPath();
}
