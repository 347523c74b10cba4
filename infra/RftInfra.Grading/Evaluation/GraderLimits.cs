using RftInfra.Templates;

namespace RftInfra.Graders.Evaluation;

/// <summary>
/// The size and depth limits of a grader that grading checks before the first row (docs/limits-grading.md):
/// a calculate_output over <see cref="Formula.MaxLength"/> or <see cref="Formula.MaxDepth"/>, a template over
/// <see cref="TemplateParser.MaxLength"/>. Such a grader is refused as a whole rather than scored 0 on every row.
/// </summary>
public static class GraderLimits
{
    /// <summary>The first limit the grader is over, as "where: what" (e.g. <c>graders.a.input: …</c>), or null.</summary>
    public static string? Problem(Grader grader, string path = "")
    {
        switch (grader)
        {
            case MultiGrader multi:
                if (Formula.TryParse(multi.CalculateOutput, graderNames: null, out var error) is null && error!.OverLimit)
                {
                    return $"{Field(path, "calculate_output")}: {error}";
                }

                foreach (var (key, child) in multi.Graders)
                {
                    if (Problem(child, Field(path, $"graders.{key}")) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case StringCheckGrader g:
                return Template(path, "input", g.Input) ?? Template(path, "reference", g.Reference);
            case TextSimilarityGrader g:
                return Template(path, "input", g.Input) ?? Template(path, "reference", g.Reference);
            case ScoreModelGrader g:
                return Messages(path, g.Input);
            case LabelModelGrader g:
                return Messages(path, g.Input);
            default:
                return null;
        }
    }

    private static string? Messages(string path, IReadOnlyList<GraderMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (Template(path, $"input[{i}].content", messages[i].Content) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Template(string path, string field, string text) =>
        text.Length > TemplateParser.MaxLength
            ? $"{Field(path, field)}: the template is {text.Length} characters long; the limit is {TemplateParser.MaxLength}."
            : null;

    private static string Field(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";
}
