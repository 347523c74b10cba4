using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.GitOps;

/// <summary>What a resource change is, after collapsing Pulumi's replacement steps into one.</summary>
public enum ChangeKind
{
    Create,
    Update,
    Replace,
    Delete,
}

/// <summary>One resource that will change: the step Pulumi reported, reduced to what a reviewer reads.</summary>
public sealed record ResourceChange(ChangeKind Kind, PreviewStep Step)
{
    public string Type => Step.Type;

    public string Name => Step.Name;
}

public sealed record PreviewSummaryOptions
{
    /// <summary>GitHub rejects an issue or PR comment body over 65 536 characters.</summary>
    public const int GitHubCommentLimit = 65_536;

    /// <summary>The HTML comment the workflow looks for to update its one comment instead of adding another.</summary>
    public const string Marker = "<!-- rft-preview-summary -->";

    /// <summary>Room kept under the GitHub limit for anything the workflow appends (a run link, a footer).</summary>
    public int MaxChars { get; init; } = GitHubCommentLimit - 512;

    /// <summary>At most this many lines per RFT category before "… and N more" (halved while the summary is too long).</summary>
    public int MaxItemsPerCategory { get; init; } = 50;
}

/// <summary>
/// Turns one or more <c>pulumi preview --json</c> documents into the PR comment: per stack an RFT summary (jobs
/// created or replaced with the field forcing it, files to upload, graders, model deployments, accounts and
/// roles), the rest condensed by type, then the full step list in a collapsed section. The whole comment stays
/// under <see cref="PreviewSummaryOptions.MaxChars"/>: the step list is cut (with a note) first; the RFT summary
/// is never cut mid-way, only its lists condensed to "… and N more" while the counts stay exact.
/// </summary>
public static partial class PreviewSummaryWriter
{
    public const string FineTuningJobType = "rft:index:FineTuningJob";
    public const string TrainingFileType = "rft:index:TrainingFile";
    public const string GraderType = "rft:index:Grader";
    public const string DeploymentType = "azure-native:cognitiveservices:Deployment";
    public const string AccountType = "azure-native:cognitiveservices:Account";
    public const string RoleAssignmentType = "azure-native:authorization:RoleAssignment";

    private const int MaxLineChars = 240;
    private const int MaxDiagnosticsShown = 5;

    /// <summary>Collapses steps per URN and keeps only real changes (no same/read/refresh, no stack root).</summary>
    public static IReadOnlyList<ResourceChange> Changes(PreviewDigest digest)
    {
        var byUrn = new Dictionary<string, (ChangeKind Kind, PreviewStep Step, int Order)>(StringComparer.Ordinal);
        var order = 0;
        foreach (var step in digest.Steps)
        {
            if (Classify(step.Op) is not { } kind || step.Type == "pulumi:pulumi:Stack")
            {
                continue;
            }

            if (!byUrn.TryGetValue(step.Urn, out var existing))
            {
                byUrn[step.Urn] = (kind, step, order++);
                continue;
            }

            // replace + create-replacement + delete-replaced (with --show-replacement-steps) are one replacement.
            var merged = step with
            {
                ReplaceReasons = existing.Step.ReplaceReasons.Union(step.ReplaceReasons).ToList(),
                DiffReasons = existing.Step.DiffReasons.Union(step.DiffReasons).ToList(),
                DetailedDiff = existing.Step.DetailedDiff.Concat(step.DetailedDiff)
                    .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value),
                NewInputs = step.NewInputs ?? existing.Step.NewInputs,
                OldInputs = existing.Step.OldInputs ?? step.OldInputs,
            };
            var replaced = existing.Kind == ChangeKind.Replace || kind == ChangeKind.Replace ? ChangeKind.Replace : kind;
            byUrn[step.Urn] = (replaced, merged, existing.Order);
        }

        return byUrn.Values.OrderBy(v => v.Order).Select(v => new ResourceChange(v.Kind, v.Step)).ToList();
    }

    public static string Write(IReadOnlyList<(string Stack, PreviewDigest Digest)> previews, PreviewSummaryOptions? options = null)
    {
        options ??= new PreviewSummaryOptions();
        var stacks = previews.Select(p => (p.Stack, p.Digest, Changes: Changes(p.Digest))).ToList();

        var head = new StringBuilder();
        head.Append(PreviewSummaryOptions.Marker).Append('\n');
        head.Append("## RFT preview\n\n");

        // The summary is condensed (fewer list lines, exact counts) until it leaves room for a truncation note.
        var cap = options.MaxItemsPerCategory;
        string summaries;
        while (true)
        {
            summaries = string.Concat(stacks.Select(s => StackSummary(s.Stack, s.Digest, s.Changes, cap)));
            if (head.Length + summaries.Length + 400 <= options.MaxChars || cap <= 1)
            {
                break;
            }

            cap /= 2;
        }

        var text = new StringBuilder().Append(head).Append(summaries);
        if (text.Length > options.MaxChars)
        {
            // Even one line per category does not fit (thousands of stacks): say so rather than post nothing.
            var note = "\n_Summary cut: the preview is too large for a GitHub comment; see the workflow log._\n";
            text.Length = Math.Max(0, options.MaxChars - note.Length);
            text.Append(note);
            return text.ToString();
        }

        foreach (var (stack, _, changes) in stacks)
        {
            AppendDetail(text, stack, changes, options.MaxChars);
        }

        return text.ToString();
    }

    private static ChangeKind? Classify(string op) => op switch
    {
        "create" or "import" => ChangeKind.Create,
        "update" => ChangeKind.Update,
        "replace" or "create-replacement" or "delete-replaced" or "import-replacement" => ChangeKind.Replace,
        "delete" => ChangeKind.Delete,
        _ => null, // same, read, refresh, read-replacement, discard, discard-replaced, remove-pending-replace
    };

    private static string StackSummary(string stack, PreviewDigest digest, IReadOnlyList<ResourceChange> changes, int cap)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"### Stack `{Code(stack)}`: {Counts(changes)}\n\n");

        var errors = digest.Diagnostics.Where(d => d.IsError).ToList();
        var warnings = digest.Diagnostics.Count(d => d.IsWarning);
        if (errors.Count > 0)
        {
            b.Append(CultureInfo.InvariantCulture, $"**The preview failed with {Plural(errors.Count, "error")}**");
            b.Append(warnings > 0 ? $" (and {Plural(warnings, "warning")}):\n" : ":\n");
            foreach (var error in errors.Take(MaxDiagnosticsShown))
            {
                var where = error.Urn is { } urn && PulumiUrn.TryParse(urn) is { } parsed ? $"`{Code(parsed.Name)}`: " : "";
                // Inside a code span: a message cannot add Markdown, HTML, links, images or @mentions to the comment.
                b.Append("- ").Append(where).Append(Line($"`{Code(OneLine(error.Message))}`")).Append('\n');
            }

            More(b, errors.Count, MaxDiagnosticsShown, "error");
            b.Append('\n');
        }
        else if (warnings > 0)
        {
            b.Append(CultureInfo.InvariantCulture, $"{Plural(warnings, "warning")} in the preview (see the workflow log).\n\n");
        }

        if (changes.Count == 0)
        {
            b.Append("No changes.\n\n");
            return b.ToString();
        }

        Section(b, "Fine-tuning jobs", changes.Where(c => c.Type == FineTuningJobType).ToList(), cap, JobLine);
        Section(b, "Files to upload", changes.Where(c => c.Type == TrainingFileType && c.Kind is ChangeKind.Create or ChangeKind.Replace).ToList(), cap, FileLine);
        Section(b, "Files to delete", changes.Where(c => c.Type == TrainingFileType && c.Kind == ChangeKind.Delete).ToList(), cap, FileLine);
        Section(b, "Graders changed", changes.Where(c => c.Type == GraderType).ToList(), cap, GraderLine);
        Section(b, "Model deployments", changes.Where(c => c.Type == DeploymentType).ToList(), cap, DeploymentLine);
        Section(b, "Accounts", changes.Where(c => c.Type == AccountType).ToList(), cap, AccountLine);
        Section(b, "Role assignments", changes.Where(c => c.Type == RoleAssignmentType).ToList(), cap, RoleLine);

        var rest = changes.Where(c => !IsSummarised(c)).GroupBy(c => c.Type).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (rest.Count > 0)
        {
            b.Append("**Everything else**\n");
            foreach (var group in rest.Take(cap))
            {
                b.Append(CultureInfo.InvariantCulture, $"- `{Code(group.Key)}`: {Counts(group.ToList())}\n");
            }

            More(b, rest.Count, cap, "other type");
            b.Append('\n');
        }

        return b.ToString();
    }

    private static bool IsSummarised(ResourceChange c) => c.Type is FineTuningJobType or GraderType
        or DeploymentType or AccountType or RoleAssignmentType || (c.Type == TrainingFileType && c.Kind != ChangeKind.Update);

    private static void Section(StringBuilder b, string title, IReadOnlyList<ResourceChange> items, int cap, Func<ResourceChange, string> line)
    {
        if (items.Count == 0)
        {
            return;
        }

        b.Append(CultureInfo.InvariantCulture, $"**{title}** ({Counts(items)})\n");
        foreach (var item in items.Take(cap))
        {
            b.Append("- ").Append(Line(line(item))).Append('\n');
        }

        More(b, items.Count, cap, "more");
        b.Append('\n');
    }

    private static void More(StringBuilder b, int total, int shown, string what)
    {
        if (total > shown)
        {
            var rest = total - shown;
            b.Append(what == "more"
                ? string.Create(CultureInfo.InvariantCulture, $"- … and {rest} more (full list in the workflow log)\n")
                : $"- … and {Plural(rest, what)} more\n");
        }
    }
    private static void AppendDetail(StringBuilder text, string stack, IReadOnlyList<ResourceChange> changes, int maxChars)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var open = $"<details><summary>All {Plural(changes.Count, "change")} in <code>{Html(stack)}</code></summary>\n\n" +
                   "| change | type | name | properties |\n|---|---|---|---|\n";
        const string close = "\n</details>\n\n";
        var noteRoom = 200;
        if (text.Length + open.Length + close.Length + noteRoom > maxChars)
        {
            text.Append(CultureInfo.InvariantCulture, $"_Step list for `{Code(stack)}` left out: the comment is full; see the workflow log._\n\n");
            return;
        }

        text.Append(open);
        var shown = 0;
        foreach (var change in changes)
        {
            var fields = change.Kind == ChangeKind.Replace ? change.Step.ReplacingFields : change.Step.ChangedFields;
            var row = $"| {Verb(change.Kind)} | `{Cell(change.Type)}` | `{Cell(change.Name)}` | {Cell(Truncate(string.Join(", ", fields), 160))} |\n";
            if (text.Length + row.Length + close.Length + noteRoom > maxChars)
            {
                break;
            }

            text.Append(row);
            shown++;
        }

        if (shown < changes.Count)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n_Step list truncated: {shown} of {changes.Count} changes shown. Run `pulumi preview --diff --stack {Code(stack)}` or see the workflow log for the rest._\n");
        }

        text.Append(close);
    }

    private static string Counts(IReadOnlyList<ResourceChange> changes)
    {
        var parts = new List<string>();
        foreach (var (kind, word) in new[]
                 {
                     (ChangeKind.Create, "to create"), (ChangeKind.Replace, "to replace"),
                     (ChangeKind.Update, "to update"), (ChangeKind.Delete, "to delete"),
                 })
        {
            var n = changes.Count(c => c.Kind == kind);
            if (n > 0)
            {
                parts.Add($"{n} {word}");
            }
        }

        return parts.Count == 0 ? "no changes" : string.Join(", ", parts);
    }

    private static string Verb(ChangeKind kind) => kind switch
    {
        ChangeKind.Create => "create",
        ChangeKind.Update => "update",
        ChangeKind.Replace => "replace",
        _ => "delete",
    };
}
