using System.Diagnostics;
using System.Text.Json.Nodes;
using RftInfra.Graders.Evaluation;
using RftInfra.Templates;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Validation;

/// <summary>
/// Hostile formulas and templates (issue 11 §2): each ends in a located finding or a clear error within a time
/// bound, never a stack overflow or quadratic work. Bounds are generous: 2 loaded cores.
/// </summary>
public class LimitsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string, string> OverLimitFormulas => new()
    {
        { "100 000 nested parentheses", new string('(', 100_000) + "a" + new string(')', 100_000), "the limit is 4096" },
        { "100 000 unary minus", new string('-', 100_000) + "a", "the limit is 4096" },
        { "100 000 ^", string.Join("^", Enumerable.Repeat("a", 100_000)), "the limit is 4096" },
        { "65 parentheses", new string('(', 65) + "a" + new string(')', 65), "nests deeper than 64 levels" },
        { "100 unary minus", new string('-', 100) + "a", "nests deeper than 64 levels" },
        { "100 ^", string.Join("^", Enumerable.Repeat("a", 100)), "nests deeper than 64 levels" },
        { "70 nested min(", string.Concat(Enumerable.Repeat("min(a,", 70)) + "a" + new string(')', 70), "nests deeper than 64 levels" },
    };

    [Theory]
    [MemberData(nameof(OverLimitFormulas))]
    public void Formula_OverALimit_IsALimitErrorQuickly(string name, string formula, string expected)
    {
        var watch = Stopwatch.StartNew();
        Assert.Null(Formula.TryParse(formula, graderNames: null, out var error));
        Assert.True(watch.Elapsed < Bound, $"{name}: {watch.Elapsed}");
        Assert.True(error!.OverLimit, name);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Formula_AtTheLimits_ParsesAndEvaluates()
    {
        // 63 parentheses inside the top level: 64 levels, the most accepted.
        var deep = Formula.TryParse(new string('(', 63) + "a" + new string(')', 63), graderNames: null, out var error);
        Assert.True(deep is not null, error?.ToString());
        Assert.Equal(0.5, deep.Evaluate(new Dictionary<string, double> { ["a"] = 0.5 }));

        // A 2000-term sum is long but flat: evaluated by a loop, whatever its length.
        var sum = string.Join("+", Enumerable.Repeat("a", 2000));
        Assert.True(sum.Length <= Formula.MaxLength);
        var flat = Formula.TryParse(sum, graderNames: null, out error);
        Assert.True(flat is not null, error?.ToString());
        Assert.Equal(2000, flat.Evaluate(new Dictionary<string, double> { ["a"] = 1 }));
        Assert.Equal(-8, Formula.TryParse("1 - 2 - 3 - 4", null, out _)!.Evaluate(new Dictionary<string, double>()));
        Assert.Equal(0.5, Formula.TryParse("8 / 4 / 4", null, out _)!.Evaluate(new Dictionary<string, double>()));
    }

    [Fact]
    public void Template_400000OpenBraces_IsOneTooLongErrorQuickly()
    {
        var watch = Stopwatch.StartNew();
        var template = TemplateParser.Parse(string.Concat(Enumerable.Repeat("{{", 400_000)));
        Assert.True(watch.Elapsed < Bound, watch.Elapsed.ToString());
        var error = Assert.Single(template.Errors);
        Assert.Equal(TemplateErrorKind.TooLong, error.Kind);
        Assert.Equal("The template is 800000 characters long; the limit is 262144.", error.Message);
    }

    [Theory]
    [InlineData("{{")]
    [InlineData("}}")]
    [InlineData("{{x}}")]
    public void Template_AtTheLengthLimit_ParsesInLinearTimeWithCappedErrors(string unit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, TemplateParser.MaxLength / unit.Length));
        var watch = Stopwatch.StartNew();
        var template = TemplateParser.Parse(text);
        Assert.True(watch.Elapsed < Bound, watch.Elapsed.ToString());
        Assert.Equal(TemplateParser.MaxErrors + 1, template.Errors.Count);
        Assert.EndsWith("more template errors are not listed.", template.Errors[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_ManyOpenBracesThenOneClose_ResolvesTheLastVariable()
    {
        var text = string.Concat(Enumerable.Repeat("{{", 100_000)) + "item.a}}";
        var watch = Stopwatch.StartNew();
        var template = TemplateParser.Parse(text);
        Assert.True(watch.Elapsed < Bound, watch.Elapsed.ToString());
        Assert.Equal("item.a", Assert.Single(template.Variables).Path.ToString());
        Assert.Equal(TemplateParser.MaxErrors + 1, template.Errors.Count);
    }

    [Fact]
    public void Validate_DeepFormula_IsRft130AtTheField()
    {
        var diagnostics = CheckGrader($$$"""
            type: multi
            name: m
            graders:
              a: {type: string_check, name: a, input: "{{sample.output_text}}", reference: "{{item.r}}", operation: eq}
            calculate_output: "{{{new string('-', 100)}}}a"
            """);
        var finding = Assert.Single(diagnostics);
        Assert.Equal("RFT130", finding.Code);
        Assert.Equal(5, finding.Position.Line);
        Assert.StartsWith("'calculate_output' \"----", finding.Message, StringComparison.Ordinal);
        Assert.Contains("(101 characters)\" is over a limit at column 65: the formula nests deeper than 64 levels", finding.Message, StringComparison.Ordinal);
        Assert.Contains("docs/limits-grading.md", finding.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LongTemplate_IsRft131AtTheField()
    {
        var diagnostics = CheckGrader($$$"""
            {"type": "string_check", "name": "t", "operation": "eq",
             "input": "{{{string.Concat(Enumerable.Repeat("{{", 400_000))}}}",
             "reference": "{{item.r}}"}
            """, yaml: false);
        var finding = Assert.Single(diagnostics);
        Assert.Equal("RFT131", finding.Code);
        Assert.Equal(2, finding.Position.Line);
        Assert.Equal("In 'input': The template is 800000 characters long; the limit is 262144.", finding.Message);
        Assert.Contains("docs/limits-grading.md", finding.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyStrayBraces_ReportsElevenFindings()
    {
        var diagnostics = CheckGrader($$$"""
            {"type": "string_check", "name": "t", "operation": "eq",
             "input": "{{{string.Concat(Enumerable.Repeat("}}", 100_000))}}}{{sample.output_text}}",
             "reference": "{{item.r}}"}
            """, yaml: false);
        Assert.Equal(11, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal("RFT114", d.Code));
        Assert.Equal("In 'input': 199989 more template errors are not listed.", diagnostics[^1].Message);
    }

    /// <summary>In a child process: before the limits, these aborted rft with a stack overflow (exit 134).</summary>
    [Theory]
    [InlineData("parentheses")]
    [InlineData("minus")]
    [InlineData("power")]
    public async Task GradeAndValidate_100000Nested_ExitOneWithTheLimitNotAbort(string kind)
    {
        using var files = new Graders.GradeTestFiles();
        var formula = kind switch
        {
            "parentheses" => new string('(', 100_000) + "a" + new string(')', 100_000),
            "minus" => new string('-', 100_000) + "a",
            _ => string.Join("^", Enumerable.Repeat("a", 100_000)),
        };
        var grader = new JsonObject
        {
            ["type"] = "multi",
            ["name"] = "m",
            ["graders"] = new JsonObject
            {
                ["a"] = JsonNode.Parse(Graders.GradeTestFiles.CapitalGrader),
            },
            ["calculate_output"] = formula,
        };
        files.Write("graders/deep.json", grader.ToJsonString());
        files.Write("data/train.jsonl", Graders.GradeTestFiles.CapitalData);

        var grade = await CliProcess.Rft(null, TimeSpan.FromSeconds(60), "grade", "--root", files.Root,
            "--grader", "graders/deep.json", "--data", "data/train.jsonl", "--sample-text", "Paris");
        Assert.True(grade.ExitCode == 1, $"exit {grade.ExitCode}: {grade.Stderr}");
        Assert.StartsWith("rft grade: graders/deep.json: calculate_output: column 4097: the formula is", grade.Stderr, StringComparison.Ordinal);
        Assert.Contains("the limit is 4096. Nothing was graded", grade.Stderr, StringComparison.Ordinal);
        Assert.Equal("", grade.Stdout);
        Assert.True(grade.Elapsed < TimeSpan.FromSeconds(30), grade.Elapsed.ToString());

        var validate = await CliProcess.Rft(null, TimeSpan.FromSeconds(60), "validate", "--root", files.Root);
        Assert.True(validate.ExitCode == 1, $"exit {validate.ExitCode}: {validate.Stderr}");
        Assert.Contains("error RFT130: 'calculate_output' \"", validate.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Stack overflow", validate.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.True(validate.Elapsed < TimeSpan.FromSeconds(30), validate.Elapsed.ToString());
    }

    /// <summary>YamlDotNet's YamlStream recursed once per level and aborted `rft grade` (exit 134); the grader now goes through the declaration reader.</summary>
    [Fact]
    public async Task Grade_YamlGrader100000Deep_ExitsOneWithRft300()
    {
        using var files = new Graders.GradeTestFiles();
        files.Write("graders/deep.yaml", new string('[', 100_000) + new string(']', 100_000) + "\n");
        files.Write("data/train.jsonl", Graders.GradeTestFiles.CapitalData);

        var grade = await CliProcess.Rft(null, TimeSpan.FromSeconds(60), "grade", "--root", files.Root,
            "--grader", "graders/deep.yaml", "--data", "data/train.jsonl", "--sample-text", "Paris");

        Assert.True(grade.ExitCode == 1, $"exit {grade.ExitCode}: {grade.Stderr}");
        Assert.StartsWith("graders/deep.yaml(1,66): error RFT300: The YAML nests deeper than 64 levels.", grade.Stderr, StringComparison.Ordinal);
        Assert.True(grade.Elapsed < TimeSpan.FromSeconds(30), grade.Elapsed.ToString());
    }

    [Fact]
    public void CanonicalJson_DeeperThanItsBound_IsAClearError()
    {
        static JsonNode Nest(int depth)
        {
            JsonNode node = new JsonArray();
            for (var i = 0; i < depth; i++)
            {
                node = new JsonObject { ["a"] = node };
            }

            return node;
        }

        Assert.StartsWith("{\"a\":{\"a\":", global::RftInfra.Graders.CanonicalJsonWriter.Write(Nest(global::RftInfra.Graders.CanonicalJsonWriter.MaxDepth)), StringComparison.Ordinal);
        var error = Assert.Throws<InvalidDataException>(() => global::RftInfra.Graders.CanonicalJsonWriter.Write(Nest(2000)));
        Assert.Equal("The JSON nests deeper than 256 levels; a grader or job never needs that many.", error.Message);
    }

    [Fact]
    public void GraderJson_NestedMultiChain_IsBoundNoDeeperThanEightLevels()
    {
        var json = new JsonObject { ["type"] = "string_check", ["name"] = "leaf" };
        for (var i = 0; i < 50; i++)
        {
            json = new JsonObject { ["type"] = "multi", ["name"] = $"m{i}", ["graders"] = new JsonObject { ["g"] = json }, ["calculate_output"] = "g" };
        }

        var depth = 0;
        for (var grader = global::RftInfra.Graders.GraderJson.FromJson(json); grader is global::RftInfra.Graders.MultiGrader { Graders: [var only] }; grader = only.Value)
        {
            depth++;
        }

        Assert.Equal(8, depth);
    }

    /// <summary>The emulator's graders/run parses calculate_output with the same engine: a hostile one no longer takes the server down.</summary>
    [Fact]
    public async Task EmulatorGraderRun_100000NestedParentheses_IsA400WithRft130NotACrash()
    {
        await using var emulator = await Emulator.TestEmulator.StartAsync();
        var watch = Stopwatch.StartNew();
        var (status, body) = await emulator.Post("/openai/v1/fine_tuning/alpha/graders/run", new JsonObject
        {
            ["grader"] = new JsonObject
            {
                ["type"] = "multi",
                ["name"] = "m",
                ["graders"] = new JsonObject { ["a"] = Emulator.TestEmulator.StringCheckGrader() },
                ["calculate_output"] = new string('(', 100_000) + "a" + new string(')', 100_000),
            },
            ["model_sample"] = "Paris",
            ["item"] = new JsonObject { ["reference_answer"] = "Paris" },
        });

        Assert.True(watch.Elapsed < Bound, watch.Elapsed.ToString());
        // The emulator checks graders with the validator: the RFT130 finding comes back as the service's 400.
        Assert.True(status == 400, $"{status}: {body}");
        Assert.Equal("invalidPayload", body!["error"]!["code"]!.GetValue<string>());
        Assert.EndsWith("the limit is 4096. Fix: Keep calculate_output under 4096 characters and 64 levels of nesting (docs/limits-grading.md). (RFT130)",
            body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (healthy, _) = await emulator.Send(HttpMethod.Get, "/openai/v1/fine_tuning/jobs");
        Assert.Equal(200, healthy);
    }

    /// <summary>Before, `rft grade` spent 17 s on this template and scored every row 0 with exit 0.</summary>
    [Fact]
    public async Task Grade_TemplateOverTheLimitInASubGrader_ExitsOneNamingTheField()
    {
        using var files = new Graders.GradeTestFiles();
        var grader = new JsonObject
        {
            ["type"] = "multi",
            ["name"] = "m",
            ["graders"] = new JsonObject
            {
                ["a"] = new JsonObject
                {
                    ["type"] = "string_check", ["name"] = "a", ["operation"] = "eq",
                    ["input"] = string.Concat(Enumerable.Repeat("{{", 400_000)), ["reference"] = "{{item.reference_answer}}",
                },
            },
            ["calculate_output"] = "a",
        };
        files.Write("graders/long.json", grader.ToJsonString());
        files.Write("data/train.jsonl", Graders.GradeTestFiles.CapitalData);

        var watch = Stopwatch.StartNew();
        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", files.Root, "--grader", "graders/long.json",
            "--data", "data/train.jsonl", "--sample-text", "Paris");

        Assert.Equal(1, exit);
        Assert.Equal("rft grade: graders/long.json: graders.a.input: the template is 800000 characters long; the limit is 262144. " +
            "Nothing was graded (docs/limits-grading.md).", stderr.TrimEnd());
        Assert.Equal("", stdout);
        Assert.True(watch.Elapsed < Bound, watch.Elapsed.ToString());
    }
}
