using System.Text.Json.Nodes;
using RftInfra.GitOps;

namespace RftInfra.Core.Tests.GitOps;

/// <summary>
/// Fixtures follow the document `pulumi preview --json` prints (Pulumi's display.PreviewDigest, written by
/// pkg/backend/display/json.go ShowPreviewDigest): 4-space indented, `steps[]` with op/urn/provider,
/// oldState/newState as apitype.ResourceV3, diffReasons/replaceReasons, detailedDiff kind strings, unknowns as
/// the 04da6b54-… sentinel, `duration` in nanoseconds, `changeSummary` op → count.
/// </summary>
public class PreviewSummaryTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "GitOps", "Fixtures", name);

    internal static string DevSummary()
    {
        var digest = PreviewDigestReader.Parse(File.ReadAllText(Fixture("preview-dev.json")));
        return PreviewSummaryWriter.Write([("dev", digest)]);
    }

    [Fact]
    public void Reader_BindsStepsDiagnosticsAndChangeSummary()
    {
        var digest = PreviewDigestReader.Parse(File.ReadAllText(Fixture("preview-dev.json")));

        Assert.Equal(10, digest.Steps.Count);
        Assert.Equal("dev", digest.StackName);
        Assert.Equal(6, digest.ChangeSummary["create"]);
        var job = digest.Steps.Single(s => s.Name == "capital-qa");
        Assert.Equal("replace", job.Op);
        Assert.Equal(PreviewSummaryWriter.FineTuningJobType, job.Type);
        Assert.Equal(["method"], job.ReplaceReasons);
        Assert.True(job.DetailedDiff["method.reinforcement.grader"].IsReplace);
        Assert.False(job.DetailedDiff["specHash"].IsReplace);
        Assert.Equal("warning", Assert.Single(digest.Diagnostics).Severity);
    }

    [Fact]
    public void Reader_TakesTheTypeFromAParentQualifiedUrnWhenStateHasNone()
    {
        var urn = PulumiUrn.TryParse("urn:pulumi:prod::rft-infra::rft-infra:index:RegionAccount$azure-native:cognitiveservices:Account::rft::prod::x");

        Assert.NotNull(urn);
        Assert.Equal("prod", urn.Stack);
        Assert.Equal("azure-native:cognitiveservices:Account", urn.Type);
        Assert.Equal("rft::prod::x", urn.Name);
        Assert.Null(PulumiUrn.TryParse("not-a-urn"));
    }

    [Fact]
    public void Summary_LeadsWithJobsAndTheFieldForcingTheReplacement()
    {
        var summary = DevSummary();

        Assert.StartsWith(PreviewSummaryOptions.Marker + "\n## RFT preview", summary);
        Assert.Contains("### Stack `dev`: 6 to create, 1 to replace, 1 to update, 1 to delete", summary);
        Assert.Contains("**Fine-tuning jobs** (1 to create, 1 to replace)", summary);
        Assert.Contains("- replace `capital-qa` (`o4-mini-2025-04-16`), forced by `method`: the running job is cancelled", summary);
        Assert.Contains("- create `support-summary` (`o4-mini-2025-04-16`): starts training", summary);
        Assert.True(
            summary.IndexOf("**Fine-tuning jobs**", StringComparison.Ordinal) < summary.IndexOf("<details>", StringComparison.Ordinal),
            "the RFT summary comes before the step list");
    }

    [Fact]
    public void Summary_ListsFilesGradersDeploymentsAccountsAndRoles()
    {
        var summary = DevSummary();

        Assert.Contains("**Files to upload** (1 to create)\n- create `data/capital-train.jsonl` (sha256 `9f2c4e0b7a1d…`)", summary);
        Assert.Contains("- update `capital-match`: `grader`; jobs using it are replaced", summary);
        Assert.Contains("- create `invoice-extract` on `rft-dev-swedencentral`: model `o4-mini-2025-04-16.ft-7d1c2b3a4e5f60718293a4b5c6d7e8f9`, `GlobalStandard` × `50`", summary);
        Assert.Contains("- delete `math-judge-old` on `rft-dev-swedencentral`", summary);
        Assert.Contains("**Accounts** (1 to create)\n- create `rft-dev-eastus2` in `eastus2`", summary);
        Assert.Contains("role `Cognitive Services OpenAI User` for principal `11111111-2222-3333-4444-555555555555` on `(known after apply)`", summary);
        Assert.Contains("**Everything else**\n- `azure-native:resources:ResourceGroup`: 1 to create", summary);
        Assert.Contains("1 warning in the preview", summary);
        Assert.DoesNotContain("pulumi:pulumi:Stack", summary);
    }

    [Fact]
    public void Summary_StepListIsCollapsedAndNamesChangedProperties()
    {
        var summary = DevSummary();

        Assert.Contains("<details><summary>All 9 changes in <code>dev</code></summary>", summary);
        Assert.Contains("| replace | `rft:index:FineTuningJob` | `capital-qa` | method |", summary);
        Assert.Contains("| update | `rft:index:Grader` | `capital-match` | grader |", summary);
        Assert.EndsWith("</details>\n\n", summary);
    }

    [Fact]
    public void Summary_ReplacementStepsCollapseAndDetailedDiffNamesTheForcingField()
    {
        // With --show-replacement-steps Pulumi emits create-replacement and delete-replaced instead of replace.
        var digest = Digest(
            Step("create-replacement", "prod", "rft:index:FineTuningJob", "math-judge",
                detailed: new() { ["trainingFile"] = "update-replace", ["suffix"] = "update" }),
            Step("delete-replaced", "prod", "rft:index:FineTuningJob", "math-judge"));

        var changes = PreviewSummaryWriter.Changes(digest);
        var summary = PreviewSummaryWriter.Write([("prod", digest)]);

        var change = Assert.Single(changes);
        Assert.Equal(ChangeKind.Replace, change.Kind);
        Assert.Contains("replace `math-judge`, forced by `trainingFile`", summary);
        Assert.Contains("### Stack `prod`: 1 to replace", summary);
    }

    [Fact]
    public void Summary_ShowsPreviewErrorsFirst()
    {
        var digest = PreviewDigestReader.Parse("""
            {
                "diagnostics": [
                    {
                        "urn": "urn:pulumi:dev::rft-infra::rft:index:FineTuningJob::capital-qa",
                        "message": "jobs/capital-qa.yaml(4,3): error RFT012: grader reads item.capital but the rows have reference_answer\n",
                        "severity": "error"
                    },
                    { "message": "error: preview failed\n", "severity": "error" }
                ],
                "duration": 812000000,
                "changeSummary": {}
            }
            """);

        var summary = PreviewSummaryWriter.Write([("dev", digest)]);

        Assert.Contains("**The preview failed with 2 errors**:", summary);
        Assert.Contains("- `capital-qa`: `jobs/capital-qa.yaml(4,3): error RFT012: grader reads item.capital but the rows have reference_answer`\n", summary);
        Assert.Contains("No changes.", summary);
    }

    [Fact]
    public void Summary_TwoStacksMakeOneCommentWithOneMarker()
    {
        var dev = PreviewDigestReader.Parse(File.ReadAllText(Fixture("preview-dev.json")));
        var prod = Digest(Step("create", "prod", PreviewSummaryWriter.DeploymentType, "capital-qa-swedencentral",
            inputs: new JsonObject
            {
                ["accountName"] = "rft-prod-swedencentral",
                ["deploymentName"] = "capital-qa",
                ["properties"] = new JsonObject
                {
                    ["model"] = new JsonObject
                    {
                        ["format"] = "OpenAI",
                        ["name"] = "o4-mini-2025-04-16.ft-0265d673b0b24b5d8f0a7c1e2d3f4a5b",
                        ["version"] = "1",
                        ["source"] = "/subscriptions/0000/resourceGroups/rft-dev/providers/Microsoft.CognitiveServices/accounts/rft-dev-swedencentral",
                    },
                },
                ["sku"] = new JsonObject { ["name"] = "GlobalStandard", ["capacity"] = 10 },
            }));

        var summary = PreviewSummaryWriter.Write([("dev", dev), ("prod", prod)]);

        Assert.Equal(1, Occurrences(summary, PreviewSummaryOptions.Marker));
        Assert.Contains("### Stack `dev`", summary);
        Assert.Contains("### Stack `prod`: 1 to create", summary);
        Assert.Contains("`GlobalStandard` × `10`, from `rft-dev-swedencentral`", summary);
        Assert.True(summary.IndexOf("### Stack `prod`", StringComparison.Ordinal) < summary.IndexOf("<details>", StringComparison.Ordinal),
            "every stack's summary comes before any step list");
    }

    [Fact]
    public void Summary_HugePreviewStaysUnderTheCommentLimitAndKeepsExactCounts()
    {
        var steps = new List<JsonObject>();
        for (var i = 0; i < 3000; i++)
        {
            var name = $"job-{i:D4}-" + new string('x', 60);
            steps.Add(Step("replace", "dev", PreviewSummaryWriter.FineTuningJobType, name,
                inputs: new JsonObject { ["model"] = "o4-mini-2025-04-16" }, replaceReasons: ["trainingFile", "method"]));
            steps.Add(Step("create", "dev", PreviewSummaryWriter.DeploymentType, name + "-deploy"));
            steps.Add(Step("update", "dev", "azure-native:network:PrivateEndpoint", $"pe-{i}", diffReasons: ["tags"]));
        }

        var json = Digest(steps.ToArray());
        var summary = PreviewSummaryWriter.Write([("dev", json)]);

        Assert.True(summary.Length <= new PreviewSummaryOptions().MaxChars, $"comment has {summary.Length} characters");
        Assert.True(summary.Length < PreviewSummaryOptions.GitHubCommentLimit);
        Assert.Contains("### Stack `dev`: 3000 to create, 3000 to replace, 3000 to update", summary);
        Assert.Contains("**Fine-tuning jobs** (3000 to replace)", summary);
        Assert.Contains("more (full list in the workflow log)", summary);
        Assert.Contains("_Step list truncated:", summary);
        Assert.Contains("of 9000 changes shown.", summary);
        Assert.EndsWith("</details>\n\n", summary);
        Assert.Equal(1, Occurrences(summary, PreviewSummaryOptions.Marker));
    }

    [Fact]
    public void Summary_TightBudgetCondensesListsButNeverCutsTheSummary()
    {
        var steps = Enumerable.Range(0, 400)
            .Select(i => Step("create", "dev", PreviewSummaryWriter.TrainingFileType, $"file-{i}",
                inputs: new JsonObject { ["path"] = $"data/shard-{i:D3}.jsonl" }))
            .ToArray();

        var summary = PreviewSummaryWriter.Write([("dev", Digest(steps))], new PreviewSummaryOptions { MaxChars = 4000 });

        Assert.True(summary.Length <= 4000, $"comment has {summary.Length} characters");
        Assert.Contains("**Files to upload** (400 to create)", summary);
        Assert.Matches(@"- … and \d+ more \(full list in the workflow log\)", summary);
        Assert.Contains("_Step list truncated:", summary);
        Assert.EndsWith("</details>\n\n", summary);
    }

    [Fact]
    public void Reader_RejectsBadJsonWithTheLine()
    {
        var e = Assert.Throws<PreviewFormatException>(() => PreviewDigestReader.Parse("{\n    \"steps\": [\n        { \"op\": \"create\", }\n"));

        Assert.Equal(3, e.Line);
        Assert.Contains("not valid JSON at line 3", e.Message);
    }

    [Fact]
    public void Reader_RejectsADuplicateKeyAsBadJson()
    {
        var e = Assert.Throws<PreviewFormatException>(() => PreviewDigestReader.Parse("{\"steps\": [],\n \"steps\": []}"));

        Assert.StartsWith("not valid JSON: Duplicate", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("[]", "expected a JSON object with \"steps\"")]
    [InlineData("{\"steps\": {}}", "\"steps\" must be an array")]
    [InlineData("{\"steps\": [{\"urn\": \"urn:pulumi:dev::p::t:m:T::n\"}]}", "steps[0] has no \"op\"")]
    public void Reader_RejectsWrongShapesClearly(string json, string expected)
    {
        var e = Assert.Throws<PreviewFormatException>(() => PreviewDigestReader.Parse(json));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Cli_WritesTheCommentToAFile()
    {
        var output = Path.Combine(Path.GetTempPath(), $"rft-comment-{Guid.NewGuid():N}.md");
        try
        {
            var (stdout, stderr, exit) = await CliRunner.Rft("preview-summary", Fixture("preview-dev.json"), "--output", output);

            Assert.Equal(0, exit);
            Assert.Equal("", stderr);
            Assert.Equal("", stdout);
            Assert.Contains("replace `capital-qa`", await File.ReadAllTextAsync(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Cli_BadJsonExits2NamingFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rft-preview-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{\n  \"steps\": [\n    { \"op\": \"create\" \n");
        try
        {
            var (stdout, stderr, exit) = await CliRunner.Rft("preview-summary", path);

            Assert.Equal(2, exit);
            Assert.Equal("", stdout);
            Assert.StartsWith($"{path}(", stderr);
            Assert.Contains("error: not valid JSON at line", stderr);
            Assert.DoesNotContain("   at ", stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Cli_MissingFileExits2()
    {
        var (_, stderr, exit) = await CliRunner.Rft("preview-summary", Path.Combine(Path.GetTempPath(), "no-such-preview.json"));

        Assert.Equal(2, exit);
        Assert.Contains("no-such-preview.json: error: cannot read the preview", stderr);
    }

    private static int Occurrences(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private static PreviewDigest Digest(params JsonObject[] steps)
    {
        var array = new JsonArray();
        foreach (var step in steps)
        {
            array.Add(step);
        }

        return PreviewDigestReader.Parse(new JsonObject { ["steps"] = array, ["changeSummary"] = new JsonObject() }.ToJsonString());
    }

    /// <summary>A step shaped like Pulumi's PreviewStep, with the resource state as apitype.ResourceV3.</summary>
    private static JsonObject Step(
        string op, string stack, string type, string name, JsonObject? inputs = null, string[]? replaceReasons = null,
        string[]? diffReasons = null, Dictionary<string, string>? detailed = null)
    {
        var urn = $"urn:pulumi:{stack}::rft-infra::{type}::{name}";
        var state = new JsonObject { ["urn"] = urn, ["custom"] = true, ["type"] = type, ["inputs"] = inputs ?? new JsonObject() };
        var step = new JsonObject { ["op"] = op, ["urn"] = urn };
        step[op == "delete" || op == "delete-replaced" ? "oldState" : "newState"] = state;
        if (replaceReasons is not null)
        {
            step["replaceReasons"] = new JsonArray(replaceReasons.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
        }

        if (diffReasons is not null)
        {
            step["diffReasons"] = new JsonArray(diffReasons.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
        }

        var detailedDiff = new JsonObject();
        foreach (var (path, kind) in detailed ?? [])
        {
            detailedDiff[path] = new JsonObject { ["kind"] = kind, ["inputDiff"] = false };
        }

        step["detailedDiff"] = detailed is null ? null : detailedDiff;
        return step;
    }

    [Fact]
    public void Summary_HostileNamesAndMessages_CannotAddMarkdownHtmlMentionsOrTheMarker()
    {
        const string hostile = "x</details>\n\n@octocat <!-- rft-preview-summary --> `tick` |pipe\u001b[31m\u202e";
        var step = new JsonObject
        {
            ["op"] = "create",
            ["urn"] = "urn:pulumi:dev::rft-infra::rft:index:FineTuningJob::" + hostile,
            ["newState"] = new JsonObject
            {
                ["type"] = "rft:index:FineTuningJob",
                ["inputs"] = new JsonObject { ["model"] = "<img src=x onerror=alert(1)> @org/team" },
            },
        };
        var digest = PreviewDigestReader.Parse(new JsonObject
        {
            ["steps"] = new JsonArray(step),
            ["diagnostics"] = new JsonArray(new JsonObject
            {
                ["message"] = "boom </details> @org/team <!-- rft-preview-summary -->\n\n# Heading [link](https://evil.example)",
                ["severity"] = "error",
            }),
            ["changeSummary"] = new JsonObject(),
        }.ToJsonString());

        var summary = PreviewSummaryWriter.Write([("dev<b>@me</b>", digest)]);

        Assert.Contains("- `boom </details> @org/team < !-- rft-preview-summary -- > # Heading [link](https://evil.example)`\n", summary);
        Assert.Contains("- create `x</details>  @octocat < !-- rft-preview-summary -- > 'tick' |pipe [31m ` (`<img src=x onerror=alert(1)> @org/team`): starts training\n", summary);
        Assert.Contains("<summary>All 1 change in <code>dev&lt;b&gt;&#64;me&lt;/b&gt;</code></summary>", summary);
        Assert.Contains("| create | `rft:index:FineTuningJob` | `x</details>  @octocat < !-- rft-preview-summary -- > 'tick' \\|pipe [31m ` |  |\n", summary);
        Assert.Equal(1, summary.Split(PreviewSummaryOptions.Marker).Length - 1);
        Assert.True(!summary.Contains('\u001b'), summary);
        Assert.DoesNotContain("\n\n@octocat", summary);
    }
}
