using RftInfra.Core.Tests.Graders;
using RftInfra.Diagnostics;
using static RftInfra.Core.Tests.CliRunner;

namespace RftInfra.Core.Tests.Validation;

/// <summary>`rft validate` runs no code from the checkout unless asked (--run-python-tests); python is only compiled.</summary>
public sealed class ValidatePythonTests : IDisposable
{
    private readonly TempRoot _root = TempRoot.Clean();
    private readonly string _marker = Path.Combine(Path.GetTempPath(), "rft-ran-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _root.Dispose();
        File.Delete(_marker);
    }

    /// <summary>A python grader no job references, whose import leaves a file behind, with a one-line sidecar test.</summary>
    private void WriteUnreferencedPythonGrader(string name = "sneaky")
    {
        var source = $"open({System.Text.Json.JsonSerializer.Serialize(_marker)}, 'w').write('ran')\ndef grade(sample, item):\n    return 1.0\n";
        _root.Write($"graders/{name}.json", new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "python",
            ["name"] = name,
            ["source"] = source,
        }.ToJsonString());
        _root.Write($"graders/{name}.tests.jsonl", """{"item": {}, "sample": "x", "expected": 1}""" + "\n");
    }

    [Fact]
    public async Task UnreferencedPythonGraderWithTests_IsNotRun_AndTheWarningNamesTheFlag()
    {
        WriteUnreferencedPythonGrader();

        var (stdout, stderr, exit) = await Rft("validate", "--root", _root.Path);

        Assert.Equal(("", 0), (stderr, exit));
        Assert.False(File.Exists(_marker), "validate ran code from the checkout");
        Assert.Contains(
            "  1:1      warning RFT660: python grader tests of sneaky not run: `rft validate` runs no code from the checkout unless asked with --run-python-tests.\n" +
            "           fix: Run `rft validate --run-python-tests` to run them in the sandbox (docs/security.md).\n",
            stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("graders/sneaky.tests.jsonl\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [PythonFact]
    public async Task WithRunPythonTests_TheTestsRunInTheSandbox()
    {
        WriteUnreferencedPythonGrader();

        var (stdout, stderr, exit) = await Rft("validate", "--root", _root.Path, "--run-python-tests", "--format", "json");

        Assert.Equal(("", 0), (stderr, exit));
        Assert.True(File.Exists(_marker), "the opted-in tests did not run");
        Assert.DoesNotContain("RFT660", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("RFT604", stdout, StringComparison.Ordinal);
        // The notice is there exactly when the sandbox cannot take the network away.
        var isolated = global::RftInfra.Graders.Evaluation.PythonSandbox.ForThisMachine(isolateNetwork: true).NetworkIsolated;
        Assert.Equal(!isolated, stdout.Contains("\"code\": \"RFT662\"", StringComparison.Ordinal));
    }

    [PythonFact]
    public async Task SyntaxError_IsAnErrorEvenWithoutTests_AndNothingRuns()
    {
        _root.Write("graders/broken.json", new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "python",
            ["name"] = "broken",
            ["source"] = $"open({System.Text.Json.JsonSerializer.Serialize(_marker)}, 'w').write('ran')\ndef grade(sample, item):\n    return (1.0\n",
        }.ToJsonString());

        var (stdout, _, exit) = await Rft("validate", "--root", _root.Path, "--format", "json");

        Assert.Equal(1, exit);
        Assert.False(File.Exists(_marker), "the syntax check ran the source");
        Assert.Contains("\"code\": \"RFT661\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"message\": \"python source in 'source' does not compile at line 3, column 12 of the source: '(' was never closed.\"", stdout, StringComparison.Ordinal);
    }

    [PythonFact]
    public void SyntaxErrorInAnInlineMultiSubGrader_IsFoundAtItsField()
    {
        _root.Write("jobs/qa.yaml", """
            name: qa
            model: o4-mini-2025-04-16
            training_file: data/train.jsonl
            validation_file: data/valid.jsonl
            training_type: globalstandard
            region: swedencentral
            grader:
              type: multi
              name: combo
              calculate_output: "py"
              graders:
                py:
                  type: python
                  name: py
                  source: "def grade(sample, item) return 1.0\n"
            """);

        var finding = Assert.Single(RftValidatorRun(runPythonTests: false), d => d.Code == "RFT661");

        Assert.Equal(("jobs/qa.yaml", DiagnosticSeverity.Error), (finding.File, finding.Severity));
        Assert.Equal(15, finding.Position.Line);
        Assert.StartsWith("python source in 'grader.graders.py.source' does not compile at line 1", finding.Message, StringComparison.Ordinal);
    }

    private IReadOnlyList<Diagnostic> RftValidatorRun(bool runPythonTests) =>
        global::RftInfra.Validation.RftValidator.ValidateRoot(_root.Path, runPythonTests: runPythonTests).Diagnostics;
}

public class PythonDiagnosticsTests
{
    [Fact]
    public void NotCompiled_SaysWhy()
    {
        var missing = global::RftInfra.Validation.PythonDiagnostics.NotCompiled("graders/g.json", new SourcePosition(4, 3), "source", pythonFound: false);
        var silent = global::RftInfra.Validation.PythonDiagnostics.NotCompiled("graders/g.json", new SourcePosition(4, 3), "source", pythonFound: true);

        Assert.Equal(("RFT663", DiagnosticSeverity.Info), (missing.Code, missing.Severity));
        Assert.Equal("python source in 'source' was not compiled: " + global::RftInfra.Graders.Evaluation.PythonGraderRunner.MissingPythonMessage, missing.Message);
        Assert.Equal("python source in 'source' was not compiled: the sandboxed python3 did not answer the syntax check (it exited or timed out).", silent.Message);
    }
}
