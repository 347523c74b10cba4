using RftInfra.Graders.Evaluation;

namespace RftInfra.Core.Tests.Graders;

public class FormulaTests
{
    private static readonly Dictionary<string, double> Rewards = new() { ["a"] = 0.5, ["b"] = 0.25, ["exact_match"] = 1 };

    private static double Eval(string text)
    {
        var formula = Formula.TryParse(text, Rewards.Keys, out var error);
        Assert.True(formula is not null, error?.ToString());
        return formula.Evaluate(Rewards);
    }

    private static FormulaError Error(string text)
    {
        Assert.Null(Formula.TryParse(text, Rewards.Keys, out var error));
        return error!;
    }

    [Theory]
    [InlineData("a + b", 0.75)]
    [InlineData("a - b - b", 0.0)] // left-associative
    [InlineData("1 / 2 / 4", 0.125)] // left-associative
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("2 ^ 3 ^ 2", 512)] // right-associative: 2^9
    [InlineData("(2 ^ 3) ^ 2", 64)]
    [InlineData("-2 ^ 2", -4)] // ^ binds tighter than unary minus, as in Python
    [InlineData("2 ^ -1", 0.5)]
    [InlineData("--a", 0.5)]
    [InlineData("-(a + b)", -0.75)]
    [InlineData("2 * -b", -0.5)]
    [InlineData("0.3 * exact_match + 0.7 * a", 0.65)]
    [InlineData("min(a, b)", 0.25)]
    [InlineData("max(a, b, exact_match)", 1)]
    [InlineData("abs(b - a)", 0.25)]
    [InlineData("floor(2.7) + ceil(2.1)", 5)]
    [InlineData("floor(-0.5)", -1)]
    [InlineData("exp(0)", 1)]
    [InlineData("sqrt(b)", 0.5)]
    [InlineData("log(exp(2))", 2)]
    [InlineData("1e-1 * 10", 1)]
    [InlineData(".5 + a", 1)]
    [InlineData("  a*b  ", 0.125)]
    public void Evaluates_WithPrecedenceAndAssociativity(string text, double expected) =>
        Assert.Equal(expected, Eval(text), 12);

    [Fact]
    public void Names_AreTheGradersUsedInOrder()
    {
        var formula = Formula.TryParse("b * 2 + a + b", Rewards.Keys, out _);
        Assert.Equal(["b", "a"], formula!.Names);
    }

    [Theory]
    [InlineData("a + fuzzy", 5, "unknown name 'fuzzy'; the graders are: a, b, exact_match.")]
    [InlineData("a + ", 5, "the formula ends where a number, grader name or '(' is expected.")]
    [InlineData("(a + b", 7, "expected ')' to close the '(' at column 1.")]
    [InlineData("a + b)", 6, "')' has no matching '('.")]
    [InlineData("a b", 3, "unexpected 'b': expected an operator (+ - * / ^) or the end of the formula.")]
    [InlineData("a * * b", 5, "unexpected '*': expected a number, a grader name, a function or '('.")]
    [InlineData("avg(a, b)", 1, "unknown function 'avg'; the functions are: min, max, abs, floor, ceil, exp, sqrt, log.")]
    [InlineData("max(a)", 1, "max takes at least 2 arguments, got 1.")]
    [InlineData("sqrt(a, b)", 1, "sqrt takes exactly 1 argument, got 2.")]
    [InlineData("max(a, b", 9, "expected ',' or ')' in the arguments of max( at column 1.")]
    [InlineData("a + log", 5, "unknown name 'log' (log is a function: write log(...)); the graders are: a, b, exact_match.")]
    [InlineData("1.2.3", 1, "'1.2.3' is not a number.")]
    [InlineData("", 1, "the formula is empty: write an expression over the grader names, e.g. 0.5 * a + 0.5 * b.")]
    [InlineData("a % b", 3, "unexpected '%': expected an operator (+ - * / ^) or the end of the formula.")]
    public void Errors_HaveColumnAndClearMessage(string text, int column, string message)
    {
        var error = Error(text);
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void DivisionByZero_IsNaN()
    {
        var formula = Formula.TryParse("a / (b - b)", Rewards.Keys, out _);
        Assert.True(double.IsNaN(formula!.Evaluate(Rewards)));
    }
}
