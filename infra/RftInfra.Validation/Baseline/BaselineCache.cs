using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Validation.Baseline;

/// <summary>
/// Answers already fetched, kept on disk (JSONL, one answer a line, appended as each arrives) so a baseline that
/// stopped (Ctrl+C, a failed call, a rate limit) resumes without asking again. Keyed by the SHA-256 of the
/// endpoint, the deployment and the exact request body (the emulator's answers are never taken for Azure's). A torn or foreign line is skipped, not trusted; the file is bounded.
/// </summary>
public sealed class BaselineCache : IDisposable
{
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private readonly Dictionary<string, BaseModelAnswer> _answers = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly StreamWriter? _writer;

    private BaselineCache(StreamWriter? writer) => _writer = writer;

    /// <summary>An in-memory cache (nothing kept between runs).</summary>
    public static BaselineCache InMemory() => new(null);

    /// <summary>Opens (or creates) the cache file; <see cref="IOException"/> when it cannot be used.</summary>
    public static BaselineCache Open(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxFileBytes)
        {
            throw new IOException($"{path} is larger than {MaxFileBytes / (1024 * 1024)} MB; delete it to start the baseline afresh.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var answers = new Dictionary<string, BaseModelAnswer>(StringComparer.Ordinal);
        if (info.Exists)
        {
            foreach (var line in File.ReadLines(path))
            {
                if (Parse(line) is { } entry)
                {
                    answers[entry.Key] = entry.Answer;
                }
            }
        }

        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        var cache = new BaselineCache(writer);
        foreach (var (key, answer) in answers)
        {
            cache._answers[key] = answer;
        }

        return cache;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _answers.Count;
            }
        }
    }

    /// <summary>The key of an answer: where it was asked (<paramref name="scope"/>, the endpoint), the deployment and the body.</summary>
    public static string Key(string scope, BaseModelRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + request.Deployment + "\n" + request.Body().ToJsonString())));

    public bool TryGet(string key, out BaseModelAnswer answer)
    {
        lock (_gate)
        {
            return _answers.TryGetValue(key, out answer!);
        }
    }

    public void Add(string key, BaseModelAnswer answer)
    {
        lock (_gate)
        {
            _answers[key] = answer;
            if (_writer is not null)
            {
                var line = new JsonObject
                {
                    ["key"] = key,
                    ["text"] = answer.Text,
                    ["refusal"] = answer.Refusal,
                    ["input_tokens"] = answer.InputTokens,
                    ["output_tokens"] = answer.OutputTokens,
                    ["reasoning_tokens"] = answer.ReasoningTokens,
                };
                _writer.WriteLine(line.ToJsonString());
                _writer.Flush();
            }
        }
    }

    public void Dispose() => _writer?.Dispose();

    private static (string Key, BaseModelAnswer Answer)? Parse(string line)
    {
        try
        {
            if (JsonNode.Parse(line, documentOptions: new JsonDocumentOptions { MaxDepth = 4 }) is JsonObject o
                && o["key"] is JsonValue k && k.TryGetValue(out string? key) && key.Length == 64
                && o["text"] is JsonValue t && t.TryGetValue(out string? text))
            {
                var refusal = o["refusal"] is JsonValue r && r.TryGetValue(out string? s) ? s : null;
                return (key, new BaseModelAnswer(text, refusal, Long(o, "input_tokens"), Long(o, "output_tokens"), Long(o, "reasoning_tokens")));
            }
        }
        catch (JsonException)
        {
            // A line torn by a crash mid-write: that answer is asked again.
        }

        return null;
    }

    private static long Long(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue(out long n) && n >= 0 ? n : 0;
}
