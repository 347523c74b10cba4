using System.Text;
using RftInfra.Datasets;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Core.Tests.Datasets;

/// <summary>Writes test datasets into a temporary directory and scans them; deletes the directory on dispose.</summary>
internal sealed class DatasetFiles : IDisposable
{
    public DatasetFiles()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rft-datasets-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public DatasetReport Scan(
        string text, IReadOnlyList<ValuePath>? paths = null, bool collect = false, PromptSet? find = null,
        CancellationToken cancellationToken = default) =>
        Scan(Encoding.UTF8.GetBytes(text), paths, collect, find, cancellationToken: cancellationToken);

    public DatasetReport Scan(
        byte[] bytes, IReadOnlyList<ValuePath>? paths = null, bool collect = false, PromptSet? find = null,
        int? maxLineBytes = null, CancellationToken cancellationToken = default)
    {
        var path = Write(bytes);
        var request = new DatasetScanRequest(path, "data/test.jsonl", DatasetRole.Training, paths ?? [], find, collect);
        return maxLineBytes is { } max
            ? DatasetScanner.Scan(request, max, cancellationToken)
            : DatasetScanner.Scan(request, cancellationToken);
    }

    public string Write(byte[] bytes)
    {
        var path = System.IO.Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
