using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;

namespace RftInfra.Promotion;

/// <summary>The copy API answered with an error, reported a failed copy, or did not finish in time.</summary>
public sealed class CheckpointCopyException(string message) : Exception(message);

/// <summary>
/// Copies a fine-tuning checkpoint into another account (docs/service.md §1.7, preview):
/// <c>POST {source}/openai/v1/fine_tuning/jobs/{job}/checkpoints/{checkpoint}/copy</c> with the header
/// <c>aoai-copy-ft-checkpoints: preview</c> and <c>{destinationResourceId, region}</c>, then <c>GET</c> on the same
/// path until the destination's <c>copiedAccountDetails[].status</c> is Completed (or Failed). A copy that already
/// completed is not started again, so a re-run of `pulumi up` is a no-op.
/// </summary>
public sealed class CheckpointCopyClient(HttpClient http, TokenCredential credential, TimeProvider? timeProvider = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(20);
    private const string Scope = "https://cognitiveservices.azure.com/.default";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The source account's endpoint: the account name is its custom subdomain.</summary>
    public static Uri SourceEndpoint(CheckpointCopyPlan plan)
    {
        var name = plan.SourceAccountId.TrimEnd('/');
        return new Uri($"https://{name[(name.LastIndexOf('/') + 1)..]}.openai.azure.com/");
    }

    public static string CopyPath(CheckpointCopyPlan plan) =>
        $"openai/v1/fine_tuning/jobs/{Uri.EscapeDataString(plan.JobId)}/checkpoints/{Uri.EscapeDataString(plan.CheckpointId)}/copy";

    public async Task CopyAsync(CheckpointCopyPlan plan, string destinationResourceId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var url = new Uri(SourceEndpoint(plan), CopyPath(plan));
        var deadline = _time.GetUtcNow() + timeout;

        var status = await StatusAsync(url, destinationResourceId, cancellationToken);
        if (status is null or "Failed")
        {
            var body = new JsonObject { ["destinationResourceId"] = destinationResourceId, ["region"] = plan.Region };
            using var start = await SendAsync(HttpMethod.Post, url, body, cancellationToken);
            status = DestinationStatus(start!, destinationResourceId) ?? "InProgress"; // POST never returns "not found" as null
        }

        while (status != "Completed")
        {
            if (status == "Failed")
            {
                throw new CheckpointCopyException(
                    $"copying checkpoint {plan.CheckpointId} of {plan.JobId} to {destinationResourceId} failed. The destination needs a " +
                    "prior fine-tuning job, public network access during the copy and a managed identity with Foundry User on it.");
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new CheckpointCopyException(
                    $"copying checkpoint {plan.CheckpointId} to {destinationResourceId} did not complete within {timeout.TotalMinutes:0} minutes " +
                    $"(last status {status}); run `pulumi up` again to keep waiting.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
            status = await StatusAsync(url, destinationResourceId, cancellationToken) ?? "InProgress";
        }
    }

    private async Task<string?> StatusAsync(Uri url, string destinationResourceId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken, allowNotFound: true);
        return response is null ? null : DestinationStatus(response, destinationResourceId);
    }

    private static string? DestinationStatus(JsonDocument response, string destinationResourceId)
    {
        if (!response.RootElement.TryGetProperty("copiedAccountDetails", out var details) || details.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var detail in details.EnumerateArray())
        {
            if (detail.TryGetProperty("destinationResourceId", out var id) &&
                string.Equals(id.GetString(), destinationResourceId, StringComparison.OrdinalIgnoreCase) &&
                detail.TryGetProperty("status", out var status))
            {
                return status.GetString();
            }
        }

        return null;
    }

    private async Task<JsonDocument?> SendAsync(
        HttpMethod method, Uri url, JsonObject? body, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        var token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken);
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        request.Headers.Add("aoai-copy-ft-checkpoints", "preview");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (allowNotFound && response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new CheckpointCopyException(
                $"{method} {url.AbsolutePath} answered {(int)response.StatusCode}: {ServiceMessage(text)}");
        }

        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new CheckpointCopyException($"{method} {url.AbsolutePath} answered {(int)response.StatusCode} with a body that is not JSON.");
        }
    }

    private static string ServiceMessage(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message))
            {
                var code = error.TryGetProperty("code", out var c) ? $"{c.GetString()}: " : "";
                return code + message.GetString();
            }
        }
        catch (JsonException)
        {
        }

        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
