// Checked against Pulumi.Testing (Pulumi .NET SDK 3.x): IMocks, MockResourceArgs { Type, Name, Inputs, Provider, Id },
// MockCallArgs { Token, Args }, and the StackReference state shape { name, outputs, secretOutputNames }.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Pulumi.Testing;

namespace RftInfra.Tests;

/// <summary>
/// Echoes inputs as outputs and adds what the cloud would: ids, account names, a job status. The previous run's
/// stack outputs (what the program's self reference — or prod's reference to dev — reads) are given per test, with
/// the <c>secretOutputNames</c> the SDK's StackReference requires. Every registration is recorded.
/// </summary>
internal sealed class Mocks(ImmutableDictionary<string, object>? previousOutputs = null) : IMocks
{
    public const string SubscriptionId = "00000000-1111-2222-3333-444444444444";

    public ConcurrentQueue<MockResourceArgs> Registered { get; } = new();

    public ConcurrentQueue<MockCallArgs> Calls { get; } = new();

    public IEnumerable<MockResourceArgs> OfType(string type) => Registered.Where(r => r.Type == type);

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        Registered.Enqueue(args);
        var outputs = ImmutableDictionary.CreateBuilder<string, object>();
        outputs.AddRange(args.Inputs);
        var id = args.Id ?? $"{args.Name}-id";
        switch (args.Type)
        {
            case "pulumi:pulumi:StackReference":
                outputs["name"] = args.Name ?? "";
                outputs["outputs"] = previousOutputs ?? ImmutableDictionary<string, object>.Empty;
                outputs["secretOutputNames"] = ImmutableArray<object>.Empty;
                break;
            case "azure-native:cognitiveservices:Account":
                var accountName = InputOrName(args, "accountName");
                outputs["name"] = accountName;
                id = $"/subscriptions/{SubscriptionId}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/{accountName}";
                break;
            case "azure-native:cognitiveservices:Deployment":
                outputs["name"] = InputOrName(args, "deploymentName");
                break;
            case "azure-native:resources:ResourceGroup":
                outputs["name"] = InputOrName(args, "resourceGroupName");
                break;
            case "rft:index:TrainingFile":
                outputs["fileId"] = $"file-{args.Name}";
                outputs["status"] = "processed";
                break;
            case "rft:index:Grader":
                outputs["name"] = args.Name ?? "";
                outputs["type"] = "string_check";
                outputs["canonicalJson"] = "{}";
                outputs["hash"] = "0";
                break;
            case "rft:index:FineTuningJob":
                outputs["jobId"] = $"ftjob-{args.Name}";
                outputs["specHash"] = "spec";
                outputs["status"] = "pending";
                break;
        }

        return Task.FromResult<(string? id, object state)>((id, outputs.ToImmutable()));
    }

    /// <summary>Stack outputs written as JSON, as the plain values Pulumi hands a program (numbers as double).</summary>
    public static ImmutableDictionary<string, object> OutputsFromJson(string json) =>
        (ImmutableDictionary<string, object>)Plain(JsonDocument.Parse(json).RootElement)!;

    private static object? Plain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToImmutableDictionary(p => p.Name, p => Plain(p.Value)!),
        JsonValueKind.Array => e.EnumerateArray().Select(v => Plain(v)!).ToImmutableArray(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>The resource's explicit Azure name when the program set one, else its Pulumi name (auto-naming).</summary>
    private static object InputOrName(MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? value : args.Name ?? "";

    public Task<object> CallAsync(MockCallArgs args)
    {
        Calls.Enqueue(args);
        return Task.FromResult<object>(args.Token == "azure-native:authorization:getClientConfig"
            ? ImmutableDictionary<string, object>.Empty
                .Add("subscriptionId", SubscriptionId)
                .Add("tenantId", "tenant")
                .Add("clientId", "client")
                .Add("objectId", "object")
            : args.Args);
    }
}
