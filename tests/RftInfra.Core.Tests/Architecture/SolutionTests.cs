using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RftInfra.Core.Tests.Architecture;

/// <summary>
/// A plain `dotnet build` / `dotnet test` at the root builds every project that restores without the Pulumi
/// packages (RftInfra.sln, the only solution there); the projects that need them are in infra/RftInfra.Pulumi.slnx.
/// </summary>
public sealed partial class SolutionTests
{
    [Fact]
    public void RootSolution_HoldsEveryProjectWithoutPulumi_AndThePulumiSolutionTheRest()
    {
        var root = RepoRoot();
        var projects = Directory.GetFiles(Path.Combine(root, "infra"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(root, "tests"), "*.csproj", SearchOption.AllDirectories))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal))
            .ToList();
        var needPulumi = projects.Where(p => NeedsPulumi(Path.Combine(root, p))).Order(StringComparer.Ordinal).ToList();
        var rootSolution = SlnProjects(Path.Combine(root, "RftInfra.sln")).Order(StringComparer.Ordinal).ToList();
        var pulumiSolution = SlnxProjects(Path.Combine(root, "infra", "RftInfra.Pulumi.slnx")).ToList();

        Assert.Equal(
            ["infra/RftInfra.Provider/RftInfra.Provider.csproj", "infra/RftInfra/RftInfra.csproj", "tests/RftInfra.Tests/RftInfra.Tests.csproj"],
            needPulumi);
        Assert.Equal(projects.Except(needPulumi).Order(StringComparer.Ordinal), rootSolution);
        Assert.All(needPulumi, p => Assert.Contains(p, pulumiSolution));
        // One solution at the root, or `dotnet build` there would ask which (MSB1011); the filter is not one.
        Assert.Equal(
            ["RftInfra.Offline.slnf", "RftInfra.sln"],
            Directory.GetFiles(root, "*.sln*").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static bool NeedsPulumi(string project) =>
        XDocument.Load(project).Descendants("PackageReference")
            .Any(e => ((string?)e.Attribute("Include") ?? "").StartsWith("Pulumi", StringComparison.Ordinal));

    private static IEnumerable<string> SlnProjects(string sln) =>
        SlnProject().Matches(File.ReadAllText(sln)).Select(m => m.Groups[1].Value.Replace('\\', '/'));

    private static IEnumerable<string> SlnxProjects(string slnx) =>
        XDocument.Load(slnx).Descendants("Project")
            .Select(e => Path.GetRelativePath(
                RepoRoot(), Path.GetFullPath(Path.Combine(Path.GetDirectoryName(slnx)!, (string)e.Attribute("Path")!))).Replace('\\', '/'));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RftInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RftInfra.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^Project\(""\{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC\}""\) = ""[^""]+"", ""([^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SlnProject();
}
