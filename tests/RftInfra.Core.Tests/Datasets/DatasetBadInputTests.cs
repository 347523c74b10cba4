using System.Text;
using System.Text.Json;
using RftInfra.Datasets;
using RftInfra.Diagnostics;
using RftInfra.Files;

namespace RftInfra.Core.Tests.Datasets;

/// <summary>
/// The bad-input corpus: inputs that break naive readers. The scanner must never throw and must always name
/// the line. Big inputs are generated here, never committed.
/// </summary>
public sealed class DatasetBadInputTests : IDisposable
{
    private const string Good = """{"messages":[{"role":"user","content":"Capital of France?"}],"reference_answer":"Paris"}""";
    private const int TenMegabytes = 10 * 1024 * 1024;

    private readonly DatasetFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void TenMegabyteLine_ScannedLikeAnyOther()
    {
        var huge = $$"""{"messages":[{"role":"user","content":"{{new string('x', TenMegabytes)}}"}],"reference_answer":"x"}""";
        var report = _files.Scan($"{Good}\n{huge}\n{Good}\n", [DatasetScannerTests.Path("item.reference_answer")], collect: true);
        Assert.Empty(report.Diagnostics);
        Assert.Equal(3, report.RowCount);
        Assert.Equal(2, report.Prompts.Hashes.Count);
    }

    [Fact]
    public void TenMegabyteLine_BrokenAtTheEnd_NamesLineAndColumn()
    {
        var huge = $$"""{"messages":[{"role":"user","content":"{{new string('x', TenMegabytes)}}"}],"reference_answer":"x"!}""";
        var finding = Assert.Single(_files.Scan($"{Good}\n{huge}\n{Good}\n").Diagnostics);
        Assert.Equal(DatasetDiagnostics.JsonSyntaxCode, finding.Code);
        Assert.Equal(new SourcePosition(2, huge.IndexOf('!', StringComparison.Ordinal) + 1), finding.Position);
    }

    [Fact]
    public void TenMegabyteLine_TruncatedAtEndOfFile()
    {
        var huge = $$"""{"messages":[{"role":"user","content":"{{new string('x', TenMegabytes)}}""";
        var finding = Assert.Single(_files.Scan($"{Good}\n{huge}").Diagnostics);
        Assert.Equal((DatasetDiagnostics.TruncatedLastLineCode, 2), (finding.Code, finding.Position.Line));
    }

    [Fact]
    public void LineOverTheReaderLimit_ReportedSkippedAndCountingGoesOn()
    {
        var longLine = $$"""{"messages":[{"role":"user","content":"{{new string('y', 10_000)}}"}]}""";
        var bytes = Encoding.UTF8.GetBytes($"{longLine}\n{Good}\n{longLine}\n{{broken\n");
        var report = _files.Scan(bytes, maxLineBytes: 4096);
        Assert.Equal(4, report.RowCount);
        Assert.Equal(
            [(DatasetDiagnostics.LineTooLongCode, 1), (DatasetDiagnostics.LineTooLongCode, 3), (DatasetDiagnostics.JsonSyntaxCode, 4)],
            report.Diagnostics.Select(d => (d.Code, d.Position.Line)));
        Assert.Contains("10,", report.Diagnostics[0].Message);
    }

    [Fact]
    public void LineOverTheReaderLimit_AsLastLineWithoutNewline()
    {
        var bytes = Encoding.UTF8.GetBytes($"{Good}\n{{\"messages\":\"{new string('z', 9000)}");
        var finding = Assert.Single(_files.Scan(bytes, maxLineBytes: 4096).Diagnostics);
        Assert.Equal((DatasetDiagnostics.LineTooLongCode, 2), (finding.Code, finding.Position.Line));
    }

    [Theory]
    [InlineData(63, false)]
    [InlineData(64, true)]
    [InlineData(100_000, true)]
    public void DeepNesting_FindingNotCrash(int arrays, bool tooDeep)
    {
        // The row object is one level, so 63 arrays inside it reach exactly the limit of 64.
        var row = $$"""{"messages":[{"role":"user","content":"q"}],"x":{{new string('[', arrays)}}{{new string(']', arrays)}}}""";
        var report = _files.Scan($"{Good}\n{row}\n");
        if (tooDeep)
        {
            var finding = Assert.Single(report.Diagnostics);
            Assert.Equal(DatasetDiagnostics.NestingTooDeepCode, finding.Code);
            Assert.Equal(new SourcePosition(2, row.IndexOf("\"x\":", StringComparison.Ordinal) + 4 + 64), finding.Position);
        }
        else
        {
            Assert.Empty(report.Diagnostics);
        }
    }

    [Fact]
    public void DeepNestingInsideMessages_FindingNotCrash()
    {
        var row = $$"""{"messages":[{"role":"user","content":"q","meta":{{new string('[', 5000)}}""";
        var finding = Assert.Single(_files.Scan($"{row}\n{Good}\n").Diagnostics);
        Assert.Equal((DatasetDiagnostics.NestingTooDeepCode, 1), (finding.Code, finding.Position.Line));
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"a\0b\"}]}", DatasetDiagnostics.JsonSyntaxCode)]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"ab\"}]}\0", DatasetDiagnostics.JsonSyntaxCode)]
    [InlineData("\0\0\0", DatasetDiagnostics.JsonSyntaxCode)]
    [InlineData("{\"messages\":[{\"role\":\"us\0er\",\"content\":\"ab\"}]}", DatasetDiagnostics.JsonSyntaxCode)]
    public void NulBytes_SyntaxErrorOnTheLine(string row, string code)
    {
        var finding = Assert.Single(_files.Scan($"{Good}\n{row}\n{Good}\n").Diagnostics);
        Assert.Equal((code, 2), (finding.Code, finding.Position.Line));
    }

    [Fact]
    public void EscapedNul_IsValidText()
    {
        Assert.Empty(_files.Scan("""{"messages":[{"role":"user","content":"a\u0000b"}]}""").Diagnostics);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"\ud800","content":"a"}]}""")]
    [InlineData("""{"\ud800":1,"messages":[{"role":"user","content":"a"}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"\udc00","text":"a"}]}]}""")]
    [InlineData("""{"messages":[{"\udc00":"user","content":"a"}]}""")]
    public void LoneSurrogatesInKeysAndRoles_FindingNotCrash(string row)
    {
        var report = _files.Scan($"{Good}\n{row}\n{Good}\n", [DatasetScannerTests.Path("item.reference_answer")], collect: true);
        Assert.NotEmpty(report.Diagnostics);
        Assert.All(report.Diagnostics, d => Assert.Equal(2, d.Position.Line));
    }

    [Fact]
    public void WrongTypesEverywhere_EveryLineNamed()
    {
        string[] rows =
        [
            "[]",
            "\"messages\"",
            "3.14",
            """{"messages":true}""",
            """{"messages":[null]}""",
            """{"messages":[[{"role":"user"}]]}""",
            """{"messages":[{"role":["user"],"content":"a"}]}""",
            """{"messages":[{"role":{"name":"user"},"content":"a"}]}""",
            """{"messages":[{"role":"user","content":false}]}""",
            """{"messages":[{"role":"user","content":[{"type":"text","text":{"value":"a"}}]}]}""",
            """{"messages":[{"role":"user","content":[{"type":1,"text":"a"}]}]}""",
            """{"messages":[{"role":"user","content":[null]}]}""",
            """{"messages":[{"role":"user","content":"a"}],"tools":"all"}""",
            """{"messages":[{"role":"user","content":"a"}],"tools":[1,2]}""",
            """{"messages":[{"role":"USER","content":"a"}]}""",
            """{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":7}]}""",
            """{"messages":{}}""",
            """{"messages":[{"role":"user","content":"a"}],"messages":5}""",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],}",
            "{'messages':[]}",
        ];
        var report = _files.Scan(string.Join('\n', rows) + "\n");
        Assert.Equal(rows.Length, report.RowCount);
        for (var line = 1; line <= rows.Length; line++)
        {
            Assert.Contains(report.Diagnostics, d => d.Position.Line == line && d.IsError);
        }

        Assert.All(report.Diagnostics, d =>
        {
            Assert.Equal("data/test.jsonl", d.File);
            Assert.True(d.Position.Line > 0);
            Assert.False(string.IsNullOrWhiteSpace(d.Hint));
            Assert.Contains($"Line {d.Position.Line}", d.Message);
        });
    }

    [Fact]
    public void RandomlyDamagedRows_NeverThrow_AndEveryUnparsableRowIsAnError()
    {
        var random = new Random(20261125);
        var source = Encoding.UTF8.GetBytes(
            """{"messages":[{"role":"developer","content":"Be brief. \u00e9\n"},{"role":"user","content":[{"type":"text","text":"Capitale de la France ? é😀"}]}],"tools":[{"type":"function"}],"reference_answer":{"city":"Paris","alt":["Paname"]}}""");
        var request = new DatasetScanRequest("mem", "data/fuzz.jsonl", DatasetRole.Training,
            [DatasetScannerTests.Path("item.reference_answer.alt[0]")], CollectPrompts: true);
        for (var i = 0; i < 1500; i++)
        {
            var row = Damage(source, random);
            var report = DatasetScanner.Scan(new MemoryStream(row), request);
            if (!IsJson(row))
            {
                Assert.Contains(report.Diagnostics, d => d.IsError
                    && (d.Position.Line >= 1 || d.Code == DatasetDiagnostics.EmptyFileCode));
            }

            Assert.All(report.Diagnostics, d => Assert.True(d.Position.Line >= 1 || d.Code == DatasetDiagnostics.EmptyFileCode));
        }
    }

    [Fact]
    public void Memory_DoesNotGrowWithFileSize()
    {
        var small = _files.Write(Rows(2_000));
        var large = _files.Write(Rows(40_000));
        var request = (string path) => new DatasetScanRequest(path, "data/t.jsonl", DatasetRole.Training,
            [DatasetScannerTests.Path("item.reference_answer")]);
        DatasetScanner.Scan(request(small));

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Empty(DatasetScanner.Scan(request(small)).Diagnostics);
        var smallBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Empty(DatasetScanner.Scan(request(large)).Diagnostics);
        var largeBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // 20 times the data, and the same few kilobytes of allocations (the file handle, the report).
        Assert.True(largeBytes < smallBytes + 16 * 1024, $"small file: {smallBytes} B allocated, 20x file: {largeBytes} B");
    }

    private static byte[] Rows(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append($$"""{"messages":[{"role":"developer","content":"Answer with the city only."},{"role":"user","content":"Capital of country #{{i}}?"}],"reference_answer":"City {{i}}"}""").Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Damage(byte[] source, Random random)
    {
        var bytes = source.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(at, "{}[]\",:\\\0\r"u8[random.Next(10)]);
                    break;
                case 3:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(0x80, 0x100));
                    break;
            }
        }

        return [.. bytes];
    }

    private static bool IsJson(byte[] row)
    {
        var line = row.AsSpan();
        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
