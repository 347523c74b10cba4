using System.Diagnostics;
using RftInfra.Emulator;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Validation;

/// <summary>Out-of-range CLI options and broken fault files: a usage error (exit 2) naming the option or file, never a crash.</summary>
public class OptionLimitsTests
{
    [Theory]
    [InlineData("NaN")]
    [InlineData("1e12")]
    [InlineData("Infinity")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("3600.5")]
    public async Task PythonTimeout_OutOfRange_ExitsTwoNamingTheRange(string value)
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("grade", "--root", RepoRoot, "--grader", "graders/capital-match.json",
            "--data", "data/capital-train.jsonl", "--sample-text", "Paris", "--python-timeout", value);

        Assert.Equal(2, exit);
        Assert.Contains("--python-timeout ", stderr, StringComparison.Ordinal);
        Assert.Contains("is out of range: give a number of seconds greater than 0 and at most 3600 (docs/limits-grading.md).", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("grade", "--python-timeout", "inf")]
    [InlineData("grade", "--python-timeout", "abc")]
    [InlineData("grade", "--python-timeout", "")]
    [InlineData("emulator", "--pace", "inf")]
    [InlineData("emulator", "--pace", "abc")]
    public async Task NumericOption_NotANumber_ExitsTwoWithoutAStackTrace(string command, string option, string value)
    {
        string[] args = command == "grade"
            ? ["grade", "--root", RepoRoot, "--grader", "graders/capital-match.json", "--data", "data/capital-train.jsonl", "--sample-text", "Paris", option, value]
            : ["emulator", option, value];
        var (_, stderr, exit) = await CliRunner.Rft(args);

        Assert.Equal(2, exit);
        Assert.Contains($"{option} '{value}' is not a number: give a number of seconds", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("3600")]
    public async Task PythonTimeout_InRange_IsAccepted(string value)
    {
        var (_, stderr, exit) = await CliRunner.Rft("grade", "--root", RepoRoot, "--grader", "graders/capital-match.json",
            "--data", "data/capital-train.jsonl", "--sample-text", "Paris", "--python-timeout", value);

        Assert.True(exit == 0, stderr);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("NaN")]
    [InlineData("-1")]
    [InlineData("3601")]
    public async Task EmulatorPace_OutOfRange_ExitsTwoNamingTheRange(string value)
    {
        var watch = Stopwatch.StartNew();
        var (stdout, stderr, exit) = await CliRunner.Rft("emulator", "--pace", value);

        Assert.Equal(2, exit);
        Assert.Contains($"--pace {(value == "1e300" ? "1E+300" : value)} is out of range: give a number of seconds from 0 to 3600 (docs/limits-grading.md).", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", stdout, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
    }

    [Theory]
    [InlineData("""{"rules":[null]}""", "faults.json: rules[0]: the rule is null; each rule is an object")]
    [InlineData("""{"rules":[{"path":"*","fault":"status","status":503},null]}""", "faults.json: rules[1]: the rule is null")]
    [InlineData("""{"rules":[{"path":null}]}""", "faults.json: rules[0]: 'path' is empty")]
    [InlineData("""{"rules":[{"path":"*","retryAfterSeconds":-1}]}""", "faults.json: rules[0]: 'retryAfterSeconds', 'retryAfterMs' and 'latencyMs' must be ≥ 0.")]
    [InlineData("""{"rules":[1]}""", "faults.json(1): the fault rules file is not valid")]
    [InlineData("""{"rules":[[]]}""", "faults.json(1): the fault rules file is not valid")]
    [InlineData("""{"rules":[{"path":5}]}""", "faults.json(1): the fault rules file is not valid")]
    [InlineData("""{"rules":[{"nth":[null]}]}""", "faults.json(1): the fault rules file is not valid")]
    [InlineData("""{"rules":null}""", "faults.json: the fault rules file has no 'rules' array")]
    [InlineData("""null""", "faults.json: the fault rules file has no 'rules' array")]
    public void FaultRules_NullsAndWrongTypes_NameTheFileAndRule(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => FaultRulesFile.Parse(json, "faults.json"));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_NullFaultRule_ExitsTwoNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rft-faults-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"rules":[null]}""");
        try
        {
            var (stdout, stderr, exit) = await CliRunner.Rft("emulator", "--faults", path);
            Assert.Equal(2, exit);
            Assert.StartsWith($"error: {path}: rules[0]: the rule is null", stderr, StringComparison.Ordinal);
            Assert.Equal("", stdout);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Emulator_FaultFileDevZero_ExitsTwoQuickly()
    {
        var watch = Stopwatch.StartNew();
        var (_, stderr, exit) = await CliRunner.Rft("emulator", "--faults", "/dev/zero");

        Assert.Equal(2, exit);
        Assert.Equal("error: /dev/zero: the fault rules file is larger than 1024 KiB; it holds a few rules.", stderr.TrimEnd());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
    }
}
