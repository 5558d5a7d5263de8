using Dongming.Domain;
using FsCheck.Xunit;
using static Dongming.Quality.Tests.TestData;

namespace Dongming.Quality.Tests;

/// <summary>Properties of the exact evaluator: arithmetic identities, agreement with decimal, skipping instead of failing.</summary>
[Properties(Arbitrary = [typeof(Generators)], MaxTest = 300)]
public class EvaluatorProperties
{
    private static readonly IndicatorCatalog Catalog = Catalog5();

    private static IndicatorCatalog Catalog5()
    {
        var c = IndicatorCatalog.Empty;
        foreach (var code in Generators.Codes) c = c.With(new IndicatorDefinition(code, code, code, "mu", "test", IndicatorKind.Stock, EnteredAt.Village, null), seeding: true);
        return c;
    }

    private static Rational? Value(string expression, params (string Code, decimal Value)[] values)
    {
        Assert.True(ExpressionParser.TryParse(expression, out var e, out var error), error);
        var held = Values(values);
        return e!.Evaluate(code => held.TryGetValue(code, out var v) ? v : null).Value;
    }

    [Property]
    public bool AddThenSubtract_GivesBackTheFigure(Figure a, Figure b) =>
        Value("aa + bb − bb", ("aa", a.Value), ("bb", b.Value)) == Rational.FromDecimal(a.Value);

    [Property]
    public bool DivideThenMultiply_GivesBackTheFigure(Figure a, Figure b) =>
        b.Value == 0
            ? Value("aa ÷ bb × bb", ("aa", a.Value), ("bb", b.Value)) is null
            : Value("aa ÷ bb × bb", ("aa", a.Value), ("bb", b.Value)) == Rational.FromDecimal(a.Value);

    [Property]
    public bool Sum_AgreesWithDecimal(Figure a, Figure b) =>
        Value("aa + bb", ("aa", a.Value), ("bb", b.Value)) == Rational.FromDecimal(a.Value + b.Value);

    [Property]
    public bool Product_AgreesWithDecimal(SmallFigure a, SmallFigure b) =>
        Value("aa × bb", ("aa", a.Value), ("bb", b.Value)) == Rational.FromDecimal(a.Value * b.Value);

    [Property]
    public bool Quotient_IsTheExactFraction(Figure a, Figure b) =>
        b.Value == 0 || Value("aa ÷ bb", ("aa", a.Value), ("bb", b.Value)) * Rational.FromDecimal(b.Value) == Rational.FromDecimal(a.Value);

    [Property]
    public bool Comparisons_AgreeWithDecimalComparison(Figure a, Figure b)
    {
        var figures = Figures("datai", Values(("aa", a.Value), ("bb", b.Value)));
        foreach (var (op, expected) in new (RuleOperator, bool)[]
        {
            (RuleOperator.Equal, a.Value == b.Value), (RuleOperator.NotEqual, a.Value != b.Value),
            (RuleOperator.Less, a.Value < b.Value), (RuleOperator.LessOrEqual, a.Value <= b.Value),
            (RuleOperator.Greater, a.Value > b.Value), (RuleOperator.GreaterOrEqual, a.Value >= b.Value),
        })
        {
            var rule = ValidationRules.Compile(Catalog, new ValidationRule("cmp", "比较", "aa", op, "bb", null, Importance.Low, null, RuleScope.Both));
            if (ValidationRules.Evaluate(rule, figures).Status != (expected ? RuleStatus.Passed : RuleStatus.Violated)) return false;
        }
        return true;
    }

    [Property]
    public bool EqualWithin_AgreesWithDecimalDifference(SmallFigure a, SmallFigure b, SmallFigure tolerance)
    {
        var t = decimal.Abs(tolerance.Value);
        var rule = ValidationRules.Compile(Catalog, new ValidationRule("near", "近似", "aa", RuleOperator.EqualWithin, "bb", t, Importance.Low, null, RuleScope.Both));
        var outcome = ValidationRules.Evaluate(rule, Figures("datai", Values(("aa", a.Value), ("bb", b.Value))));
        return outcome.Status == (decimal.Abs(a.Value - b.Value) <= t ? RuleStatus.Passed : RuleStatus.Violated);
    }

    /// <summary>Any expression, any figures held or not: a value, or a reason — never an exception, never a false alarm.</summary>
    [Property]
    public bool RandomExpression_GivesAValueOrAReason_NeverThrows(ExpressionCase c)
    {
        var value = c.Expression.Evaluate(code => c.Values.TryGetValue(code, out var v) ? v : null);
        var missing = c.Expression.Indicators.Where(code => !c.Values.ContainsKey(code)).ToList();
        if (missing.Count > 0) return value.Value is null && value.MissingIndicators.SequenceEqual(missing) && value.Reason is not null;
        return (value.Value is null) == (value.ZeroDivisor is not null);
    }

    [Property]
    public bool RandomRule_WithMissingOrZero_IsSkippedNotViolated(ExpressionCase c)
    {
        var rule = new CompiledRule(new ValidationRule("any", "任意", c.Expression.ToString(), RuleOperator.Equal, "aa", null, Importance.High, null, RuleScope.Both),
            c.Expression, new IndicatorExpression("aa"));
        var outcome = ValidationRules.Evaluate(rule, Figures("datai", c.Values));
        var left = c.Expression.Evaluate(code => c.Values.TryGetValue(code, out var v) ? v : null);
        var decidable = left.Value is not null && c.Values.ContainsKey("aa");
        return decidable ? outcome.Status != RuleStatus.Skipped : outcome.Status == RuleStatus.Skipped && outcome.SkipReason is { Length: > 0 };
    }

    [Property]
    public bool Canonical_Text_ParsesBackToTheSameTree_AndTheSameValue(ExpressionCase c)
    {
        var text = c.Expression.ToString();
        if (!ExpressionParser.TryParse(text, out var parsed, out _)) return text.Length > ExpressionParser.MaxLength;
        var values = (Func<string, decimal?>)(code => c.Values.TryGetValue(code, out var v) ? v : null);
        return parsed == c.Expression && parsed!.Evaluate(values) is var a && c.Expression.Evaluate(values) is var b
            && a.Value == b.Value && a.ZeroDivisor == b.ZeroDivisor;
    }
}
