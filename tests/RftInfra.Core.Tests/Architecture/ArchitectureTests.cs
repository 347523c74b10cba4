using System.Reflection;
using System.Xml.Linq;

namespace RftInfra.Core.Tests.Architecture;

/// <summary>The dependency rules of docs/architecture.md, read from the built assemblies and the project files.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Declarations = typeof(global::RftInfra.Declarations.JobDeclaration).Assembly;
    private static readonly Assembly Grading = typeof(global::RftInfra.Graders.IModelGraderClient).Assembly;
    private static readonly Assembly Validation = typeof(global::RftInfra.Validation.RftValidator).Assembly;
    private static readonly Assembly AzureOpenAI = typeof(global::RftInfra.AzureOpenAI.FineTuningClient).Assembly;
    private static readonly Assembly Emulator = typeof(global::RftInfra.Emulator.RftEmulator).Assembly;
    private static readonly Assembly GitOps = typeof(global::RftInfra.Stacks.StackPlanner).Assembly;

    private static string[] References(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name ?? "")];

    [Fact]
    public void Each_layer_is_its_own_assembly()
    {
        Assert.Equal(
            ["RftInfra.AzureOpenAI", "RftInfra.Declarations", "RftInfra.Emulator", "RftInfra.GitOps", "RftInfra.Grading", "RftInfra.Validation"],
            new[] { Declarations, Grading, Validation, AzureOpenAI, Emulator, GitOps }.Select(a => a.GetName().Name).Order());
    }

    [Fact]
    public void Declarations_grading_and_validation_reach_no_azure_sdk_and_no_aspnet()
    {
        foreach (var assembly in new[] { Declarations, Grading, Validation })
        {
            var offending = References(assembly).Where(n => n.StartsWith("Azure", StringComparison.Ordinal)
                || n.StartsWith("OpenAI", StringComparison.Ordinal) || n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                || n.StartsWith("Microsoft.Extensions.Http", StringComparison.Ordinal) || n == "RftInfra.AzureOpenAI"
                || n == "RftInfra.Emulator" || n == "RftInfra.GitOps");
            Assert.Empty(offending);
        }
    }

    [Fact]
    public void Layers_reference_only_the_layers_below()
    {
        string[] Own(Assembly a) => [.. References(a).Where(n => n.StartsWith("RftInfra.", StringComparison.Ordinal)).Order()];
        Assert.Empty(Own(Declarations));
        Assert.Equal(["RftInfra.Declarations"], Own(Grading));
        Assert.Equal(["RftInfra.Declarations", "RftInfra.Grading"], Own(Validation));
        Assert.DoesNotContain("RftInfra.Emulator", Own(AzureOpenAI));
        Assert.DoesNotContain("RftInfra.Emulator", Own(GitOps));
        Assert.DoesNotContain("RftInfra.AzureOpenAI", Own(Validation));
    }

    [Fact]
    public void Only_the_emulator_references_aspnet_among_the_libraries()
    {
        Assert.Contains(References(Emulator), n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        foreach (var assembly in new[] { Declarations, Grading, Validation, AzureOpenAI, GitOps })
            Assert.DoesNotContain(References(assembly), n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("infra/RftInfra.Provider/RftInfra.Provider.csproj")]
    [InlineData("infra/RftInfra/RftInfra.csproj")]
    [InlineData("infra/RftInfra.AzureOpenAI/RftInfra.AzureOpenAI.csproj")]
    [InlineData("infra/RftInfra.GitOps/RftInfra.GitOps.csproj")]
    [InlineData("infra/RftInfra.Validation/RftInfra.Validation.csproj")]
    public void Provider_program_and_their_layers_never_reference_the_emulator_or_aspnet(string project)
    {
        var xml = XDocument.Load(Path.Combine(RepoRoot(), project));
        var references = xml.Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include") ?? "").ToList();
        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, r => r.Contains("RftInfra.Emulator", StringComparison.Ordinal));
        Assert.Empty(xml.Descendants("FrameworkReference"));
    }

    [Theory]
    [InlineData("RftInfra.Declarations")]
    [InlineData("RftInfra.Grading")]
    [InlineData("RftInfra.Validation")]
    [InlineData("RftInfra.AzureOpenAI")]
    [InlineData("RftInfra.Emulator")]
    [InlineData("RftInfra.GitOps")]
    public void Every_library_bans_console_and_clock(string project)
    {
        var banned = File.ReadAllText(Path.Combine(RepoRoot(), "infra", project, "BannedSymbols.txt"));
        Assert.Contains("T:System.Console;", banned, StringComparison.Ordinal);
        Assert.Contains("P:System.DateTime.UtcNow;", banned, StringComparison.Ordinal);
        var xml = XDocument.Load(Path.Combine(RepoRoot(), "infra", project, project + ".csproj"));
        Assert.Contains(xml.Descendants("AdditionalFiles"), e => (string?)e.Attribute("Include") == "BannedSymbols.txt");
        Assert.DoesNotContain(xml.Descendants("InternalsVisibleTo"),
            e => ((string?)e.Attribute("Include") ?? "").StartsWith("RftInfra.", StringComparison.Ordinal)
                 && (string?)e.Attribute("Include") is not ("RftInfra.Core.Tests" or "RftInfra.Bench"));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RftInfra.sln")))
                return dir.FullName;
        throw new InvalidOperationException("RftInfra.sln not found above " + AppContext.BaseDirectory);
    }
}
