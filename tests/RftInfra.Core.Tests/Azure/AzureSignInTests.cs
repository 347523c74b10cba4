using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using RftInfra.AzureOpenAI;
using RftInfra.ProviderModel;

namespace RftInfra.Core.Tests.Azure;

public class AzureSignInTests
{
    private const string Client = "11111111-2222-3333-4444-555555555555";
    private const string Tenant = "66666666-7777-8888-9999-000000000000";
    private const string Jwt = "eyJhbGciOi.SECRET-OIDC-TOKEN.sig";
    private const string RequestSecret = "SECRET-REQUEST-TOKEN";

    private static Dictionary<string, string?> Env(params string[] pairs)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            env[name] = value.Replace("$CLIENT", Client).Replace("$TENANT", Tenant).Replace("$JWT", Jwt).Replace("$REQ", RequestSecret);
        }

        return env;
    }

    [Theory]
    [InlineData("", "DefaultAzureCredential", null)]
    // What Pulumi ESC's azure-login sets for the Azure Native provider.
    [InlineData("ARM_USE_OIDC=true;ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ARM_OIDC_TOKEN=$JWT", "FederatedToken", "Variable")]
    [InlineData("ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ARM_OIDC_TOKEN=$JWT", "FederatedToken", "Variable")]
    [InlineData("ARM_USE_OIDC=false;ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ARM_OIDC_TOKEN=$JWT", "DefaultAzureCredential", null)]
    [InlineData("ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ARM_OIDC_TOKEN_FILE_PATH=/var/run/token", "FederatedToken", "File")]
    [InlineData("ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ARM_OIDC_TOKEN=$JWT;ARM_OIDC_TOKEN_FILE_PATH=/x", "FederatedToken", "Variable")]
    [InlineData("ARM_USE_OIDC=1;ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ARM_OIDC_REQUEST_URL=https://t/x?a=1;ARM_OIDC_REQUEST_TOKEN=$REQ", "FederatedToken", "RequestUrl")]
    [InlineData("ARM_USE_OIDC=true;ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ACTIONS_ID_TOKEN_REQUEST_URL=https://t/x;ACTIONS_ID_TOKEN_REQUEST_TOKEN=$REQ", "FederatedToken", "RequestUrl")]
    // GitHub hands every job with id-token permission these: alone they do not switch the sign-in.
    [InlineData("ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT;ACTIONS_ID_TOKEN_REQUEST_URL=https://t/x;ACTIONS_ID_TOKEN_REQUEST_TOKEN=$REQ", "DefaultAzureCredential", null)]
    [InlineData("ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT", "DefaultAzureCredential", null)]
    public void Choose_PicksTheCredentialForTheEnvironment(string pairs, string kind, string? source)
    {
        var (choice, problem) = AzureSignIn.Choose("entra", Env(pairs.Length == 0 ? [] : pairs.Split(';')));

        Assert.Null(problem);
        Assert.Equal(Enum.Parse<SignInKind>(kind), choice!.Kind);
        Assert.Equal(source is null ? null : Enum.Parse<FederatedTokenSource>(source), choice.Source);
        if (choice.Kind == SignInKind.FederatedToken)
        {
            Assert.Equal((Tenant, Client), (choice.TenantId, choice.ClientId));
        }

        Assert.DoesNotContain("SECRET", choice.ToString());
    }

    [Fact]
    public void Choose_ApiKeyMode_UsesTheKeyWhateverTheEnvironment()
    {
        var (choice, _) = AzureSignIn.Choose("apikey", Env("ARM_CLIENT_ID=$CLIENT", "ARM_TENANT_ID=$TENANT", "ARM_OIDC_TOKEN=$JWT"));

        Assert.Equal(SignInKind.ApiKey, choice!.Kind);
    }

    [Theory]
    [InlineData("ARM_USE_OIDC=true;ARM_CLIENT_ID=$CLIENT;ARM_TENANT_ID=$TENANT", "ARM_USE_OIDC is true but no token is given: set ARM_OIDC_TOKEN")]
    [InlineData("ARM_TENANT_ID=$TENANT;ARM_OIDC_TOKEN=$JWT", "(ARM_OIDC_TOKEN) is set but ARM_CLIENT_ID is not: set it, or ARM_USE_OIDC=false")]
    [InlineData("ARM_USE_OIDC=true;ARM_OIDC_REQUEST_URL=https://t/x;ARM_OIDC_REQUEST_TOKEN=$REQ", "ARM_CLIENT_ID and ARM_TENANT_ID are not: set them")]
    [InlineData("ARM_USE_OIDC=yes;ARM_OIDC_TOKEN=$JWT", "ARM_USE_OIDC is neither true nor false.")]
    public void Choose_IncompleteSettings_NameTheVariable_NeverAValue(string pairs, string expected)
    {
        var (choice, problem) = AzureSignIn.Choose("entra", Env(pairs.Split(';')));

        Assert.Null(choice);
        Assert.Contains(expected, problem);
        Assert.EndsWith("See docs/credentials.md.", problem);
        Assert.DoesNotContain("SECRET", problem);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "docs", "credentials.md")));
    }

    [Fact]
    public async Task FederatedToken_IsTheClientAssertionEntraIdReceives()
    {
        var env = Env("ARM_CLIENT_ID=$CLIENT", "ARM_TENANT_ID=$TENANT", "ARM_OIDC_TOKEN=$JWT");
        var (choice, _) = AzureSignIn.Choose("entra", env);
        var entra = new ScriptedHandler().Then(HttpStatusCode.OK,
            """{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"entra-access-token"}""");

        var credential = AzureSignIn.CreateCredential(choice!, env, transport: null, new ClientAssertionCredentialOptions
        {
            Transport = new HttpClientTransport(entra), DisableInstanceDiscovery = true,
            Retry = { MaxRetries = 0 },
        });
        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://cognitiveservices.azure.com/.default"]), default);

        Assert.IsType<ClientAssertionCredential>(credential);
        Assert.Equal("entra-access-token", token.Token);
        var sent = Assert.Single(entra.Requests);
        Assert.Contains($"/{Tenant}/oauth2/v2.0/token", sent.Uri.AbsolutePath);
        var form = System.Web.HttpUtility.ParseQueryString(sent.Body);
        Assert.Equal(Jwt, form["client_assertion"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        Assert.Equal(Client, form["client_id"]);
    }

    [Fact]
    public void Default_IsDefaultAzureCredential()
    {
        var credential = AzureSignIn.CreateCredential(new SignInChoice(SignInKind.DefaultAzureCredential), Env());

        Assert.IsType<DefaultAzureCredential>(credential);
    }

    [Fact]
    public async Task TokenFile_IsReadOnEverySignIn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rft-oidc-{Guid.NewGuid():N}");
        try
        {
            var env = Env("ARM_CLIENT_ID=$CLIENT", "ARM_TENANT_ID=$TENANT", $"ARM_OIDC_TOKEN_FILE_PATH={path}");
            var assertion = AzureSignIn.Assertion(AzureSignIn.Choose("entra", env).Choice!, env);
            File.WriteAllText(path, "first-token\n");
            Assert.Equal("first-token", await assertion(default));
            File.WriteAllText(path, "rotated-token");
            Assert.Equal("rotated-token", await assertion(default));
            File.Delete(path);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => assertion(default));
            Assert.StartsWith($"ARM_OIDC_TOKEN_FILE_PATH names '{path}', which cannot be read", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task RequestUrl_AsksForTheTokenExchangeAudience_WithTheRequestToken()
    {
        var env = Env("ARM_USE_OIDC=true", "ARM_CLIENT_ID=$CLIENT", "ARM_TENANT_ID=$TENANT",
            "ARM_OIDC_REQUEST_URL=https://token.actions.example/id?api-version=2.0", "ARM_OIDC_REQUEST_TOKEN=$REQ");
        var issuer = new ScriptedHandler().Then(HttpStatusCode.OK, """{"count":1,"value":"github-id-token"}""").Then(HttpStatusCode.Forbidden, "{}");
        var assertion = AzureSignIn.Assertion(AzureSignIn.Choose("entra", env).Choice!, env, issuer);

        Assert.Equal("github-id-token", await assertion(default));
        var sent = Assert.Single(issuer.Requests);
        Assert.Equal("https://token.actions.example/id?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange", sent.Uri.AbsoluteUri);
        Assert.Equal($"Bearer {RequestSecret}", sent.Headers["Authorization"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => assertion(default));
        Assert.Equal("ARM_OIDC_REQUEST_URL answered 403 to the token request. See docs/credentials.md.", error.Message);
    }

    [Fact]
    public void ProviderSettings_CreateClient_SignsInFromTheArmVariables_AndReportsWhatIsMissing()
    {
        var (settings, _) = ProviderSettings.Parse("https://a.openai.azure.com/", null, null);

        var client = settings!.CreateClient(environment: Env("ARM_CLIENT_ID=$CLIENT", "ARM_TENANT_ID=$TENANT", "ARM_OIDC_TOKEN=$JWT"));
        Assert.Contains("Entra ID token", client.ToString());
        Assert.DoesNotContain("SECRET", client.ToString());

        var error = Assert.Throws<InvalidOperationException>(() => settings.CreateClient(environment: Env("ARM_TENANT_ID=$TENANT", "ARM_OIDC_TOKEN=$JWT")));
        Assert.StartsWith("rft provider sign-in: A federated token (ARM_OIDC_TOKEN) is set but ARM_CLIENT_ID is not", error.Message);
        Assert.DoesNotContain("SECRET", error.Message);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RftInfra.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RftInfra.sln not found above the test directory.");
    }
}
