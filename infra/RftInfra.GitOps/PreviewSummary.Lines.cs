using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.GitOps;

/// <summary>One summary line per RFT resource type: what a reviewer needs to know about the change.</summary>
public static partial class PreviewSummaryWriter
{
    /// <summary>Pulumi's "unknown during preview" sentinels (sdk/go/common/resource/plugin/rpc.go).</summary>
    private static readonly HashSet<string> UnknownSentinels =
    [
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    ];

    private static string JobLine(ResourceChange c)
    {
        var model = Value(c.Step.Inputs, "model") ?? Value(c.Step.Inputs, "baseModel");
        var text = $"{Verb(c.Kind)} `{Code(c.Name)}`" + (model is null ? "" : $" (`{Code(model)}`)");
        return c.Kind switch
        {
            ChangeKind.Replace => text + Forced(c.Step.ReplacingFields) + ": the running job is cancelled and a new one trains",
            ChangeKind.Create => text + ": starts training",
            ChangeKind.Delete => text + ": cancelled if still running; its model is kept",
            _ => text + Fields(c.Step.ChangedFields),
        };
    }

    private static string FileLine(ResourceChange c)
    {
        var path = Value(c.Step.Inputs, "path") ?? Value(c.Step.Inputs, "source") ?? Value(c.Step.Inputs, "fileName")
            ?? Value(c.Step.Inputs, "filename");
        var hash = Value(c.Step.Inputs, "contentHash") ?? Value(c.Step.Inputs, "sha256") ?? Value(c.Step.Inputs, "hash");
        var text = $"{Verb(c.Kind)} `{Code(path ?? c.Name)}`";
        if (hash is not null)
        {
            text += $" (sha256 `{Code(hash.Length > 12 ? hash[..12] + "…" : hash)}`)";
        }

        return c.Kind == ChangeKind.Replace ? text + Forced(c.Step.ReplacingFields) : text;
    }

    private static string GraderLine(ResourceChange c) => c.Kind switch
    {
        ChangeKind.Update => $"update `{Code(c.Name)}`{Fields(c.Step.ChangedFields)}; jobs using it are replaced",
        ChangeKind.Replace => $"replace `{Code(c.Name)}`{Forced(c.Step.ReplacingFields)}; jobs using it are replaced",
        _ => $"{Verb(c.Kind)} `{Code(c.Name)}`",
    };

    private static string DeploymentLine(ResourceChange c)
    {
        var inputs = c.Step.Inputs;
        var name = Value(inputs, "deploymentName") ?? c.Name;
        var account = Value(inputs, "accountName");
        var model = Value(inputs, "properties", "model", "name");
        var source = Value(inputs, "properties", "model", "source");
        var sku = Value(inputs, "sku", "name");
        var capacity = Value(inputs, "sku", "capacity");
        var text = $"{Verb(c.Kind)} `{Code(name)}`" + (account is null ? "" : $" on `{Code(account)}`");
        if (model is not null)
        {
            text += $": model `{Code(model)}`";
        }

        if (sku is not null)
        {
            text += $", `{Code(sku)}`" + (capacity is null ? "" : $" × `{Code(capacity)}`");
        }

        if (source is not null)
        {
            text += $", from `{Code(ArmName(source))}`";
        }

        return c.Kind switch
        {
            ChangeKind.Replace => text + Forced(c.Step.ReplacingFields),
            ChangeKind.Update => text + Fields(c.Step.ChangedFields),
            _ => text,
        };
    }

    private static string AccountLine(ResourceChange c)
    {
        var name = Value(c.Step.Inputs, "accountName") ?? c.Name;
        var location = Value(c.Step.Inputs, "location");
        var text = $"{Verb(c.Kind)} `{Code(name)}`" + (location is null ? "" : $" in `{Code(location)}`");
        return c.Kind switch
        {
            ChangeKind.Replace => text + Forced(c.Step.ReplacingFields),
            ChangeKind.Update => text + Fields(c.Step.ChangedFields),
            _ => text,
        };
    }

    private static string RoleLine(ResourceChange c)
    {
        var role = Value(c.Step.Inputs, "roleDefinitionId");
        var principal = Value(c.Step.Inputs, "principalId");
        var scope = Value(c.Step.Inputs, "scope");
        var text = $"{Verb(c.Kind)} `{Code(c.Name)}`";
        if (role is not null)
        {
            text += $": role `{Code(Stacks.AzureRoleNames.Of(ArmName(role)))}`";
        }

        if (principal is not null)
        {
            text += $" for principal `{Code(principal)}`";
        }

        if (scope is not null)
        {
            text += $" on `{Code(ArmName(scope))}`";
        }

        return c.Kind == ChangeKind.Replace ? text + Forced(c.Step.ReplacingFields) : text;
    }

    private static string Forced(IReadOnlyList<string> fields) =>
        fields.Count == 0 ? "" : $", forced by {string.Join(", ", fields.Take(6).Select(f => $"`{Code(f)}`"))}{(fields.Count > 6 ? $" and {fields.Count - 6} more" : "")}";

    private static string Fields(IReadOnlyList<string> fields) =>
        fields.Count == 0 ? "" : $": {string.Join(", ", fields.Take(6).Select(f => $"`{Code(f)}`"))}{(fields.Count > 6 ? $" and {fields.Count - 6} more" : "")}";

    /// <summary>A scalar at a path in the inputs, as text; unknown-during-preview values read "(known after apply)".</summary>
    private static string? Value(JsonObject? obj, params string[] path)
    {
        JsonNode? node = obj;
        foreach (var key in path)
        {
            node = node is JsonObject o ? o[key] : null;
        }

        if (node is not JsonValue value)
        {
            return null;
        }

        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        return text is not null && UnknownSentinels.Contains(text) ? "(known after apply)" : text;
    }

    /// <summary>The last segment of an ARM id (the account, role or scope name), enough to recognise it.</summary>
    private static string ArmName(string id)
    {
        var trimmed = id.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }
}
