using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;

namespace RftInfra.AzureOpenAI;

/// <summary>How the rft provider signs in (docs/credentials.md).</summary>
public enum SignInKind
{
    /// <summary>The <c>api-key</c> header (credential "apikey"; the key is a Pulumi secret).</summary>
    ApiKey,

    /// <summary>A client assertion from the ARM_* OIDC variables (Pulumi ESC azure-login, the Azure Native provider's).</summary>
    FederatedToken,

    /// <summary>Azure.Identity's DefaultAzureCredential (AZURE_* variables, managed identity, az login, ...).</summary>
    DefaultAzureCredential,
}

/// <summary>Where a federated token is read, in the Azure Native provider's order of preference.</summary>
public enum FederatedTokenSource
{
    /// <summary>ARM_OIDC_TOKEN holds the token.</summary>
    Variable,

    /// <summary>ARM_OIDC_TOKEN_FILE_PATH names a file holding it (read on every sign-in: such files are rotated).</summary>
    File,

    /// <summary>ARM_OIDC_REQUEST_URL + ARM_OIDC_REQUEST_TOKEN (or GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_*) hand one out.</summary>
    RequestUrl,
}

/// <summary>The sign-in chosen: ids only, never a token or key, so it may be shown.</summary>
public sealed record SignInChoice(SignInKind Kind, string? TenantId = null, string? ClientId = null, FederatedTokenSource? Source = null)
{
    public override string ToString() => Kind switch
    {
        SignInKind.FederatedToken => $"federated token from {Source switch
        {
            FederatedTokenSource.Variable => AzureSignIn.OidcToken,
            FederatedTokenSource.File => AzureSignIn.OidcTokenFilePath,
            _ => AzureSignIn.OidcRequestUrl,
        }} for client {ClientId} in tenant {TenantId}",
        SignInKind.ApiKey => "api-key (hidden)",
        _ => "DefaultAzureCredential",
    };
}

/// <summary>
/// The choice of credential from the environment, as a pure function, so one Pulumi ESC <c>azure-login</c> (or any
/// setup made for the Azure Native provider: ARM_CLIENT_ID, ARM_TENANT_ID, ARM_OIDC_TOKEN, ARM_USE_OIDC) serves both
/// providers. Azure.Identity reads none of the ARM_* variables itself.
/// </summary>
public static class AzureSignIn
{
    public const string ClientId = "ARM_CLIENT_ID";
    public const string TenantId = "ARM_TENANT_ID";
    public const string UseOidc = "ARM_USE_OIDC";
    public const string OidcToken = "ARM_OIDC_TOKEN";
    public const string OidcTokenFilePath = "ARM_OIDC_TOKEN_FILE_PATH";
    public const string OidcRequestToken = "ARM_OIDC_REQUEST_TOKEN";
    public const string OidcRequestUrl = "ARM_OIDC_REQUEST_URL";
    public const string ActionsRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
    public const string ActionsRequestUrl = "ACTIONS_ID_TOKEN_REQUEST_URL";

    /// <summary>The audience Entra ID expects of a federated token (workload identity federation).</summary>
    public const string TokenExchangeAudience = "api://AzureADTokenExchange";

    private const string Doc = "See docs/credentials.md.";

    /// <summary>Every variable <see cref="Choose"/> reads.</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        ClientId, TenantId, UseOidc, OidcToken, OidcTokenFilePath, OidcRequestToken, OidcRequestUrl, ActionsRequestToken, ActionsRequestUrl,
    ];

    /// <summary>The process's values of <see cref="Variables"/>.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Variables.ToDictionary(name => name, Environment.GetEnvironmentVariable, StringComparer.Ordinal);

    /// <summary>
    /// The sign-in for credential mode <paramref name="mode"/> ("entra" or "apikey") and these variables, or the
    /// problem to fix (naming variables, never showing a value). "apikey" always uses the key. Otherwise a federated
    /// token is used when ARM_USE_OIDC is true, or when it is unset and ARM_OIDC_TOKEN or ARM_OIDC_TOKEN_FILE_PATH is
    /// set; ARM_USE_OIDC=false forces DefaultAzureCredential.
    /// </summary>
    public static (SignInChoice? Choice, string? Problem) Choose(string mode, IReadOnlyDictionary<string, string?> environment)
    {
        if (string.Equals(mode, "apikey", StringComparison.OrdinalIgnoreCase))
        {
            return (new SignInChoice(SignInKind.ApiKey), null);
        }

        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var flag = Get(UseOidc)?.ToLowerInvariant();
        if (flag is not (null or "true" or "1" or "false" or "0"))
        {
            return (null, $"{UseOidc} is neither true nor false. {Doc}");
        }

        bool? useOidc = flag is null ? null : flag is "true" or "1";
        if (useOidc == false)
        {
            return (new SignInChoice(SignInKind.DefaultAzureCredential), null);
        }

        FederatedTokenSource? source =
            Get(OidcToken) is not null ? FederatedTokenSource.Variable
            : Get(OidcTokenFilePath) is not null ? FederatedTokenSource.File
            : (Get(OidcRequestUrl) ?? Get(ActionsRequestUrl)) is not null && (Get(OidcRequestToken) ?? Get(ActionsRequestToken)) is not null
                ? FederatedTokenSource.RequestUrl
                : null;
        if (useOidc is null && source is not (FederatedTokenSource.Variable or FederatedTokenSource.File))
        {
            return (new SignInChoice(SignInKind.DefaultAzureCredential), null);
        }

        if (source is null)
        {
            return (null, $"{UseOidc} is true but no token is given: set {OidcToken}, {OidcTokenFilePath}, or {OidcRequestUrl} with {OidcRequestToken}. {Doc}");
        }

        var missing = new[] { ClientId, TenantId }.Where(name => Get(name) is null).ToList();
        return missing.Count > 0
            ? (null, $"A federated token ({source switch { FederatedTokenSource.Variable => OidcToken, FederatedTokenSource.File => OidcTokenFilePath, _ => OidcRequestUrl }}) is set but {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not: set {(missing.Count == 1 ? "it" : "them")}, or {UseOidc}=false to use DefaultAzureCredential. {Doc}")
            : (new SignInChoice(SignInKind.FederatedToken, Get(TenantId), Get(ClientId), source), null);
    }

    /// <summary>The Entra credential for a choice (not for <see cref="SignInKind.ApiKey"/>).</summary>
    public static TokenCredential CreateCredential(SignInChoice choice, IReadOnlyDictionary<string, string?> environment) =>
        CreateCredential(choice, environment, transport: null, options: null);

    /// <summary>Tests pass the token-request transport and Entra ID's (options.Transport).</summary>
    internal static TokenCredential CreateCredential(
        SignInChoice choice, IReadOnlyDictionary<string, string?> environment, HttpMessageHandler? transport,
        ClientAssertionCredentialOptions? options) => choice.Kind switch
    {
        SignInKind.FederatedToken => new ClientAssertionCredential(
            choice.TenantId!, choice.ClientId!, Assertion(choice, environment, transport), options),
        SignInKind.DefaultAzureCredential => new DefaultAzureCredential(),
        _ => throw new ArgumentException($"{choice.Kind} is not an Entra sign-in.", nameof(choice)),
    };

    /// <summary>The client assertion callback: the federated token, read afresh each time Entra ID asks.</summary>
    internal static Func<CancellationToken, Task<string>> Assertion(
        SignInChoice choice, IReadOnlyDictionary<string, string?> environment, HttpMessageHandler? transport = null)
    {
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        return choice.Source switch
        {
            FederatedTokenSource.Variable => _ => Task.FromResult(Get(OidcToken)!),
            FederatedTokenSource.File => async ct => await ReadTokenFileAsync(Get(OidcTokenFilePath)!, ct).ConfigureAwait(false),
            FederatedTokenSource.RequestUrl => ct => RequestTokenAsync(
                Get(OidcRequestUrl) ?? Get(ActionsRequestUrl)!, Get(OidcRequestToken) ?? Get(ActionsRequestToken)!, transport, ct),
            _ => throw new ArgumentException("Not a federated-token sign-in.", nameof(choice)),
        };
    }

    private static async Task<string> ReadTokenFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var token = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
            return token.Length > 0 ? token : throw new InvalidOperationException($"{OidcTokenFilePath} names '{path}', which is empty. {Doc}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{OidcTokenFilePath} names '{path}', which cannot be read: {e.Message} {Doc}", e);
        }
    }

    /// <summary>GitHub Actions' ID token endpoint: GET {url}&amp;audience=..., bearer request token, answer {"value": token}.</summary>
    private static async Task<string> RequestTokenAsync(string url, string requestToken, HttpMessageHandler? transport, CancellationToken cancellationToken)
    {
        var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        using var http = transport is null ? new HttpClient() : new HttpClient(transport, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(30);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{url}{separator}audience={Uri.EscapeDataString(TokenExchangeAudience)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", requestToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The body is not shown: it could echo the request.
            throw new InvalidOperationException($"{OidcRequestUrl} answered {(int)response.StatusCode} to the token request. {Doc}");
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("value", out var value) && value.GetString() is { Length: > 0 } token)
            {
                return token;
            }
        }
        catch (JsonException)
        {
        }

        throw new InvalidOperationException($"{OidcRequestUrl} answered without a token (expected {{\"value\": \"...\"}}). {Doc}");
    }
}
