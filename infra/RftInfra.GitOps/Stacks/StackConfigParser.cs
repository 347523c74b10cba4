using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Diagnostics;

namespace RftInfra.Stacks;

/// <summary>
/// Turns the raw values of the <c>rft-infra:*</c> config keys into <see cref="StackSettings"/>. Structured values
/// (lists, objects) arrive as JSON text, which is how Pulumi hands object config to a program. Every problem is a
/// <see cref="Diagnostic"/> naming the key and the exact <c>pulumi config set</c> command that fixes it.
/// </summary>
public static partial class StackConfigParser
{
    public const string Namespace = "rft-infra";

    /// <summary>The keys the program reads; anything else in the namespace is not ours.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "environment", "regions", "namePrefix", "tags", "jobs", "principals", "evalDeployments", "network",
        "accountKind", "restoreSoftDeleted", "deployFineTunedModels", RehearsalKey, EndpointsKey,
    ];

    /// <summary>Regions a dev stack (stack or environment named dev) gets when it names none: the two o4-mini Standard-training regions.</summary>
    public static readonly IReadOnlyList<string> DevDefaultRegions = ["swedencentral", "eastus2"];

    public const string DefaultNamePrefix = "rft";
    public const string DefaultAccountKind = "AIServices";

    private static readonly string[] AccountKinds = ["AIServices", "OpenAI"];
    private static readonly string[] PrincipalTypes = ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"];

    public static StackConfigResult Parse(
        string stackName, IReadOnlyDictionary<string, string?> values, IReadOnlySet<string> knownRegions)
    {
        var reader = new Reader(stackName, values);

        var environment = reader.String("environment") ?? stackName.ToLowerInvariant();
        if (!NameRegex().IsMatch(environment))
        {
            reader.Error("RFT504", "environment",
                $"'{environment}' is not a valid environment name: use 2-12 lowercase letters or digits, starting with a letter.",
                "dev");
        }

        var prefix = reader.String("namePrefix") ?? DefaultNamePrefix;
        if (!NameRegex().IsMatch(prefix))
        {
            reader.Error("RFT504", "namePrefix",
                $"'{prefix}' is not a valid name prefix: use 2-12 lowercase letters or digits, starting with a letter.",
                "rft");
        }

        var regions = ParseRegions(reader, environment == "dev" || stackName == "dev", environment, knownRegions);
        var tags = ParseTags(reader, environment);
        var jobs = ParseJobs(reader);
        var principals = ParsePrincipals(reader);
        var evalDeployments = ParseEvalDeployments(reader, regions);
        var network = ParseNetwork(reader);

        var kind = reader.String("accountKind") ?? DefaultAccountKind;
        var matchedKind = AccountKinds.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase));
        if (matchedKind is null)
        {
            reader.Error("RFT501", "accountKind", $"'{kind}' is not a supported account kind: use AIServices or OpenAI.", "AIServices");
        }

        var restore = reader.Bool("restoreSoftDeleted") ?? false;
        var deployFineTuned = reader.Bool("deployFineTunedModels") ?? true;
        var rehearsal = ParseRehearsal(reader);
        var endpoints = ParseEndpoints(reader, regions, prefix, environment, matchedKind ?? DefaultAccountKind);

        if (reader.Diagnostics.HasErrors)
        {
            return new StackConfigResult(null, reader.Diagnostics.Items);
        }

        var settings = new StackSettings(
            environment, regions, prefix, tags, jobs, principals, evalDeployments, network,
            matchedKind ?? DefaultAccountKind, restore, deployFineTuned)
        {
            Rehearsal = rehearsal,
            Endpoints = endpoints,
        };
        return new StackConfigResult(settings, reader.Diagnostics.Items);
    }

    private static List<string> ParseRegions(Reader reader, bool isDev, string environment, IReadOnlySet<string> knownRegions)
    {
        var array = reader.Array("regions", """["swedencentral"]""");
        if (array is null)
        {
            if (reader.Has("regions"))
            {
                return [];
            }

            if (isDev)
            {
                return [.. DevDefaultRegions];
            }

            reader.Error("RFT503", "regions",
                $"no regions are configured for the '{environment}' stack.", """'["swedencentral"]'""");
            return [];
        }

        if (array.Count == 0)
        {
            reader.Error("RFT503", "regions", "the region list is empty.", """'["swedencentral"]'""");
            return [];
        }

        var regions = new List<string>();
        foreach (var item in array)
        {
            var region = AsString(item)?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(region))
            {
                reader.Error("RFT501", "regions", "every region must be a string such as \"swedencentral\".", """'["swedencentral"]'""");
                continue;
            }

            if (!knownRegions.Contains(region))
            {
                var suggestion = Suggest(region, knownRegions);
                reader.Error("RFT502", "regions",
                    $"'{region}' is not an RFT training region in catalog/catalog.json" +
                    (suggestion is null ? "." : $" (did you mean '{suggestion}'?).") +
                    $" Known regions: {string.Join(", ", knownRegions.Order(StringComparer.Ordinal))}.",
                    $"""'["{suggestion ?? "swedencentral"}"]'""");
                continue;
            }

            if (regions.Contains(region))
            {
                reader.Error("RFT501", "regions", $"'{region}' is listed twice.", """'["swedencentral"]'""");
                continue;
            }

            regions.Add(region);
        }

        return regions;
    }

    private static Dictionary<string, string> ParseTags(Reader reader, string environment)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["managed-by"] = "rft-infra",
            ["environment"] = environment,
        };
        var obj = reader.Object("tags", """'{"team":"ml"}'""");
        if (obj is null)
        {
            return tags;
        }

        foreach (var (key, value) in obj)
        {
            var text = AsString(value);
            if (text is null || key.Length is 0 or > 512 || text.Length > 256)
            {
                reader.Error("RFT501", "tags",
                    $"tag '{key}' must have a string value (keys up to 512 characters, values up to 256).",
                    """'{"team":"ml"}'""");
                continue;
            }

            tags[key] = text;
        }

        return tags;
    }

    private static List<string> ParseJobs(Reader reader)
    {
        var array = reader.Array("jobs", """'["jobs/capital-qa.yaml"]'""");
        var jobs = new List<string>();
        if (array is null)
        {
            return jobs;
        }

        foreach (var item in array)
        {
            var path = AsString(item)?.Trim().Replace('\\', '/');
            if (string.IsNullOrEmpty(path) || !IsJobPath(path))
            {
                reader.Error("RFT505", "jobs",
                    $"'{item?.ToJsonString() ?? "null"}' is not a job declaration path: use a repository-relative path under jobs/ ending in .yaml, .yml or .json.",
                    """'["jobs/capital-qa.yaml"]'""");
                continue;
            }

            if (jobs.Contains(path, StringComparer.Ordinal))
            {
                reader.Error("RFT505", "jobs", $"'{path}' is listed twice.", """'["jobs/capital-qa.yaml"]'""");
                continue;
            }

            jobs.Add(path);
        }

        return jobs;
    }

    private static bool IsJobPath(string path) =>
        path.StartsWith("jobs/", StringComparison.Ordinal)
        && !path.Split('/').Contains("..")
        && (path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal)
            || path.EndsWith(".json", StringComparison.Ordinal));

    private const string PrincipalsExample = """'[{"objectId":"00000000-0000-0000-0000-000000000000","principalType":"User","roles":["train","deploy"]}]'""";

    private static List<PrincipalGrant> ParsePrincipals(Reader reader)
    {
        var array = reader.Array("principals", PrincipalsExample);
        var principals = new List<PrincipalGrant>();
        if (array is null)
        {
            return principals;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject obj)
            {
                reader.Error("RFT506", "principals", $"entry {i} must be an object with objectId and principalType.", PrincipalsExample);
                continue;
            }

            var objectId = AsString(obj["objectId"]);
            if (objectId is null || !Guid.TryParse(objectId, out _))
            {
                reader.Error("RFT506", "principals", $"entry {i}: objectId must be the principal's Entra object id (a GUID).", PrincipalsExample);
                continue;
            }

            var type = AsString(obj["principalType"]) ?? "User";
            var matchedType = PrincipalTypes.FirstOrDefault(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));
            if (matchedType is null)
            {
                reader.Error("RFT506", "principals",
                    $"entry {i}: principalType '{type}' must be one of {string.Join(", ", PrincipalTypes)}.", PrincipalsExample);
                continue;
            }

            var roles = new List<PrincipalRole>();
            if (obj["roles"] is JsonArray roleArray)
            {
                foreach (var roleNode in roleArray)
                {
                    switch (AsString(roleNode)?.ToLowerInvariant())
                    {
                        case "train":
                            roles.Add(PrincipalRole.Train);
                            break;
                        case "deploy":
                            roles.Add(PrincipalRole.Deploy);
                            break;
                        default:
                            reader.Error("RFT506", "principals",
                                $"entry {i}: role '{roleNode?.ToJsonString()}' must be \"train\" or \"deploy\".", PrincipalsExample);
                            break;
                    }
                }
            }
            else if (obj["roles"] is null)
            {
                roles.AddRange([PrincipalRole.Train, PrincipalRole.Deploy]);
            }
            else
            {
                reader.Error("RFT506", "principals", $"entry {i}: roles must be a list such as [\"train\"].", PrincipalsExample);
            }

            principals.Add(new PrincipalGrant(objectId.ToLowerInvariant(), matchedType, roles.Distinct().ToList()));
        }

        return principals;
    }

    private const string EvalExample = """'[{"model":"gpt-4.1-mini","version":"2025-04-14","sku":"GlobalStandard","capacity":10}]'""";

    private static List<EvalDeployment> ParseEvalDeployments(Reader reader, IReadOnlyList<string> regions)
    {
        var array = reader.Array("evalDeployments", EvalExample);
        var deployments = new List<EvalDeployment>();
        if (array is null)
        {
            return deployments;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject obj)
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i} must be an object with model, version, sku and capacity.", EvalExample);
                continue;
            }

            var model = AsString(obj["model"]);
            var version = AsString(obj["version"]);
            var sku = AsString(obj["sku"]) ?? "GlobalStandard";
            var capacity = obj["capacity"] is null ? 1 : AsInt(obj["capacity"]);
            var region = AsString(obj["region"])?.ToLowerInvariant();
            var name = AsString(obj["name"]) ?? model;

            if (string.IsNullOrEmpty(model) || string.IsNullOrEmpty(version))
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i}: model and version are required (e.g. gpt-4.1-mini, 2025-04-14).", EvalExample);
                continue;
            }

            if (capacity is null or < 1)
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i}: capacity must be a whole number of at least 1.", EvalExample);
                continue;
            }

            if (region is not null && regions.Count > 0 && !regions.Contains(region))
            {
                reader.Error("RFT507", "evalDeployments",
                    $"entry {i}: region '{region}' is not one of the stack's regions ({string.Join(", ", regions)}).", EvalExample);
                continue;
            }

            if (name is null || !DeploymentNameRegex().IsMatch(name))
            {
                reader.Error("RFT507", "evalDeployments",
                    $"entry {i}: deployment name '{name}' may hold only letters, digits, '.', '-' and '_' (at most 64).", EvalExample);
                continue;
            }

            if (deployments.Any(d => d.Name == name && (d.Region is null || region is null || d.Region == region)))
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i}: deployment name '{name}' is used twice on one account.", EvalExample);
                continue;
            }

            deployments.Add(new EvalDeployment(name, model, version, sku, capacity.Value, region));
        }

        return deployments;
    }

    private const string NetworkExample = """'{"publicNetworkAccess":true,"allowedIps":["203.0.113.0/24"]}'""";

    private static NetworkSettings ParseNetwork(Reader reader)
    {
        var obj = reader.Object("network", NetworkExample);
        if (obj is null)
        {
            return NetworkSettings.Open;
        }

        var publicAccess = true;
        if (obj["publicNetworkAccess"] is { } accessNode)
        {
            if (accessNode.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                publicAccess = accessNode.GetValue<bool>();
            }
            else
            {
                reader.Error("RFT508", "network", "publicNetworkAccess must be true or false.", NetworkExample);
            }
        }

        var ips = new List<string>();
        if (obj["allowedIps"] is JsonArray ipArray)
        {
            foreach (var ipNode in ipArray)
            {
                var ip = AsString(ipNode)?.Trim();
                if (ip is null || !IsIpv4OrCidr(ip))
                {
                    reader.Error("RFT508", "network",
                        $"allowed IP '{ipNode?.ToJsonString()}' must be an IPv4 address or CIDR range such as 203.0.113.0/24.", NetworkExample);
                    continue;
                }

                ips.Add(ip);
            }
        }
        else if (obj["allowedIps"] is not null)
        {
            reader.Error("RFT508", "network", "allowedIps must be a list of IPv4 addresses or CIDR ranges.", NetworkExample);
        }

        foreach (var key in obj.Select(p => p.Key).Where(k => k is not ("publicNetworkAccess" or "allowedIps")))
        {
            reader.Error("RFT508", "network", $"unknown setting '{key}': use publicNetworkAccess and allowedIps.", NetworkExample);
        }

        if (!publicAccess && ips.Count > 0)
        {
            reader.Error("RFT508", "network",
                "allowedIps has no effect while publicNetworkAccess is false: the account then takes private endpoints only.",
                NetworkExample);
        }

        return new NetworkSettings(publicAccess, ips);
    }

    internal static bool IsIpv4OrCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || address.Split('.').Length != 4)
        {
            return false;
        }

        return slash < 0 || (int.TryParse(text[(slash + 1)..], out var bits) && bits is >= 0 and <= 32);
    }

    private static string? Suggest(string value, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Candidate: c, Distance: Levenshtein(value, c)))
            .Where(x => x.Distance <= Math.Max(2, value.Length / 4))
            .OrderBy(x => x.Distance)
            .Select(x => x.Candidate)
            .FirstOrDefault();

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static int? AsInt(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var d)
            && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue
            ? (int)d
            : null;

    [GeneratedRegex("^[a-z][a-z0-9]{1,11}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex DeploymentNameRegex();

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
                return JsonNode.Parse(text) ?? throw new JsonException("null");
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

public sealed record StackConfigResult(StackSettings? Settings, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Settings is not null;
}
