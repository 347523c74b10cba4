using RftInfra.Core.Diagnostics;
using RftInfra.Core.Graders.Evaluation;

namespace RftInfra.Core.Validation;

/// <summary>
/// Runs each checked grader's sidecar tests (<c>graders/&lt;name&gt;.tests.jsonl</c>), so `rft validate` fails when a
/// grader no longer scores its own examples as expected. Tests that need a model endpoint are reported, not run.
/// </summary>
public sealed class GraderTestsCheck : IValidationCheck
{
    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var grader in context.GradersToCheck)
        {
            // The graders' own findings are reported by GraderFilesCheck; a grader that does not load has no tests to run.
            if (grader.Document.Object is null)
            {
                continue;
            }

            var fullPath = context.Resolve(grader.Document.DisplayPath);
            // Sync over async is safe here: validation runs on the CLI's or the provider's thread pool, no sync context.
            var report = GraderTestRunner.RunAsync(fullPath, grader.Document.DisplayPath, cancellationToken: cancellationToken)
                .GetAwaiter().GetResult();
            diagnostics.AddRange(report.Diagnostics);
        }
    }
}
