namespace RftInfra.Core.Tests.Cli;

/// <summary>Usage errors name what was typed and the closest known name, on stderr, with exit 2 and nothing on stdout.</summary>
public class UsageErrorTests
{
    [Theory]
    [InlineData("promte-plan", "rft: unknown command 'promte-plan'. Did you mean 'promote-plan'?")]
    [InlineData("validat", "rft: unknown command 'validat'. Did you mean 'validate'?")]
    [InlineData("gradee", "rft: unknown command 'gradee'. Did you mean 'grade'?")]
    public async Task UnknownCommand_SaysDidYouMean_ExitsTwo(string command, string expected)
    {
        var (stdout, stderr, exit) = await CliRunner.Rft(command, "--root", ".");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);   // not the root help
        Assert.Equal([expected, "Run 'rft --help' for usage."], Lines(stderr));
    }

    [Fact]
    public async Task UnknownCommand_FarFromEveryName_ListsTheCommands()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft("xyzzy");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("rft: unknown command 'xyzzy'. The commands are: ", stderr, StringComparison.Ordinal);
        Assert.Contains("validate", stderr, StringComparison.Ordinal);
        Assert.Contains("promote-plan", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCommand_ListsTheCommands_ExitsTwo()
    {
        var (stdout, stderr, exit) = await CliRunner.Rft();

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("rft: no command given. The commands are: ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate", "--fromat", "json")]      // was: "job file '--fromat' not found"
    [InlineData("validate", "--fromat=json", null)]
    [InlineData("grade", "--fromat", "json")]
    public async Task MisspeltOption_IsAnUnknownOption_WithDidYouMean(string command, string option, string? value)
    {
        string[] args = value is null ? [command, option] : [command, option, value];
        var (stdout, stderr, exit) = await CliRunner.Rft(args);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal([$"rft {command}: unknown option '--fromat'. Did you mean '--format'?", $"Run 'rft {command} --help' for usage."], Lines(stderr));
        Assert.DoesNotContain("not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspeltOption_OfPreviewSummary_IsNotTakenForAPreviewFile()
    {
        var (_, stderr, exit) = await CliRunner.Rft("preview-summary", "--ouptut", "comment.md", "preview-dev.json");

        Assert.Equal(2, exit);
        Assert.StartsWith("rft preview-summary: unknown option '--ouptut'. Did you mean '--output'?", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterDoubleDash_ADashedNameIsAJobFile()
    {
        var (_, stderr, exit) = await CliRunner.Rft("validate", "--", "--no-such-job.yaml");

        Assert.Equal(2, exit);
        Assert.StartsWith("rft validate: job file '--no-such-job.yaml' not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_ControlCharactersAreShownEscaped()
    {
        var (_, stderr, exit) = await CliRunner.Rft("validate", "--\u001b[31mred");

        Assert.Equal(2, exit);
        Assert.DoesNotContain('\u001b', stderr);
        Assert.Contains("unknown option '--", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFormat_ControlCharactersAreShownEscaped()
    {
        var (_, stderr, exit) = await CliRunner.Rft("validate", "--format", "\u001b[31m");

        Assert.Equal(2, exit);
        Assert.DoesNotContain('\u001b', stderr);
        Assert.StartsWith("rft validate: unknown format '", stderr, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
