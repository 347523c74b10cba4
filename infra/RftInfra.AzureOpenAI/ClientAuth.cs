using Azure;
using Azure.Core;

namespace RftInfra.AzureOpenAI;

/// <summary>How a request is signed: an Entra ID bearer token or an <c>api-key</c> header (docs/service.md §1.2).</summary>
internal abstract class ClientAuth
{
    public abstract ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>Removes the secret from text that may reach a log, an exception or an output.</summary>
    public abstract string Redact(string text);
}

internal sealed class ApiKeyAuth(AzureKeyCredential key) : ClientAuth
{
    public override ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("api-key");
        request.Headers.TryAddWithoutValidation("api-key", key.Key);
        return ValueTask.CompletedTask;
    }

    public override string Redact(string text) =>
        key.Key.Length == 0 ? text : text.Replace(key.Key, "***", StringComparison.Ordinal);

    public override string ToString() => "api-key (hidden)";
}

/// <summary>Bearer tokens from a TokenCredential, cached until five minutes before they expire.</summary>
internal sealed class TokenAuth(TokenCredential credential, string scope, TimeProvider timeProvider) : ClientAuth
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private AccessToken? _token;

    public override async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public override string Redact(string text) =>
        _token is { Token.Length: > 0 } t ? text.Replace(t.Token, "***", StringComparison.Ordinal) : text;

    public override string ToString() => $"Entra ID token for {scope}";

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is not { } cached || cached.ExpiresOn - RefreshMargin <= timeProvider.GetUtcNow())
            {
                cached = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
                _token = cached;
            }

            return cached.Token;
        }
        finally
        {
            _lock.Release();
        }
    }
}
