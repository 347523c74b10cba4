using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace RftInfra.Emulator;

/// <summary>What a fault rule does to a matching call.</summary>
public enum FaultKind
{
    /// <summary>Answer <see cref="FaultRule.Status"/> (429, 500, 503, …) in the service's error shape, optionally with Retry-After.</summary>
    Status,

    /// <summary>Wait <see cref="FaultRule.LatencyMs"/> (wall clock: it is about the wire), then serve the call.</summary>
    Latency,

    /// <summary>Abort the connection without doing anything.</summary>
    DropConnection,

    /// <summary>Do the work (the state changes), then abort the connection: the caller never sees the answer.</summary>
    ResponseLost,

    /// <summary>
    /// Do the work (the state changes), then hold the answer back <see cref="FaultRule.LatencyMs"/> (wall clock): a
    /// client whose timeout is shorter gives up on a call the service has already carried out.
    /// </summary>
    LateResponse,
}

/// <summary>
/// One fault: which calls it hits (method, path glob with <c>*</c>, and which of the matching calls by number:
/// <see cref="Nth"/>, <see cref="Every"/>, <see cref="First"/>; none of them means every matching call) and what
/// happens to them. Calls are numbered from 1 per rule, counting only the calls that match method and path.
/// </summary>
public sealed record FaultRule
{
    /// <summary>HTTP method, case-insensitive; null or "*" matches any.</summary>
    public string? Method { get; init; }

    /// <summary>Request path without the query, e.g. <c>/openai/v1/fine_tuning/jobs</c> or <c>/openai/v1/files*</c>.</summary>
    public string Path { get; init; } = "*";

    /// <summary>Hit exactly these call numbers (1-based).</summary>
    public IReadOnlyList<int>? Nth { get; init; }

    /// <summary>Hit every n-th call (n, 2n, 3n, …).</summary>
    public int? Every { get; init; }

    /// <summary>Hit the first n calls.</summary>
    public int? First { get; init; }

    public FaultKind Fault { get; init; } = FaultKind.Status;

    /// <summary>Status for <see cref="FaultKind.Status"/> (default 503).</summary>
    public int Status { get; init; } = 503;

    /// <summary>Sent as <c>Retry-After</c> (whole seconds).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Sent as <c>retry-after-ms</c> (and <c>x-ms-retry-after-ms</c>, as Azure does).</summary>
    public int? RetryAfterMs { get; init; }

    /// <summary>Delay for <see cref="FaultKind.Latency"/> and <see cref="FaultKind.LateResponse"/>.</summary>
    public int LatencyMs { get; init; }

    internal bool MatchesRequest(string method, string path) =>
        (Method is null || Method == "*" || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && GlobToRegex(Path).IsMatch(path);

    internal bool HitsCall(int callNumber)
    {
        if (Nth is null && Every is null && First is null)
        {
            return true;
        }

        return (Nth is not null && Nth.Contains(callNumber))
            || (Every is > 0 && callNumber % Every.Value == 0)
            || (First is not null && callNumber <= First.Value);
    }

    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>A problem with the rule itself, or null when it is usable.</summary>
    internal string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            return "'path' is empty; use e.g. \"/openai/v1/fine_tuning/jobs\" or \"*\".";
        }

        if (Fault == FaultKind.Status && (Status < 400 || Status > 599))
        {
            return $"'status' {Status} is not an error status; use 429, 500 or 503.";
        }

        if ((Fault is FaultKind.Latency or FaultKind.LateResponse) && LatencyMs <= 0)
        {
            return $"a {JsonNamingPolicy.CamelCase.ConvertName(Fault.ToString())} fault needs 'latencyMs' > 0.";
        }

        if (Every is <= 0 || First is < 0 || (Nth is not null && Nth.Any(n => n < 1)))
        {
            return "'every' must be ≥ 1, 'first' ≥ 0 and 'nth' numbers ≥ 1 (calls are numbered from 1).";
        }

        if (RetryAfterSeconds is < 0 || RetryAfterMs is < 0 || LatencyMs < 0)
        {
            return "'retryAfterSeconds', 'retryAfterMs' and 'latencyMs' must be ≥ 0.";
        }

        return null;
    }
}

/// <summary>The rules file of <c>rft emulator --faults FILE</c>: <c>{"rules":[…]}</c> with camelCase fields.</summary>
public static class FaultRulesFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    private sealed record Document(IReadOnlyList<FaultRule>? Rules);

    /// <summary>Parses the rules; a bad file throws <see cref="FormatException"/> naming the file, line and fix.</summary>
    public static IReadOnlyList<FaultRule> Parse(string json, string displayPath)
    {
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(json, Options);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? $"({l + 1})" : "";
            throw new FormatException(
                $"{displayPath}{line}: the fault rules file is not valid ({FirstSentence(e.Message)}). Expected {{\"rules\":[{{\"method\":\"POST\",\"path\":\"/openai/v1/fine_tuning/jobs\",\"first\":1,\"fault\":\"status\",\"status\":429,\"retryAfterSeconds\":1}}]}}; faults are status, latency, dropConnection, responseLost, lateResponse.",
                e);
        }

        if (document?.Rules is null)
        {
            throw new FormatException($"{displayPath}: the fault rules file has no 'rules' array. Write {{\"rules\":[…]}}.");
        }

        for (var i = 0; i < document.Rules.Count; i++)
        {
            // A null entry deserializes without complaint; it is a finding, not a NullReferenceException later.
            var problem = document.Rules[i] is { } rule
                ? rule.Problem()
                : "the rule is null; each rule is an object such as {\"path\":\"/openai/v1/fine_tuning/jobs\",\"fault\":\"status\",\"status\":503}.";
            if (problem is not null)
            {
                throw new FormatException($"{displayPath}: rules[{i}]: {problem}");
            }
        }

        return document.Rules;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}

/// <summary>Holds the active rules and their per-rule call counters; rules can be replaced while running.</summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private IReadOnlyList<FaultRule> _rules = [];
    private int[] _counters = [];

    public FaultInjector(IEnumerable<FaultRule> rules) => SetRules(rules);

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return _rules;
            }
        }
    }

    /// <summary>Replaces the rules and restarts call numbering.</summary>
    public void SetRules(IEnumerable<FaultRule> rules)
    {
        var list = rules.ToList();
        foreach (var rule in list)
        {
            if (rule.Problem() is { } problem)
            {
                throw new ArgumentException($"Fault rule {rule}: {problem}", nameof(rules));
            }
        }

        lock (_gate)
        {
            _rules = list;
            _counters = new int[list.Count];
        }
    }

    /// <summary>Counts this call against every matching rule; returns the first rule that hits it, if any.</summary>
    internal FaultRule? Next(string method, string path)
    {
        lock (_gate)
        {
            FaultRule? hit = null;
            for (var i = 0; i < _rules.Count; i++)
            {
                if (_rules[i].MatchesRequest(method, path))
                {
                    var call = ++_counters[i];
                    if (hit is null && _rules[i].HitsCall(call))
                    {
                        hit = _rules[i];
                    }
                }
            }

            return hit;
        }
    }
}
