using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;
using RftInfra.Declarations;

namespace RftInfra.Core.Tests.Validation;

public class JobCheckTests
{
    private const string Base = """
        name: qa
        model: o4-mini-2025-04-16
        training_file: data/train.jsonl
        validation_file: data/valid.jsonl
        grader: match
        training_type: globalstandard
        region: swedencentral

        """;

    private const string StrictFormat = """
        response_format:
          type: json_schema
          json_schema:
            name: answer
            strict: true
            schema:
              type: object
              properties:
                total: { type: string }
                lines: { type: array, items: { type: object, properties: { sku: { type: string } }, required: [sku], additionalProperties: false } }
              required: [total, lines]
              additionalProperties: false

        """;

    // One failing case per job check: code, YAML appended to (or replacing a line of) the base job, expected text.
    public static TheoryData<string, string, string> Failing => new()
    {
        { "RFT200", Base.Replace("model: o4-mini-2025-04-16\n", "", StringComparison.Ordinal), "'model'" },
        { "RFT201", Base + "hyperparameter:\n  n_epochs: 2\n", "Did you mean 'hyperparameters'?" },
        { "RFT201", Base + "hyperparameters:\n  n_epoch: 2\n", "Did you mean 'n_epochs'?" },
        { "RFT201", Base + "deploy:\n  sku: GlobalStandard\n  capacty: 1\n", "Did you mean 'capacity'?" },
        { "RFT202", Base + "seed: forty-two\n", "must be an integer" },
        { "RFT202", Base + "hyperparameters:\n  n_epochs: 2.5\n", "an integer or \"auto\"" },
        { "RFT203", Base.Replace("o4-mini-2025-04-16", "gpt-4o", StringComparison.Ordinal), "cannot be trained" },
        { "RFT204", Base.Replace("o4-mini-2025-04-16", "Qwen3.8-27B", StringComparison.Ordinal), "is a preview" },
        { "RFT205", Base.Replace("globalstandard", "global", StringComparison.Ordinal), "Did you mean 'globalstandard'?" },
        { "RFT206", Base.Replace("region: swedencentral", "region: Sweden Central", StringComparison.Ordinal), "Did you mean 'swedencentral'?" },
        { "RFT207", Base.Replace("training_type: globalstandard", "training_type: standard", StringComparison.Ordinal).Replace("swedencentral", "westus3", StringComparison.Ordinal), "region eastus2 or swedencentral" },
        { "RFT207", Base.Replace("o4-mini-2025-04-16", "gpt-5", StringComparison.Ordinal).Replace("training_type: globalstandard", "training_type: developer", StringComparison.Ordinal), "no 'developer' training" },
        { "RFT207", Base.Replace("region: swedencentral", "region: uaenorth", StringComparison.Ordinal), "not available in uaenorth" },
        { "RFT208", Base + "hyperparameters:\n  eval_interval: 30\n", "above the maximum 25" },
        { "RFT208", Base + "hyperparameters:\n  compute_multiplier: 0.1\n", "below the minimum 0.5" },
        { "RFT208", Base + "hyperparameters:\n  reasoning_effort: auto\n", "Did you mean" },
        { "RFT208", Base + "hyperparameters:\n  learning_rate_multiplier: 0\n", "greater than 0" },
        { "RFT209", Base.Replace("validation_file: data/valid.jsonl\n", "", StringComparison.Ordinal), "requires one" },
        { "RFT210", Base + "suffix: my suffix\n", "characters Azure does not allow" },
        { "RFT210", Base + $"suffix: {new string('a', 41)}\n", "1–40" },
        { "RFT211", Base + "metadata:\n" + string.Concat(Enumerable.Range(0, 17).Select(i => $"  k{i}: v\n")), "17 pairs" },
        { "RFT211", Base + "metadata:\n  owner: 42\n", "must be a string" },
        { "RFT212", Base + "seed: -1\n", "outside 0–2147483647" },
        { "RFT217", Base + StrictFormat.Replace("\n      additionalProperties: false\n", "\n", StringComparison.Ordinal), "additionalProperties: false" },
        { "RFT217", Base + StrictFormat.Replace("required: [total, lines]", "required: [total]", StringComparison.Ordinal), "not in 'required': lines" },
        { "RFT217", Base + StrictFormat.Replace("total: { type: string }", "total: { type: string, minLength: 1 }", StringComparison.Ordinal), "'minLength' is not supported" },
        { "RFT217", Base + StrictFormat.Replace("strict: true", "strict: false", StringComparison.Ordinal), "not strict" },
        { "RFT217", Base + "response_format:\n  type: json_object\n", "not supported" },
        { "RFT218", Base + "deploy:\n  sku: globalstandard\n", "Did you mean 'GlobalStandard'?" },
        { "RFT218", Base.Replace("swedencentral", "westus3", StringComparison.Ordinal) + "deploy:\n  sku: Standard\n", "Standard deployment" },
        { "RFT218", Base + "deploy:\n  sku: GlobalStandard\n  capacity: 0\n", "at least 1" },
        { "RFT219", Base.Replace("name: qa", "name: my job!", StringComparison.Ordinal), "not valid" },
        { "RFT230", Base.Replace("o4-mini-2025-04-16", "gpt-5", StringComparison.Ordinal).Replace("training_type: globalstandard", "training_type: standard", StringComparison.Ordinal), "is gated" },
        { "RFT231", Base.Replace("region: swedencentral", "region: westeurope", StringComparison.Ordinal), "inferred, not confirmed" },
    };

    public static TheoryData<string> Passing => new()
    {
        Base,
        Base.Replace("o4-mini-2025-04-16", "o4-mini", StringComparison.Ordinal),
        Base.Replace("o4-mini-2025-04-16", "o4-mini-2025-04-16.ft-0265d6737d5b4fd6a9d0b8b2b0d1f4c1-v1", StringComparison.Ordinal),
        Base.Replace("training_type: globalstandard", "training_type: standard", StringComparison.Ordinal),
        Base.Replace("region: swedencentral", "region: norwayeast", StringComparison.Ordinal),
        Base.Replace("globalstandard", "globalStandard", StringComparison.Ordinal),
        Base + """
            suffix: capital_qa-1
            seed: 2147483647
            metadata: { team: geo, owner: "42" }
            hyperparameters:
              n_epochs: 3
              batch_size: auto
              learning_rate_multiplier: 0.5
              eval_interval: 25
              eval_samples: 1
              compute_multiplier: 3.0
              reasoning_effort: default
            deploy: { sku: GlobalStandard, capacity: 10 }
            """,
        Base.Replace("region: swedencentral", "region: eastus2", StringComparison.Ordinal) + "deploy: { sku: Standard }\n",
        Base + StrictFormat,
        Base + "response_format: { type: json_schema, name: flat, strict: true, schema: { type: object, properties: { a: { type: [string, \"null\"] } }, required: [a], additionalProperties: false } }\n",
        Base + "response_format:\n  type: json_schema\n  json_schema:\n    name: refs\n    strict: true\n    schema:\n      type: object\n      properties: { item: { $ref: \"#/$defs/item\" } }\n      required: [item]\n      additionalProperties: false\n      $defs:\n        item: { type: object, properties: { id: { type: integer } }, required: [id], additionalProperties: false }\n",
    };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Job_WithProblem_ReportsCodeWithPosition(string code, string yaml, string expected)
    {
        var diagnostics = CheckJob(yaml);
        var finding = Assert.Single(diagnostics, d => d.Code == code && (d.Message + " " + d.Hint).Contains(expected, StringComparison.Ordinal));
        Assert.Equal("jobs/j.yaml", finding.File);
        Assert.True(finding.Position.Line >= 1, $"no position: {finding}");
        Assert.NotNull(finding.Hint);
    }

    [Theory]
    [MemberData(nameof(Passing))]
    public void Job_Correct_NoFindings(string yaml)
    {
        var diagnostics = CheckJob(yaml);
        Assert.True(diagnostics.Count == 0, Describe(diagnostics));
    }

    [Fact]
    public void Failing_CoversEveryJobCodeNotNeedingData()
    {
        // RFT213–RFT216 need data files: RootValidationTests covers them; RFT232 needs a date: CatalogFactTests.
        var covered = Failing.Select(row => (string)row[0]).Concat(["RFT213", "RFT214", "RFT215", "RFT216", "RFT232"]).ToHashSet();
        var missing = JobDiagnostics.All.Select(d => d.Code).Where(c => !covered.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "no failing test for " + string.Join(", ", missing));
    }

    [Fact]
    public void MisspeltTopLevelField_PositionIsTheKey()
    {
        var diagnostics = CheckJob(Base + "hyperparameter:\n  n_epochs: 2\n");
        var finding = Assert.Single(diagnostics);
        Assert.Equal(new SourcePosition(8, 1), finding.Position);
        Assert.Equal("jobs/j.yaml(8,1): error RFT201: Unknown field 'hyperparameter' in the top level of the job. Did you mean 'hyperparameters'? "
            + "Fix: Allowed fields here: name, model, training_file, validation_file, grader, response_format, hyperparameters, training_type, region, suffix, seed, metadata, deploy, baseline, stage.",
            finding.ToString());
    }

    [Fact]
    public void InlineGrader_CheckedWithJobPositions()
    {
        var diagnostics = CheckJob(Base.Replace("grader: match\n", "grader:\n  type: string_check\n  name: inline\n  input: \"{{sample.output_text}}\"\n  reference: \"{{item.answer}}\"\n  operation: contains\n", StringComparison.Ordinal));
        var finding = Assert.Single(diagnostics);
        Assert.Equal("RFT105", finding.Code);
        Assert.Equal(new SourcePosition(10, 14), finding.Position);
    }

    [Fact]
    public void CheckJob_OutputJsonWithoutResponseFormat_Error()
    {
        var job = (JsonObject)JsonNode.Parse("""{"name":"x","model":"o4-mini","training_file":"t.jsonl","validation_file":"v.jsonl","grader":"g","training_type":"globalstandard","region":"eastus2"}""")!;
        var grader = (JsonObject)JsonNode.Parse("""{"type":"string_check","name":"g","input":"{{sample.output_json.total}}","reference":"{{item.total}}","operation":"eq"}""")!;
        var finding = Assert.Single(RftValidator.CheckJob(job, "jobs/x.json", grader));
        Assert.Equal("RFT321", finding.Code);

        job["response_format"] = JsonNode.Parse("""{"type":"json_schema","json_schema":{"name":"t","strict":true,"schema":{"type":"object","properties":{"total":{"type":"string"}},"required":["total"],"additionalProperties":false}}}""");
        Assert.Empty(RftValidator.CheckJob(job, "jobs/x.json", grader));
    }
}
