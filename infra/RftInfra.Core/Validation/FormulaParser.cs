using System.Globalization;

namespace RftInfra.Core.Validation;

/// <summary>The result of parsing a multi grader's calculate_output: the names it reads, or the first syntax error.</summary>
public sealed record FormulaParse(IReadOnlyList<string> Names, string? Error, int ErrorOffset)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// Parses calculate_output (rft-api.md §3.4): numbers, sub-grader names, <c>+ - * / ^</c>, parentheses and the
/// functions min max abs floor ceil exp sqrt log. Only checks syntax and collects names; the grader engine evaluates.
/// </summary>
public static class FormulaParser
{
    public static readonly IReadOnlyDictionary<string, (int Min, int Max)> Functions = new Dictionary<string, (int, int)>
    {
        ["min"] = (1, int.MaxValue), ["max"] = (1, int.MaxValue), ["abs"] = (1, 1), ["floor"] = (1, 1),
        ["ceil"] = (1, 1), ["exp"] = (1, 1), ["sqrt"] = (1, 1), ["log"] = (1, 1),
    };

    public static FormulaParse Parse(string formula)
    {
        var parser = new Parser(formula);
        try
        {
            parser.SkipSpaces();
            if (parser.AtEnd)
            {
                throw new FormatException("the formula is empty");
            }

            parser.Expression();
            parser.SkipSpaces();
            if (!parser.AtEnd)
            {
                throw new FormatException($"unexpected '{formula[parser.Position]}' at character {parser.Position + 1}");
            }

            return new FormulaParse(parser.Names.Distinct().ToList(), null, -1);
        }
        catch (FormatException e)
        {
            return new FormulaParse(parser.Names.Distinct().ToList(), e.Message, parser.Position);
        }
    }

    private sealed class Parser(string text)
    {
        public int Position;
        public readonly List<string> Names = [];

        public bool AtEnd => Position >= text.Length;

        public void SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(text[Position]))
            {
                Position++;
            }
        }

        public void Expression()
        {
            Term();
            while (TryOperator('+') || TryOperator('-'))
            {
                Term();
            }
        }

        private void Term()
        {
            Power();
            while (TryOperator('*') || TryOperator('/'))
            {
                Power();
            }
        }

        private void Power()
        {
            Unary();
            if (TryOperator('^'))
            {
                Power();
            }
        }

        private void Unary()
        {
            if (TryOperator('-') || TryOperator('+'))
            {
                Unary();
                return;
            }

            Primary();
        }

        private void Primary()
        {
            SkipSpaces();
            if (AtEnd)
            {
                throw new FormatException("the formula ends where a value was expected");
            }

            var c = text[Position];
            if (c == '(')
            {
                Position++;
                Expression();
                Expect(')');
                return;
            }

            if (char.IsDigit(c) || c == '.')
            {
                var start = Position;
                while (!AtEnd && (char.IsDigit(text[Position]) || text[Position] == '.'))
                {
                    Position++;
                }

                if (!double.TryParse(text[start..Position], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
                {
                    throw new FormatException($"'{text[start..Position]}' is not a number");
                }

                return;
            }

            if (char.IsLetter(c) || c == '_')
            {
                var start = Position;
                while (!AtEnd && (char.IsLetterOrDigit(text[Position]) || text[Position] == '_'))
                {
                    Position++;
                }

                var name = text[start..Position];
                SkipSpaces();
                if (!AtEnd && text[Position] == '(')
                {
                    if (!Functions.TryGetValue(name, out var arity))
                    {
                        Position = start;
                        throw new FormatException($"'{name}' is not a function (use min, max, abs, floor, ceil, exp, sqrt, log)");
                    }

                    Position++;
                    var count = 0;
                    SkipSpaces();
                    if (!AtEnd && text[Position] == ')')
                    {
                        Position++;
                    }
                    else
                    {
                        do
                        {
                            Expression();
                            count++;
                        }
                        while (TryOperator(','));

                        Expect(')');
                    }

                    if (count < arity.Min || count > arity.Max)
                    {
                        throw new FormatException($"{name}() takes {(arity.Min == arity.Max ? $"{arity.Min}" : $"at least {arity.Min}")} argument(s), got {count}");
                    }

                    return;
                }

                Names.Add(name);
                return;
            }

            throw new FormatException($"unexpected '{c}' at character {Position + 1}");
        }

        private bool TryOperator(char op)
        {
            SkipSpaces();
            if (!AtEnd && text[Position] == op)
            {
                Position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryOperator(c))
            {
                throw new FormatException(AtEnd ? $"missing '{c}' at the end" : $"expected '{c}' at character {Position + 1}");
            }
        }
    }
}
