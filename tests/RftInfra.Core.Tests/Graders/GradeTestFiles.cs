namespace RftInfra.Core.Tests.Graders;

/// <summary>A temporary directory for grade tests, deleted on dispose; and the repository root for the samples.</summary>
public sealed class GradeTestFiles : IDisposable
{
    public GradeTestFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "rft-grade-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "graders"));
        Directory.CreateDirectory(Path.Combine(Root, "data"));
    }

    public string Root { get; }

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RftInfra.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RftInfra.sln not found above the test binaries.");
    }

    public const string CapitalGrader = """
        {"type": "string_check", "name": "capital", "input": "{{sample.output_text}}", "reference": "{{item.reference_answer}}", "operation": "eq"}
        """;

    public const string CapitalData = """
        {"reference_answer": "Paris"}
        {"reference_answer": "Berlin"}

        {"reference_answer": "Rome"}
        {"reference_answer": "Madrid"}
        """;
}
