using System.Globalization;

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
/// A parsed multi-grader <c>calculate_output</c> (rft-api.md §3.4): numbers, grader names, <c>+ - * / ^</c>,
/// parentheses, unary minus and the functions min, max (two or more arguments), abs, floor, ceil, exp, sqrt,
/// log (one argument; log is the natural logarithm). Precedence from loosest: <c>+ -</c>, <c>* /</c>, unary
/// minus, <c>^</c> (right-associative, so <c>2^3^2</c> = 2^9 and <c>-2^2</c> = -4, as in Python, which the
/// service is written in). Hostile input is bounded: at most <see cref="MaxLength"/> characters and
/// <see cref="MaxDepth"/> levels of nesting (docs/limits-grading.md), so neither parsing nor evaluating can overflow the stack.
/// </summary>
public sealed class Formula
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

    /// <summary>Recursive descent over the characters; positions are kept for messages.</summary>
    private sealed class Parser(string text, IReadOnlyCollection<string>? graderNames)
    {
        private int _pos;
        private int _depth;

        public List<string> UsedNames { get; } = [];

        public Node ParseAll()
        {
            SkipSpaces();
            if (_pos >= text.Length)
            {
                throw Fail(_pos, "the formula is empty: write an expression over the grader names, e.g. 0.5 * a + 0.5 * b.");
            }

            var node = ParseSum();
            SkipSpaces();
            if (_pos < text.Length)
            {
                throw Fail(_pos, text[_pos] == ')'
                    ? "')' has no matching '('."
                    : $"unexpected '{text[_pos]}': expected an operator (+ - * / ^) or the end of the formula.");
            }

            return node;
        }

        private Node ParseSum()
        {
            Enter();
            var first = ParseProduct();
            var rest = new List<(char, Node)>();
            while (Peek() is '+' or '-')
            {
                var op = text[_pos++];
                rest.Add((op, ParseProduct()));
            }

            _depth--;
            return rest.Count == 0 ? first : new ChainNode(first, rest);
        }

        private Node ParseProduct()
        {
            var first = ParseUnary();
            var rest = new List<(char, Node)>();
            while (Peek() is '*' or '/')
            {
                var op = text[_pos++];
                rest.Add((op, ParseUnary()));
            }

            return rest.Count == 0 ? first : new ChainNode(first, rest);
        }

        private Node ParseUnary()
        {
            if (Peek() is '-' or '+')
            {
                var negate = text[_pos++] == '-';
                Enter();
                var operand = ParseUnary();
                _depth--;
                return negate ? new NegateNode(operand) : operand;
            }

            return ParsePower();
        }

        private Node ParsePower()
        {
            var node = ParsePrimary();
            if (Peek() == '^')
            {
                _pos++;
                // The exponent may itself be negative (2^-1) or another power (right-associative).
                Enter();
                node = new PowerNode(node, ParseUnary());
                _depth--;
            }

            return node;
        }

        /// <summary>One level deeper (a parenthesis, call argument, sign or exponent); past <see cref="MaxDepth"/> a limit error.</summary>
        private void Enter()
        {
            if (++_depth > MaxDepth)
            {
                throw new FormulaException(new FormulaError(_pos + 1,
                    $"the formula nests deeper than {MaxDepth} levels (parentheses, function calls, signs and ^ each add one); write it flatter.",
                    OverLimit: true));
            }
        }

        private Node ParsePrimary()
        {
            var c = Peek();
            var start = _pos;
            if (c is null)
            {
                throw Fail(_pos, "the formula ends where a number, grader name or '(' is expected.");
            }

            if (c == '(')
            {
                _pos++;
                var inner = ParseSum();
                if (Peek() != ')')
                {
                    throw Fail(_pos, $"expected ')' to close the '(' at column {start + 1}.");
                }

                _pos++;
                return inner;
            }

            if (char.IsDigit(c.Value) || c == '.')
            {
                return ParseNumber();
            }

            if (char.IsLetter(c.Value) || c == '_')
            {
                var name = ReadName();
                if (Peek() == '(')
                {
                    return ParseCall(name, start);
                }

                if (graderNames is not null && !graderNames.Contains(name))
                {
                    var hint = Functions.ContainsKey(name) ? $" ({name} is a function: write {name}(...))" : "";
                    throw Fail(start, $"unknown name '{name}'{hint}; the graders are: {string.Join(", ", graderNames)}.");
                }

                if (!UsedNames.Contains(name))
                {
                    UsedNames.Add(name);
                }

                return new NameNode(name);
            }

            throw Fail(_pos, $"unexpected '{c}': expected a number, a grader name, a function or '('.");
        }

        private Node ParseCall(string name, int start)
        {
            if (!Functions.TryGetValue(name, out var function))
            {
                throw Fail(start, $"unknown function '{name}'; the functions are: {string.Join(", ", Functions.Keys)}.");
            }

            _pos++; // '('
            var arguments = new List<Node>();
            if (Peek() != ')')
            {
                arguments.Add(ParseSum());
                while (Peek() == ',')
                {
                    _pos++;
                    arguments.Add(ParseSum());
                }
            }

            if (Peek() != ')')
            {
                throw Fail(_pos, $"expected ',' or ')' in the arguments of {name}( at column {start + 1}.");
            }

            _pos++;
            if (arguments.Count < function.MinArgs || arguments.Count > function.MaxArgs)
            {
                var expected = function.MaxArgs == int.MaxValue
                    ? $"at least {function.MinArgs} arguments"
                    : function.MinArgs == 1 ? "exactly 1 argument" : $"exactly {function.MinArgs} arguments";
                throw Fail(start, $"{name} takes {expected}, got {arguments.Count}.");
            }

            return new CallNode(function.Apply, arguments);
        }

        private NumberNode ParseNumber()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] == '.'))
            {
                _pos++;
            }

            if (_pos < text.Length && text[_pos] is 'e' or 'E')
            {
                var save = _pos++;
                if (_pos < text.Length && text[_pos] is '+' or '-')
                {
                    _pos++;
                }

                if (_pos < text.Length && char.IsDigit(text[_pos]))
                {
                    while (_pos < text.Length && char.IsDigit(text[_pos]))
                    {
                        _pos++;
                    }
                }
                else
                {
                    _pos = save;
                }
            }

            var literal = text[start.._pos];
            if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw Fail(start, $"'{literal}' is not a number.");
            }

            return new NumberNode(value);
        }

        private string ReadName()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            return text[start.._pos];
        }

        /// <summary>The next non-space character (skipping spaces), or null at the end.</summary>
        private char? Peek()
        {
            SkipSpaces();
            return _pos < text.Length ? text[_pos] : null;
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private static FormulaException Fail(int offset, string message) => new(new FormulaError(offset + 1, message));
    }
}
