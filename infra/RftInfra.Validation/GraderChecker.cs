using RftInfra.Graders.Evaluation;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Graders;
using RftInfra.Templates;

namespace RftInfra.Validation;

/// <summary>Checks one grader object on its own: shape, type-specific rules and template syntax (RFT1xx).</summary>
public sealed partial class GraderChecker(string file, SourceMap positions, RftCatalog catalog, List<Diagnostic> diagnostics)
{
    /// <summary>Checks the grader at <paramref name="path"/>; <paramref name="isFile"/> allows a top-level <c>$schema</c>.</summary>
    public void Check(JsonObject grader, string path = "", bool isFile = true) => CheckGrader(grader, path, isFile, topLevel: true);

    private void CheckGrader(JsonObject grader, string path, bool isFile, bool topLevel)
    {
        var typeNode = grader["type"];
        if (typeNode is null)
        {
            diagnostics.Add(GraderDiagnostics.MissingType(file, positions.Value(path), path));
            return;
        }

        if (Shape.AsString(typeNode) is not { } type)
        {
            diagnostics.Add(GraderDiagnostics.WrongType(file, positions.Value(SourceMap.Child(path, "type")), "'type'", "a string", Shape.KindOf(typeNode)));
            return;
        }

        if (!GraderShape.FieldsByType.TryGetValue(type, out var fields))
        {
            diagnostics.Add(GraderDiagnostics.UnknownType(file, positions.Value(SourceMap.Child(path, "type")), type));
            return;
        }

        if (isFile && topLevel)
        {
            fields = [new FieldSpec("$schema", FieldKind.String), .. fields];
        }

        Shape.Check(grader, fields, path, file, positions, GraderDiagnostics.Findings, diagnostics);
        var typeAt = positions.Value(SourceMap.Child(path, "type"));
        switch (type)
        {
            case GraderTypes.StringCheck:
                if (Shape.AsString(grader["operation"]) is { } operation && !GraderDiagnostics.StringCheckOperations.Contains(operation))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidOperation(file, At(path, "operation"), operation));
                }

                CheckIgnoresSample(grader, path);
                break;
            case GraderTypes.TextSimilarity:
                if (Shape.AsString(grader["evaluation_metric"]) is { } metric && !GraderDiagnostics.EvaluationMetrics.Contains(metric))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidMetric(file, At(path, "evaluation_metric"), metric));
                }

                if (Shape.AsNumber(grader["pass_threshold"]) is { } threshold && threshold is < 0 or > 1)
                {
                    diagnostics.Add(GraderDiagnostics.InvalidRange(file, At(path, "pass_threshold"),
                        $"pass_threshold {threshold} is outside 0–1, the range of every similarity metric."));
                }

                CheckIgnoresSample(grader, path);
                break;
            case GraderTypes.ScoreModel:
                CheckModelGrader(grader, path);
                CheckRange(grader, path);
                break;
            case GraderTypes.LabelModel:
                if (topLevel)
                {
                    diagnostics.Add(GraderDiagnostics.LabelModelTopLevel(file, typeAt));
                }

                CheckModelGrader(grader, path);
                CheckLabels(grader, path);
                break;
            case GraderTypes.Python:
                CheckPython(grader, path);
                break;
            case GraderTypes.Multi:
                CheckMulti(grader, path);
                break;
            case GraderTypes.Endpoint:
                diagnostics.Add(GraderDiagnostics.EndpointPreview(file, typeAt));
                break;
        }

        if (type != GraderTypes.Multi)
        {
            foreach (var template in GraderVariables.Templates(grader, path))
            {
                CheckTemplate(template);
            }
        }
    }

    private SourcePosition At(string path, string field) => positions.Value(SourceMap.Child(path, field));

    private void CheckTemplate(GraderTemplate template)
    {
        var at = positions.Value(template.FieldPath);
        var field = $"'{template.FieldPath}'";
        foreach (var error in template.Parsed.Errors)
        {
            diagnostics.Add(error.Kind switch
            {
                TemplateErrorKind.UnknownNamespace => GraderDiagnostics.TemplateNamespace(file, at, field, error.Message),
                TemplateErrorKind.TooLong => GraderDiagnostics.TemplateTooLong(file, at, field, error.Message),
                _ => GraderDiagnostics.TemplateSyntax(file, at, field, error.Message),
            });
        }

        foreach (var variable in template.Parsed.Variables)
        {
            if (variable.HasSpaces)
            {
                diagnostics.Add(GraderDiagnostics.TemplateSpaces(file, at, field, variable.Raw));
            }

            if (variable.Path.Namespace == "sample" && variable.Path.Segments is [var first, ..]
                && (first.IsIndex || !GraderShape.SampleFields.Contains(first.Property!)))
            {
                var name = first.Property ?? first.ToString();
                diagnostics.Add(GraderDiagnostics.TemplateNamespace(file, at, field,
                    $"'sample' has no field '{name}'.{Text.EditDistance.DidYouMean(name, GraderShape.SampleFields)} It holds {string.Join(", ", GraderShape.SampleFields)}."));
            }
        }
    }

    private void CheckIgnoresSample(JsonObject grader, string path)
    {
        var templates = GraderVariables.Templates(grader, path);
        if (templates.Count == 2 && templates.All(t => t.Parsed.Errors.Count == 0)
            && !templates.SelectMany(t => t.Parsed.Variables).Any(v => v.Path.Namespace == "sample"))
        {
            diagnostics.Add(GraderDiagnostics.IgnoresSample(file, At(path, "input"), Shape.AsString(grader["name"]) ?? "(unnamed)"));
        }
    }

    private void CheckModelGrader(JsonObject grader, string path)
    {
        var model = Shape.AsString(grader["model"]);
        if (model is not null && !catalog.GraderModels.Contains(model, StringComparer.OrdinalIgnoreCase))
        {
            diagnostics.Add(GraderDiagnostics.ModelNotAllowed(file, At(path, "model"), model, catalog.GraderModels));
        }

        if (grader["input"] is JsonArray messages)
        {
            if (messages.Count == 0)
            {
                diagnostics.Add(GraderDiagnostics.MissingField(file, At(path, "input"), "input[0]", $"'{SourceMap.Child(path, "input")}' (at least one message)"));
            }

            for (var i = 0; i < messages.Count; i++)
            {
                var messagePath = SourceMap.Item(SourceMap.Child(path, "input"), i);
                if (messages[i] is JsonObject message && Shape.AsString(message["role"]) is { } role
                    && !GraderDiagnostics.MessageRoles.Contains(role))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidRole(file, positions.Value(SourceMap.Child(messagePath, "role")), role));
                }

                if (messages[i] is JsonObject m && m["content"] is { } content && !Shape.IsString(content) && content is not JsonArray)
                {
                    diagnostics.Add(GraderDiagnostics.WrongType(file, positions.Value(SourceMap.Child(messagePath, "content")),
                        $"'{SourceMap.Child(messagePath, "content")}'", "a string or an array of input_text parts", Shape.KindOf(content)));
                }
            }
        }

        if (grader["sampling_params"] is JsonObject sampling && model is not null)
        {
            var samplingPath = SourceMap.Child(path, "sampling_params");
            var reasoning = GraderShape.IsReasoningModel(model);
            if (Shape.AsString(sampling["reasoning_effort"]) is { } effort)
            {
                if (!reasoning)
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, positions.Value(SourceMap.Child(samplingPath, "reasoning_effort")),
                        $"reasoning_effort is only for reasoning models; {model} is not one."));
                }
                else if (!GraderShape.SamplingReasoningEfforts.Contains(effort))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, positions.Value(SourceMap.Child(samplingPath, "reasoning_effort")),
                        $"reasoning_effort '{effort}' is not low, medium or high."));
                }
            }

            foreach (var (name, min, max) in new[] { ("temperature", 0.0, 2.0), ("top_p", 0.0, 1.0) })
            {
                if (sampling[name] is null)
                {
                    continue;
                }

                var at = positions.Value(SourceMap.Child(samplingPath, name));
                if (reasoning)
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, at, $"{name} is not supported by reasoning model {model}; use reasoning_effort."));
                }
                else if (Shape.AsNumber(sampling[name]) is { } value && (value < min || value > max))
                {
                    diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, at, $"{name} {value} is outside {min}–{max}."));
                }
            }

            if (Shape.AsNumber(sampling["max_completions_tokens"]) is { } tokens && tokens < 1)
            {
                diagnostics.Add(GraderDiagnostics.InvalidSamplingParam(file, positions.Value(SourceMap.Child(samplingPath, "max_completions_tokens")),
                    $"max_completions_tokens {tokens} must be at least 1."));
            }
        }
    }

    private void CheckRange(JsonObject grader, string path)
    {
        double min = 0, max = 1;
        if (grader["range"] is JsonArray range)
        {
            if (range.Count != 2 || Shape.AsNumber(range[0]) is not { } lo || Shape.AsNumber(range[1]) is not { } hi || lo >= hi)
            {
                diagnostics.Add(GraderDiagnostics.InvalidRange(file, At(path, "range"),
                    $"range {range.ToJsonString()} must be [min, max] with min < max."));
                return;
            }

            (min, max) = (lo, hi);
        }

        if (Shape.AsNumber(grader["pass_threshold"]) is { } threshold && (threshold < min || threshold > max))
        {
            diagnostics.Add(GraderDiagnostics.InvalidRange(file, At(path, "pass_threshold"),
                $"pass_threshold {threshold} is outside the grader's range [{min}, {max}]."));
        }
    }

    private void CheckLabels(JsonObject grader, string path)
    {
        var labels = (grader["labels"] as JsonArray)?.Select(Shape.AsString).ToList() ?? [];
        var passing = (grader["passing_labels"] as JsonArray)?.Select(Shape.AsString).ToList() ?? [];
        if (grader["labels"] is JsonArray && (labels.Count < 2 || labels.Any(l => string.IsNullOrEmpty(l))))
        {
            diagnostics.Add(GraderDiagnostics.InvalidLabels(file, At(path, "labels"), "labels must be at least two non-empty strings."));
        }

        if (grader["passing_labels"] is JsonArray)
        {
            var notLabels = passing.Where(p => p is null || !labels.Contains(p)).ToList();
            if (passing.Count == 0 || notLabels.Count > 0)
            {
                diagnostics.Add(GraderDiagnostics.InvalidLabels(file, At(path, "passing_labels"), passing.Count == 0
                    ? "passing_labels is empty, so every sample fails."
                    : $"passing_labels {string.Join(", ", notLabels.Select(l => $"'{l}'"))} are not in labels."));
            }
        }
    }

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

    private void CheckMulti(JsonObject grader, string path)
    {
        var gradersPath = SourceMap.Child(path, "graders");
        var children = grader["graders"] as JsonObject;
        if (children is not null)
        {
            if (children.Count == 0)
            {
                diagnostics.Add(GraderDiagnostics.MissingField(file, positions.Value(gradersPath), "graders.<name>", $"'{gradersPath}' (at least one sub-grader)"));
            }

            foreach (var (key, child) in children)
            {
                var childPath = SourceMap.Child(gradersPath, key);
                if (child is not JsonObject childGrader)
                {
                    diagnostics.Add(GraderDiagnostics.WrongType(file, positions.Value(childPath), $"'{childPath}'", "a grader object", Shape.KindOf(child)));
                    continue;
                }

                var childType = Shape.AsString(childGrader["type"]);
                var childTypeAt = positions.Value(SourceMap.Child(childPath, "type"));
                if (childType == GraderTypes.Multi)
                {
                    diagnostics.Add(GraderDiagnostics.NestedMulti(file, childTypeAt, key));
                    continue;
                }

                if (childType is not null && GraderShape.FieldsByType.ContainsKey(childType) && !GraderShape.MultiChildTypes.Contains(childType))
                {
                    diagnostics.Add(GraderDiagnostics.ChildTypeNotAllowed(file, childTypeAt, key, childType));
                    continue;
                }

                CheckGrader(childGrader, childPath, isFile: false, topLevel: false);
            }
        }

        if (Shape.AsString(grader["calculate_output"]) is not { } formula)
        {
            return;
        }

        var at = At(path, "calculate_output");
        // The grader engine's parser, syntax only, so validation and scoring can never disagree on a formula.
        if (Formula.TryParse(formula, graderNames: null, out var error) is not { } parsed)
        {
            diagnostics.Add(error!.OverLimit
                ? GraderDiagnostics.FormulaOverLimit(file, at, $"'{SourceMap.Child(path, "calculate_output")}'", formula, error)
                : GraderDiagnostics.FormulaSyntax(file, at, formula, error.ToString()));
            return;
        }

        var keys = children?.Select(c => c.Key).ToList() ?? [];
        foreach (var name in parsed.Names.Where(n => !keys.Contains(n)))
        {
            diagnostics.Add(GraderDiagnostics.FormulaUnknownName(file, at, name, keys));
        }

        foreach (var key in keys.Where(k => !parsed.Names.Contains(k)))
        {
            diagnostics.Add(GraderDiagnostics.UnusedChild(file, positions.Key(SourceMap.Child(gradersPath, key)), key));
        }
    }

    [GeneratedRegex(@"^(?:async[ \t]+)?def[ \t]+grade[ \t]*\((?<params>[^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex GradeDefinition();
}
