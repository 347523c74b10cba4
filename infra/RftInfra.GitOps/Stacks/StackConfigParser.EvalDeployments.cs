using System.Text.Json.Nodes;

namespace RftInfra.Stacks;

/// <summary>The <c>evalDeployments</c> key: the model deployments used to evaluate and grade.</summary>
public static partial class StackConfigParser
{
    private const string EvalExample = """'[{"model":"gpt-4.1-mini","version":"2025-04-14","sku":"GlobalStandard","capacity":10}]'""";

    private static List<EvalDeployment> ParseEvalDeployments(Reader reader, IReadOnlyList<string> regions)
    {
        var array = reader.Array("evalDeployments", EvalExample);
        var deployments = new List<EvalDeployment>();
        if (array is null)
        {
            return deployments;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject obj)
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i} must be an object with model, version, sku and capacity.", EvalExample);
                continue;
            }

            var model = AsString(obj["model"]);
            var version = AsString(obj["version"]);
            var sku = AsString(obj["sku"]) ?? "GlobalStandard";
            var capacity = obj["capacity"] is null ? 1 : AsInt(obj["capacity"]);
            var region = AsString(obj["region"])?.ToLowerInvariant();
            var name = AsString(obj["name"]) ?? model;

            if (string.IsNullOrEmpty(model) || string.IsNullOrEmpty(version))
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i}: model and version are required (e.g. gpt-4.1-mini, 2025-04-14).", EvalExample);
                continue;
            }

            if (capacity is null or < 1)
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i}: capacity must be a whole number of at least 1.", EvalExample);
                continue;
            }

            if (region is not null && regions.Count > 0 && !regions.Contains(region))
            {
                reader.Error("RFT507", "evalDeployments",
                    $"entry {i}: region '{region}' is not one of the stack's regions ({string.Join(", ", regions)}).", EvalExample);
                continue;
            }

            if (name is null || !DeploymentNameRegex().IsMatch(name))
            {
                reader.Error("RFT507", "evalDeployments",
                    $"entry {i}: deployment name '{name}' may hold only letters, digits, '.', '-' and '_' (at most 64).", EvalExample);
                continue;
            }

            if (deployments.Any(d => d.Name == name && (d.Region is null || region is null || d.Region == region)))
            {
                reader.Error("RFT507", "evalDeployments", $"entry {i}: deployment name '{name}' is used twice on one account.", EvalExample);
                continue;
            }

            deployments.Add(new EvalDeployment(name, model, version, sku, capacity.Value, region));
        }

        return deployments;
    }
}
