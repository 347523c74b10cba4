using RftInfra.Graders.Evaluation;
using System.Text;
using System.Text.Json.Nodes;
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
}
