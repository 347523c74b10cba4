using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Declarations;
using RftInfra.Graders;
using RftInfra.Templates;
using RftInfra.Diagnostics;

namespace RftInfra.Validation;

/// <summary>A template string inside a grader, with the path of the field that holds it (e.g. <c>graders.sim.reference</c>).</summary>
public sealed record GraderTemplate(string FieldPath, string Text, Template Parsed);

/// <summary>A variable the grader reads, where it is read (field path), and whether it came from python source.</summary>
public sealed record VariableUse(ValuePath Path, string FieldPath, bool FromPython = false);

/// <summary>
/// Finds every template and every <c>item.*</c>/<c>sample.*</c> read in a grader: string_check and text_similarity
/// input/reference, model graders' message contents, multi sub-graders (recursively), and in python source
/// <c>item["x"]</c> / <c>item.get("x")</c> (a <c>get</c> with a default is optional and not collected).
/// </summary>
public static partial class GraderVariables
{
    public static IReadOnlyList<GraderTemplate> Templates(JsonObject grader, string path = "")
    {
        var result = new List<GraderTemplate>();
        Collect(grader, path, result);
        return result;
    }

    public static IReadOnlyList<VariableUse> Uses(JsonObject grader, string path = "")
    {
        var uses = new List<VariableUse>();
        foreach (var template in Templates(grader, path))
        {
            uses.AddRange(template.Parsed.Variables.Select(v => new VariableUse(v.Path, template.FieldPath)));
        }

        CollectPython(grader, path, uses);
        return uses;
    }

    /// <summary>Distinct <c>item.*</c> paths the grader needs in every row.</summary>
    public static IReadOnlyList<ValuePath> ItemPaths(JsonObject grader) =>
        Uses(grader).Where(u => u.Path.Namespace == "item" && u.Path.Segments.Count > 0).Select(u => u.Path).Distinct().ToList();

    private static void Collect(JsonObject grader, string path, List<GraderTemplate> result)
    {
        var type = Shape.AsString(grader["type"]);
        switch (type)
        {
            case GraderTypes.StringCheck or GraderTypes.TextSimilarity:
                Add(grader, "input", path, result);
                Add(grader, "reference", path, result);
                break;
            case GraderTypes.ScoreModel or GraderTypes.LabelModel:
                if (grader["input"] is JsonArray messages)
                {
                    for (var i = 0; i < messages.Count; i++)
                    {
                        if (messages[i] is not JsonObject message)
                        {
                            continue;
                        }

                        var messagePath = SourceMap.Item(SourceMap.Child(path, "input"), i);
                        if (message["content"] is JsonArray parts)
                        {
                            for (var j = 0; j < parts.Count; j++)
                            {
                                if (parts[j] is JsonObject part)
                                {
                                    Add(part, "text", SourceMap.Item(SourceMap.Child(messagePath, "content"), j), result);
                                }
                            }
                        }
                        else
                        {
                            Add(message, "content", messagePath, result);
                        }
                    }
                }

                break;
            case GraderTypes.Multi:
                if (grader["graders"] is JsonObject children)
                {
                    foreach (var (key, child) in children)
                    {
                        if (child is JsonObject childGrader)
                        {
                            Collect(childGrader, SourceMap.Child(SourceMap.Child(path, "graders"), key), result);
                        }
                    }
                }

                break;
        }
    }

    private static void Add(JsonObject obj, string field, string path, List<GraderTemplate> result)
    {
        if (Shape.AsString(obj[field]) is { } text)
        {
            result.Add(new GraderTemplate(SourceMap.Child(path, field), text, TemplateParser.Parse(text)));
        }
    }

    private static void CollectPython(JsonObject grader, string path, List<VariableUse> uses)
    {
        var type = Shape.AsString(grader["type"]);
        if (type == GraderTypes.Python && Shape.AsString(grader["source"]) is { } source)
        {
            var sourcePath = SourceMap.Child(path, "source");
            foreach (var key in PythonItemKeys(source))
            {
                uses.Add(new VariableUse(new ValuePath("item", [PathSegment.Name(key)]), sourcePath, FromPython: true));
            }
        }
        else if (type == GraderTypes.Multi && grader["graders"] is JsonObject children)
        {
            foreach (var (key, child) in children)
            {
                if (child is JsonObject childGrader)
                {
                    CollectPython(childGrader, SourceMap.Child(SourceMap.Child(path, "graders"), key), uses);
                }
            }
        }
    }

    /// <summary>Top-level row keys python source reads as <c>item["x"]</c>, <c>item['x']</c> or <c>item.get("x")</c>.</summary>
    public static IReadOnlyList<string> PythonItemKeys(string source)
    {
        var keys = new List<string>();
        foreach (Match match in PythonSubscript().Matches(source))
        {
            keys.Add(match.Groups["key"].Value);
        }

        foreach (Match match in PythonGet().Matches(source))
        {
            keys.Add(match.Groups["key"].Value);
        }

        return keys.Distinct().ToList();
    }

    [GeneratedRegex("""\bitem\s*\[\s*(?<q>["'])(?<key>[^"'\]]+)\k<q>\s*\]""")]
    private static partial Regex PythonSubscript();

    // item.get("x") with no default: a default means the grader copes with a missing key.
    [GeneratedRegex("""\bitem\s*\.\s*get\s*\(\s*(?<q>["'])(?<key>[^"']+)\k<q>\s*\)""")]
    private static partial Regex PythonGet();
}
