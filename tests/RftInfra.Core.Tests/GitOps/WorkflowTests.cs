using YamlDotNet.RepresentationModel;

namespace RftInfra.Core.Tests.GitOps;

/// <summary>
/// Every workflow parses, references only actions in the table below (pinned to the major version whose
/// inputs were looked up) and passes only inputs those actions declare. No stored secret is read.
/// </summary>
public class WorkflowTests
{
    /// <summary>
    /// Known actions and their declared inputs, each list copied from the action's action.yml (or README where
    /// noted) as stored by the code search of 2026-11-25:
    /// </summary>
    private static readonly Dictionary<string, (string[] Inputs, string Source)> KnownActions = new(StringComparer.Ordinal)
    {
        // actions/checkout action.yml @02c73802 (runs node20: the v4 line).
        ["actions/checkout@v4"] = (
            ["repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path",
             "clean", "filter", "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress",
             "reference", "lfs", "submodules", "set-safe-directory", "github-server-url"],
            "github.com/actions/checkout/blob/02c73802609a582111d8af3a9cd6519263dd983a/action.yml"),

        // actions/setup-dotnet action.yml @f1ece632 (node16, v3 line); v4 keeps these inputs (node20, adds workloads).
        ["actions/setup-dotnet@v4"] = (
            ["dotnet-version", "dotnet-quality", "global-json-file", "source-url", "owner", "config-file", "cache",
             "cache-dependency-path", "workloads"],
            "github.com/actions/setup-dotnet/blob/f1ece63234f8bc133a2f066e68a66aee832b69ab/action.yml"),

        // github/codeql-action upload-sarif/action.yml @03e7845b (v2 line); v3 declares the same inputs on node20.
        ["github/codeql-action/upload-sarif@v3"] = (
            ["sarif_file", "checkout_path", "ref", "sha", "token", "matrix", "category", "wait-for-processing"],
            "github.com/github/codeql-action/blob/03e7845b7bfcd5e7fb63d1ae8c61b0e791134fab/upload-sarif/action.yml"),

        // Azure/login action.yml @6dea23c3 (node20 with auth-type: the v2 line).
        ["azure/login@v2"] = (
            ["creds", "client-id", "tenant-id", "subscription-id", "enable-AzPSSession", "environment", "allow-no-subscriptions",
             "audience", "auth-type"],
            "github.com/Azure/login/blob/6dea23c36d970fc570470cc51088bf2f9e6efef8/action.yml"),

        // pulumi/actions action.yml @8e5e406f (tag v7 = v7.0.0, runs node24).
        ["pulumi/actions@v7"] = (
            ["command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number",
             "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map",
             "expect-no-changes", "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks",
             "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan",
             "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow",
             "debug"],
            "github.com/pulumi/actions/blob/8e5e406f4007fca908480587cb9893c07090f58d/action.yml"),

        // pulumi/auth-actions action.yml @1ae13f1a; v1 usage in public workflows passes organization and
        // requested-token-type (the two inputs used here).
        ["pulumi/auth-actions@v1"] = (
            ["organization", "requested-token-type", "scope", "token-expiration", "export-environment-variables", "cloud-url"],
            "github.com/pulumi/auth-actions/blob/1ae13f1ac1d82fd068526a4b57bb99015a60980f/action.yml"),

        // actions/github-script action.yml @35053f82 (runs node24: the v8 line).
        ["actions/github-script@v8"] = (
            ["script", "github-token", "debug", "user-agent", "previews", "result-encoding", "retries", "retry-exempt-status-codes",
             "base-url"],
            "github.com/actions/github-script/blob/35053f82bc1ddfe8d46e9709c6658ba87a2cfc46/action.yml"),
    };

    private static List<string> WorkflowFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), ".github", "workflows"), "*.yml").Select(Path.GetFileName).Order().ToList()!;

    public static TheoryData<string> Workflows() => new(WorkflowFiles());

    [Fact]
    public void TheGitOpsWorkflowsExist()
    {
        var files = WorkflowFiles();
        Assert.All(new[] { "deploy-dev.yml", "deploy-prod.yml", "pull-request.yml", "reconcile-dev.yml" }, w => Assert.Contains(w, files));
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void EveryStepUsesAKnownActionWithKnownInputs(string workflow)
    {
        var root = Load(workflow);
        var problems = new List<string>();
        var steps = 0;
        foreach (var (job, step) in Steps(root))
        {
            steps++;
            if (Scalar(step, "uses") is not { } uses)
            {
                if (Scalar(step, "run") is null)
                {
                    problems.Add($"{job}: a step has neither `uses` nor `run`");
                }

                continue;
            }

            if (!KnownActions.TryGetValue(uses, out var known))
            {
                problems.Add($"{job}: `{uses}` is not in the table of looked-up actions");
                continue;
            }

            if (step.Children.TryGetValue(new YamlScalarNode("with"), out var with) && with is YamlMappingNode inputs)
            {
                foreach (var key in inputs.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!))
                {
                    if (!known.Inputs.Contains(key))
                    {
                        problems.Add($"{job}: `{uses}` has no input `{key}` (inputs from {known.Source})");
                    }
                }
            }
        }

        Assert.True(steps > 0, $"{workflow} has no steps");
        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void NoStoredSecretIsRead_AzureLoginHasAnOidcToken(string workflow)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), ".github", "workflows", workflow));
        var root = Load(workflow);

        Assert.DoesNotContain("secrets.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("creds:", text, StringComparison.Ordinal);
        foreach (var (job, step) in Steps(root))
        {
            if (Scalar(step, "uses")?.StartsWith("azure/login@", StringComparison.Ordinal) == true)
            {
                Assert.Equal("write", Permissions(root, job).GetValueOrDefault("id-token"));
            }
        }
    }

    /// <summary>Each job's permissions, exactly: nothing at the workflow level, only what the job needs.</summary>
    public static TheoryData<string, string, string> LeastPrivilege() => new()
    {
        { "pull-request.yml", "validate", "contents=read,security-events=write" },
        { "pull-request.yml", "preview", "contents=read,id-token=write,pull-requests=write" },
        { "deploy-dev.yml", "validate", "contents=read" },
        { "deploy-dev.yml", "up", "contents=read,id-token=write" },
        { "deploy-prod.yml", "up", "contents=read,id-token=write" },
        { "reconcile-dev.yml", "reconcile", "contents=read,id-token=write" },
    };

    [Theory]
    [MemberData(nameof(LeastPrivilege))]
    public void EveryJob_HasOnlyThePermissionsItNeeds(string workflow, string job, string expected)
    {
        var root = Load(workflow);
        var topLevel = Assert.IsType<YamlMappingNode>(root.Children[new YamlScalarNode("permissions")]);

        Assert.Empty(topLevel.Children);
        Assert.Equal(expected, string.Join(",", Permissions(root, job).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
    }

    [Fact]
    public void EveryJobOfEveryWorkflow_IsInTheLeastPrivilegeTable()
    {
        var listed = LeastPrivilege().Select(row => $"{row[0]}:{row[1]}").Order(StringComparer.Ordinal);
        var jobs = WorkflowFiles().SelectMany(w => ((YamlMappingNode)Load(w).Children[new YamlScalarNode("jobs")]).Children.Keys
            .Select(k => $"{w}:{((YamlScalarNode)k).Value}")).Order(StringComparer.Ordinal);

        Assert.Equal(listed, jobs);
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void RftValidate_NeverRunsWithAnAzureTokenInReach(string workflow)
    {
        var root = Load(workflow);
        foreach (var (job, step) in Steps(root))
        {
            if (Scalar(step, "run") is { } run && run.Contains("RftInfra.Cli -- validate", StringComparison.Ordinal))
            {
                Assert.False(Permissions(root, job).ContainsKey("id-token"), $"{workflow}: job {job} runs rft validate with id-token");
                Assert.DoesNotContain(Steps(root), s => s.Job == job && Scalar(s.Step, "uses")?.StartsWith("azure/login@", StringComparison.Ordinal) == true);
            }
        }
    }

    [Fact]
    public void DeployDev_ValidatesInASeparateJobBeforeTheDeployJob()
    {
        var up = Job(Load("deploy-dev.yml"), "up");

        Assert.Equal("validate", Scalar(up, "needs"));
        Assert.DoesNotContain(Steps(Load("deploy-dev.yml")), s => s.Job == "up" && Scalar(s.Step, "run")?.Contains("-- validate", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void PullRequestPreview_UsesOnlyTheReadOnlyPreviewIdentity()
    {
        var root = Load("pull-request.yml");
        var preview = Job(root, "preview");
        var env = (YamlMappingNode)preview.Children[new YamlScalarNode("env")];
        var login = Steps(root).Single(s => s.Job == "preview" && Scalar(s.Step, "uses") == "azure/login@v2").Step;

        Assert.Equal("${{ vars.AZURE_PREVIEW_CLIENT_ID }}", Scalar(env, "ARM_CLIENT_ID"));
        Assert.Equal("${{ vars.AZURE_PREVIEW_CLIENT_ID }}", Scalar((YamlMappingNode)login.Children[new YamlScalarNode("with")], "client-id"));
        Assert.DoesNotContain("vars.AZURE_CLIENT_ID", File.ReadAllText(Path.Combine(RepositoryRoot(), ".github", "workflows", "pull-request.yml")), StringComparison.Ordinal);
        var first = Steps(root).First(s => s.Job == "preview").Step;
        Assert.Equal("vars.AZURE_PREVIEW_CLIENT_ID == ''", Scalar(first, "if"));
        Assert.Contains("exit 1", Scalar(first, "run"), StringComparison.Ordinal);
    }

    private static YamlMappingNode Job(YamlMappingNode root, string job) =>
        (YamlMappingNode)((YamlMappingNode)root.Children[new YamlScalarNode("jobs")]).Children[new YamlScalarNode(job)];

    private static Dictionary<string, string> Permissions(YamlMappingNode root, string job) =>
        Job(root, job).Children.TryGetValue(new YamlScalarNode("permissions"), out var node) && node is YamlMappingNode map
            ? map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!, StringComparer.Ordinal)
            : [];

    [Fact]
    public void ProdDeploysOnlyBehindTheProductionEnvironmentAndOnlyWhenItsStackFileChanges()
    {
        var root = Load("deploy-prod.yml");
        var push = (YamlMappingNode)((YamlMappingNode)root.Children[new YamlScalarNode("on")]).Children[new YamlScalarNode("push")];
        var paths = (YamlSequenceNode)push.Children[new YamlScalarNode("paths")];

        Assert.Equal(["Pulumi.prod.yaml"], paths.Children.Cast<YamlScalarNode>().Select(p => p.Value));
        foreach (var (job, _) in Steps(root))
        {
            var jobNode = (YamlMappingNode)((YamlMappingNode)root.Children[new YamlScalarNode("jobs")]).Children[new YamlScalarNode(job)];
            Assert.Equal("production", Scalar(jobNode, "environment"));
        }
    }

    [Fact]
    public void ReconcileRefreshesThenUpdatesDevTwiceOnASchedule()
    {
        var root = Load("reconcile-dev.yml");
        var on = (YamlMappingNode)root.Children[new YamlScalarNode("on")];
        var commands = Steps(root).Select(s => s.Step.Children.TryGetValue(new YamlScalarNode("with"), out var w) ? Scalar((YamlMappingNode)w, "command") : null)
            .Where(c => c is not null).ToList();

        Assert.True(on.Children.ContainsKey(new YamlScalarNode("schedule")));
        // Two ups: the first records jobs that just succeeded, the second deploys their models.
        Assert.Equal(["refresh", "up", "up"], commands);
        Assert.Equal("pulumi-dev", Scalar((YamlMappingNode)root.Children[new YamlScalarNode("concurrency")], "group"));
        Assert.Equal("pulumi-dev", Scalar((YamlMappingNode)Load("deploy-dev.yml").Children[new YamlScalarNode("concurrency")], "group"));
    }

    [Fact]
    public void PullRequestCommentUsesTheSummaryMarker()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), ".github", "workflows", "pull-request.yml"));

        Assert.Contains(global::RftInfra.GitOps.PreviewSummaryOptions.Marker, text, StringComparison.Ordinal);
        Assert.Contains("pulumi preview --stack \"$DEV_STACK\" --json", text, StringComparison.Ordinal);
        Assert.Contains("validate --format sarif", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PullRequestRunsBothTestSuites()
    {
        // On GitHub the registry serves the Pulumi packages, so the Pulumi.Testing suite runs there too.
        var steps = Steps(Load("pull-request.yml")).Select(s => s.Step).ToList();
        var runs = steps.Select(s => Scalar(s, "run")).OfType<string>().ToList();

        // The root solution holds the Core tests; the live nltk comparisons are selected as in .ci/run.
        var unit = Assert.Single(steps, s => Scalar(s, "run")?.Trim() == "dotnet test");
        Assert.Equal("1", Scalar((YamlMappingNode)unit.Children[new YamlScalarNode("env")], "RFT_LIVE_REFERENCE"));
        Assert.Contains(runs, r => r.Trim() == "dotnet test infra/RftInfra.Pulumi.slnx");
    }

    private static IEnumerable<(string Job, YamlMappingNode Step)> Steps(YamlMappingNode root)
    {
        var jobs = (YamlMappingNode)root.Children[new YamlScalarNode("jobs")];
        foreach (var (name, job) in jobs.Children)
        {
            if (((YamlMappingNode)job).Children.TryGetValue(new YamlScalarNode("steps"), out var steps))
            {
                foreach (var step in ((YamlSequenceNode)steps).Children)
                {
                    yield return (((YamlScalarNode)name).Value!, (YamlMappingNode)step);
                }
            }
        }
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode Load(string workflow)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot(), ".github", "workflows", workflow))));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RftInfra.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("RftInfra.sln not found above the test directory.");
        }

        return dir;
    }
}
