using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;

namespace RftInfra.Stacks;

/// <summary>
/// The rehearsal stack setting (<c>rft-infra:rehearsal</c>): the program then declares only the rft resources, on
/// providers pointed at <c>rft emulator</c>, and nothing in Azure (docs/pulumi.md, "Rehearsal").
/// </summary>
public sealed record RehearsalSettings(Uri Endpoint, string ApiKey)
{
    /// <summary>The API key never shows in a record's text (logs, findings, exceptions).</summary>
    public override string ToString() => $"RehearsalSettings {{ Endpoint = {Endpoint}, ApiKey = *** }}";
}

public static partial class StackConfigParser
{
    public const string RehearsalKey = "rehearsal";

    private const string RehearsalDoc = "(docs/pulumi.md, \"Rehearsal\")";
    private const string RehearsalEndpointFix = "pulumi config set --path rft-infra:rehearsal.endpoint http://127.0.0.1:5080/ " + RehearsalDoc;
    private const string RehearsalKeyFix =
        "pulumi config set --secret --path rft-infra:rehearsal.apiKey <the key given to rft emulator --api-key> " + RehearsalDoc;

    /// <summary>Keys that only shape Azure resources, which a rehearsal does not declare.</summary>
    private static readonly string[] AzureOnlyKeys = ["principals", "evalDeployments", "network", "accountKind", "restoreSoftDeleted"];

    /// <summary>
    /// Null when the key is absent. The endpoint must be the local emulator (loopback, http or https, no path); the
    /// key must be a non-empty string, set as a Pulumi secret. No finding ever quotes the key.
    /// </summary>
    private static RehearsalSettings? ParseRehearsal(Reader reader)
    {
        // Set key by key with --path (so the key can be a secret); a whole value is JSON like every object key.
        var obj = reader.Object(RehearsalKey, """'{"endpoint":"http://127.0.0.1:5080/"}'""");
        if (obj is null)
        {
            return null;
        }

        var failed = false;
        foreach (var key in obj.Select(p => p.Key).Where(k => k is not ("endpoint" or "apiKey")))
        {
            reader.Finding(DiagnosticSeverity.Error, "RFT509", RehearsalKey, $"unknown setting '{Shorten(key)}': a rehearsal takes endpoint and apiKey only.",
                RehearsalEndpointFix);
            failed = true;
        }

        var endpoint = ParseRehearsalEndpoint(reader, obj["endpoint"]);
        var apiKey = obj["apiKey"] is JsonValue keyValue && keyValue.GetValueKind() == JsonValueKind.String
            ? keyValue.GetValue<string>()
            : null;
        if (string.IsNullOrWhiteSpace(apiKey) || apiKey.Any(char.IsControl))
        {
            reader.Finding(DiagnosticSeverity.Error, "RFT509", RehearsalKey,
                obj["apiKey"] is null
                    ? "rehearsal.apiKey is not set: the emulator refuses calls without its key."
                    : "rehearsal.apiKey must be a non-empty string without control characters.",
                RehearsalKeyFix);
            failed = true;
        }

        if (failed || endpoint is null)
        {
            return null;
        }

        foreach (var key in AzureOnlyKeys.Where(reader.Has))
        {
            reader.Finding(DiagnosticSeverity.Warning, "RFT509", key,
                "has no effect in a rehearsal: the stack declares no Azure resources, only the rft resources on the emulator.",
                $"pulumi config rm {Namespace}:{key} {RehearsalDoc}");
        }

        return new RehearsalSettings(endpoint, apiKey!);
    }

    private static Uri? ParseRehearsalEndpoint(Reader reader, JsonNode? node)
    {
        var text = node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>().Trim() : null;
        if (text is null)
        {
            reader.Finding(DiagnosticSeverity.Error, "RFT509", RehearsalKey,
                node is null
                    ? "rehearsal.endpoint is not set: name the URL `rft emulator` prints (http://127.0.0.1:PORT/)."
                    : "rehearsal.endpoint must be a URL string such as http://127.0.0.1:5080/.",
                RehearsalEndpointFix);
            return null;
        }

        // The emulator binds 127.0.0.1 only: anything else is a real service, which a rehearsal must never reach.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || !uri.IsLoopback
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            reader.Finding(DiagnosticSeverity.Error, "RFT509", RehearsalKey,
                $"rehearsal.endpoint '{Shorten(text)}' is not the local emulator: use http://127.0.0.1:PORT/ with the port given to `rft emulator --port` (loopback only, no path).",
                RehearsalEndpointFix);
            return null;
        }

        return uri;
    }

    /// <summary>Quoted config text is cut so a hostile value cannot flood a finding.</summary>
    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
