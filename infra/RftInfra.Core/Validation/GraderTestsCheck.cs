using RftInfra.Core.Diagnostics;
using RftInfra.Core.Files;
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
            // The sidecar must be a regular file inside the checkout under the sidecar cap; otherwise it is not read.
            var sidecar = GraderTestRunner.SidecarPath(fullPath);
            if ((File.Exists(sidecar) || Directory.Exists(sidecar) || new FileInfo(sidecar).LinkTarget is not null)
                && CheckoutFile.Check(sidecar, context.Root, CheckoutFile.SidecarMaxBytes, out var problem) is null)
            {
                diagnostics.Add(DeclarationDiagnostics.FileRefused(GraderTestRunner.SidecarPath(grader.Document.DisplayPath), problem!));
                continue;
            }

            // Sync over async is safe here: validation runs on the CLI's or the provider's thread pool, no sync context.
            var report = GraderTestRunner.RunAsync(fullPath, grader.Document.DisplayPath, cancellationToken: cancellationToken)
                .GetAwaiter().GetResult();
            diagnostics.AddRange(report.Diagnostics);
        }
    }
}
