using System.Net;
using System.Text;

namespace RftInfra.Core.Tests.Azure;

/// <summary>A hand-written transport: answers requests from a script and records what was sent (method, URL, headers, body).</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>What to answer when the script is exhausted (default: fail the test loudly).</summary>
    public Func<HttpRequestMessage, HttpResponseMessage>? Fallback { get; set; }

    public ScriptedHandler Then(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? headers = null)
    {
        _script.Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json ?? "", Encoding.UTF8, "application/json") };
            headers?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public ScriptedHandler Then(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        _script.Enqueue(answer);
        return this;
    }

    public ScriptedHandler ThenThrow(HttpRequestError error) =>
        Then((_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException(error, $"simulated {error}")));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add(new RecordedRequest(
                request.Method.Method, request.RequestUri!, body,
                request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
                request.Content?.Headers.ContentType?.MediaType));
        }

        if (_script.TryDequeue(out var next))
        {
            return await next(request, cancellationToken);
        }

        return Fallback?.Invoke(request) ?? throw new InvalidOperationException($"Unscripted request {request.Method} {request.RequestUri}");
    }
}

internal sealed record RecordedRequest(string Method, Uri Uri, string Body, IReadOnlyDictionary<string, string> Headers, string? ContentType)
{
    public string PathAndQuery => Uri.PathAndQuery;
}
