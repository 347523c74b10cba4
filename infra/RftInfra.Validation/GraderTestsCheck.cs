using RftInfra.Diagnostics;
using RftInfra.Files;
using RftInfra.Graders.Evaluation;
using RftInfra.Declarations;

namespace RftInfra.Validation;

/// <summary>
/// Runs each checked grader's sidecar tests (<c>graders/&lt;name&gt;.tests.jsonl</c>), so `rft validate` fails when a
/// grader no longer scores its own examples as expected. Tests that need a model endpoint are reported, not run.
/// Tests of graders with python code run only when the user asked (<see cref="ValidationContext.RunPythonTests"/>);
/// otherwise one warning per tests file says so and names the flag (RFT660).
/// </summary>
public sealed class GraderTestsCheck : IValidationCheck
{
    /// <summary>What all python grader tests of one validation may take together.</summary>
    public static readonly TimeSpan PythonTotalTimeout = TimeSpan.FromMinutes(10);

    public void Run(ValidationContext context, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var options = new GraderEngineOptions
        {
            RunPython = context.RunPythonTests,
            PythonBudget = new PythonTimeBudget(PythonTotalTimeout),
        };
        var isolationReported = false;
        foreach (var grader in context.GradersToCheck)
        {
            // The graders' own findings are reported by GraderFilesCheck; a grader that does not load has no tests to run.
            if (grader.Document.Object is not { } json)
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

            var testsFile = GraderTestRunner.SidecarPath(grader.Document.DisplayPath).Replace('\\', '/');
            var hasPython = PythonDiagnostics.Sources(json, "").Any();
            if (hasPython && File.Exists(sidecar))
            {
                if (!context.RunPythonTests)
                {
                    diagnostics.Add(PythonDiagnostics.TestsSkipped(testsFile, grader.Name));
                    continue;
                }

                if (!isolationReported && !PythonSandbox.ForThisMachine(isolateNetwork: true).NetworkIsolated)
                {
                    diagnostics.Add(PythonDiagnostics.NotIsolated(testsFile));
                    isolationReported = true;
                }
            }

            // Sync over async is safe here: validation runs on the CLI's or the provider's thread pool, no sync context.
            var report = GraderTestRunner.RunAsync(fullPath, grader.Document.DisplayPath, options, cancellationToken)
                .GetAwaiter().GetResult();
            diagnostics.AddRange(report.Diagnostics);
        }
    }
}
