using System.Globalization;
using System.Text;
using Dongming.Domain;

namespace Dongming.Quality;

/// <summary>An arithmetic operator of an indicator expression.</summary>
public enum ArithmeticOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>
/// An indicator expression: indicator codes, decimal constants, + − × ÷ and parentheses, such as
/// <c>pension_paid ÷ pension_recipients</c> or <c>livestock_cattle + livestock_sheep</c>. Immutable;
/// two expressions are equal when their trees are.
/// </summary>
public abstract record Expression
{
    private protected Expression()
    {
    }

    /// <summary>The codes the expression names, each once, in the order they first appear.</summary>
    public IReadOnlyList<string> Indicators
    {
        get
        {
            var codes = new List<string>();
            Collect(this, codes);
            return codes;

            static void Collect(Expression e, List<string> codes)
            {
                switch (e)
                {
                    case IndicatorExpression i when !codes.Contains(i.Code, StringComparer.Ordinal): codes.Add(i.Code); break;
                    case NegateExpression n: Collect(n.Operand, codes); break;
                    case BinaryExpression b: Collect(b.Left, codes); Collect(b.Right, codes); break;
                }
            }
        }
    }

    /// <summary>
    /// The exact value for the figures of one org unit and period, or why there is none: an operand without a
    /// value (every such code is named) or a divisor that is zero. Never throws for missing data.
    /// </summary>
    public ExpressionValue Evaluate(Func<string, decimal?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        // One pass: each code is looked up once; missing codes are all collected, and they take precedence over
        // a zero divisor (with a figure missing, whether the divisor is 0 is not known).
        List<string>? missing = null;
        string? zeroDivisor = null;
        var value = Compute(this);
        if (missing is not null) return ExpressionValue.Missing(missing);
        return zeroDivisor is not null ? ExpressionValue.DividedByZero(zeroDivisor) : ExpressionValue.Of(value!.Value);

        Rational? Compute(Expression e)
        {
            switch (e)
            {
                case NumberExpression n: return n.Value;
                case IndicatorExpression i:
                    if (values(i.Code) is { } v) return v;
                    missing ??= [];
                    if (!missing.Contains(i.Code, StringComparer.Ordinal)) missing.Add(i.Code);
                    return null;
                case NegateExpression n: return -Compute(n.Operand);
                case BinaryExpression b:
                    var l = Compute(b.Left);
                    var r = Compute(b.Right);
                    if (l is not { } left || r is not { } right) return null;
                    switch (b.Operator)
                    {
                        case ArithmeticOperator.Add: return left + right;
                        case ArithmeticOperator.Subtract: return left - right;
                        case ArithmeticOperator.Multiply: return left * right;
                        default:
                            if (!right.IsZero) return left / right;
                            zeroDivisor ??= b.Right.ToString();
                            return null;
                    }
                default: throw new InvalidOperationException($"unknown expression node {e.GetType().Name}");
            }
        }
    }

    /// <summary>Canonical text (× ÷ −, parentheses only where the tree needs them); parses back to an equal tree.</summary>
    public sealed override string ToString()
    {
        var text = new StringBuilder();
        Write(this, text);
        return text.ToString();

        static void Write(Expression e, StringBuilder text)
        {
            switch (e)
            {
                case NumberExpression n: text.Append(ExactDecimal.Format(n.Value)); break;
                case IndicatorExpression i: text.Append(i.Code); break;
                case NegateExpression n:
                    text.Append('−');
                    WriteChild(n.Operand, n.Operand is BinaryExpression or NegateExpression, text);
                    break;
                case BinaryExpression b:
                    var precedence = Precedence(b.Operator);
                    // A left child of lower precedence, and a right child of lower or equal precedence, keep their
                    // parentheses: a − (b − c) and a + (b + c) are other trees than a − b − c and a + b + c.
                    WriteChild(b.Left, b.Left is BinaryExpression l && Precedence(l.Operator) < precedence, text);
                    text.Append(b.Operator switch
                    {
                        ArithmeticOperator.Add => " + ",
                        ArithmeticOperator.Subtract => " − ",
                        ArithmeticOperator.Multiply => " × ",
                        _ => " ÷ ",
                    });
                    WriteChild(b.Right, b.Right is BinaryExpression r && Precedence(r.Operator) <= precedence, text);
                    break;
            }
        }

        static void WriteChild(Expression child, bool parenthesize, StringBuilder text)
        {
            if (parenthesize) text.Append('(');
            Write(child, text);
            if (parenthesize) text.Append(')');
        }
    }

    internal static int Precedence(ArithmeticOperator op) => op is ArithmeticOperator.Add or ArithmeticOperator.Subtract ? 1 : 2;
}

/// <summary>A decimal constant (non-negative as written; a minus sign is <see cref="NegateExpression"/>).</summary>
public sealed record NumberExpression(decimal Value) : Expression;

/// <summary>The figure of an indicator for the org unit and period being checked.</summary>
public sealed record IndicatorExpression(string Code) : Expression;

/// <summary>−operand.</summary>
public sealed record NegateExpression(Expression Operand) : Expression;

/// <summary>left op right.</summary>
public sealed record BinaryExpression(ArithmeticOperator Operator, Expression Left, Expression Right) : Expression;

/// <summary>
/// The value of an expression, or why it has none: <see cref="MissingIndicators"/> (no figure held) or
/// <see cref="ZeroDivisor"/> (the text of a divisor that is 0). Exactly one of the three is set.
/// </summary>
public sealed record ExpressionValue(Rational? Value, IReadOnlyList<string> MissingIndicators, string? ZeroDivisor)
{
    public static ExpressionValue Of(Rational value) => new(value, [], null);

    public static ExpressionValue Missing(IReadOnlyList<string> codes) => new(null, codes, null);

    public static ExpressionValue DividedByZero(string divisor) => new(null, [], divisor);

    /// <summary>Why there is no value, for a clerk; null when there is one.</summary>
    public string? Reason => Value is not null ? null
        : MissingIndicators.Count > 0 ? $"no value for {string.Join(", ", MissingIndicators)}"
        : $"division by zero ({ZeroDivisor} is 0)";
}

/// <summary>
/// Parses indicator expressions. Hand-written recursive descent (four operators and parentheses need no
/// parser generator), with errors that say where (the character, counted from 1) and what was expected.
/// Accepts ASCII and the symbols a clerk's input method gives: + ＋, - − －, * ×, / ÷, ( （, ) ）, and the
/// ideographic space.
/// </summary>
public static class ExpressionParser
{
    /// <summary>
    /// Longest expression text: room for a has-parts identity of the most parts a catalog allows
    /// (<c>ValueRange.MaxLeafParts</c> codes of up to 64 characters, src/Dongming.Domain/ValueRange.cs).
    /// </summary>
    public const int MaxLength = 8000;

    /// <summary>Deepest nesting of parentheses and signs (keeps evaluation off deep recursion).</summary>
    public const int MaxDepth = 32;

    /// <summary>Parses <paramref name="text"/>; on failure says where and what was expected.</summary>
    public static bool TryParse(string? text, out Expression? expression, out string error)
    {
        expression = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text)) { error = "is required (an expression such as \"pension_paid ÷ pension_recipients\")"; return false; }
        if (text.Length > MaxLength) { error = $"must be at most {MaxLength} characters"; return false; }
        try
        {
            var parser = new Parser(Tokenize(text));
            expression = parser.ParseAll();
            return true;
        }
        catch (SyntaxError e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Parses or records a violation for <paramref name="field"/>; with a catalog, also records every code
    /// it does not hold (all of them, with where each appears).
    /// </summary>
    public static Expression? Parse(Violations v, string field, string? text, IndicatorCatalog? catalog = null)
    {
        if (!TryParse(text, out var expression, out var error))
        {
            v.Add(field, error);
            return null;
        }
        if (catalog is not null)
        {
            var unknown = Tokenize(text!).Where(t => t.Kind == TokenKind.Code && !catalog.Contains(t.Text))
                .GroupBy(t => t.Text, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                v.Add(field, string.Join("; ", unknown.Select(g => $"unknown indicator {g.Key} (at character {g.First().Position})")));
                return null;
            }
        }
        return expression;
    }

    private enum TokenKind
    {
        Number,
        Code,
        Plus,
        Minus,
        Times,
        Divide,
        Open,
        Close,
        End,
    }

    private sealed record Token(TokenKind Kind, string Text, int Position, decimal Value = 0)
    {
        public string Describe() => Kind == TokenKind.End ? "the end of the expression" : $"'{Text}'";
    }

    private sealed class SyntaxError(int position, string message) : Exception($"at character {position}: {message}");

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var position = i + 1;
            if (c is ' ' or '\u3000') { i++; continue; }
            var single = c switch
            {
                '+' or '＋' => TokenKind.Plus,
                '-' or '−' or '－' => TokenKind.Minus,
                '*' or '×' => TokenKind.Times,
                '/' or '÷' => TokenKind.Divide,
                '(' or '（' => TokenKind.Open,
                ')' or '）' => TokenKind.Close,
                _ => TokenKind.End,
            };
            if (single != TokenKind.End)
            {
                tokens.Add(new Token(single, c.ToString(), position));
                i++;
                continue;
            }
            if (char.IsAsciiDigit(c) || c == '.')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
                var number = text[start..i];
                if (!ExactDecimal.TryParse(number, out var value, out var why))
                    throw new SyntaxError(position, $"{number} is not a number: {why}");
                tokens.Add(new Token(TokenKind.Number, number, position, value));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                var code = text[start..i];
                if (!Text.IsCode(code))
                    throw new SyntaxError(position, $"{code} is not an indicator code (2..64 characters of a-z, 0-9 and '_', starting with a letter)");
                tokens.Add(new Token(TokenKind.Code, code, position));
                continue;
            }
            var shown = char.IsControl(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : c.ToString();
            throw new SyntaxError(position, $"unexpected character '{shown}' (expected an indicator code, a number, + − × ÷ or parentheses)");
        }
        tokens.Add(new Token(TokenKind.End, string.Empty, text.Length + 1));
        return tokens;
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _next;
        private int _depth;

        private Token Peek => tokens[_next];

        public Expression ParseAll()
        {
            var e = ParseSum();
            if (Peek.Kind == TokenKind.Close) throw new SyntaxError(Peek.Position, "')' closes no '('");
            if (Peek.Kind != TokenKind.End) throw new SyntaxError(Peek.Position, $"expected an operator (+ − × ÷) or the end but found {Peek.Describe()}");
            return e;
        }

        private Expression ParseSum()
        {
            var left = ParseProduct();
            while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
            {
                var op = tokens[_next++].Kind == TokenKind.Plus ? ArithmeticOperator.Add : ArithmeticOperator.Subtract;
                left = new BinaryExpression(op, left, ParseProduct());
            }
            return left;
        }

        private Expression ParseProduct()
        {
            var left = ParseUnary();
            while (Peek.Kind is TokenKind.Times or TokenKind.Divide)
            {
                var op = tokens[_next++].Kind == TokenKind.Times ? ArithmeticOperator.Multiply : ArithmeticOperator.Divide;
                left = new BinaryExpression(op, left, ParseUnary());
            }
            return left;
        }

        private Expression ParseUnary()
        {
            var token = Peek;
            switch (token.Kind)
            {
                case TokenKind.Minus:
                    _next++;
                    Enter(token);
                    var operand = ParseUnary();
                    _depth--;
                    return new NegateExpression(operand);
                case TokenKind.Number:
                    _next++;
                    return new NumberExpression(token.Value);
                case TokenKind.Code:
                    _next++;
                    return new IndicatorExpression(token.Text);
                case TokenKind.Open:
                    _next++;
                    Enter(token);
                    var inner = ParseSum();
                    if (Peek.Kind != TokenKind.Close)
                        throw new SyntaxError(Peek.Position, $"expected ')' to close the '(' at character {token.Position} but found {Peek.Describe()}");
                    _next++;
                    _depth--;
                    return inner;
                default:
                    throw new SyntaxError(token.Position, $"expected an indicator code, a number or '(' but found {token.Describe()}");
            }
        }

        private void Enter(Token token)
        {
            if (++_depth > MaxDepth)
                throw new SyntaxError(token.Position, string.Create(CultureInfo.InvariantCulture, $"nested more than {MaxDepth} levels deep"));
        }
    }
}
