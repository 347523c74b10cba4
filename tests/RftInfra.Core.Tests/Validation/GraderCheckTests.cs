using System.Text.Json.Nodes;
using RftInfra.Diagnostics;
using RftInfra.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;
using RftInfra.Declarations;

namespace RftInfra.Core.Tests.Validation;

public class GraderCheckTests
{
    private const string Sc = """type: string_check, name: a, input: "{{sample.output_text}}", reference: "{{item.answer}}" """;
    private const string Judge = """type: score_model, name: j, input: [{role: user, content: "Rate {{sample.output_text}} against {{item.answer}}"}]""";
    private const string Label = """type: label_model, name: l, model: gpt-4.1-mini, input: [{role: user, content: "{{sample.output_text}}"}]""";

    // One failing case per grader check (code, grader as YAML flow mapping, text the message or hint must contain).
    public static TheoryData<string, string, string> Failing => new()
    {
        { "RFT100", "{name: a, input: x}", "no 'type'" },
        { "RFT101", "{type: string_chek, name: a}", "Did you mean 'string_check'?" },
        { "RFT102", $"{{{Sc}, operation: eq, operator: eq}}", "Did you mean 'operation'?" },
        { "RFT102", $"{{{Judge}, model: gpt-4.1, sampling_params: {{max_completion_tokens: 5}}}}", "Did you mean 'max_completions_tokens'?" },
        { "RFT103", """{type: string_check, name: a, input: "{{sample.output_text}}", operation: eq}""", "'reference'" },
        { "RFT104", $"{{{Sc}, operation: [eq]}}", "must be a string" },
        { "RFT105", $"{{{Sc}, operation: contains}}", "Did you mean 'like'?" },
        { "RFT105", $"{{{Sc}, operation: neq}}", "Did you mean 'ne'?" },
        { "RFT106", """{type: text_similarity, name: s, input: "{{sample.output_text}}", reference: "{{item.a}}", evaluation_metric: rouge}""", "rouge_" },
        { "RFT106", """{type: text_similarity, name: s, input: "{{sample.output_text}}", reference: "{{item.a}}", evaluation_metric: cosin}""", "Did you mean 'cosine'?" },
        { "RFT107", $"{{type: multi, name: m, graders: {{a: {{{Sc}, operation: eq}}}}, calculate_output: \"a +\"}}", "does not parse" },
        { "RFT108", $"{{type: multi, name: m, graders: {{a: {{{Sc}, operation: eq}}}}, calculate_output: \"a + b\"}}", "'b'" },
        { "RFT109", $"{{type: multi, name: m, graders: {{a: {{type: multi, name: n, graders: {{}}, calculate_output: \"1\"}}}}, calculate_output: a}}", "nested" },
        { "RFT110", $"{{type: multi, name: m, graders: {{a: {{{Label}, labels: [x, y], passing_labels: [x]}}}}, calculate_output: a}}", "label_model" },
        { "RFT111", $"{{{Judge}, model: gpt-4o-mini}}", "gpt-4o-mini" },
        { "RFT113", "{type: python, name: p, source: \"def score(sample, item):\\n    return 1.0\\n\"}", "no top-level" },
        { "RFT113", "{type: python, name: p, source: \"def grade(sample):\\n    return 1.0\\n\"}", "grade(sample)" },
        { "RFT114", """{type: string_check, name: a, input: "{{sample.output_text", reference: "{{item.a}}", operation: eq}""", "not closed" },
        { "RFT115", """{type: string_check, name: a, input: "{{sample.output_text}}", reference: "{{items.a}}", operation: eq}""", "Unknown namespace 'items'" },
        { "RFT115", """{type: string_check, name: a, input: "{{sample.output}}", reference: "{{item.a}}", operation: eq}""", "Did you mean 'output_text'?" },
        { "RFT116", """{type: string_check, name: a, input: "{{ sample.output_text }}", reference: "{{item.a}}", operation: eq}""", "{{sample.output_text}}" },
        { "RFT117", $"{{{Label}, labels: [x, y], passing_labels: [x]}}", "label_model" },
        { "RFT118", "{type: endpoint, url: \"https://grader.example.test/score\"}", "private preview" },
        { "RFT119", $"{{{Judge}, model: gpt-4.1, range: [1, 0]}}", "min < max" },
        { "RFT119", $"{{{Judge}, model: gpt-4.1, range: [0, 5], pass_threshold: 6}}", "outside" },
        { "RFT120", $"{{{Label}, labels: [x, y], passing_labels: [z]}}", "'z'" },
        { "RFT121", """{type: score_model, name: j, model: gpt-4.1, input: [{role: judge, content: "{{sample.output_text}}"}]}""", "judge" },
        { "RFT122", $"{{type: multi, name: m, graders: {{a: {{{Sc}, operation: eq}}, b: {{{Sc}, operation: ne}}}}, calculate_output: a}}", "'b'" },
        { "RFT123", """{type: string_check, name: a, input: "{{item.a}}", reference: "{{item.b}}", operation: eq}""", "does not depend" },
        { "RFT124", $"{{{Judge}, model: gpt-4.1-mini, sampling_params: {{reasoning_effort: low}}}}", "reasoning models" },
        { "RFT124", $"{{{Judge}, model: o3-mini, sampling_params: {{temperature: 0}}}}", "reasoning model o3-mini" },
        { "RFT130", $"{{type: multi, name: m, graders: {{a: {{{Sc}, operation: eq}}}}, calculate_output: \"{new string('-', 70)}a\"}}", "nests deeper than 64 levels" },
    };

    // The same checks passing: a correct grader of each shape yields no findings.
    public static TheoryData<string> Passing => new()
    {
        $"{{{Sc}, operation: eq}}",
        $"{{{Sc}, operation: like}}",
        $"{{{Sc}, operation: ilike}}",
        $"{{{Sc}, operation: ne}}",
        """{type: text_similarity, name: s, input: "{{sample.output_text}}", reference: "{{item.a}}", evaluation_metric: rouge_l, pass_threshold: 0.5}""",
        $"{{{Judge}, model: gpt-4.1-mini, range: [0, 5], pass_threshold: 3, sampling_params: {{seed: 1, temperature: 0.2, top_p: 1, max_completions_tokens: 500}}}}",
        $"{{{Judge}, model: o3-mini-2025-01-31, sampling_params: {{reasoning_effort: high}}}}",
        $"{{{Judge}, model: gpt-4o-2024-08-06}}",
        """{type: score_model, name: j, model: gpt-4.1-nano, input: [{role: system, content: "x"}, {role: developer, content: "y"}, {role: user, content: [{type: input_text, text: "{{sample.output_text}} {{item.answer}}"}]}]}""",
        "{type: python, name: p, image_tag: \"2025-05-08\", source: \"import json\\n\\ndef grade(sample: dict, item: dict) -> float:\\n    return float(sample['output_text'] == item['answer'])\\n\"}",
        "{type: python, name: p, source: \"def grade(sample, item, *, strict=False):\\n    return 1.0\\n\"}",
        $"{{type: multi, name: m, graders: {{a: {{{Sc}, operation: eq}}, b: {{type: text_similarity, name: b, input: \"{{{{sample.output_text}}}}\", reference: \"{{{{item.a}}}}\", evaluation_metric: fuzzy_match}}}}, calculate_output: \"0.5 * a + max(b, 0.1) ^ 2 - abs(-1) / sqrt(4)\"}}",
        $"{{type: multi, name: m, graders: {{a: {{{Sc}, operation: eq}}, j: {{{Judge}, model: gpt-4.1}}}}, calculate_output: \"min(a, j)\"}}",
        """{type: string_check, name: a, input: "Answer: {{sample.output_json.items[0].name}}", reference: "{{item.answers[\"first\"]}}", operation: eq}""",
    };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Grader_WithProblem_ReportsCodeWithPosition(string code, string yaml, string expected)
    {
        var diagnostics = CheckGrader(yaml);
        var finding = Assert.Single(diagnostics, d => d.Code == code);
        Assert.Contains(expected, finding.Message + " " + finding.Hint, StringComparison.Ordinal);
        Assert.Equal("graders/g.yaml", finding.File);
        Assert.True(finding.Position.Line >= 1, $"no position: {finding}");
        Assert.NotNull(finding.Hint);
    }

    [Theory]
    [MemberData(nameof(Passing))]
    public void Grader_Correct_NoFindings(string yaml)
    {
        var diagnostics = CheckGrader(yaml);
        Assert.True(diagnostics.Count == 0, Describe(diagnostics));
    }

    [Fact]
    public void Failing_CoversEveryGraderCode()
    {
        var covered = Failing.Select(row => (string)row[0]).ToHashSet();
        covered.Add("RFT112"); // PythonSourceOverLimit_Reported below: the source is generated
        covered.Add("RFT131"); // LimitsTests.Validate_LongTemplate_IsRft131AtTheField: the template is generated
        var missing = GraderDiagnostics.All.Select(d => d.Code).Where(c => !covered.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "no failing test for " + string.Join(", ", missing));
    }

    [Fact]
    public void PythonSourceOverLimit_Reported()
    {
        var body = new string('#', 256 * 1024);
        var grader = new JsonObject { ["type"] = "python", ["name"] = "p", ["source"] = $"def grade(sample, item):\n    return 1.0\n{body}\n" };
        var diagnostics = RftValidator.CheckGrader(grader, "graders/p.json");
        var finding = Assert.Single(diagnostics);
        Assert.Equal("RFT112", finding.Code);
        Assert.Contains("262,144", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PythonSourceUnderLimit_NoFinding()
    {
        var grader = new JsonObject { ["type"] = "python", ["name"] = "p", ["source"] = "def grade(sample, item):\n    return 1.0\n" + new string('#', 200 * 1024) };
        Assert.Empty(RftValidator.CheckGrader(grader, "graders/p.json"));
    }

    [Fact]
    public void UnknownField_NestedInMultiChild_NamesPathAndPosition()
    {
        var diagnostics = CheckGrader("""
            type: multi
            name: m
            graders:
              a:
                type: string_check
                name: a
                input: "{{sample.output_text}}"
                refrence: "{{item.answer}}"
                operation: eq
            calculate_output: a
            """);
        var unknown = Assert.Single(diagnostics, d => d.Code == "RFT102");
        Assert.Contains("'refrence' in 'graders.a'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'reference'?", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(8, 5), unknown.Position);
        Assert.Contains(diagnostics, d => d.Code == "RFT103" && d.Message.Contains("'reference'", StringComparison.Ordinal));
    }

    [Fact]
    public void TemplateFinding_PointsAtTheFieldInJson()
    {
        var diagnostics = CheckGrader("""
            {
              "type": "string_check",
              "name": "a",
              "input": "{{ sample.output_text }}",
              "reference": "{{item.answer}}",
              "operation": "eq"
            }
            """, yaml: false);
        var spaces = Assert.Single(diagnostics);
        Assert.Equal("RFT116", spaces.Code);
        Assert.Equal(DiagnosticSeverity.Warning, spaces.Severity);
        Assert.Equal(new SourcePosition(4, 12), spaces.Position);
    }

    [Theory]
    [InlineData("sample, item", true)]
    [InlineData("sample: dict, item: dict", true)]
    [InlineData("sample, item, extra=None", true)]
    [InlineData("*args", true)]
    [InlineData("sample, item, *, flag", false)]
    [InlineData("sample", false)]
    [InlineData("sample, item, extra", false)]
    [InlineData("sample: dict[str, int], item", true)]
    public void PythonParameters_CallableWithSampleAndItem(string parameters, bool expected) =>
        Assert.Equal(expected, GraderChecker.TakesTwoPositional(parameters));
}
