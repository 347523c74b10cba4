using System.Globalization;

namespace RftInfra.Graders.Evaluation;

public sealed partial class Formula
{
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
