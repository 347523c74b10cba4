using RftInfra.Core.Validation;

namespace RftInfra.Core.Tests.Validation;

public class FormulaParserTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("0.3 * names_product + 0.7 * similarity", "names_product similarity")]
    [InlineData("max(a, b, c) - min(a, 1) ^ 2", "a b c")]
    [InlineData("-(a) / (1 + exp(-b))", "a b")]
    [InlineData("floor(ceil(log(sqrt(abs(x)))))", "x")]
    public void Parse_ValidFormula_ListsNames(string formula, string names)
    {
        var parse = FormulaParser.Parse(formula);
        Assert.True(parse.IsValid, parse.Error);
        Assert.Equal(names.Split(' '), parse.Names);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a +", "ends")]
    [InlineData("(a + b", "missing ')'")]
    [InlineData("a b", "unexpected 'b'")]
    [InlineData("pow(a, 2)", "'pow' is not a function")]
    [InlineData("sqrt(a, b)", "takes 1 argument")]
    [InlineData("a % b", "unexpected '%'")]
    [InlineData("1..2", "not a number")]
    public void Parse_InvalidFormula_SaysWhy(string formula, string expected)
    {
        var parse = FormulaParser.Parse(formula);
        Assert.False(parse.IsValid);
        Assert.Contains(expected, parse.Error, StringComparison.Ordinal);
    }
}
