using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RftInfra.Templates;

namespace RftInfra.Graders.Evaluation;

/// <summary>A rendered template: the text, and the variables that could not be resolved (an invalid-variable error).</summary>
public sealed record RenderedTemplate(string Text, IReadOnlyList<string> Unresolved, IReadOnlyList<string> SyntaxErrors)
{
    public bool IsValid => Unresolved.Count == 0 && SyntaxErrors.Count == 0;

    /// <summary>The error the service raises for this template, or null.</summary>
    public string? ErrorMessage(string field) =>
        IsValid
            ? null
            : SyntaxErrors.Count > 0
                ? $"{field}: {string.Join(" ", SyntaxErrors)}"
                : $"{field}: {string.Join(", ", Unresolved.Select(u => "{{" + u + "}}"))} did not resolve against the row and sample.";
}

/// <summary>
/// Fills <c>{{item.…}}</c> and <c>{{sample.…}}</c> variables. A string value is inserted as is; any other value
/// (number, boolean, null, object, array) is inserted as its compact JSON text (numbers as written in the row).
/// The service's own choice is not documented (its python graders get real values); JSON text is this kit's
/// choice because it is what the row file says.
/// </summary>
public static class TemplateRenderer
{
    public static RenderedTemplate Render(string templateText, JsonObject item, JsonObject sample)
    {
        var template = TemplateParser.Parse(templateText);
        var text = new StringBuilder(templateText.Length);
        var unresolved = new List<string>();
        foreach (var part in template.Parts)
        {
            switch (part)
            {
                case LiteralPart literal:
                    text.Append(literal.Text);
                    break;
                case VariablePart variable:
                    var root = variable.Path.Namespace == "item" ? item : sample;
                    if (variable.Path.TryResolve(root, out var value))
                    {
                        text.Append(ValueText(value));
                    }
                    else
                    {
                        unresolved.Add(variable.Path.ToString());
                    }

                    break;
            }
        }

        return new RenderedTemplate(text.ToString(), unresolved, template.Errors.Select(e => e.Message).ToList());
    }

    /// <summary>How a resolved value becomes text: strings verbatim, everything else compact JSON.</summary>
    public static string ValueText(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
