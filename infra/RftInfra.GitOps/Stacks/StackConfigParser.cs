using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Declarations;
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

    /// <param name="catalog">Resolves a region selector (<see cref="RegionSelector"/>); default: the built-in catalog.</param>
    public static StackConfigResult Parse(
        string stackName, IReadOnlyDictionary<string, string?> values, IReadOnlySet<string> knownRegions, RftCatalog? catalog = null)
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

        var regions = reader.String("regions") is ['{', ..]
            ? SelectRegions(reader, catalog ?? RftCatalog.Default, knownRegions)
            : ParseRegions(reader, environment == "dev" || stackName == "dev", environment, knownRegions);
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

    /// <summary>A region selector ({"model", "training_type"}) resolved from the catalog; the resolved list is an info finding.</summary>
    private static List<string> SelectRegions(Reader reader, RftCatalog catalog, IReadOnlySet<string> knownRegions)
    {
        if (reader.Object("regions", RegionSelector.Example) is not { } value)
        {
            return [];
        }

        var selector = RegionSelector.Read(value, out var problem);
        var regions = selector?.Resolve(catalog, out problem) ?? [];
        if (problem is not null)
        {
            reader.Error(selector is null ? "RFT501" : "RFT502", "regions", problem, RegionSelector.Example);
            return [];
        }

        reader.Finding(DiagnosticSeverity.Info, "RFT540", "regions", selector!.Describe(catalog, regions),
            "Name regions with a list instead to pin them: pulumi config set rft-infra:regions '[\"swedencentral\"]'.");
        // The program passes one catalog for both; a caller that mixes two gets told rather than a silent drop.
        foreach (var unknown in regions.Where(r => !knownRegions.Contains(r)))
        {
            reader.Error("RFT502", "regions", $"the selector resolved to '{unknown}', which is not a known region.", RegionSelector.Example);
        }

        return [.. regions];
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

    [GeneratedRegex("^[a-z][a-z0-9]{1,11}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex DeploymentNameRegex();
}

public sealed record StackConfigResult(StackSettings? Settings, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Settings is not null;
}
