using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace RftInfra.Emulator;

/// <summary>
/// The routes of docs/service.md §1 as minimal APIs: <c>/openai/v1/…</c>, the dated <c>/openai/…?api-version=</c>
/// surface (uploads, jobs with trainingType, job DELETE), graders, chat completions for model graders and embeddings for cosine.
/// </summary>
internal static partial class EmulatorRoutes
{
    /// <summary>The dated version that has RFT, uploads, trainingType and job DELETE (docs/service.md §1.1).</summary>
    public const string FineTuningApiVersion = "2025-04-01-preview";

    /// <summary>A route handler; plain delegates over HttpContext keep start-up cheap (no per-route code generation).</summary>
    private delegate Task<IResult> Handler(HttpContext context);

    public static void Map(WebApplication app, EmulatorStore store, EmulatorOptions options)
    {
        MapFiles(app, "/openai/v1", V1, store, options);
        MapFiles(app, "/openai", Dated, store, options);
        MapUploads(app, "/openai", Dated, store);
        // A project endpoint has no dated surface: its uploads and job DELETE are on its v1 surface (FoundryProjectPaths).
        MapUploads(app, "/openai/v1", ProjectOnly, store);
        MapJobs(app, "/openai/v1", V1, store, ApiSurface.V1);
        MapJobs(app, "/openai", Dated, store, ApiSurface.Dated);
        app.MapDelete("/openai/fine_tuning/jobs/{id}", Dated(context =>
        {
            store.DeleteJob(Id(context));
            return Task.FromResult(Results.NoContent());
        }));
        app.MapDelete("/openai/v1/fine_tuning/jobs/{id}", ProjectOnly(context =>
        {
            store.DeleteJob(Id(context));
            return Task.FromResult(Results.NoContent());
        }));
        MapGraders(app, options.TimeProvider, options.AllowPythonGraders);

        app.MapPost("/openai/deployments/{deployment}/chat/completions", Run(async context =>
        {
            RequireApiVersion(context.Request, minimum: "2024-02-01");
            var deployment = (string)context.Request.RouteValues["deployment"]!;
            var baseModel = options.BaseModels.FirstOrDefault(m => m.Deployment == deployment);
            if (baseModel is null && options.Deployments is { } deployments && !deployments.Contains(deployment))
            {
                throw EmulatorErrors.DeploymentNotFound(deployment);
            }

            var body = await ReadJsonObject(context.Request);
            return Json(baseModel is null
                ? EmulatedGraderModel.Complete(body, deployment, options.TimeProvider.GetUtcNow())
                : EmulatedBaseModel.Complete(body, baseModel, options.TimeProvider.GetUtcNow()));
        }));

        MapEmbeddings(app, options);
        app.MapFallback(Run(_ => throw EmulatorErrors.RouteNotFound()));
    }

    private static RequestDelegate Run(Handler handler) => async context =>
    {
        var result = await handler(context);
        await result.ExecuteAsync(context);
    };

    /// <summary><c>/openai/v1/</c> takes no dated api-version; <c>v1</c> or <c>preview</c> are allowed.</summary>
    private static RequestDelegate V1(Handler handler) => Run(context =>
    {
        var version = context.Request.Query["api-version"].ToString();
        if (version.Length > 0 && version is not ("v1" or "preview"))
        {
            throw EmulatorErrors.ApiVersionNotSupported(version);
        }

        return handler(context);
    });

    private static RequestDelegate Dated(Handler handler) => Run(context =>
    {
        RequireApiVersion(context.Request, FineTuningApiVersion);
        return handler(context);
    });

    /// <summary>A v1 route that only a Foundry project path reaches; on an account's v1 surface it does not exist.</summary>
    private static RequestDelegate ProjectOnly(Handler handler) => Run(context =>
        FoundryProjectPaths.IsProjectRequest(context) ? handler(context) : throw EmulatorErrors.RouteNotFound());

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    private static void MapFiles(
        WebApplication app, string prefix, Func<Handler, RequestDelegate> surface, EmulatorStore store, EmulatorOptions options)
    {
        app.MapPost(prefix + "/files", surface(async context =>
        {
            var request = context.Request;
            if (!request.HasFormContentType)
            {
                throw EmulatorErrors.InvalidPayload("Send multipart/form-data with the fields 'file' and 'purpose'.", "file");
            }

            var form = await ReadForm(request);
            var formFile = form.Files.GetFile("file") ?? throw EmulatorErrors.MissingField("file");
            var purpose = form["purpose"].ToString();
            if (purpose.Length == 0)
            {
                throw EmulatorErrors.MissingField("purpose");
            }

            long? expiresAfter = null;
            if (form.TryGetValue("expires_after[seconds]", out var seconds))
            {
                if (!long.TryParse(seconds.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    throw EmulatorErrors.InvalidPayload("expires_after[seconds] must be a whole number of seconds.", "expires_after");
                }

                var anchor = form["expires_after[anchor]"].ToString();
                if (anchor is not ("" or "created_at"))
                {
                    throw EmulatorErrors.InvalidPayload("expires_after[anchor] must be 'created_at'.", "expires_after");
                }

                expiresAfter = value;
            }

            if (formFile.Length > options.MaxFileBytes)
            {
                throw EmulatorErrors.InvalidPayload(
                    $"The file '{formFile.FileName}' has {formFile.Length} bytes; the limit is {options.MaxFileBytes} bytes.", "file");
            }

            using var content = new MemoryStream();
            await formFile.CopyToAsync(content, context.RequestAborted);
            return Json(EmulatorJson.File(store.UploadFile(formFile.FileName, purpose, content.ToArray(), expiresAfter)));
        }));

        app.MapGet(prefix + "/files", surface(context =>
        {
            var request = context.Request;
            var purpose = request.Query["purpose"].ToString();
            var order = request.Query["order"].ToString();
            if (order is not ("" or "asc" or "desc"))
            {
                throw EmulatorErrors.InvalidPayload($"'order' must be asc or desc; got '{order}'.", "order");
            }

            var (page, hasMore) = store.ListFiles(
                purpose.Length == 0 ? null : purpose, After(request), Limit(request, 10_000, 10_000), order == "asc");
            return Done(Json(EmulatorJson.List(page.Select(EmulatorJson.File), hasMore, withFirstAndLast: true)));
        }));

        app.MapGet(prefix + "/files/{id}", surface(context => Done(Json(EmulatorJson.File(store.GetFile(Id(context)))))));
        app.MapDelete(prefix + "/files/{id}", surface(context => Done(Json(EmulatorJson.DeletedFile(store.DeleteFile(Id(context)))))));
        app.MapGet(prefix + "/files/{id}/content", surface(context =>
        {
            var (file, content) = store.FileContent(Id(context));
            return Done(Results.Bytes(content, file.Purpose == "fine-tune" ? "application/jsonl" : "application/octet-stream"));
        }));
    }

    private static void MapUploads(WebApplication app, string prefix, Func<Handler, RequestDelegate> surface, EmulatorStore store)
    {
        app.MapPost(prefix + "/uploads", surface(async context =>
            Json(EmulatorJson.Upload(store.CreateUpload(await ReadJsonObject(context.Request)), null))));

        app.MapPost(prefix + "/uploads/{id}/parts", surface(async context =>
        {
            if (!context.Request.HasFormContentType)
            {
                throw EmulatorErrors.InvalidPayload("Send the part as multipart/form-data in the field 'data'.", "data");
            }

            var form = await ReadForm(context.Request);
            var data = form.Files.GetFile("data") ?? throw EmulatorErrors.MissingField("data");
            using var content = new MemoryStream();
            await data.CopyToAsync(content, context.RequestAborted);
            var (upload, part) = store.AddUploadPart(Id(context), content.ToArray());
            return Json(EmulatorJson.UploadPart(upload, part));
        }));

        app.MapPost(prefix + "/uploads/{id}/complete", surface(async context =>
        {
            var upload = store.CompleteUpload(Id(context), await ReadJsonObject(context.Request));
            return Json(EmulatorJson.Upload(upload, store.GetFile(upload.FileId!)));
        }));

        app.MapPost(prefix + "/uploads/{id}/cancel", surface(context =>
            Done(Json(EmulatorJson.Upload(store.CancelUpload(Id(context)), null)))));
    }

    private static void MapJobs(
        WebApplication app, string prefix, Func<Handler, RequestDelegate> surface, EmulatorStore store, ApiSurface apiSurface)
    {
        var jobs = prefix + "/fine_tuning/jobs";
        app.MapPost(jobs, surface(async context =>
        {
            var job = store.CreateJob(await ReadJsonObject(context.Request), apiSurface);
            if (apiSurface == ApiSurface.V1)
            {
                return Json(EmulatorJson.Job(job));
            }

            // The dated surface answers 201 with a Location header (docs/service.md §1.5).
            context.Response.Headers.Location =
                $"/openai/fine_tuning/jobs/{job.Id}?api-version={context.Request.Query["api-version"]}";
            return Json(EmulatorJson.Job(job), StatusCodes.Status201Created);
        }));

        app.MapGet(jobs, surface(context =>
        {
            var request = context.Request;
            var (page, hasMore) = store.ListJobs(After(request), Limit(request, 20, 100), MetadataFilter(request));
            return Done(Json(EmulatorJson.List(page.Select(EmulatorJson.Job), hasMore, withFirstAndLast: false)));
        }));

        app.MapGet(jobs + "/{id}", surface(context => Done(Json(EmulatorJson.Job(store.GetJob(Id(context)))))));
        app.MapPost(jobs + "/{id}/cancel", surface(context => Done(Json(EmulatorJson.Job(store.CancelJob(Id(context)))))));
        app.MapPost(jobs + "/{id}/pause", surface(context => Done(Json(EmulatorJson.Job(store.PauseJob(Id(context)))))));
        app.MapPost(jobs + "/{id}/resume", surface(context => Done(Json(EmulatorJson.Job(store.ResumeJob(Id(context)))))));
        app.MapGet(jobs + "/{id}/events", surface(context =>
        {
            var (page, hasMore) = store.JobEvents(Id(context), After(context.Request), Limit(context.Request, 20, 100));
            return Done(Json(EmulatorJson.List(page.Select(EmulatorJson.Event), hasMore, withFirstAndLast: false)));
        }));
        app.MapGet(jobs + "/{id}/checkpoints", surface(context =>
        {
            var id = Id(context);
            var (page, hasMore) = store.JobCheckpoints(id, After(context.Request), Limit(context.Request, 10, 100));
            return Done(Json(EmulatorJson.List(page.Select(c => EmulatorJson.Checkpoint(id, c)), hasMore, withFirstAndLast: true)));
        }));
    }

    private static void MapGraders(WebApplication app, TimeProvider time, bool allowPython)
    {
        app.MapPost("/openai/v1/fine_tuning/alpha/graders/validate", V1(async context =>
        {
            var grader = RequireGrader(await ReadJsonObject(context.Request));
            return Json(new JsonObject { ["grader"] = grader.DeepClone() });
        }));

        app.MapPost("/openai/v1/fine_tuning/alpha/graders/run", V1(async context =>
        {
            var body = await ReadJsonObject(context.Request);
            var grader = RequireGrader(body);
            if (body["model_sample"] is not JsonValue sample || sample.GetValueKind() != JsonValueKind.String)
            {
                throw EmulatorErrors.InvalidPayload("'model_sample' must be the model's output as a string.", "model_sample");
            }

            if (body["item"] is { } item && item is not JsonObject)
            {
                throw EmulatorErrors.InvalidPayload("'item' must be an object: the dataset row the grader reads as item.*.", "item");
            }

            if (!allowPython && Validation.PythonDiagnostics.Sources(grader, "grader").Any())
            {
                // Running a python grader runs the caller's code here: only when the emulator was started to allow it.
                throw new EmulatorException(403, "pythonGradersDisabled",
                    "This emulator does not run python graders: running one executes the caller's code on this machine. " +
                    "Start it with `rft emulator --allow-python-graders` to allow it (docs/security.md).", "grader", "invalid_request_error");
            }

            return Json(await GraderRun.RunAsync(
                grader, sample.GetValue<string>(), body["item"] as JsonObject, time, context.RequestAborted));
        }));
    }

    private static JsonObject RequireGrader(JsonObject body)
    {
        if (body["grader"] is not JsonObject grader)
        {
            throw EmulatorErrors.MissingField("grader");
        }

        ServiceBodyChecks.CheckGrader(grader, "grader", forTraining: false);
        return grader;
    }

    private static Task<IResult> Done(IResult result) => Task.FromResult(result);

    // ---- request helpers ----

    private static IResult Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Text(node.ToJsonString(), "application/json", Encoding.UTF8, status);

    // A duplicate key is refused while parsing; JsonNode would otherwise fail later, as a 500, where the key is read.
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private static async Task<JsonObject> ReadJsonObject(HttpRequest request)
    {
        // The body is within the route's limit (MaxJsonBodyBytes), so it is read whole: the JSON reader does not check
        // that strings are UTF-8, and a bad string would otherwise fail later, as a 500, where it is read.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
        {
            throw EmulatorErrors.InvalidPayload("The request body is not valid JSON (it is not UTF-8 text): send a JSON object.");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), documentOptions: StrictJson);
        }
        catch (JsonException e)
        {
            throw EmulatorErrors.InvalidPayload($"The request body is not valid JSON (line {e.LineNumber + 1}): send a JSON object.");
        }

        if (node is not JsonObject obj)
        {
            throw EmulatorErrors.InvalidPayload("The request body must be a JSON object.");
        }

        return obj;
    }

    private static async Task<IFormCollection> ReadForm(HttpRequest request)
    {
        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Exception e) when ((e is InvalidDataException or IOException) && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // A truncated body (no closing boundary) is an IOException: the client's mistake, answered as one.
            throw EmulatorErrors.InvalidPayload("The multipart body could not be read: " + e.Message);
        }
    }

    private static string? After(HttpRequest request)
    {
        var after = request.Query["after"].ToString();
        return after.Length == 0 ? null : after;
    }

    private static int Limit(HttpRequest request, int defaultLimit, int max)
    {
        var text = request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return defaultLimit;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > max)
        {
            throw EmulatorErrors.InvalidPayload($"'limit' must be a whole number from 1 to {max}; got '{text}'.", "limit");
        }

        return limit;
    }

    /// <summary><c>metadata[key]=value</c> query pairs (OpenAI's list filter).</summary>
    private static Dictionary<string, string> MetadataFilter(HttpRequest request)
    {
        var filter = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            var match = MetadataKey().Match(key);
            if (match.Success)
            {
                filter[match.Groups[1].Value] = value.ToString();
            }
        }

        return filter;
    }

    /// <summary>
    /// Dated routes need <c>api-version</c> (a date, optionally -preview) not older than <paramref name="minimum"/>.
    /// </summary>
    private static void RequireApiVersion(HttpRequest request, string minimum)
    {
        var version = request.Query["api-version"].ToString();
        if (version.Length == 0)
        {
            throw EmulatorErrors.ApiVersionMissing();
        }

        var match = ApiVersion().Match(version);
        if (!match.Success || string.CompareOrdinal(match.Groups[1].Value, minimum[..10]) < 0)
        {
            throw EmulatorErrors.ApiVersionNotSupported(version);
        }
    }

    [GeneratedRegex(@"^metadata\[(.+)\]$")]
    private static partial Regex MetadataKey();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})(-preview)?$")]
    private static partial Regex ApiVersion();
}
