using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.GitOps;

/// <summary>
/// The document `pulumi preview --json` prints: Pulumi's <c>display.PreviewDigest</c>
/// (pulumi/pulumi sdk/go/pkg/display/json.go, written by pkg/backend/display/json.go ShowPreviewDigest):
/// <c>config</c>, <c>steps[]</c>, <c>diagnostics[]</c>, <c>duration</c> (nanoseconds), <c>changeSummary</c>
/// (op → count), <c>maybeCorrupt</c>. Only what the PR summary needs is bound; unknown keys are ignored.
/// </summary>
public sealed record PreviewDigest(
    IReadOnlyList<PreviewStep> Steps,
    IReadOnlyList<PreviewDiagnostic> Diagnostics,
    IReadOnlyDictionary<string, int> ChangeSummary)
{
    /// <summary>The stack name from the first URN (<c>urn:pulumi:STACK::PROJECT::TYPE::NAME</c>), if any.</summary>
    public string? StackName => Steps.Select(s => PulumiUrn.TryParse(s.Urn)?.Stack).FirstOrDefault(s => s is not null);
}

/// <summary>
/// One <c>PreviewStep</c>: <c>op</c>, <c>urn</c>, <c>provider</c>, <c>oldState</c>/<c>newState</c>
/// (<c>apitype.ResourceV3</c>: <c>type</c>, <c>inputs</c>, <c>outputs</c>, ...), <c>diffReasons</c> (keys that
/// differ), <c>replaceReasons</c> (keys forcing a replacement) and <c>detailedDiff</c> (property path →
/// <c>{kind, inputDiff}</c>; may be null when the provider gives no detailed diff).
/// </summary>
public sealed record PreviewStep(
    string Op,
    string Urn,
    string Type,
    string Name,
    JsonObject? OldInputs,
    JsonObject? NewInputs,
    JsonObject? OldOutputs,
    IReadOnlyList<string> DiffReasons,
    IReadOnlyList<string> ReplaceReasons,
    IReadOnlyDictionary<string, PropertyDiff> DetailedDiff)
{
    /// <summary>The inputs the resource will have (new state), or had (old state, for deletes).</summary>
    public JsonObject? Inputs => NewInputs ?? OldInputs;

    /// <summary>
    /// The properties that force the replacement: <c>replaceReasons</c>, else the detailed-diff paths whose kind
    /// is <c>*-replace</c>, else <c>diffReasons</c> (a provider that gives neither still says what changed).
    /// </summary>
    public IReadOnlyList<string> ReplacingFields
    {
        get
        {
            if (ReplaceReasons.Count > 0)
            {
                return ReplaceReasons;
            }

            var fromDetail = DetailedDiff.Where(d => d.Value.IsReplace).Select(d => d.Key).Order(StringComparer.Ordinal).ToList();
            return fromDetail.Count > 0 ? fromDetail : DiffReasons;
        }
    }

    /// <summary>The changed properties: detailed-diff paths when given, else <c>diffReasons</c>.</summary>
    public IReadOnlyList<string> ChangedFields =>
        DetailedDiff.Count > 0 ? DetailedDiff.Keys.Order(StringComparer.Ordinal).ToList() : DiffReasons;
}

/// <summary>One detailed-diff entry. Kinds: add, add-replace, delete, delete-replace, update, update-replace.</summary>
public sealed record PropertyDiff(string Kind, bool InputDiff)
{
    public bool IsReplace => Kind.EndsWith("-replace", StringComparison.Ordinal);
}

/// <summary>Severities Pulumi emits: debug, info, info#err, warning, error (diag.Severity).</summary>
public sealed record PreviewDiagnostic(string? Urn, string Message, string Severity)
{
    public bool IsError => Severity == "error";

    public bool IsWarning => Severity == "warning";
}

/// <summary>A Pulumi URN: <c>urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME</c>.</summary>
public sealed record PulumiUrn(string Stack, string Project, string Type, string Name)
{
    public static PulumiUrn? TryParse(string urn)
    {
        const string prefix = "urn:pulumi:";
        if (!urn.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        // The name is everything after the third "::" (names may themselves contain "::").
        var parts = urn[prefix.Length..].Split("::", 4);
        if (parts.Length < 4)
        {
            return null;
        }

        var qualifiedType = parts[2];
        var type = qualifiedType[(qualifiedType.LastIndexOf('$') + 1)..];
        return new PulumiUrn(parts[0], parts[1], type, parts[3]);
    }
}

/// <summary>Bad preview JSON: where (line, 1-based; 0 when unknown) and what was expected.</summary>
public sealed class PreviewFormatException(string message, long line = 0) : Exception(message)
{
    public long Line { get; } = line;
}

public static class PreviewDigestReader
{
    /// <summary>
    /// Reads a preview document. Throws <see cref="PreviewFormatException"/> naming the line and field when the
    /// text is not JSON or not a preview digest.
    /// </summary>
    public static PreviewDigest Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new PreviewFormatException(
                "the preview is empty: `pulumi preview --json` printed nothing (it failed before the engine ran; see its log).");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? -1) + 1;
            // A duplicate key comes without a position: say none rather than "line 0".
            var where = e.LineNumber is null ? "" : $" at line {line}, byte {(e.BytePositionInLine ?? 0) + 1}";
            throw new PreviewFormatException(
                $"not valid JSON{where}: {Json.JsonSyntaxMessage.From(e)}. " +
                "Pass the output of `pulumi preview --json` (stdout only; progress and errors go to stderr).", line);
        }

        if (root is not JsonObject digest)
        {
            throw new PreviewFormatException(
                $"expected a JSON object with \"steps\" (Pulumi's PreviewDigest), found {Describe(root)}.", 1);
        }

        var steps = new List<PreviewStep>();
        if (digest["steps"] is { } stepsNode)
        {
            if (stepsNode is not JsonArray stepsArray)
            {
                throw new PreviewFormatException($"\"steps\" must be an array, found {Describe(stepsNode)}.");
            }

            for (var i = 0; i < stepsArray.Count; i++)
            {
                steps.Add(ReadStep(stepsArray[i], i));
            }
        }

        var diagnostics = new List<PreviewDiagnostic>();
        if (digest["diagnostics"] is JsonArray diagnosticArray)
        {
            foreach (var node in diagnosticArray.OfType<JsonObject>())
            {
                diagnostics.Add(new PreviewDiagnostic(
                    Str(node, "urn"), (Str(node, "prefix") ?? "") + (Str(node, "message") ?? ""), Str(node, "severity") ?? "info"));
            }
        }

        var changeSummary = new Dictionary<string, int>(StringComparer.Ordinal);
        if (digest["changeSummary"] is JsonObject summary)
        {
            foreach (var (op, count) in summary)
            {
                if (count is JsonValue value && value.TryGetValue<int>(out var n))
                {
                    changeSummary[op] = n;
                }
            }
        }

        return new PreviewDigest(steps, diagnostics, changeSummary);
    }

    private static PreviewStep ReadStep(JsonNode? node, int index)
    {
        if (node is not JsonObject step)
        {
            throw new PreviewFormatException($"steps[{index}] must be an object, found {Describe(node)}.");
        }

        var op = Str(step, "op") ?? throw new PreviewFormatException($"steps[{index}] has no \"op\" (create, update, replace, ...).");
        var urn = Str(step, "urn") ?? throw new PreviewFormatException($"steps[{index}] (op {op}) has no \"urn\".");
        var oldState = step["oldState"] as JsonObject;
        var newState = step["newState"] as JsonObject;
        var parsedUrn = PulumiUrn.TryParse(urn);
        var type = Str(newState, "type") ?? Str(oldState, "type") ?? parsedUrn?.Type ?? "(unknown type)";

        var detailed = new Dictionary<string, PropertyDiff>(StringComparer.Ordinal);
        if (step["detailedDiff"] is JsonObject detailedDiff)
        {
            foreach (var (path, value) in detailedDiff)
            {
                if (value is JsonObject diff)
                {
                    detailed[path] = new PropertyDiff(Str(diff, "kind") ?? "update", diff["inputDiff"]?.GetValueKind() == JsonValueKind.True);
                }
            }
        }

        return new PreviewStep(
            op, urn, type, parsedUrn?.Name ?? urn,
            oldState?["inputs"] as JsonObject, newState?["inputs"] as JsonObject, oldState?["outputs"] as JsonObject,
            Strings(step["diffReasons"]), Strings(step["replaceReasons"]), detailed);
    }

    private static string? Str(JsonObject? obj, string key) =>
        obj?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array
            ? array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList()
            : [];

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonObject => "an object",
        _ => $"a {node.GetValueKind().ToString().ToLowerInvariant()}",
    };
}
