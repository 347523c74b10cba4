using RftInfra.Declarations;
using RftInfra.Stacks;

namespace RftInfra.Core.Tests.Stacks;

/// <summary>The repository root (where RftInfra.sln is) and helpers to build stack settings for tests.</summary>
internal static class StackTestData
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The regions of the repository's catalog/catalog.json, as the program reads them.</summary>
    public static IReadOnlySet<string> Regions { get; } =
        RftCatalog.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, RftCatalog.RelativePath))).Regions.ToHashSet();

    public static StackConfigResult Parse(string stack, params (string Key, string Value)[] values) =>
        StackConfigParser.Parse(stack, values.ToDictionary(v => v.Key, v => (string?)v.Value), Regions);

    public static StackSettings Settings(string stack, params (string Key, string Value)[] values)
    {
        var result = Parse(stack, values);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Settings!;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RftInfra.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RftInfra.sln not found above the test binaries.");
    }
}
