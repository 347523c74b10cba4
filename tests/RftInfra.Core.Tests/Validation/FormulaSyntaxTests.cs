using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Validation;

/// <summary>calculate_output in syntax-only mode, as validation uses it (any name accepted).</summary>
public class FormulaSyntaxTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("0.3 * names_product + 0.7 * similarity", "names_product similarity")]
    [InlineData("max(a, b, c) - min(a, 1) ^ 2", "a b c")]
    [InlineData("b * a + a", "b a")]
    [InlineData("-(a) / (1 + exp(-b))", "a b")]
    [InlineData("floor(ceil(log(sqrt(abs(x)))))", "x")]
    public void Parse_ValidFormula_ListsNames(string formula, string names)
    {
        var parsed = Formula.TryParse(formula, graderNames: null, out var error);
        Assert.True(parsed is not null, error?.ToString());
        Assert.Equal(names.Split(' '), parsed.Names);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a +", "ends")]
    [InlineData("(a + b", "expected ')' to close the '(' at column 1")]
    [InlineData("a b", "unexpected 'b'")]
    [InlineData("pow(a, 2)", "unknown function 'pow'")]
    [InlineData("sqrt(a, b)", "sqrt takes exactly 1 argument, got 2")]
    [InlineData("a % b", "unexpected '%'")]
    [InlineData("1..2", "not a number")]
    public void Parse_InvalidFormula_SaysWhy(string formula, string expected)
    {
        Assert.Null(Formula.TryParse(formula, graderNames: null, out var error));
        Assert.Contains(expected, error!.Message, StringComparison.Ordinal);
    }
}
