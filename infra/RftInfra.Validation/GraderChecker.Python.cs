using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Declarations;

namespace RftInfra.Validation;

/// <summary>The python grader's rules: source size and a grade(sample, item) the service can call.</summary>
public sealed partial class GraderChecker
{
    private void CheckPython(JsonObject grader, string path)
    {
        if (Shape.AsString(grader["source"]) is not { } source)
        {
            return;
        }

        var at = At(path, "source");
        var bytes = Encoding.UTF8.GetByteCount(source);
        if (bytes >= catalog.Limits.PythonSourceMaxBytesExclusive)
        {
            diagnostics.Add(GraderDiagnostics.PythonTooLarge(file, at, bytes, catalog.Limits.PythonSourceMaxBytesExclusive));
        }

        var match = GradeDefinition().Match(source);
        if (!match.Success)
        {
            diagnostics.Add(GraderDiagnostics.PythonNoGrade(file, at, null));
            return;
        }

        if (!TakesTwoPositional(match.Groups["params"].Value))
        {
            diagnostics.Add(GraderDiagnostics.PythonNoGrade(file, at, $"grade({match.Groups["params"].Value.Trim()})"));
        }
    }

    /// <summary>Whether a python parameter list can be called as f(sample, item).</summary>
    internal static bool TakesTwoPositional(string parameters)
    {
        var positional = 0;
        var required = 0;
        var varArgs = false;
        var keywordOnly = false;
        foreach (var part in SplitTopLevel(parameters).Select(p => p.Trim()).Where(p => p.Length > 0 && p != "/"))
        {
            if (part.StartsWith("**", StringComparison.Ordinal))
            {
                continue;
            }

            if (part.StartsWith('*'))
            {
                varArgs |= part.Length > 1;
                keywordOnly = true;
                continue;
            }

            var hasDefault = part.Contains('=');
            if (keywordOnly)
            {
                if (!hasDefault)
                {
                    return false; // a required keyword-only parameter: grade(sample, item) would fail
                }

                continue;
            }

            positional++;
            required += hasDefault ? 0 : 1;
        }

        return required <= 2 && (positional >= 2 || varArgs);
    }

    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    [GeneratedRegex(@"^(?:async[ \t]+)?def[ \t]+grade[ \t]*\((?<params>[^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex GradeDefinition();
}
