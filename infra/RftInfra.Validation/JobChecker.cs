using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Validation;

/// <summary>
/// Checks one job object on its own, against the catalog (RFT2xx); an inline grader is checked too (RFT1xx). With
/// <paramref name="today"/> (from the caller's TimeProvider), also the base model's lifecycle dates (RFT232).
/// </summary>
public sealed partial class JobChecker(string file, SourceMap positions, RftCatalog catalog, List<Diagnostic> diagnostics, DateOnly? today = null)
{
    public void Check(JsonObject job)
    {
        Shape.Check(job, JobShape.Fields, "", file, positions, JobDiagnostics.Findings, diagnostics);
        var declaration = JobDeclaration.FromJson(job);

        if (Shape.AsString(job["name"]) is { } name && !JobName().IsMatch(name))
        {
            diagnostics.Add(JobDiagnostics.Name(file, At("name"), name));
        }

        if (job["validation_file"] is null)
        {
            diagnostics.Add(JobDiagnostics.ValidationFileMissing(file, positions.Value("")));
        }

        var model = CheckModel(declaration);
        CheckTrainingTypeAndRegion(declaration, model);
        if (job["hyperparameters"] is JsonObject hyperparameters)
        {
            CheckHyperparameters(hyperparameters);
        }

        CheckSuffixSeedMetadata(job, declaration);
        if (job["deploy"] is JsonObject && declaration.Deploy is { } deploy)
        {
            CheckDeploy(deploy, declaration, model);
        }

        if (job["response_format"] is JsonObject responseFormat)
        {
            ResponseFormats.Check(responseFormat, "response_format", file, positions, diagnostics);
        }

        if (job["grader"] is JsonObject inline)
        {
            new GraderChecker(file, positions, catalog, diagnostics).Check(inline, "grader", isFile: false);
        }
    }

    private SourcePosition At(string path) => positions.Value(path);

    private CatalogModel? CheckModel(JobDeclaration job)
    {
        if (job.Model.Length == 0)
        {
            return null;
        }

        var model = catalog.FindModel(job.Model) ?? FineTunedBase(job.Model);
        if (model is null)
        {
            diagnostics.Add(JobDiagnostics.ModelNotTrainable(file, At("model"), job.Model, catalog.ModelNames.ToList()));
            return null;
        }

        if (model.IsPreview)
        {
            diagnostics.Add(JobDiagnostics.ModelPreview(file, At("model"), job.Model));
        }

        if (model.IsGated)
        {
            diagnostics.Add(CatalogFactDiagnostics.Gated(file, At("model"), model));
        }

        CheckLifecycle(model);
        return model;
    }

    private void CheckLifecycle(CatalogModel model)
    {
        if (today is not { } day)
        {
            return;
        }

        if (model.Retirement is { } retirement && retirement.Date.DayNumber - day.DayNumber <= CatalogFactDiagnostics.RetirementWarningDays)
        {
            diagnostics.Add(CatalogFactDiagnostics.Retiring(file, At("model"), model, retirement, day));
        }

        if (model.NoNewCustomers is { } closed && closed.Date <= day)
        {
            diagnostics.Add(CatalogFactDiagnostics.NoNewCustomers(file, At("model"), model, closed));
        }
    }

    /// <summary>Continuous fine-tuning: <c>o4-mini-2025-04-16.ft-…</c> trains like its base model.</summary>
    private CatalogModel? FineTunedBase(string model)
    {
        var cut = model.IndexOf(".ft-", StringComparison.Ordinal);
        return cut > 0 ? catalog.FindModel(model[..cut]) : null;
    }

    private void CheckTrainingTypeAndRegion(JobDeclaration job, CatalogModel? model)
    {
        var type = job.TrainingType;
        if (type is not null && !catalog.TrainingTypes.Contains(type))
        {
            diagnostics.Add(JobDiagnostics.UnknownTrainingType(file, At("training_type"), Shape.AsString(job.Json["training_type"])!, catalog.TrainingTypes));
            type = null;
        }

        var region = job.Region;
        if (region is not null && !catalog.Regions.Contains(region))
        {
            diagnostics.Add(JobDiagnostics.UnknownRegion(file, At("region"), region, catalog.Regions));
            region = null;
        }

        if (model is null || type is null || region is null)
        {
            return;
        }

        // Not listed: the service refuses it (an error). Listed only by inference: a warning that says so.
        var regions = model.RegionsOf(type);
        if (!regions.Contains(region))
        {
            diagnostics.Add(JobDiagnostics.TrainingTypeNotAvailable(file, At(regions.Count == 0 ? "training_type" : "region"), model.Id, type, region, regions));
        }
        else if (model.IsInferred(type, region))
        {
            diagnostics.Add(CatalogFactDiagnostics.Inferred(file, At("region"), model, type, region));
        }
    }

    /// <summary>The value rules of <see cref="Hyperparameters"/> (ranges, choices); types are the shape check's.</summary>
    private void CheckHyperparameters(JsonObject hyperparameters)
    {
        foreach (var (name, value) in hyperparameters)
        {
            if (Hyperparameters.Find(name)?.Problem(value) is { } problem)
            {
                diagnostics.Add(JobDiagnostics.Hyperparameter(file, At(SourceMap.Child("hyperparameters", name)), name, problem));
            }
        }
    }

    private void CheckSuffixSeedMetadata(JsonObject json, JobDeclaration job)
    {
        var limits = catalog.Limits;
        if (job.Suffix is { } suffix)
        {
            if (suffix.Length == 0 || suffix.Length > limits.SuffixMaxLength)
            {
                diagnostics.Add(JobDiagnostics.Suffix(file, At("suffix"), $"suffix '{suffix}' has {suffix.Length} characters; Azure allows 1–{limits.SuffixMaxLength}."));
            }
            else if (!Regex.IsMatch(suffix, limits.SuffixPattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                diagnostics.Add(JobDiagnostics.Suffix(file, At("suffix"), $"suffix '{suffix}' has characters Azure does not allow (pattern {limits.SuffixPattern})."));
            }
        }

        if (Shape.AsNumber(json["seed"]) is { } seed && (seed < limits.SeedMin || seed > limits.SeedMax))
        {
            diagnostics.Add(JobDiagnostics.Seed(file, At("seed"), $"seed {seed.ToString(CultureInfo.InvariantCulture)} is outside {limits.SeedMin}–{limits.SeedMax}."));
        }

        if (json["metadata"] is JsonObject metadata)
        {
            if (metadata.Count > limits.MetadataMaxPairs)
            {
                diagnostics.Add(JobDiagnostics.Metadata(file, At("metadata"), $"metadata has {metadata.Count} pairs; at most {limits.MetadataMaxPairs} are allowed."));
            }

            foreach (var (key, value) in metadata)
            {
                var path = SourceMap.Child("metadata", key);
                if (key.Length > limits.MetadataKeyMaxLength)
                {
                    diagnostics.Add(JobDiagnostics.Metadata(file, positions.Key(path), $"metadata key '{key[..20]}…' has {key.Length} characters; at most {limits.MetadataKeyMaxLength}."));
                }

                if (!Shape.IsString(value))
                {
                    diagnostics.Add(JobDiagnostics.Metadata(file, At(path), $"metadata '{key}' must be a string; found {Shape.KindOf(value)}.",
                        "Quote the value in YAML, e.g. owner: \"42\"."));
                }
                else if (value!.GetValue<string>().Length > limits.MetadataValueMaxLength)
                {
                    diagnostics.Add(JobDiagnostics.Metadata(file, At(path), $"metadata '{key}' has {value.GetValue<string>().Length} characters; at most {limits.MetadataValueMaxLength}."));
                }
            }
        }
    }

    private void CheckDeploy(JobDeployment deploy, JobDeclaration job, CatalogModel? model)
    {
        if (deploy.Sku.Length > 0 && !catalog.DeploymentSkus.Contains(deploy.Sku))
        {
            var sameIgnoringCase = catalog.DeploymentSkus.FirstOrDefault(s => s.Equals(deploy.Sku, StringComparison.OrdinalIgnoreCase));
            var suggestion = sameIgnoringCase ?? Text.EditDistance.Closest(deploy.Sku, catalog.DeploymentSkus);
            diagnostics.Add(JobDiagnostics.Deploy(file, At("deploy.sku"),
                $"deploy sku '{deploy.Sku}' is not a deployment SKU." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"),
                $"Use one of: {string.Join(", ", catalog.DeploymentSkus)}."));
        }

        if (Shape.AsNumber(job.Json["deploy"]?["capacity"]) is { } capacity && capacity < 1)
        {
            diagnostics.Add(JobDiagnostics.Deploy(file, At("deploy.capacity"), $"deploy capacity {capacity} must be at least 1."));
        }

        // Standard (regional) deployments of fine-tuned models exist only where the model trains regionally.
        if (deploy.Sku == "Standard" && model is not null && job.Region is { } region
            && model.TrainingTypes.TryGetValue("standard", out var standardRegions) && !standardRegions.Contains(region))
        {
            diagnostics.Add(JobDiagnostics.Deploy(file, At("deploy.sku"),
                $"A Standard deployment of {model.Id} is not available in {region}.",
                $"Use sku GlobalStandard, or region {JobDiagnostics.OneOf(standardRegions)}."));
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$")]
    private static partial Regex JobName();
}
