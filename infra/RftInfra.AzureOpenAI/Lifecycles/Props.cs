using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Files;
using RftInfra.Json;

namespace RftInfra.Lifecycles;

/// <summary>Reads the plain property bags of the lifecycles, and hashes. Lenient readers: Check reports bad shapes.</summary>
internal static class Props
{
    public static string? Str(JsonObject? bag, string key) =>
        bag?[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>
    /// A whole number however the node was made (parsed text, or a C# int/long/double from a provider): reading
    /// through the JSON text avoids JsonValue's refusal to convert between CLR number types.
    /// </summary>
    public static long? Long(JsonObject? bag, string key) =>
        Double(bag, key) is { } d && d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue ? (long)d : null;

    public static double? Double(JsonObject? bag, string key) =>
        JsonNumber.AsDouble(bag?[key]);

    public static JsonObject? Obj(JsonObject? bag, string key) => bag?[key] as JsonObject;

    /// <summary>A required string input, or an error that names the resource type, the input and the fix.</summary>
    public static string Required(JsonObject bag, string key, string typeToken) =>
        Str(bag, key) is { Length: > 0 } s
            ? s
            : throw new ResourceInputException($"{typeToken}: input '{key}' is missing or not a string. Set it in the declaration (run `rft validate`).");

    public static JsonObject RequiredObject(JsonObject bag, string key, string typeToken) =>
        Obj(bag, key) ?? throw new ResourceInputException($"{typeToken}: input '{key}' is missing or not an object. Set it in the declaration (run `rft validate`).");

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The SHA-256 of a file; a FIFO or a device is refused (IOException), never opened.</summary>
    public static string Sha256File(string path) =>
        Sha256File(CheckoutFile.Check(path, root: null, long.MaxValue, out var problem) ?? throw new IOException($"{path}: {problem!.Message}"));

    public static string Sha256File(CheckedFile file)
    {
        using var stream = CheckoutFile.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>True when the two values are the same JSON (key order ignored).</summary>
    public static bool SameJson(JsonNode? a, JsonNode? b) =>
        Graders.CanonicalJsonWriter.Write(a) == Graders.CanonicalJsonWriter.Write(b);

    public static JsonObject Clone(JsonObject bag) => (JsonObject)bag.DeepClone();

    /// <summary>An error about the resource input <paramref name="input"/>.</summary>
    public static Diagnostic Error(string code, string input, string file, string message, string? hint = null) =>
        new(code, DiagnosticSeverity.Error, file, SourcePosition.None, message, hint) { Input = input };

    /// <summary>The same diagnostics, each about <paramref name="input"/> (the input whose value was checked).</summary>
    public static IEnumerable<Diagnostic> About(string input, IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => d with { Input = input });
}

/// <summary>Inputs a lifecycle cannot act on (Check reports the same as diagnostics first).</summary>
public sealed class ResourceInputException(string message) : Exception(message);

/// <summary>Codes of the lifecycles' own input checks (the declaration checks proper come from `rft validate`).</summary>
internal static class LifecycleCodes
{
    /// <summary>A required input is missing or has the wrong type.</summary>
    public const string InputMissing = "RFT901";

    /// <summary>An input has a value the service will refuse.</summary>
    public const string InputInvalid = "RFT902";

    /// <summary>A local file named by an input cannot be read.</summary>
    public const string FileUnreadable = "RFT903";
}
