using System.Diagnostics;
using System.Text;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Docs;

/// <summary>
/// Every command of the README's quickstart runs as written, from the repository root, as a whole process (the built
/// rft.dll stands in for `./rft`): its exit code and a key part of its output. A command added to the README without
/// an expectation here fails, so the quickstart cannot drift from what ships.
/// </summary>
public class QuickstartTests
{
    private sealed record Expectation(int ExitCode, string Output);

    // The command as the README writes it (without `./rft ` and the trailing comment) -> what it must do.
    private static readonly Dictionary<string, Expectation> Expected = new(StringComparer.Ordinal)
    {
        // The samples train o4-mini, whose retirement date (not before 2026-10-16) has passed: one RFT232 warning per job.
        ["validate"] = new(0, "4 jobs, 4 graders checked: 0 errors, 4 warnings (1 note)."),
        ["validate --root tests/RftInfra.Core.Tests/Samples/bad-root"] = new(1, "error RFT320: {{item.capital}} is missing from 14 of 14 rows"),
        ["grade --grader graders/capital-match.json --data data/capital-train.jsonl --samples samples/outputs/capital-train.outputs.jsonl"] =
            new(0, "reward: mean 0.643"),
        ["grade --check"] = new(0, "0 failed, 7 not run offline."),
        ["preview-summary samples/gitops/preview-dev.json"] = new(0, "<!-- rft-preview-summary -->"),
        ["promote-plan --stack-file Pulumi.prod.yaml --dev-outputs samples/gitops/dev-outputs.json"] =
            new(1, "refuse  invoice-extract -> invoice-extract in swedencentral: promotion 'invoice-extract': validation reward 0.74"),
    };

    private const string Emulator = "emulator --faults samples/emulator/faults.json";

    public static TheoryData<string> Commands() => new(QuickstartCommands().Where(c => c != Emulator));

    [Fact]
    public void Readme_FirstTwoCommands_AreValidateAndTheTests()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md")).ReplaceLineEndings("\n");
        var first = readme[readme.IndexOf("## First two commands", StringComparison.Ordinal)..];
        first = first[..first.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var block = first[(first.IndexOf("```sh\n", StringComparison.Ordinal) + 6)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var lines = block.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(["./rft validate", "dotnet test tests/RftInfra.Core.Tests"], lines);
    }

    [Fact]
    public void EveryQuickstartCommand_HasAnExpectation()
    {
        var commands = QuickstartCommands();
        Assert.Contains(Emulator, commands);
        Assert.All(commands, c => Assert.True(c == Emulator || Expected.ContainsKey(c), $"the README's quickstart runs `./rft {c}`; add its expectation here"));
        Assert.All(Expected.Keys, c => Assert.Contains(c, commands));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task QuickstartCommand_RunsAsWritten(string command)
    {
        var expected = Expected[command];
        var (stdout, stderr, exit) = await Run(command, untilOutput: null);

        Assert.True(exit == expected.ExitCode, $"./rft {command}: exit {exit}, expected {expected.ExitCode}\n{stdout}\n{stderr}");
        Assert.Contains(expected.Output, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickstartEmulator_StartsWithTheShippedFaults()
    {
        var (stdout, stderr, _) = await Run(Emulator, untilOutput: "http://127.0.0.1:");

        Assert.Contains("http://127.0.0.1:", stdout, StringComparison.Ordinal);
        Assert.Contains("5 rule(s)", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Theory]
    [InlineData("preview-dev.json")]
    [InlineData("dev-outputs.json")]
    public void GitOpsSamples_AreTheTestFixtures(string name) =>
        Assert.Equal(
            File.ReadAllText(Path.Combine(RepoRoot, "tests/RftInfra.Core.Tests/GitOps/Fixtures", name)),
            File.ReadAllText(Path.Combine(RepoRoot, "samples/gitops", name)));

    /// <summary>The `./rft …` lines between the README's quickstart markers, without their comments.</summary>
    private static List<string> QuickstartCommands()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("<!-- quickstart -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- /quickstart -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md lacks the <!-- quickstart --> … <!-- /quickstart --> block");
        return readme[start..end].Split('\n')
            .Where(l => l.StartsWith("./rft ", StringComparison.Ordinal))
            .Select(l => (l.Contains(" #", StringComparison.Ordinal) ? l[..l.IndexOf(" #", StringComparison.Ordinal)] : l)["./rft ".Length..].Trim())
            .ToList();
    }

    /// <summary>
    /// Runs rft.dll with the command's words from the repository root. With <paramref name="untilOutput"/> (a server),
    /// waits until stdout shows it, then ends the process; otherwise waits for the exit (at most 120 s).
    /// </summary>
    private static async Task<(string Stdout, string Stderr, int ExitCode)> Run(string command, string? untilOutput)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rft.dll"));
        foreach (var word in command.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(word);
        }

        start.Environment.Remove("AZURE_OPENAI_API_KEY");
        start.Environment.Remove("GITHUB_ACTIONS");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start rft");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.Append(e.Data).Append('\n');
                if (untilOutput is not null && stdout.ToString().Contains(untilOutput, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            if (untilOutput is not null)
            {
                await Task.WhenAny(seen.Task, process.WaitForExitAsync(timeout.Token));
                await Task.Delay(500);   // the lines printed right after the endpoint (fault rules)
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"./rft {command} ran longer than 120 s");
        }

        var err = await stderr;
        lock (stdout)
        {
            return (stdout.ToString(), err, process.ExitCode);
        }
    }
}
