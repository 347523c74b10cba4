using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using RftInfra.Diagnostics;
using RftInfra.Validation;
using Xunit.Abstractions;
using RftInfra.Declarations;

namespace RftInfra.Core.Tests.Validation;

/// <summary>Runs alone, so that the allocation figures of one case are that case's (issue 11 §2).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileInputCollection
{
    public const string Name = "Hostile input (measured alone)";
}

/// <summary>
/// Hostile checkouts read by <c>rft validate</c> (issue 11 §2): alias bombs, tags, complex and merge keys, special
/// numbers, FIFOs, devices, links and paths out of the root, oversized and non-UTF-8 files. Each case asserts the
/// exact finding code and a bound on time and allocation (generous: 2 loaded cores). CLI cases are in
/// <see cref="HostileCliTests"/>.
/// </summary>
[Collection(HostileInputCollection.Name)]
public class HostileInputTests(ITestOutputHelper output)
{
    private const string BillionLaughs = HostileBounds.AliasBomb + "\nname: qa";

    public static TheoryData<string, string, string, int> YamlCases() => new()
    {
        // name, file, content, expected line of the finding
        { "billion laughs in a job", "jobs/qa.yaml", BillionLaughs, 6 },
        { "billion laughs in a grader", "graders/match.yaml", BillionLaughs, 6 },
        { "complex key", "jobs/qa.yaml", "name: qa\n? [a, b]\n: value\n", 2 },
        { "!!binary tag", "jobs/qa.yaml", "name: qa\nsuffix: !!binary aGVsbG8=\n", 2 },
        { "custom tag", "jobs/qa.yaml", "name: !custom qa\n", 1 },
        { "merge key", "jobs/qa.yaml", "base: &base {model: o4-mini}\njob:\n  <<: *base\n", 3 },
        { "alias as key", "jobs/qa.yaml", "k: &k name\n*k : qa\n", 2 },
    };

    [Theory]
    [MemberData(nameof(YamlCases))]
    public void Yaml_IsAFindingWithItsLine(string name, string file, string content, int line)
    {
        using var root = TempRoot.Clean();
        if (file.StartsWith("graders/", StringComparison.Ordinal))
        {
            File.Delete(Path.Combine(root.Path, "graders/match.json"));
        }

        root.Write(file, content);
        var finding = Single(name, root, name.StartsWith("billion", StringComparison.Ordinal) ? "RFT308" : "RFT309");
        Assert.Equal(file, finding.File);
        Assert.Equal(line, finding.Position.Line);
        Assert.Contains("docs/limits.md", finding.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_DuplicateKey_IsRft303()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", File.ReadAllText(Path.Combine(root.Path, "jobs/qa.yaml")) + "\nname: qa2\n");
        Assert.Equal(8, Single("duplicate key", root, "RFT303").Position.Line);
    }

    public static TheoryData<string, string, bool, string> HugeShapes() => new()
    {
        { "1 MB of '[' (YAML)", new string('[', 1_000_000), true, "RFT300" },
        { "1 MB of '[' (JSON)", new string('[', 1_000_000), false, "RFT300" },
        { "1 MB of '{a: ' (YAML)", string.Concat(Enumerable.Repeat("{a: ", 250_000)), true, "RFT300" },
        { "wide aliases: 300 copies of 1000 values", "a: &a [" + string.Join(",", Enumerable.Range(0, 1000)) + "]\nb: [" + string.Join(",", Enumerable.Repeat("*a", 300)) + "]\n", true, "RFT308" },
    };

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void HugeShapes_AreOneBoundedFinding(string name, string text, bool yaml, string code)
    {
        var document = Measure(name, () => Declarations.DeclarationReader.Read(text, "jobs/x", yaml));
        Assert.Null(document.Root);
        var finding = Assert.Single(document.Diagnostics);
        Assert.Equal(code, finding.Code);
        Assert.True(finding.Position.Line >= 1, finding.ToString());
    }

    public static TheoryData<string, string, string> JsonCases() => new()
    {
        { "seed 10^26", "\"seed\": 99999999999999999999999999", "RFT212" },
        { "seed NaN", "\"seed\": NaN", "RFT202" },
        { "seed -Infinity", "\"seed\": -Infinity", "RFT202" },
        { "seed 1e400", "\"seed\": 1e400", "RFT202" },
        { "n_epochs 1000000", "\"hyperparameters\": {\"n_epochs\": 1000000}", "RFT208" },
        { "a // comment", "// a comment\n\"seed\": 1", "RFT300" },
        { "a /* comment */", "\"seed\": /* no */ 1", "RFT300" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public void JsonJob_IsAFinding(string name, string member, string code)
    {
        using var root = TempRoot.Clean();
        File.Delete(Path.Combine(root.Path, "jobs/qa.yaml"));
        root.Write("jobs/qa.json", JsonJob(member));
        var finding = Single(name, root, code);
        Assert.Equal("jobs/qa.json", finding.File);
        Assert.True(finding.Position.Line >= 9, finding.ToString());
    }

    [Fact]
    public void JsonJob_TrailingNuls_IsRft300()
    {
        using var root = TempRoot.Clean();
        File.Delete(Path.Combine(root.Path, "jobs/qa.yaml"));
        root.Write("jobs/qa.json", JsonJob("\"seed\": 1") + "\0\0\0\0");
        var finding = Single("trailing NULs", root, "RFT300");
        Assert.Contains("NUL", finding.Message, StringComparison.Ordinal);
        Assert.Equal(11, finding.Position.Line);
    }

    [Fact]
    public void JsonGrader_RangeNaNInfinity_IsRft119()
    {
        using var root = TempRoot.Clean();
        root.Write("graders/match.json", """
            {"type": "score_model", "name": "match", "model": "gpt-4.1-2025-04-14",
             "input": [{"role": "user", "content": "Score {{sample.output_text}} against {{item.reference_answer}}"}],
             "range": [NaN, Infinity]}
            """);
        var finding = Single("grader range [NaN, Infinity]", root, "RFT119");
        Assert.Equal(("graders/match.json", 3), (finding.File, finding.Position.Line));
        Assert.Contains("[\"NaN\",\"Infinity\"]", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8_InAJob_IsRft307WithLine()
    {
        using var root = TempRoot.Clean();
        File.WriteAllBytes(Path.Combine(root.Path, "jobs/qa.yaml"),
            [.. "name: qa\nmodel: o4-mini-2025-04-16\nsuffix: caf"u8, 0xE9, .. "\n"u8]);
        var finding = Single("invalid UTF-8 job", root, "RFT307");
        Assert.Equal(new SourcePosition(3, 12), finding.Position);
    }

    [Fact]
    public void InvalidUtf8_InASidecar_IsRft307WithLine()
    {
        using var root = TempRoot.Clean();
        File.WriteAllBytes(Path.Combine(root.Path, "graders/match.tests.jsonl"), [.. "{\"item\": {\"reference_answer\": \"Paris\"}, \"sample\": \"Paris\", \"expected\": 1}\n{\"x\": \""u8, 0xFF, .. "\"}\n"u8]);
        var finding = Single("invalid UTF-8 sidecar", root, "RFT307");
        Assert.Equal("graders/match.tests.jsonl", finding.File);
        Assert.Equal(new SourcePosition(2, 8), finding.Position);
    }

    [Fact]
    public void OversizedDeclaration_IsRft306WithoutReading()
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", "name: qa\n" + new string('#', 2 * 1024 * 1024) + "\n");
        Assert.Contains("1,048,576", Single("2 MB job", root, "RFT306").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedDataset_IsRft215WithoutReading()
    {
        using var root = TempRoot.Clean();
        using (var sparse = File.Create(Path.Combine(root.Path, "data/train.jsonl")))
        {
            sparse.SetLength(600L * 1024 * 1024); // sparse: no disk, and reading it would take seconds
        }

        var finding = Single("600 MB sparse dataset", root, "RFT215");
        Assert.Equal("jobs/qa.yaml", finding.File);
    }

    public static TheoryData<string, string> SpecialDataPaths() => new()
    {
        { "/dev/zero", "/dev/zero" },
        { "/dev/urandom", "/dev/urandom" },
        { "../../../etc/passwd", "../../../../../../../../etc/passwd" },
        { "absolute /etc/passwd", "/etc/passwd" },
    };

    [Theory]
    [MemberData(nameof(SpecialDataPaths))]
    public void DataPath_OutsideTheRootOrADevice_IsRft305AndNotRead(string name, string path)
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", File.ReadAllText(Path.Combine(root.Path, "jobs/qa.yaml"))
            .Replace("data/train.jsonl", path, StringComparison.Ordinal));
        var result = Measure(name, () => root.Validate());
        var finding = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("RFT305", "jobs/qa.yaml", 3), (finding.Code, finding.File, finding.Position.Line));
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("root:", StringComparison.Ordinal) || d.File.Contains("passwd", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/etc/passwd")]
    public void DataSymlink_LeadingOut_IsRft305(string target)
    {
        using var root = TempRoot.Clean();
        var link = Path.Combine(root.Path, "data/train.jsonl");
        File.Delete(link);
        File.CreateSymbolicLink(link, target);
        var finding = Single($"symlink to {target}", root, "RFT305");
        Assert.Equal(("jobs/qa.yaml", 3), (finding.File, finding.Position.Line));
    }

    [Fact]
    public void LinksThatStayInside_AreRead()
    {
        using var root = TempRoot.Clean();
        var data = Path.Combine(root.Path, "data");
        File.Move(Path.Combine(data, "train.jsonl"), Path.Combine(data, "real-train.jsonl"));
        File.CreateSymbolicLink(Path.Combine(data, "train.jsonl"), "real-train.jsonl");
        Directory.CreateDirectory(Path.Combine(root.Path, "shared"));
        File.Move(Path.Combine(data, "valid.jsonl"), Path.Combine(root.Path, "shared/valid.jsonl"));
        File.CreateSymbolicLink(Path.Combine(data, "valid.jsonl"), "../shared/valid.jsonl");
        Assert.Empty(Measure("links inside the root", () => root.Validate()).Diagnostics);

        // The root itself reached through a link: the files are still inside it.
        var linkedRoot = root.Path + "-link";
        Directory.CreateSymbolicLink(linkedRoot, root.Path);
        try
        {
            Assert.Empty(RftValidator.ValidateRoot(linkedRoot).Diagnostics);
        }
        finally
        {
            Directory.Delete(linkedRoot);
        }
    }

    [Fact]
    public void SymlinkLoop_IsRft301()
    {
        using var root = TempRoot.Clean();
        var data = Path.Combine(root.Path, "data");
        File.Delete(Path.Combine(data, "train.jsonl"));
        File.CreateSymbolicLink(Path.Combine(data, "train.jsonl"), Path.Combine(data, "loop.jsonl"));
        File.CreateSymbolicLink(Path.Combine(data, "loop.jsonl"), Path.Combine(data, "train.jsonl"));
        Assert.Contains("symbolic links", Single("symlink loop", root, "RFT301").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryLinkOutOfTheRoot_IsRft305()
    {
        using var root = TempRoot.Clean();
        using var outside = new TempRoot();
        outside.WriteRows("train.jsonl", "France", "Japan", "Peru");
        Directory.Delete(Path.Combine(root.Path, "data"), recursive: true);
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "data"), outside.Path);
        var findings = Measure("dir link out", () => root.Validate()).Diagnostics.Where(d => d.IsError).ToList();
        Assert.Equal(["RFT305", "RFT305"], findings.Select(d => d.Code));
    }

    public static TheoryData<string, string, string> Fifos() => new()
    {
        { "FIFO as a job", "jobs/fifo.yaml", "jobs/fifo.yaml" },
        { "FIFO as a dataset", "data/train.jsonl", "jobs/qa.yaml" },
        { "FIFO as a sidecar", "graders/match.tests.jsonl", "graders/match.tests.jsonl" },
        { "FIFO as the catalog", "catalog/catalog.json", "catalog/catalog.json" },
    };

    [Theory]
    [MemberData(nameof(Fifos))]
    public void Fifo_IsRft305AndNeverOpened(string name, string relative, string reportedIn)
    {
        using var root = TempRoot.Clean();
        MakeFifo(root, relative);
        var finding = Single(name, root, "RFT305");
        Assert.Equal(reportedIn, finding.File);
        Assert.Contains("FIFO", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogThatIsADirectory_IsRft305()
    {
        using var root = TempRoot.Clean();
        Directory.CreateDirectory(Path.Combine(root.Path, "catalog/catalog.json"));
        var finding = Single("catalog is a directory", root, "RFT305");
        Assert.Contains("directory", finding.Message, StringComparison.Ordinal);
        Assert.Contains("built-in catalog", finding.Message, StringComparison.Ordinal);
    }

    internal static void MakeFifo(TempRoot root, string relative)
    {
        var path = Path.Combine(root.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        Assert.Equal(0, MkFifo(path, 0x1A4));
    }

    private static string JsonJob(string member) => $$"""
        {
          "name": "qa",
          "model": "o4-mini-2025-04-16",
          "training_file": "data/train.jsonl",
          "validation_file": "data/valid.jsonl",
          "grader": "match",
          "training_type": "globalstandard",
          "region": "swedencentral",
          {{member}}
        }

        """;

    /// <summary>The only error of a validation, with its code; the run is bounded in time and allocation.</summary>
    private Diagnostic Single(string name, TempRoot root, string code)
    {
        var result = Measure(name, () => root.Validate());
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        Assert.True(errors.Count == 1 && errors[0].Code == code, $"{name}: expected one {code}, got: {string.Join(" | ", errors)}");
        return errors[0];
    }

    private T Measure<T>(string name, Func<T> action)
    {
        var (result, elapsed, allocated) = HostileBounds.Run(action);
        output.WriteLine($"HOSTILE | {name} | {elapsed.TotalMilliseconds:F0} ms | {allocated / 1024.0 / 1024.0:F1} MB allocated");
        return result;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}

/// <summary>The bound every hostile case must keep: under 10 s and 256 MB allocated (a bomb would take GBs or hang).</summary>
internal static class HostileBounds
{
    /// <summary>Billion laughs: nine levels of nine aliases, 9^9 values if expanded; the alias at line 6 passes the bound.</summary>
    public const string AliasBomb = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """;

    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(10);
    public const long MaxAllocatedBytes = 256L * 1024 * 1024;

    public static (T Result, TimeSpan Elapsed, long Allocated) Run<T>(Func<T> action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        // On another thread with a deadline, so a regression that opens a FIFO fails the test instead of hanging the run.
        var task = Task.Run(action);
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "did not finish within 30 s");
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(elapsed < MaxTime, $"took {elapsed.TotalSeconds:F1} s");
        Assert.True(allocated < MaxAllocatedBytes, $"allocated {allocated / 1024 / 1024} MB");
        return (task.Result, elapsed, allocated);
    }

    public static async Task<(T Result, TimeSpan Elapsed, long Allocated)> RunAsync<T>(Func<Task<T>> action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        // Task.Run: a reader that opens a FIFO blocks synchronously before its first await.
        var result = await Task.Run(action).WaitAsync(TimeSpan.FromSeconds(30));
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(elapsed < MaxTime, $"took {elapsed.TotalSeconds:F1} s");
        Assert.True(allocated < MaxAllocatedBytes, $"allocated {allocated / 1024 / 1024} MB");
        return (result, elapsed, allocated);
    }
}
