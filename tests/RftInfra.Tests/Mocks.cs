// Checked against Pulumi.Testing (Pulumi .NET SDK 3.x): IMocks, MockResourceArgs { Type, Name, Inputs, Provider, Id },
// MockCallArgs { Token, Args }, and the StackReference state shape { name, outputs, secretOutputNames }.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi.Testing;

namespace RftInfra.Tests;

/// <summary>
/// Echoes inputs as outputs and adds what the cloud would: ids, account names, a job status. The previous run's
/// stack outputs (what the program's self reference reads) are given per test. Every registration is recorded.
/// </summary>
internal sealed class Mocks(ImmutableDictionary<string, object>? previousOutputs = null) : IMocks
{
    public const string SubscriptionId = "00000000-1111-2222-3333-444444444444";

    public ConcurrentQueue<MockResourceArgs> Registered { get; } = new();

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
                outputs["name"] = args.Inputs["accountName"];
                id = $"/subscriptions/{SubscriptionId}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/{args.Inputs["accountName"]}";
                break;
            case "azure-native:cognitiveservices:Deployment":
                outputs["name"] = args.Inputs["deploymentName"];
                break;
            case "azure-native:resources:ResourceGroup":
                outputs["name"] = args.Inputs["resourceGroupName"];
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

    public Task<object> CallAsync(MockCallArgs args) =>
        Task.FromResult<object>(args.Token == "azure-native:authorization:getClientConfig"
            ? ImmutableDictionary<string, object>.Empty
                .Add("subscriptionId", SubscriptionId)
                .Add("tenantId", "tenant")
                .Add("clientId", "client")
                .Add("objectId", "object")
            : args.Args);
}
