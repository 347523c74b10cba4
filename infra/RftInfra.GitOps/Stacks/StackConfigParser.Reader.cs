using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;

namespace RftInfra.Stacks;

public static partial class StackConfigParser
{
    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static int? AsInt(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var d)
            && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue
            ? (int)d
            : null;

    /// <summary>Reads one key at a time and records diagnostics that name the key and the fix.</summary>
    private sealed class Reader(string stackName, IReadOnlyDictionary<string, string?> values)
    {
        public DiagnosticBag Diagnostics { get; } = new();

        private string File => $"Pulumi.{stackName}.yaml";

        public bool Has(string key) => values.TryGetValue(key, out var v) && v is not null;

        public string? String(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        public bool? Bool(string key)
        {
            var text = String(key);
            if (text is null)
            {
                return null;
            }

            if (bool.TryParse(text, out var value))
            {
                return value;
            }

            Error("RFT501", key, $"'{text}' is not true or false.", "true");
            return null;
        }

        public JsonArray? Array(string key, string example) => Parse(key, example) switch
        {
            null => null,
            JsonArray array => array,
            _ => Fail<JsonArray>(key, "must be a list", example),
        };

        public JsonObject? Object(string key, string example) => Parse(key, example) switch
        {
            null => null,
            JsonObject obj => obj,
            _ => Fail<JsonObject>(key, "must be an object", example),
        };

        private T? Fail<T>(string key, string what, string example)
            where T : class
        {
            Error("RFT501", key, $"the value {what}.", example);
            return null;
        }

        private JsonNode? Parse(string key, string example)
        {
            var text = String(key);
            if (text is null)
            {
                return null;
            }

            try
            {
                // A key given twice is bad JSON here too (JsonObject would otherwise throw ArgumentException later).
                return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false })
                    ?? throw new JsonException("null");
            }
            catch (JsonException)
            {
                Error("RFT501", key, "the value is not valid JSON.", example);
                return null;
            }
        }

        /// <param name="example">What to pass to <c>pulumi config set</c>, already shell-quoted where needed.</param>
        public void Error(string code, string key, string message, string example) =>
            Diagnostics.Add(new Diagnostic(
                code, DiagnosticSeverity.Error, File, SourcePosition.None,
                $"config {Namespace}:{key}: {message}",
                $"pulumi config set {Namespace}:{key} {example}"));

        /// <param name="hint">The whole fix, for settings whose command is not <c>pulumi config set KEY VALUE</c>.</param>
        public void Finding(DiagnosticSeverity severity, string code, string key, string message, string hint) =>
            Diagnostics.Add(new Diagnostic(
                code, severity, File, SourcePosition.None, $"config {Namespace}:{key}: {message}", hint));
    }
}
