using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Validation;
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
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot, dir)).Where(DeclarationReader.IsDeclarationFile).Order(StringComparer.Ordinal))
            {
                data.Add($"{dir}/{Path.GetFileName(file)}");
            }
        }

        return data;
    }

    /// <summary>
    /// Every proper prefix of a sample is an error, never silently accepted: JSON prefixes are syntax errors
    /// (RFT300, with a line) or empty (RFT302); YAML prefixes are that or a declaration missing or mangling a field.
    /// </summary>
    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void TruncatedAnywhere_IsAlwaysAnError(string relative)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot, relative)).TrimEnd();
        var yaml = DeclarationReader.IsYaml(relative);
        var original = DeclarationReader.Read(text, relative, yaml).Object!;
        var cuts = 0;
        for (var cut = 0; cut < text.Length; cut += 3)
        {
            var prefix = text[..cut];
            var diagnostics = Check(relative, prefix);
            if (!diagnostics.Any(d => d.IsError))
            {
                // Only YAML can stop cleanly after a complete field: then it is the original minus its last fields
                // (the last one kept may be a cut scalar, e.g. `suffix: cap`).
                Assert.True(yaml, $"cut at {cut} ({prefix[Math.Max(0, cut - 20)..]}) was accepted");
                var kept = DeclarationReader.Read(prefix, relative, yaml: true).Object!.ToList();
                Assert.All(kept.SkipLast(1), p => Assert.True(JsonNode.DeepEquals(p.Value, original[p.Key]), $"cut at {cut}: {p.Key} changed"));
                Assert.Equal(original.Select(p => p.Key).Take(kept.Count), kept.Select(p => p.Key));
            }

            Assert.All(diagnostics.Where(d => d.Code == "RFT300"), d => Assert.True(d.Position.Line >= 1, d.ToString()));
            if (!yaml)
            {
                Assert.Contains(diagnostics, d => d.Code is "RFT300" or "RFT302");
            }

            cuts++;
        }

        Assert.Equal((text.Length + 2) / 3, cuts);
        Assert.DoesNotContain(Check(relative, text), d => d.IsError);
    }

    /// <summary>Every field the shape knows, set to each value of a wrong type, is reported as a wrong type naming that field.</summary>
    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void WrongTypesEverywhere_AreEachReported(string relative)
    {
        var original = DeclarationReader.ReadFile(Path.Combine(RepoRoot, relative), relative).Object!;
        var isGrader = relative.StartsWith("graders/", StringComparison.Ordinal);
        var fields = isGrader ? GraderShape.FieldsByType[original["type"]!.GetValue<string>()] : JobShape.Fields;
        var wrongTypeCode = isGrader ? GraderDiagnostics.WrongTypeDescriptor.Code : JobDiagnostics.WrongTypeDescriptor.Code;
        JsonNode?[] replacements = [JsonValue.Create(7.5), new JsonArray(JsonValue.Create("x")), new JsonObject { ["k"] = "v" }, JsonValue.Create(true), JsonValue.Create("auto")];
        var checkedCases = 0;
        foreach (var (path, spec) in KnownFields(original, fields, []))
        {
            foreach (var replacement in replacements.Where(r => !Fits(r, spec.Kind)))
            {
                var copy = (JsonObject)original.DeepClone();
                Replace(copy, path, replacement?.DeepClone());
                var diagnostics = isGrader
                    ? RftValidator.CheckGrader(copy, relative)
                    : RftValidator.CheckJob(copy, relative, dataRoot: RepoRoot);
                var shown = string.Join(".", path);
                Assert.True(diagnostics.Any(d => d.Code == wrongTypeCode && d.Message.Contains($"'{shown}'", StringComparison.Ordinal)),
                    $"{shown} = {replacement?.ToJsonString()}: {string.Join(" | ", diagnostics)}");
                checkedCases++;
            }
        }

        Assert.True(checkedCases >= 10, $"only {checkedCases} cases");
    }

    private static IEnumerable<(List<object> Path, FieldSpec Spec)> KnownFields(JsonObject obj, IReadOnlyList<FieldSpec> fields, List<object> prefix)
    {
        foreach (var spec in fields.Where(f => obj.ContainsKey(f.Name) && f.Kind != FieldKind.Any && f.Name != "type"))
        {
            var path = new List<object>(prefix) { spec.Name };
            yield return (path, spec);
            if (obj[spec.Name] is JsonObject child && spec.Fields is not null)
            {
                foreach (var nested in KnownFields(child, spec.Fields, path))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>The test's own reading of a field kind, independent of Shape.Matches.</summary>
    private static bool Fits(JsonNode? value, FieldKind kind)
    {
        var isNumber = value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number;
        var isWhole = isNumber && value!.GetValue<double>() % 1 == 0;
        var isString = value is JsonValue s && s.GetValueKind() == System.Text.Json.JsonValueKind.String;
        var isAuto = isString && value!.GetValue<string>() == "auto";
        return kind switch
        {
            FieldKind.String => isString,
            FieldKind.Integer => isWhole,
            FieldKind.Number => isNumber,
            FieldKind.IntegerOrAuto => isWhole || isAuto,
            FieldKind.NumberOrAuto => isNumber || isAuto,
            FieldKind.Boolean => value is JsonValue b && b.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
            FieldKind.Object => value is JsonObject,
            FieldKind.Array => value is JsonArray,
            FieldKind.StringOrObject => isString || value is JsonObject,
            _ => true,
        };
    }

    private static List<Diagnostic> Check(string relative, string text)
    {
        var document = DeclarationReader.Read(text, relative, DeclarationReader.IsYaml(relative));
        var diagnostics = document.Diagnostics.ToList();
        var isGrader = relative.StartsWith("graders/", StringComparison.Ordinal);
        if (document.Root is not null and not JsonObject)
        {
            // What the whole-tree checks report for a file whose top level is not a mapping.
            diagnostics.Add(isGrader
                ? GraderDiagnostics.NotAnObject(relative, document.Positions.Value(""), Shape.KindOf(document.Root))
                : JobDiagnostics.NotAnObject(relative, document.Positions.Value(""), Shape.KindOf(document.Root)));
        }

        if (document.Object is { } json)
        {
            if (isGrader)
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
