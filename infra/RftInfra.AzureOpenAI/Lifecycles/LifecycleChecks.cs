using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Validation;
using RftInfra.Declarations;

namespace RftInfra.Lifecycles;

/// <summary>
/// The checks the lifecycles' Check runs: the input shapes the lifecycles need, plus the `rft validate` checks of
/// the grader and job (<see cref="RftValidator"/>), so `pulumi preview` reports what `rft validate` reports.
/// </summary>
internal static class LifecycleChecks
{
    /// <summary>The `rft validate` grader checks (types, fields, templates, model grader settings).</summary>
    public static IReadOnlyList<Diagnostic> Grader(JsonObject grader, string file) => RftValidator.CheckGrader(grader, file);

    public static IReadOnlyList<Diagnostic> Job(JsonObject inputs, string file)
    {
        var result = new List<Diagnostic>();
        foreach (var key in new[] { "model", "trainingFileId", "validationFileId" })
        {
            if (Props.Str(inputs, key) is not { Length: > 0 })
            {
                result.Add(Props.Error(LifecycleCodes.InputMissing, key, file, $"Input '{key}' is missing or not a string.",
                    key == "model" ? "Name the base model, e.g. o4-mini-2025-04-16." : "Pass the TrainingFile resource's fileId output."));
            }
        }

        if (Props.Obj(inputs, "declaration") is { } declaration)
        {
            // The job declaration as written (jobs/*.yaml): the full `rft validate` job checks, data files included
            // when dataRoot is given; they cover the inline or resolved grader too.
            result.AddRange(Props.About("declaration", RftValidator.CheckJob(
                declaration, file, Props.Obj(inputs, "grader"), Props.Str(inputs, "dataRoot"))));
        }
        else if (Props.Obj(inputs, "grader") is { } grader)
        {
            result.AddRange(Props.About("grader", Grader(grader, file)));
        }
        else
        {
            result.Add(Props.Error(LifecycleCodes.InputMissing, "grader", file, "Input 'grader' is missing or not an object.",
                "Pass the grader object (RFT needs exactly one grader; combine several with a multi grader)."));
        }

        foreach (var key in new[] { "responseFormat", "hyperparameters", "metadata" })
        {
            if (inputs[key] is not null and not JsonObject)
            {
                result.Add(Props.Error(LifecycleCodes.InputInvalid, key, file, $"Input '{key}' must be an object.", null));
            }
        }

        if (inputs["seed"] is not null && Props.Long(inputs, "seed") is not (>= 0 and <= int.MaxValue))
        {
            result.Add(Props.Error(LifecycleCodes.InputInvalid, "seed", file, "Input 'seed' must be an integer from 0 to 2147483647.", null));
        }

        if (Props.Obj(inputs, "metadata") is { } metadata)
        {
            // The service takes 16 pairs; the kit keeps one for its spec hash.
            if (metadata.Count > 15)
            {
                result.Add(Props.Error(LifecycleCodes.InputInvalid, "metadata", file,
                    $"Input 'metadata' has {metadata.Count} entries; at most 15 fit (the service takes 16 and the kit uses one).",
                    "Drop some metadata entries."));
            }

            foreach (var (key, value) in metadata)
            {
                if (key.Length > 64 || value is not JsonValue v || !v.TryGetValue(out string? s) || s.Length > 512)
                {
                    result.Add(Props.Error(LifecycleCodes.InputInvalid, "metadata", file,
                        $"Metadata entry '{key}' must be a string of at most 512 characters under a key of at most 64.", null));
                }
                else if (key == FineTuningJobLifecycle.SpecHashKey)
                {
                    result.Add(Props.Error(LifecycleCodes.InputInvalid, "metadata", file, $"Metadata key '{key}' is reserved for the kit.", "Rename it."));
                }
            }
        }

        return result;
    }
}
