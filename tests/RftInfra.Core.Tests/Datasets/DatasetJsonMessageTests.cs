using RftInfra.Datasets;
using RftInfra.Json;

namespace RftInfra.Core.Tests.Datasets;

/// <summary>RFT004 speaks to the person who wrote the row, not to a programmer: never "Change the reader options."</summary>
public sealed class DatasetJsonMessageTests : IDisposable
{
    private const string Row = """{"messages":[{"role":"user","content":"q"}]""";
    private readonly DatasetFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(Row + ",\"a\":1,}", 51, "a comma before the closing '}' (JSON allows no comma after the last item)")]
    [InlineData(Row + ",\"a\":[1,2,]}", 54, "a comma before the closing ']' (JSON allows no comma after the last item)")]
    [InlineData(Row + "} x", 46, "'x' after the end of the JSON value (one JSON value per line; nothing may follow it)")]
    [InlineData("{'messages': []}", 2, "a property name in single quotes (JSON takes double quotes: \"name\")")]
    [InlineData(Row + ",\"a\": NaN}", 50, "NaN or Infinity (not JSON numbers; write a number or null)")]
    [InlineData(Row + ",\"a\": True}", 50, "True or False (JSON writes true, false and null in lower case)")]
    [InlineData(Row + " // note", 45, "a comment (JSON has no comments)")]
    [InlineData(Row + " \"a\": 1}", 45, "'\"' after a value where ',' or the closing '}' or ']' should be (a missing comma?)")]
    public void SyntaxError_OurOwnWords_AtLineAndColumn(string line, int column, string expected)
    {
        var finding = Assert.Single(_files.Scan(line + "\n").Diagnostics);

        Assert.Equal((DatasetDiagnostics.JsonSyntaxCode, 1, column), (finding.Code, finding.Position.Line, finding.Position.Column));
        Assert.Equal($"Line 1 is not valid JSON: {expected}", finding.Message);
        Assert.DoesNotContain("reader options", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownReaderMessage_KeepsItsTextWithoutPositionOrOptionsAdvice()
    {
        Assert.Equal("Invalid leading zero before '1'", JsonSyntaxMessage.From("Invalid leading zero before '1'. LineNumber: 0 | BytePositionInLine: 7."));
        Assert.Equal("The JSON thing contains a trailing nothing at the end",
            JsonSyntaxMessage.From("The JSON thing contains a trailing nothing at the end which is not supported in this mode. Change the reader options."));
    }
}
