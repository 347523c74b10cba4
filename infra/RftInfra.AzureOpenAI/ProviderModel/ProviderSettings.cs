using Azure;
using RftInfra.AzureOpenAI;
using RftInfra.Lifecycles;

namespace RftInfra.ProviderModel;

/// <summary>
/// The rft provider's configuration (Configure: endpoint, credential mode, API key) and the lifecycles it serves,
/// one per type token: the provider's dispatch table, built here so it is tested without Pulumi.
/// </summary>
public sealed record ProviderSettings(Uri? Endpoint, string Credential, string? ApiKey)
{
    public const string Entra = "entra";
    public const string ApiKeyMode = "apikey";

    /// <summary>
    /// Validates raw config values. <paramref name="endpoint"/> null means "not known yet" (an account still being
    /// created during a preview): allowed, but no cloud call can be made until it is known.
    /// </summary>
    public static (ProviderSettings? Settings, IReadOnlyList<(string Key, string Reason)> Failures) Parse(
        string? endpoint, string? credential, string? apiKey)
    {
        var failures = new List<(string, string)>();
        Uri? uri = null;
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out uri)
                || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            {
                failures.Add(("endpoint",
                    $"'{endpoint}' is not an https URL (http is allowed for the local emulator on 127.0.0.1 only); e.g. https://myaccount.openai.azure.com/."));
                uri = null;
            }
        }

        var mode = (credential ?? Entra).Trim().ToLowerInvariant();
        if (mode is not (Entra or ApiKeyMode))
        {
            failures.Add(("credential", $"'{credential}' is not a credential mode: use \"entra\" (Azure.Identity) or \"apikey\"."));
        }
        else if (mode == ApiKeyMode && string.IsNullOrEmpty(apiKey))
        {
            failures.Add(("apiKey", "credential is \"apikey\" but no apiKey is set: set it as a secret (pulumi config set --secret rft:apiKey ...)."));
        }

        return failures.Count > 0 ? (null, failures) : (new ProviderSettings(uri, mode, apiKey), failures);
    }

    /// <summary>Stands in while the endpoint is unknown: Check, Diff and previews make no call, so none reaches it.</summary>
    public static readonly Uri UnknownEndpoint = new("https://endpoint-not-known-yet.invalid/");

    /// <summary>Throws the message a user sees if a write is attempted before the account's endpoint is known.</summary>
    public Uri RequireEndpoint() => Endpoint ?? throw new InvalidOperationException(
        "The rft provider's endpoint is not known yet (its account is still being created); run `pulumi up` again once it exists.");

    /// <summary>
    /// The client for the configured endpoint and credential. Entra: a federated token from the ARM_* OIDC variables
    /// when they are set (<see cref="AzureSignIn.Choose"/>), else DefaultAzureCredential. <paramref name="environment"/>
    /// defaults to the process's variables.
    /// </summary>
    public FineTuningClient CreateClient(FineTuningClientOptions? options = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var endpoint = Endpoint ?? UnknownEndpoint;
        if (Credential == ApiKeyMode)
        {
            return new FineTuningClient(endpoint, new AzureKeyCredential(ApiKey!), options);
        }

        environment ??= AzureSignIn.ProcessEnvironment();
        var (choice, problem) = AzureSignIn.Choose(Credential, environment);
        return choice is null
            ? throw new InvalidOperationException($"rft provider sign-in: {problem}")
            : new FineTuningClient(endpoint, AzureSignIn.CreateCredential(choice, environment), options);
    }

    /// <summary>One lifecycle per type token, sharing one client.</summary>
    public static IReadOnlyDictionary<string, IResourceLifecycle> Lifecycles(FineTuningClient client)
    {
        IResourceLifecycle[] all = [new TrainingFileLifecycle(client), new GraderLifecycle(client), new FineTuningJobLifecycle(client)];
        return all.ToDictionary(l => l.TypeToken, StringComparer.Ordinal);
    }

    /// <summary>Secrets never show in a record's text (logs, exceptions).</summary>
    public override string ToString() =>
        $"ProviderSettings {{ Endpoint = {Endpoint}, Credential = {Credential}, ApiKey = {(ApiKey is null ? "none" : "***")} }}";
}
