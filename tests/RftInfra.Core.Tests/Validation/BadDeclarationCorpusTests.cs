using System.Text.Json.Nodes;
using RftInfra.Core.Declarations;
using RftInfra.Core.Diagnostics;
using RftInfra.Core.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Validation;

/// <summary>Mangled declarations never crash the loader or the checks, and syntax findings always name a line.</summary>
public class BadDeclarationCorpusTests
{
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var dir in new[] { "graders", "jobs" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot, dir)).Order(StringComparer.Ordinal))
            {
                data.Add($"{dir}/{Path.GetFileName(file)}");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void TruncatedAnywhere_NeverThrows(string relative)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot, relative));
        for (var cut = 0; cut < text.Length; cut += 3)
        {
            var diagnostics = Check(relative, text[..cut]);
            Assert.All(diagnostics.Where(d => d.Code == "RFT300"), d => Assert.True(d.Position.Line >= 1, d.ToString()));
        }
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void WrongTypesEverywhere_ReportedNeverThrows(string relative)
    {
        var original = DeclarationReader.ReadFile(Path.Combine(RepoRoot, relative), relative).Object!;
        JsonNode?[] replacements = [JsonValue.Create(7.5), new JsonArray(JsonValue.Create("x")), new JsonObject { ["k"] = "v" }, null, JsonValue.Create(true), JsonValue.Create("auto")];
        var paths = Paths(original, []).ToList();
        foreach (var path in paths)
        {
            foreach (var replacement in replacements)
            {
                var copy = (JsonObject)original.DeepClone();
                Replace(copy, path, replacement?.DeepClone());
                var diagnostics = relative.StartsWith("graders/", StringComparison.Ordinal)
                    ? RftValidator.CheckGrader(copy, relative)
                    : RftValidator.CheckJob(copy, relative, dataRoot: RepoRoot);
                Assert.All(diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
            }
        }
    }

    private static List<Diagnostic> Check(string relative, string text)
    {
        var document = DeclarationReader.Read(text, relative, DeclarationReader.IsYaml(relative));
        var diagnostics = document.Diagnostics.ToList();
        if (document.Object is { } json)
        {
            if (relative.StartsWith("graders/", StringComparison.Ordinal))
            {
                new GraderChecker(relative, document.Positions, RftCatalog.Default, diagnostics).Check(json);
            }
            else
            {
                new JobChecker(relative, document.Positions, RftCatalog.Default, diagnostics).Check(json);
            }
        }

        return diagnostics;
    }

    private static IEnumerable<List<object>> Paths(JsonNode? node, List<object> prefix)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var path = new List<object>(prefix) { key };
                    yield return path;
                    foreach (var nested in Paths(child, path))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var path = new List<object>(prefix) { i };
                    yield return path;
                    foreach (var nested in Paths(array[i], path))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static void Replace(JsonNode root, List<object> path, JsonNode? value)
    {
        var parent = root;
        foreach (var step in path.Take(path.Count - 1))
        {
            parent = step is string key ? parent[key]! : parent[(int)step]!;
        }

        if (path[^1] is string last)
        {
            parent[last] = value;
        }
        else
        {
            parent[(int)path[^1]] = value;
        }
    }
}
