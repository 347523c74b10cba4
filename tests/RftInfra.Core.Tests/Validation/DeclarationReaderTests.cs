using RftInfra.Declarations;
using RftInfra.Diagnostics;

namespace RftInfra.Core.Tests.Validation;

public class DeclarationReaderTests
{
    [Fact]
    public void Json_SyntaxError_HasLineAndColumn()
    {
        var document = DeclarationReader.Read("{\n  \"type\": \"string_check\",\n  \"name\" \"a\"\n}\n", "graders/a.json", yaml: false);
        Assert.Null(document.Root);
        var error = Assert.Single(document.Diagnostics);
        Assert.Equal("RFT300", error.Code);
        Assert.Equal("graders/a.json", error.File);
        Assert.Equal(3, error.Position.Line);
        Assert.True(error.Position.Column > 1);
        Assert.DoesNotContain("Path '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_Truncated_ReportsEndOfFile()
    {
        var document = DeclarationReader.Read("{\n  \"type\": \"multi\",\n  \"graders\": {\n", "graders/a.json", yaml: false);
        var error = Assert.Single(document.Diagnostics);
        Assert.Equal("RFT300", error.Code);
        Assert.True(error.Position.Line >= 3, error.ToString());
    }

    [Fact]
    public void Yaml_SyntaxError_HasLineAndColumn()
    {
        var document = DeclarationReader.Read("name: qa\nmodel: o4-mini\n  region: eastus2\n", "jobs/qa.yaml", yaml: true);
        Assert.Null(document.Root);
        var error = Assert.Single(document.Diagnostics);
        Assert.Equal("RFT300", error.Code);
        Assert.Equal(3, error.Position.Line);
    }

    [Fact]
    public void Yaml_UnclosedQuote_IsSyntaxError()
    {
        var document = DeclarationReader.Read("name: \"qa\nmodel: o4-mini\n", "jobs/qa.yaml", yaml: true);
        Assert.Equal("RFT300", Assert.Single(document.Diagnostics).Code);
    }

    [Fact]
    public void Yaml_PositionsOfKeysAndValues()
    {
        var document = DeclarationReader.Read("# comment\nname: qa\nhyperparameters:\n  n_epochs: 3\nlist:\n  - a\n  - b: 1\n", "jobs/qa.yaml", yaml: true);
        Assert.Empty(document.Diagnostics);
        Assert.Equal(new SourcePosition(2, 7), document.Positions.Value("name"));
        Assert.Equal(new SourcePosition(2, 1), document.Positions.Key("name"));
        Assert.Equal(new SourcePosition(4, 13), document.Positions.Value("hyperparameters.n_epochs"));
        Assert.Equal(new SourcePosition(4, 3), document.Positions.Key("hyperparameters.n_epochs"));
        Assert.Equal(new SourcePosition(7, 8), document.Positions.Value("list[1].b"));
        Assert.Equal(new SourcePosition(4, 13), document.Positions.Value("hyperparameters.n_epochs.missing"));
    }

    [Fact]
    public void Json_PositionsOfKeysAndValues()
    {
        var document = DeclarationReader.Read("{\n  \"name\": \"qa\",\n  \"range\": [0, 5],\n  \"n\": 12\n}", "graders/a.json", yaml: false);
        Assert.Empty(document.Diagnostics);
        Assert.Equal(new SourcePosition(2, 11), document.Positions.Value("name"));
        Assert.Equal(new SourcePosition(2, 3), document.Positions.Key("name"));
        Assert.Equal(new SourcePosition(3, 16), document.Positions.Value("range[1]"));
        Assert.Equal(new SourcePosition(4, 8), document.Positions.Value("n"));
    }

    [Fact]
    public void Yaml_ScalarTypes_FollowTheCoreSchema()
    {
        var document = DeclarationReader.Read("a: 3\nb: 0.5\nc: auto\nd: \"3\"\ne: true\nf: ~\ng: 1e3\nh: 2025-04-16\n", "x.yaml", yaml: true);
        var o = document.Object!;
        Assert.Equal(3.0, o["a"]!.GetValue<double>());
        Assert.Equal(0.5, o["b"]!.GetValue<double>());
        Assert.Equal("auto", o["c"]!.GetValue<string>());
        Assert.Equal("3", o["d"]!.GetValue<string>());
        Assert.True(o["e"]!.GetValue<bool>());
        Assert.Null(o["f"]);
        Assert.Equal(1000.0, o["g"]!.GetValue<double>());
        Assert.Equal("2025-04-16", o["h"]!.GetValue<string>());
    }

    [Fact]
    public void DuplicateKey_ReportedAtTheSecondKey()
    {
        var yaml = DeclarationReader.Read("name: a\nmodel: x\nname: b\n", "jobs/a.yaml", yaml: true);
        var finding = Assert.Single(yaml.Diagnostics);
        Assert.Equal("RFT303", finding.Code);
        Assert.Equal(new SourcePosition(3, 1), finding.Position);

        var json = DeclarationReader.Read("{\"name\": \"a\",\n \"name\": \"b\"}", "jobs/a.json", yaml: false);
        Assert.Equal("RFT303", Assert.Single(json.Diagnostics).Code);
    }

    [Fact]
    public void EmptyAndMultiDocumentFiles_Reported()
    {
        Assert.Equal("RFT302", Assert.Single(DeclarationReader.Read("  \n", "jobs/a.yaml", yaml: true).Diagnostics).Code);
        Assert.Equal("RFT302", Assert.Single(DeclarationReader.Read("# only a comment\n", "jobs/a.yaml", yaml: true).Diagnostics).Code);
        var two = DeclarationReader.Read("name: a\n---\nname: b\n", "jobs/a.yaml", yaml: true);
        Assert.Equal("RFT300", Assert.Single(two.Diagnostics).Code);
    }

    [Fact]
    public void Yaml_AnchorsAndAliases_Resolved()
    {
        var document = DeclarationReader.Read("base: &b {n_epochs: 2}\nhyperparameters: *b\n", "x.yaml", yaml: true);
        Assert.Empty(document.Diagnostics);
        Assert.Equal(2.0, document.Object!["hyperparameters"]!["n_epochs"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("x.json", "{\r\n  \"n\": 2,\r\n  \"name\": \"qa\"\r\n}\r\n", 3, 11)]
    [InlineData("x.yaml", "n: 2\r\nname: qa\r\n", 2, 7)]
    public void ByteOrderMarkAndCrLf_Accepted(string name, string text, int line, int column)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + name);
        File.WriteAllText(path, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            var document = DeclarationReader.ReadFile(path, name);
            Assert.Empty(document.Diagnostics);
            Assert.Equal("qa", document.Object!["name"]!.GetValue<string>());
            Assert.Equal(new SourcePosition(line, column), document.Positions.Value("name"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFile_IsUnreadableFinding()
    {
        var document = DeclarationReader.ReadFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".yaml"), "jobs/gone.yaml");
        Assert.Equal("RFT301", Assert.Single(document.Diagnostics).Code);
    }

    [Theory]
    [InlineData("{\"a\": [1, 2 3]}", false)]
    [InlineData("{\"a\": \"\\u12\"}", false)]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", false)]
    [InlineData("a: [1, 2\nb: {", true)]
    [InlineData("a: *nowhere\n", true)]
    [InlineData("a: b: c\n", true)]
    public void BadInput_NeverThrows_AlwaysNamesALine(string text, bool yaml)
    {
        var document = DeclarationReader.Read(text, "x", yaml);
        var finding = Assert.Single(document.Diagnostics);
        Assert.Equal("RFT300", finding.Code);
        Assert.True(finding.Position.Line >= 1, finding.ToString());
    }
}
