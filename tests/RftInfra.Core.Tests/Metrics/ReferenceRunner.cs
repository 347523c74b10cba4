using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Metrics;

/// <summary>One (output, reference) pair of the parity corpus.</summary>
public sealed record SimilarityPair(int Line, string Output, string Reference);

/// <summary>
/// Runs one of the Python reference scripts next to this file once for a whole list of pairs (one process, not
/// one per pair) and returns its JSON answer. Shared by the parity tests and the benchmark. A missing
/// interpreter, module or database is an error whose message says what to install, never a skipped check.
/// </summary>
public static class ReferenceRunner
{
    /// <summary>Debian's interpreter, where python3-nltk installs (a pyenv python3 earlier on PATH lacks it).</summary>
    public const string DebianPython = "/usr/bin/python3";

    public const string WordNetDirectory = "/usr/share/wordnet";

    public static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "Metrics", name);

    public static IReadOnlyList<SimilarityPair> LoadCorpus()
    {
        var path = ScriptPath("similarity-corpus.jsonl");
        var pairs = new List<SimilarityPair>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var row = JsonNode.Parse(line)?.AsObject()
                ?? throw new InvalidDataException($"{path}({lineNumber}): expected a JSON object");
            pairs.Add(new SimilarityPair(
                lineNumber,
                row["output"]?.GetValue<string>() ?? throw new InvalidDataException($"{path}({lineNumber}): missing \"output\""),
                row["reference"]?.GetValue<string>() ?? throw new InvalidDataException($"{path}({lineNumber}): missing \"reference\"")));
        }

        return pairs;
    }

    /// <summary>Runs <paramref name="script"/> with Debian's python3 on the pairs; the answer is its JSON output.</summary>
    public static JsonObject Run(string script, IReadOnlyList<SimilarityPair> pairs, int repeat = 1) =>
        RunRaw(script, new JsonObject
        {
            ["pairs"] = new JsonArray(pairs.Select(p => (JsonNode)new JsonArray(p.Output, p.Reference)).ToArray()),
            ["repeat"] = repeat,
            ["wordnet"] = WordNetDirectory,
        });

    /// <summary>Runs <paramref name="script"/> with Debian's python3, <paramref name="request"/> on stdin.</summary>
    public static JsonObject RunRaw(string script, JsonObject request)
    {
        if (!File.Exists(DebianPython))
        {
            throw new InvalidOperationException(
                $"The live Python reference is missing: {DebianPython} does not exist. Install Debian's python3 " +
                "and python3-nltk (apt-get install python3-nltk wordnet-base; .ci/run does this).");
        }

        // Only the nltk reference reads WordNet; the transliterations need python3 alone.
        if (script == "nltk_reference.py" && !File.Exists(Path.Combine(WordNetDirectory, "index.noun")))
        {
            throw new InvalidOperationException(
                $"The WordNet database is missing from {WordNetDirectory}: apt-get install wordnet-base " +
                "(.ci/run does this). meteor's synonym stage needs it.");
        }

        var start = new ProcessStartInfo(DebianPython)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath(script));
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONHASHSEED"] = "0";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {DebianPython}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(request.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within 5 minutes.");
        }

        if (process.ExitCode != 0)
        {
            var error = stderr.Result;
            var hint = error.Contains("No module named 'nltk'", StringComparison.Ordinal)
                ? " Install Debian's python3-nltk (apt-get install python3-nltk; .ci/run does this)."
                : string.Empty;
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}.{hint}\n{error}");
        }

        return JsonNode.Parse(stdout.Result)?.AsObject()
            ?? throw new InvalidDataException($"{script} printed no JSON object.");
    }

    public static double[] Scores(JsonObject answer, string metric) =>
        answer[metric]?.AsArray().Select(n => n!.GetValue<double>()).ToArray()
            ?? throw new InvalidDataException($"The reference answer has no \"{metric}\" scores.");
}
