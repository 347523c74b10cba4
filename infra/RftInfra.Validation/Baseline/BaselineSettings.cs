using System.Text.Json.Nodes;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Validation.Baseline;

/// <summary>
/// The job's <c>baseline</c> section (kit-only; never sent to the service): rows, seed, the deployment of the base
/// model, and prompt variants. <see cref="Shape.Check"/> has checked names and kinds; this checks the values.
/// </summary>
public sealed record BaselineSettings(int? Rows, long? Seed, string? Deployment, IReadOnlyList<PromptVariant> Variants)
{
    public static BaselineSettings Bind(JsonObject job, string file, SourceMap positions, List<Diagnostic> diagnostics)
    {
        if (Shape.AsString(job["stage"]) is { } stage && !BaselineAdvice.Ladder.ContainsKey(stage))
        {
            diagnostics.Add(BaselineDiagnostics.SettingInvalid.Create(file, positions.Value("stage"),
                $"stage '{stage}' is not one of {string.Join(", ", BaselineAdvice.Ladder.Keys)}."));
        }

        if (job["baseline"] is not JsonObject section)
        {
            return new BaselineSettings(null, null, null, []);
        }

        int? rows = null;
        if (Shape.AsNumber(section["rows"]) is { } n)
        {
            if (n is < BaselinePlan.MinRows or > BaselinePlan.MaxRows || n != Math.Floor(n))
            {
                diagnostics.Add(BaselineDiagnostics.SettingInvalid.Create(file, positions.Value("baseline.rows"),
                    $"baseline.rows is {n}; a baseline asks {BaselinePlan.MinRows} to {BaselinePlan.MaxRows} rows."));
            }
            else
            {
                rows = (int)n;
            }
        }

        long? seed = Shape.IsInteger(section["seed"]) ? (long)Shape.AsNumber(section["seed"])!.Value : null;
        var variants = new List<PromptVariant>();
        var names = new HashSet<string>(StringComparer.Ordinal) { PromptVariant.DeclaredName };
        var list = section["variants"] as JsonArray ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var at = positions.Value($"baseline.variants[{i}]");
            var name = Shape.AsString(list[i]?["name"]);
            var prompt = Shape.AsString(list[i]?["prompt"]);
            if (name is null || prompt is null || prompt.Trim().Length == 0 || prompt.Length > BaselinePlan.MaxPromptChars)
            {
                diagnostics.Add(BaselineDiagnostics.SettingInvalid.Create(file, at,
                    $"baseline.variants[{i}] needs a name and a non-empty prompt of at most {BaselinePlan.MaxPromptChars:N0} characters."));
                continue;
            }

            if (!names.Add(name))
            {
                diagnostics.Add(BaselineDiagnostics.SettingInvalid.Create(file, at,
                    $"baseline.variants[{i}] is named '{name}', which is {(name == PromptVariant.DeclaredName ? "the name of the rows' own prompt" : "taken by an earlier variant")}; give each variant its own name."));
                continue;
            }

            variants.Add(new PromptVariant(name, prompt));
        }

        if (list.Count > BaselinePlan.MaxVariants)
        {
            diagnostics.Add(BaselineDiagnostics.SettingInvalid.Create(file, positions.Value("baseline.variants"),
                $"baseline.variants has {list.Count} entries; at most {BaselinePlan.MaxVariants} are tried (each one costs a call per row)."));
        }

        return new BaselineSettings(rows, seed, Shape.AsString(section["deployment"]), variants);
    }
}
