using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RftInfra.Emulator;

/// <summary>One call the emulator saw: what was asked, what it answered (0 when the connection was aborted).</summary>
public sealed record EmulatorRequest(string Method, string Path, int Status, FaultKind? Fault);

/// <summary>
/// A local emulator of the Azure OpenAI fine-tuning API: a real Kestrel server on 127.0.0.1 with the routes of
/// docs/service.md, the service's JSON shapes and errors, simulated job progression and fault injection. For tests
/// (port 0) and for rehearsing a pipeline offline (<c>rft emulator</c>).
/// </summary>
public sealed class RftEmulator : IAsyncDisposable
{
    private readonly EmulatorOptions _options;
    private readonly ConcurrentQueue<EmulatorRequest> _requests = new();
    private WebApplication? _app;
    private EmulatorStore? _store;

    /// <summary>What a part of the uploads API may carry (OpenAI's 64 MB; the kit's client sends parts of that size).</summary>
    internal const long MaxPartBytes = 64L * 1024 * 1024;

    /// <summary>Room for the multipart framing and the other form fields around a file or part.</summary>
    private const long MultipartSlackBytes = 1024 * 1024;

    public RftEmulator(EmulatorOptions? options = null)
    {
        _options = options ?? new EmulatorOptions();
        Faults = new FaultInjector(_options.Faults);
    }

    /// <summary>The fault rules in force; replace them at any time (call numbering restarts).</summary>
    public FaultInjector Faults { get; }

    /// <summary>
    /// Every call answered so far, in the order the answers started. A call is listed before its caller can see the
    /// answer (or the dropped connection), so a test may look here right after a call returns.
    /// </summary>
    public IReadOnlyList<EmulatorRequest> Requests => [.. _requests];

    /// <summary><c>http://127.0.0.1:{port}/</c>: what a client takes as the resource endpoint.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The <c>/openai/v1/</c> surface under <see cref="BaseUrl"/>.</summary>
    public Uri V1Url => new(BaseUrl, "openai/v1/");

    public string ApiKey => _options.ApiKey;

    public EmulatorOptions Options => _options;

    /// <summary>
    /// Binds 127.0.0.1 (the given port, or a free one) and starts serving. Throws <see cref="InvalidDataException"/>
    /// for a state path that cannot be used (a directory, unwritable, an old JSON state file, not a state database)
    /// and <see cref="IOException"/> when the port is taken.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The emulator is already started.");
        }

        var store = new EmulatorStore(_options);
        try
        {
            await StartServer(store, cancellationToken);
        }
        catch
        {
            store.Dispose();
            throw;
        }

        _store = store;
    }

    private async Task StartServer(EmulatorStore store, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(RftEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, _options.Port);
            // The largest any route takes; LimitBody lowers it per route before a body is read.
            kestrel.Limits.MaxRequestBodySize = Math.Max(Math.Max(_options.MaxFileBytes, MaxPartBytes) + MultipartSlackBytes, _options.MaxJsonBodyBytes);
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = long.MaxValue);

        var app = builder.Build();
        app.Use(RecordRequest);
        app.Use(InjectFaults);
        app.Use(HandleErrors);
        app.Use(FoundryProjectPaths.Rewrite);
        app.Use(Authenticate);
        app.Use(LimitBody);
        // Routing after the rewrite, so a Foundry project path is matched as the v1 route it is served by.
        app.UseRouting();
        EmulatorRoutes.Map(app, store, _options);

        await app.StartAsync(cancellationToken);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.First();
        BaseUrl = new Uri(new Uri(address).GetLeftPart(UriPartial.Authority) + "/");
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
        }

        _store?.Dispose();
        _store = null;
    }

    /// <summary>
    /// The route's body limit, set before anything reads the body: a file upload takes a file of the configured
    /// size, a part of the uploads API <see cref="MaxPartBytes"/>, anything else a JSON body of
    /// <see cref="EmulatorOptions.MaxJsonBodyBytes"/>. A declared length over it is answered 413 at once; a longer
    /// chunked body fails with 413 when the reader reaches the limit (see <see cref="HandleErrors"/>).
    /// </summary>
    private Task LimitBody(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var limit = !HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method) ? _options.MaxJsonBodyBytes
            : path.EndsWith("/files", StringComparison.Ordinal) ? _options.MaxFileBytes + MultipartSlackBytes
            : (path.StartsWith("/openai/uploads/", StringComparison.Ordinal) || path.StartsWith("/openai/v1/uploads/", StringComparison.Ordinal))
                && path.EndsWith("/parts", StringComparison.Ordinal)
                ? MaxPartBytes + MultipartSlackBytes
            : _options.MaxJsonBodyBytes;
        context.Items[typeof(IHttpMaxRequestBodySizeFeature)] = limit;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (request.ContentLength > limit)
        {
            throw EmulatorErrors.RequestTooLarge(limit);
        }

        return next(context);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task RecordRequest(HttpContext context, RequestDelegate next)
    {
        var record = new RequestRecord(this, context);
        context.Items[typeof(RequestRecord)] = record;
        context.Response.OnStarting(() =>
        {
            record.Write(context.Response.StatusCode);
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            record.Write(context.RequestAborted.IsCancellationRequested ? 0 : context.Response.StatusCode);
        }
    }

    /// <summary>
    /// A call's entry in <see cref="Requests"/>, written once, before the caller can see the outcome: when the answer
    /// starts, when a fault cuts the connection (status 0), or at the end when neither happened.
    /// </summary>
    private sealed class RequestRecord(RftEmulator emulator, HttpContext context)
    {
        // The path as sent (a Foundry project path is rewritten to its v1 route before routing).
        private readonly string _path = context.Request.Path.Value ?? "";
        private int _written;

        public static void WriteNow(HttpContext context, int status) =>
            ((RequestRecord)context.Items[typeof(RequestRecord)]!).Write(status);

        public void Write(int status)
        {
            if (Interlocked.Exchange(ref _written, 1) == 0)
            {
                context.Items.TryGetValue(typeof(FaultRule), out var fault);
                emulator._requests.Enqueue(new EmulatorRequest(
                    context.Request.Method, _path, status, (fault as FaultRule)?.Fault));
            }
        }
    }

    private async Task InjectFaults(HttpContext context, RequestDelegate next)
    {
        var rule = Faults.Next(context.Request.Method, context.Request.Path.Value ?? "");
        if (rule is null)
        {
            await next(context);
            return;
        }

        context.Items[typeof(FaultRule)] = rule;
        switch (rule.Fault)
        {
            case FaultKind.Latency:
                // Wall-clock on purpose: latency is about the wire, not the simulated clock of job progression.
                await Task.Delay(rule.LatencyMs, context.RequestAborted);
                await next(context);
                break;
            case FaultKind.DropConnection:
                RequestRecord.WriteNow(context, 0);
                context.Abort();
                break;
            case FaultKind.ResponseLost:
                RequestRecord.WriteNow(context, 0);
                var original = context.Response.Body;
                context.Response.Body = Stream.Null;
                try
                {
                    await next(context);
                }
                finally
                {
                    context.Response.Body = original;
                    context.Abort();
                }

                break;
            case FaultKind.LateResponse:
                await HoldAnswer(context, next, rule.LatencyMs);
                break;
            default:
                await WriteFault(context, rule);
                break;
        }
    }

    /// <summary>Serves the call into a buffer, then sends the answer <paramref name="latencyMs"/> later (if the caller still waits).</summary>
    private static async Task HoldAnswer(HttpContext context, RequestDelegate next, int latencyMs)
    {
        var original = context.Response.Body;
        using var held = new MemoryStream();
        context.Response.Body = held;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        // Listed now: the change is made, whether or not the caller is still there to see the answer.
        RequestRecord.WriteNow(context, context.Response.StatusCode);
        await Task.Delay(latencyMs, context.RequestAborted);
        held.Position = 0;
        await held.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task WriteFault(HttpContext context, FaultRule rule)
    {
        if (rule.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (rule.RetryAfterMs is { } ms)
        {
            var text = ms.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["retry-after-ms"] = text;
            context.Response.Headers["x-ms-retry-after-ms"] = text;
        }

        var error = rule.Status switch
        {
            429 => new EmulatorException(429, "429",
                "Requests to the fine-tuning API have exceeded the call rate limit of your current tier. Please retry after "
                + $"{rule.RetryAfterSeconds ?? Math.Max(1, (rule.RetryAfterMs ?? 1000) / 1000)} seconds."),
            503 => new EmulatorException(503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry the request."),
            500 => EmulatorErrors.Internal(),
            _ => new EmulatorException(rule.Status, rule.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "Injected fault."),
        };
        await WriteError(context, error);
    }

    internal static async Task HandleErrors(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (EmulatorException e)
        {
            await WriteError(context, e);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteError(context, EmulatorErrors.RequestTooLarge(context.Items[typeof(IHttpMaxRequestBodySizeFeature)] as long?));
        }
        catch (BadHttpRequestException e)
        {
            await WriteError(context, EmulatorErrors.InvalidPayload("The request could not be read: " + e.Message));
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is nobody to answer.
        }
        catch (Exception)
        {
            // No stack trace and no exception text leave the emulator: same shape as the service's 500.
            await WriteError(context, EmulatorErrors.Internal());
        }
    }

    internal static async Task WriteError(HttpContext context, EmulatorException error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var body = Encoding.UTF8.GetBytes(error.ToBody().ToJsonString());
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }

    private Task Authenticate(HttpContext context, RequestDelegate next)
    {
        var key = context.Request.Headers["api-key"].ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        var bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : "";
        var allowed = (key.Length > 0 && SameSecret(key, _options.ApiKey))
            || (bearer.Length > 0 && (_options.AcceptAnyBearerToken || SameSecret(bearer, _options.ApiKey)));
        if (!allowed)
        {
            throw EmulatorErrors.Unauthorized();
        }

        return next(context);
    }

    private static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
