using Dongming.Domain;
using FsCheck;
using FsCheck.Fluent;

namespace Dongming.Quality.Tests;

/// <summary>A figure in the value range: below 10^15, at most 4 decimals, either sign.</summary>
public readonly record struct Figure(decimal Value)
{
    public override string ToString() => ExactDecimal.Format(Value);
}

/// <summary>A small figure: below 10^6 with at most 4 decimals, so products stay within decimal's exact range.</summary>
public readonly record struct SmallFigure(decimal Value)
{
    public override string ToString() => ExactDecimal.Format(Value);
}

/// <summary>A random expression over the codes <see cref="Generators.Codes"/>, and figures for some of them.</summary>
public sealed record ExpressionCase(Expression Expression, IReadOnlyDictionary<string, decimal> Values)
{
    public override string ToString() => $"{Expression} with {string.Join(", ", Values.Select(kv => $"{kv.Key}={ExactDecimal.Format(kv.Value)}"))}";
}

/// <summary>FsCheck generators of the quality tests.</summary>
public static class Generators
{
    public static readonly string[] Codes = ["aa", "bb", "cc", "dd", "ee"];

    public static Gen<decimal> Decimal(int maxIntegerDigits) =>
        from integerDigits in Gen.Choose(0, maxIntegerDigits)
        from high in Gen.Choose(0, 999_999)
        from low in Gen.Choose(0, 999_999_999)
        from fraction in Gen.Choose(0, 9_999)
        from scale in Gen.Choose(0, 4)
        from negative in Gen.Elements(false, true)
        from special in Gen.Frequency((8, Gen.Constant((decimal?)null)), (1, Gen.Elements<decimal?>(0m, 1m, -1m, 0.0001m)))
        select special ?? Make(integerDigits, high, low, fraction, scale, negative);

    private static decimal Make(int integerDigits, int high, int low, int fraction, int scale, bool negative)
    {
        var integer = (high * 1_000_000_000m + low) % Pow10(integerDigits);
        var value = integer + decimal.Round(fraction / 10_000m, scale);
        return negative ? -value : value;
    }

    private static decimal Pow10(int n)
    {
        var p = 1m;
        for (var i = 0; i < n; i++) p *= 10;
        return p;
    }

    public static Arbitrary<Figure> Figure() => Arb.From(Decimal(15).Select(d => new Figure(d)));

    public static Arbitrary<SmallFigure> SmallFigure() => Arb.From(Decimal(6).Select(d => new SmallFigure(d)));

    public static Arbitrary<ExpressionCase> ExpressionCase() => Arb.From(
        from expression in Expression(4)
        from held in Gen.SubListOf(Codes)
        from values in Gen.CollectToList(held, _ => Decimal(6))
        select new ExpressionCase(expression, held.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)));

    private static Gen<Expression> Expression(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Elements(Codes).Select(c => (Expression)new IndicatorExpression(c)),
            Decimal(4).Select(d => (Expression)new NumberExpression(decimal.Abs(d))));
        if (depth == 0) return leaf;
        var inner = Expression(depth - 1);
        return Gen.Frequency(
            (2, leaf),
            (1, inner.Select(e => (Expression)new NegateExpression(e))),
            (4, from op in Gen.Elements(ArithmeticOperator.Add, ArithmeticOperator.Subtract, ArithmeticOperator.Multiply, ArithmeticOperator.Divide)
                from left in inner
                from right in inner
                select (Expression)new BinaryExpression(op, left, right)));
    }
}
