using System.Text;
using RftInfra.Datasets;
using RftInfra.Diagnostics;
using RftInfra.Templates;
using RftInfra.Files;

namespace RftInfra.Core.Tests.Datasets;

public sealed class DatasetScannerTests : IDisposable
{
    private const string Good =
        """{"messages":[{"role":"developer","content":"Answer with the city only."},{"role":"user","content":"Capital of France?"}],"reference_answer":"Paris"}""";

    private readonly DatasetFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Scan_WellFormedRows_NoFindingsAndFacts()
    {
        var report = _files.Scan($"{Good}\n{Good}\n");
        Assert.Empty(report.Diagnostics);
        Assert.Equal(2, report.RowCount);
        Assert.Equal(["messages", "reference_answer"], report.FirstRowKeys);
        Assert.Equal(Encoding.UTF8.GetByteCount(Good) * 2 + 2, report.Bytes);
        Assert.Equal("data/test.jsonl", report.DisplayPath);
    }

    [Fact]
    public void Scan_ByteOrderMarkAndCrLf_Accepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"{Good}\r\n{Good}\r\n")).ToArray();
        var report = _files.Scan(bytes);
        Assert.Empty(report.Diagnostics);
        Assert.Equal(2, report.RowCount);
        Assert.Equal("messages", report.FirstRowKeys[0]);
    }

    [Fact]
    public void Scan_LastLineWithoutNewline_Accepted()
    {
        var report = _files.Scan($"{Good}\n{Good}");
        Assert.Empty(report.Diagnostics);
        Assert.Equal(2, report.RowCount);
    }

    [Fact]
    public void Scan_BlankLines_WarnedWithLineAndNotCounted()
    {
        var report = _files.Scan($"{Good}\n\n  \t\r\n{Good}\n");
        Assert.Equal(2, report.RowCount);
        Assert.Equal([2, 3], report.Diagnostics.Select(d => d.Position.Line));
        Assert.All(report.Diagnostics, d => Assert.Equal((DatasetDiagnostics.BlankLineCode, DiagnosticSeverity.Warning), (d.Code, d.Severity)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    public void Scan_NoRows_EmptyFileError(string text)
    {
        var report = _files.Scan(text);
        var empty = Assert.Single(report.Diagnostics, d => d.Code == DatasetDiagnostics.EmptyFileCode);
        Assert.True(empty.IsError);
        Assert.Equal(0, report.RowCount);
    }

    [Fact]
    public void Scan_MissingFile_UnreadableFindingNotException()
    {
        var report = DatasetScanner.Scan(new DatasetScanRequest(
            System.IO.Path.Combine(_files.Directory, "nope.jsonl"), "data/nope.jsonl", DatasetRole.Validation, []));
        var finding = Assert.Single(report.Diagnostics);
        Assert.Equal(DatasetDiagnostics.UnreadableCode, finding.Code);
        Assert.Contains("does not exist", finding.Message);
        Assert.Equal("data/nope.jsonl", finding.File);
    }

    [Fact]
    public void Scan_InvalidUtf8_ErrorWithLineAndColumn()
    {
        var bytes = Encoding.UTF8.GetBytes($"{Good}\n{{\"messages\":\"é")
            .Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\"}\n"))
            .ToArray();
        var finding = Assert.Single(_files.Scan(bytes).Diagnostics);
        Assert.Equal(DatasetDiagnostics.InvalidUtf8Code, finding.Code);
        Assert.Equal(new SourcePosition(2, 15), finding.Position);
        Assert.Contains("0xC3", finding.Message);
    }

    [Fact]
    public void Scan_Utf16File_SaysUtf16()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Good + "\n")).ToArray();
        var report = _files.Scan(bytes);
        var first = report.Diagnostics[0];
        Assert.Equal((DatasetDiagnostics.InvalidUtf8Code, 1), (first.Code, first.Position.Line));
        Assert.Contains("UTF-16", first.Message);
    }

    [Fact]
    public void Scan_SyntaxError_LineAndCharacterColumn()
    {
        // "é" is two bytes but one character: the column counts characters.
        var report = _files.Scan($"{Good}\n{{\"é\": 1, \"messages\": [}}\n{Good}\n");
        var finding = Assert.Single(report.Diagnostics);
        Assert.Equal(DatasetDiagnostics.JsonSyntaxCode, finding.Code);
        Assert.Equal(new SourcePosition(2, 23), finding.Position);
        Assert.DoesNotContain("LineNumber", finding.Message);
        Assert.Equal(3, report.RowCount);
    }

    [Fact]
    public void Scan_TrailingTextAfterObject_SyntaxError()
    {
        var finding = Assert.Single(_files.Scan($"{Good} {Good}\n").Diagnostics);
        Assert.Equal((DatasetDiagnostics.JsonSyntaxCode, 1), (finding.Code, finding.Position.Line));
    }

    [Fact]
    public void Scan_TruncatedLastLine_SaysCutOff()
    {
        var text = $"{Good}\n{Good}\n{Good[..40]}";
        var finding = Assert.Single(_files.Scan(text).Diagnostics);
        Assert.Equal(DatasetDiagnostics.TruncatedLastLineCode, finding.Code);
        Assert.Equal(new SourcePosition(3, 41), finding.Position);
    }

    [Fact]
    public void Scan_CutOffLineInTheMiddle_IsASyntaxErrorNotTruncation()
    {
        var finding = Assert.Single(_files.Scan($"{Good[..40]}\n{Good}\n").Diagnostics);
        Assert.Equal((DatasetDiagnostics.JsonSyntaxCode, 1), (finding.Code, finding.Position.Line));
    }

    [Fact]
    public void Scan_RowNotObject_ErrorPerKind()
    {
        var report = _files.Scan("[1,2]\n\"text\"\n42\nnull\ntrue\n");
        Assert.Equal([1, 2, 3, 4, 5], report.Diagnostics.Select(d => d.Position.Line));
        Assert.All(report.Diagnostics, d => Assert.Equal(DatasetDiagnostics.RowNotObjectCode, d.Code));
        Assert.Contains("array", report.Diagnostics[0].Message);
        Assert.Contains("boolean", report.Diagnostics[4].Message);
    }

    [Fact]
    public void Scan_MessagesMissing_Error()
    {
        var finding = Assert.Single(_files.Scan("""{"prompt":"hi","reference_answer":"x"}""").Diagnostics);
        Assert.Equal((DatasetDiagnostics.MessagesMissingCode, 1), (finding.Code, finding.Position.Line));
    }

    [Theory]
    [InlineData("""{"messages":"hello"}""", "string", 13)]
    [InlineData("""{"messages":{"role":"user"}}""", "object", 13)]
    [InlineData("""{"messages":null}""", "null", 13)]
    public void Scan_MessagesNotArray_ErrorAtValue(string row, string kind, int column)
    {
        var finding = Assert.Single(_files.Scan(row).Diagnostics);
        Assert.Equal(DatasetDiagnostics.MessagesNotArrayCode, finding.Code);
        Assert.Equal(new SourcePosition(1, column), finding.Position);
        Assert.Contains(kind, finding.Message);
    }

    [Fact]
    public void Scan_MessagesEmpty_Error()
    {
        var finding = Assert.Single(_files.Scan("""{"messages":[], "reference_answer":"x"}""").Diagnostics);
        Assert.Equal(DatasetDiagnostics.MessagesEmptyCode, finding.Code);
    }

    [Fact]
    public void Scan_MessageNotObject_ErrorWithIndex()
    {
        var finding = Assert.Single(_files.Scan("""{"messages":[{"role":"user","content":"a"},"hi",{"role":"user","content":"b"}]}""").Diagnostics);
        Assert.Equal(DatasetDiagnostics.MessageNotObjectCode, finding.Code);
        Assert.Contains("messages[1]", finding.Message);
        Assert.Equal(44, finding.Position.Column);
    }

    [Fact]
    public void Scan_UnknownRole_NamesTheRole()
    {
        var finding = Assert.Single(_files.Scan("""{"messages":[{"role":"sytem","content":"a"},{"role":"user","content":"b"}]}""").Diagnostics);
        Assert.Equal(DatasetDiagnostics.UnknownRoleCode, finding.Code);
        Assert.Contains("\"sytem\"", finding.Message);
        Assert.Contains("messages[0]", finding.Message);
    }

    [Theory]
    [InlineData("""{"messages":[{"content":"a"}]}""")]
    [InlineData("""{"messages":[{"role":7,"content":"a"}]}""")]
    [InlineData("""{"messages":[{"role":null,"content":"a"}]}""")]
    public void Scan_RoleMissingOrNotString_Error(string row)
    {
        var finding = Assert.Single(_files.Scan(row).Diagnostics);
        Assert.Equal(DatasetDiagnostics.UnknownRoleCode, finding.Code);
        Assert.Contains("no string \"role\"", finding.Message);
    }

    [Fact]
    public void Scan_SystemRole_ErrorSuggestingDeveloper()
    {
        var finding = Assert.Single(_files.Scan("""{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"b"}]}""").Diagnostics);
        Assert.Equal((DatasetDiagnostics.SystemRoleCode, DiagnosticSeverity.Error), (finding.Code, finding.Severity));
        Assert.Contains("developer", finding.Hint);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":42}]}""", "is a number")]
    [InlineData("""{"messages":[{"role":"user","content":{"text":"a"}}]}""", "is a object")]
    [InlineData("""{"messages":[{"role":"user","content":null}]}""", "is null")]
    [InlineData("""{"messages":[{"role":"user"}]}""", "is missing")]
    [InlineData("""{"messages":[{"role":"user","content":[]}]}""", "empty array")]
    [InlineData("""{"messages":[{"role":"user","content":["a"]}]}""", "content[0] is a string")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "type \"image_url\"")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"a"}]}]}""", "no \"type\"")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "no string \"text\"")]
    public void Scan_ContentNotText_Error(string row, string problem)
    {
        var finding = Assert.Single(_files.Scan(row).Diagnostics);
        Assert.Equal(DatasetDiagnostics.ContentNotTextCode, finding.Code);
        Assert.Contains(problem, finding.Message);
        Assert.Contains("messages[0].content", finding.Message);
    }

    [Fact]
    public void Scan_TextPartsAndToolCallTurns_Accepted()
    {
        var row = """
            {"messages":[{"role":"user","content":[{"type":"text","text":"Weather in Oslo?"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"4 C"},{"role":"user","content":"And tomorrow?"}],"tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}]}
            """;
        Assert.Empty(_files.Scan(row).Diagnostics);
    }

    [Fact]
    public void Scan_LastMessageAssistant_SftHint()
    {
        var finding = Assert.Single(_files.Scan("""{"messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris"}]}""").Diagnostics);
        Assert.Equal(DatasetDiagnostics.LastMessageRoleCode, finding.Code);
        Assert.Contains("messages[1]", finding.Message);
        Assert.Contains("\"reference_answer\"", finding.Hint);
        Assert.Contains("{{item.reference_answer}}", finding.Hint);
        Assert.Equal(new SourcePosition(1, 61), finding.Position);
    }

    [Fact]
    public void Scan_LastMessageTool_Error()
    {
        var report = _files.Scan("""{"messages":[{"role":"user","content":"a"},{"role":"tool","content":"b"}]}""");
        var finding = Assert.Single(report.Diagnostics);
        Assert.Equal(DatasetDiagnostics.LastMessageRoleCode, finding.Code);
        Assert.Contains("\"tool\"", finding.Message);
    }

    [Fact]
    public void Scan_LastMessageDeveloper_Accepted()
    {
        Assert.Empty(_files.Scan("""{"messages":[{"role":"user","content":"a"},{"role":"developer","content":"b"}]}""").Diagnostics);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"tools":{"type":"function"}}""", "is a object")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"tools":[{"type":"function"},"x"]}""", "[1] is a string")]
    public void Scan_ToolsNotArrayOfObjects_Error(string row, string problem)
    {
        var finding = Assert.Single(_files.Scan(row).Diagnostics);
        Assert.Equal(DatasetDiagnostics.ToolsNotArrayCode, finding.Code);
        Assert.Contains(problem, finding.Message);
    }

    [Fact]
    public void Scan_LoneSurrogateEscape_Error()
    {
        var report = _files.Scan("""{"messages":[{"role":"user","content":"bad \ud800 here"}]}""" + "\n" +
            """{"messages":[{"role":"user","content":"ok \ud83d\ude00 pair"}]}""");
        var finding = Assert.Single(report.Diagnostics);
        Assert.Equal((DatasetDiagnostics.InvalidEscapeCode, 1), (finding.Code, finding.Position.Line));
        Assert.Contains("messages[0].content", finding.Message);
    }

    [Fact]
    public void Scan_LoneSurrogateEscape_FoundAlsoWhenHashing()
    {
        var report = _files.Scan("""{"messages":[{"role":"user","content":[{"type":"text","text":"\udc00"}]}]}""", collect: true);
        var finding = Assert.Single(report.Diagnostics);
        Assert.Contains("messages[0].content[0].text", finding.Message);
    }

    [Fact]
    public void Scan_FindingsPerCode_CappedWithSummary()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            text.Append("{not json}\n");
        }

        var report = _files.Scan(text.ToString());
        Assert.Equal(100, report.RowCount);
        Assert.Equal(DatasetDiagnostics.MaxPerCode + 1, report.Diagnostics.Count);
        var summary = report.Diagnostics[^1];
        Assert.Equal((DatasetDiagnostics.JsonSyntaxCode, DiagnosticSeverity.Error), (summary.Code, summary.Severity));
        Assert.Contains("80 more", summary.Message);
        Assert.Equal(20, report.Diagnostics[^2].Position.Line);
    }

    [Fact]
    public void Scan_RequiredPaths_MissingCountedWithFirstLines()
    {
        var rows = new StringBuilder();
        for (var i = 1; i <= 10; i++)
        {
            rows.Append(i % 3 == 0
                ? """{"messages":[{"role":"user","content":"q"}],"reference_answer":"x","meta":{"cities":["Oslo"]}}"""
                : """{"messages":[{"role":"user","content":"q"}],"capital":"x","meta":{"cities":[]}}""").Append('\n');
        }

        var report = _files.Scan(rows.ToString(),
            [Path("item.reference_answer"), Path("item.meta.cities[0]"), Path("item.capital"), Path("item.messages[0].content")]);
        Assert.Empty(report.Diagnostics);
        Assert.Equal(3, report.MissingKeys.Count);
        var answer = report.MissingKeys.Single(m => m.Path.Key == "reference_answer");
        Assert.Equal(7, answer.MissingCount);
        Assert.Equal([1, 2, 4, 5, 7], answer.FirstMissingLines);
        var city = report.MissingKeys.Single(m => m.Path.Key == "meta.cities[0]");
        Assert.Equal(7, city.MissingCount);
        var capital = report.MissingKeys.Single(m => m.Path.Key == "capital");
        Assert.Equal([3, 6, 9], capital.FirstMissingLines);
    }

    [Theory]
    [InlineData("""{"a":{"b":[{"c":null}]}}""", "item.a.b[0].c", true)]
    [InlineData("""{"a":{"b":[{"c":1}]}}""", "item.a.b[1].c", false)]
    [InlineData("""{"a":{"b":[{"c":1}]}}""", "item.a.b.c", false)]
    [InlineData("""{"a":"text"}""", "item.a.b", false)]
    [InlineData("""{"a":{"x":1,"b":2}}""", "item.a.b", true)]
    [InlineData("""{"a\u0062":1}""", "item.ab", true)]
    [InlineData("""{"a":{"b c":1}}""", "item.a[\"b c\"]", true)]
    public void Scan_RequiredPath_SameAnswerAsValuePath(string rowJson, string path, bool expected)
    {
        var valuePath = Path(path);
        using var document = System.Text.Json.JsonDocument.Parse(rowJson);
        Assert.Equal(expected, valuePath.TryResolve(document.RootElement, out _));

        var row = rowJson[..^1] + ""","messages":[{"role":"user","content":"q"}]}""";
        var report = _files.Scan(row, [valuePath]);
        Assert.Empty(report.Diagnostics);
        Assert.Equal(expected, report.MissingKeys.Count == 0);
    }

    [Fact]
    public void Scan_PromptHash_IgnoresKeyOrderWhitespaceAndEscapes()
    {
        var a = _files.Scan("""{"messages":[{"role":"user","content":"Capital of France?\n"}],"x":1}""", collect: true);
        var b = _files.Scan("""{ "x": 2, "messages": [ { "content": "Capital of Fr\u0061nce?\u000a", "role": "user" } ] }""", collect: true);
        var c = _files.Scan("""{"messages":[{"role":"user","content":[{"type":"text","text":"Capital of France?\n"}]}]}""", collect: true);
        var other = _files.Scan("""{"messages":[{"role":"developer","content":"Capital of France?\n"}]}""", collect: true);
        Assert.Single(a.Prompts.Hashes);
        Assert.Equal(a.Prompts.Hashes, b.Prompts.Hashes);
        Assert.Equal(a.Prompts.Hashes, c.Prompts.Hashes);
        Assert.NotEqual(a.Prompts.Hashes.Single(), other.Prompts.Hashes.Single());
    }

    [Theory]
    [InlineData(@"a/b", @"a\/b", true)]
    [InlineData(@"caf\u00e9", "café", true)]
    [InlineData(@"\ud83d\ude00!", "😀!", true)]
    [InlineData(@"x\u0008y", @"x\by", true)]
    [InlineData(@"\u0022q\u0022", @"\""q\""", true)]
    [InlineData(@"\u0001", @"\u0001", true)]
    [InlineData(@"\\u0041", "A", false)]
    [InlineData(@"\\u0041", @"\\u0041", true)]
    [InlineData(@"a\nb", @"a\\nb", false)]
    [InlineData("Paris", "paris", false)]
    public void Scan_PromptHash_SameTextSameHash(string jsonTextA, string jsonTextB, bool same)
    {
        var a = _files.Scan($$"""{"messages":[{"role":"user","content":"{{jsonTextA}}"}]}""", collect: true);
        var b = _files.Scan($$"""{"messages":[{"role":"user","content":"{{jsonTextB}}"}]}""", collect: true);
        Assert.Empty(a.Diagnostics);
        Assert.Empty(b.Diagnostics);
        Assert.Equal(same, a.Prompts.Hashes.Single() == b.Prompts.Hashes.Single());
    }

    [Fact]
    public void Scan_PromptHashesNotCollectedUnlessAsked()
    {
        Assert.Empty(_files.Scan(Good).Prompts.Hashes);
    }

    [Fact]
    public void Scan_Leakage_ReportsLinesWhosePromptIsInTheOtherFile()
    {
        var validation = _files.Scan($"{Good}\n", collect: true);
        var other = """{"messages":[{"role":"user","content":"Capital of Peru?"}],"reference_answer":"Lima"}""";
        var training = _files.Scan($"{other}\n{Good}\n{other}\n{Good}\n", find: validation.Prompts);
        Assert.Equal([2, 4], training.LeakedLines);
        Assert.Equal(2, training.LeakedCount);
        Assert.Empty(training.Prompts.Hashes);
    }

    [Fact]
    public void Scan_Cancelled_Throws()
    {
        var text = string.Concat(Enumerable.Repeat(Good + "\n", 10_000));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => _files.Scan(text, cancellationToken: cts.Token));
    }

    [Fact]
    public void Catalog_CodesUniqueAndEveryFactoryUsesACatalogCode()
    {
        var codes = DatasetDiagnostics.All.Select(c => c.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^RFT0[0-9][0-9]$", c));
        Assert.Contains(DatasetDiagnostics.LastMessageAssistant("f", 1, 1, 0).Code, codes);
    }

    [Fact]
    public void ChecksDoc_DocumentsEveryDatasetCode()
    {
        var readme = File.ReadAllText(FindUp("docs/checks.md"));
        var start = readme.IndexOf("## Dataset checks", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/checks.md has no '## Dataset checks' section");
        var end = readme.IndexOf("\n## ", start, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        Assert.All(DatasetDiagnostics.All, c => Assert.Contains(c.Code, section));
    }

    internal static ValuePath Path(string text)
    {
        var errors = new List<TemplateError>();
        var path = TemplateParser.ParsePath(text, 0, errors);
        Assert.Empty(errors);
        return path!;
    }

    private static string FindUp(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, name);
            if (File.Exists(candidate) && Directory.Exists(System.IO.Path.Combine(dir.FullName, "infra")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(name);
    }
}
