namespace RftInfra.Graders.Evaluation;

/// <summary>
/// A calculate_output problem at a 1-based column of the formula. <see cref="OverLimit"/> marks a formula that is
/// too long or nests too deep (<see cref="Formula.MaxLength"/>, <see cref="Formula.MaxDepth"/>), not a syntax error.
/// </summary>
public sealed record FormulaError(int Column, string Message, bool OverLimit = false)
{
    public override string ToString() => $"column {Column}: {Message}";
}

/// <summary>
/// A parsed multi-grader <c>calculate_output</c> (docs/service.md §3.4): numbers, grader names, <c>+ - * / ^</c>,
/// parentheses, unary minus and the functions min, max (two or more arguments), abs, floor, ceil, exp, sqrt,
/// log (one argument; log is the natural logarithm). Precedence from loosest: <c>+ -</c>, <c>* /</c>, unary
/// minus, <c>^</c> (right-associative, so <c>2^3^2</c> = 2^9 and <c>-2^2</c> = -4, as in Python, which the
/// service is written in). Hostile input is bounded: at most <see cref="MaxLength"/> characters and
/// <see cref="MaxDepth"/> levels of nesting (docs/limits-grading.md), so neither parsing nor evaluating can overflow the stack.
/// </summary>
public sealed partial class Formula
{
    private static readonly Dictionary<string, (int MinArgs, int MaxArgs, Func<double[], double> Apply)> Functions = new()
    {
        ["min"] = (2, int.MaxValue, a => a.Min()),
        ["max"] = (2, int.MaxValue, a => a.Max()),
        ["abs"] = (1, 1, a => Math.Abs(a[0])),
        ["floor"] = (1, 1, a => Math.Floor(a[0])),
        ["ceil"] = (1, 1, a => Math.Ceiling(a[0])),
        ["exp"] = (1, 1, a => Math.Exp(a[0])),
        ["sqrt"] = (1, 1, a => Math.Sqrt(a[0])),
        ["log"] = (1, 1, a => Math.Log(a[0])),
    };

    public static IReadOnlyCollection<string> FunctionNames => Functions.Keys;

    /// <summary>
    /// Longest formula accepted, in characters. The kit's own bound (the service documents none): a weighted sum of
    /// a hundred graders fits many times over, and a hostile one cannot make the parser or the messages huge.
    /// </summary>
    public const int MaxLength = 4096;

    /// <summary>
    /// Deepest nesting accepted: parentheses, function calls, unary signs and <c>^</c> chains each add a level. The
    /// parser and the evaluator recurse once per level, so this bound is what keeps them far from a stack overflow.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>The formula as shown in messages: at most 80 characters, so a huge one cannot flood a finding.</summary>
    public static string Excerpt(string text) => text.Length <= 80 ? text : text[..80] + $"… ({text.Length} characters)";

    private readonly Node _root;

    private Formula(string text, Node root, IReadOnlyList<string> names)
    {
        Text = text;
        _root = root;
        Names = names;
    }

    public string Text { get; }

    /// <summary>The grader names the formula reads, in order of first use.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Parses <paramref name="text"/>; every name must be one of <paramref name="graderNames"/>, or, when that is
    /// null, any name is accepted (syntax only: validation reports unknown names itself, with suggestions).
    /// </summary>
    public static Formula? TryParse(string text, IReadOnlyCollection<string>? graderNames, out FormulaError? error)
    {
        if (text.Length > MaxLength)
        {
            error = new FormulaError(MaxLength + 1,
                $"the formula is {text.Length} characters long; the limit is {MaxLength}.", OverLimit: true);
            return null;
        }

        var parser = new Parser(text, graderNames);
        try
        {
            var root = parser.ParseAll();
            error = null;
            return new Formula(text, root, parser.UsedNames);
        }
        catch (FormulaException e)
        {
            error = e.Error;
            return null;
        }
    }

    /// <summary>Evaluates with the sub-grader rewards; NaN or infinity (0/0, sqrt(-1), log(0)) is the caller's to report.</summary>
    public double Evaluate(IReadOnlyDictionary<string, double> rewards) => _root.Evaluate(rewards);

    private abstract record Node
    {
        public abstract double Evaluate(IReadOnlyDictionary<string, double> rewards);
    }

    private sealed record NumberNode(double Value) : Node
    {
        public override double Evaluate(IReadOnlyDictionary<string, double> rewards) => Value;
    }

    private sealed record NameNode(string Name) : Node
    {
        public override double Evaluate(IReadOnlyDictionary<string, double> rewards) => rewards[Name];
    }

    private sealed record NegateNode(Node Operand) : Node
    {
        public override double Evaluate(IReadOnlyDictionary<string, double> rewards) => -Operand.Evaluate(rewards);
    }

    private sealed record PowerNode(Node Base, Node Exponent) : Node
    {
        public override double Evaluate(IReadOnlyDictionary<string, double> rewards) =>
            Math.Pow(Base.Evaluate(rewards), Exponent.Evaluate(rewards));
    }

    /// <summary>A left-associative run <c>a + b - c</c> (or <c>* /</c>) kept flat, so a long sum is evaluated by a loop, not by recursion.</summary>
    private sealed record ChainNode(Node First, IReadOnlyList<(char Operator, Node Operand)> Rest) : Node
    {
        public override double Evaluate(IReadOnlyDictionary<string, double> rewards)
        {
            var value = First.Evaluate(rewards);
            foreach (var (op, operand) in Rest)
            {
                var r = operand.Evaluate(rewards);
                value = op switch
                {
                    '+' => value + r,
                    '-' => value - r,
                    '*' => value * r,
                    _ => r == 0 ? double.NaN : value / r,
                };
            }

            return value;
        }
    }

    private sealed record CallNode(Func<double[], double> Apply, IReadOnlyList<Node> Arguments) : Node
    {
        public override double Evaluate(IReadOnlyDictionary<string, double> rewards) =>
            Apply(Arguments.Select(a => a.Evaluate(rewards)).ToArray());
    }

    private sealed class FormulaException(FormulaError error) : Exception(error.Message)
    {
        public FormulaError Error { get; } = error;
    }
}
