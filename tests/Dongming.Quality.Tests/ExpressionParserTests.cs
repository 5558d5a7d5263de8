using Dongming.Domain;

namespace Dongming.Quality.Tests;

public class ExpressionParserTests
{
    private static Expression Parse(string text)
    {
        Assert.True(ExpressionParser.TryParse(text, out var e, out var error), error);
        return e!;
    }

    private static string Error(string? text)
    {
        Assert.False(ExpressionParser.TryParse(text, out _, out var error));
        return error;
    }

    [Fact]
    public void Parse_RespectsPrecedenceAndLeftAssociativity()
    {
        var e = Parse("a_1 + b_1 × c_1 − d_1 ÷ e_1 ÷ f_1");
        var expected = new BinaryExpression(ArithmeticOperator.Subtract,
            new BinaryExpression(ArithmeticOperator.Add, new IndicatorExpression("a_1"),
                new BinaryExpression(ArithmeticOperator.Multiply, new IndicatorExpression("b_1"), new IndicatorExpression("c_1"))),
            new BinaryExpression(ArithmeticOperator.Divide,
                new BinaryExpression(ArithmeticOperator.Divide, new IndicatorExpression("d_1"), new IndicatorExpression("e_1")), new IndicatorExpression("f_1")));
        Assert.Equal(expected, e);
    }

    [Theory]
    [InlineData("pension_paid/pension_recipients", "pension_paid ÷ pension_recipients")]
    [InlineData("(a1+b1)*2", "(a1 + b1) × 2")]
    [InlineData("（a1＋b1）×2", "(a1 + b1) × 2")]
    [InlineData("a1 - (b1 - c1)", "a1 − (b1 − c1)")]
    [InlineData("a1 − b1 − c1", "a1 − b1 − c1")]
    [InlineData("-a1 * -(b1 + 0.50)", "−a1 × −(b1 + 0.5)")]
    [InlineData("a1　÷　2", "a1 ÷ 2")]
    [InlineData("((a1))", "a1")]
    public void Parse_AcceptsAsciiAndInputMethodSymbols_AndPrintsCanonically(string text, string canonical)
    {
        var e = Parse(text);
        Assert.Equal(canonical, e.ToString());
        Assert.Equal(e, Parse(e.ToString()));
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("   ", "is required")]
    [InlineData(null, "is required")]
    [InlineData("a1 +", "at character 5: expected an indicator code, a number or '(' but found the end of the expression")]
    [InlineData("(a1 + b1", "at character 9: expected ')' to close the '(' at character 1 but found the end of the expression")]
    [InlineData("a1 + b1)", "at character 8: ')' closes no '('")]
    [InlineData("a1 b1", "at character 4: expected an operator (+ − × ÷) or the end but found 'b1'")]
    [InlineData("a1 % 2", "at character 4: unexpected character '%'")]
    [InlineData("a1 + 1.2.3", "at character 6: 1.2.3 is not a number")]
    [InlineData("a1 + 007", "at character 6: 007 is not a number")]
    [InlineData("Pension_paid", "at character 1: Pension_paid is not an indicator code")]
    [InlineData("a", "at character 1: a is not an indicator code")]
    [InlineData("a1\t+ 1", "at character 3: unexpected character 'U+0009'")]
    [InlineData("× a1", "at character 1: expected an indicator code, a number or '(' but found '×'")]
    public void Parse_BadText_SaysWhereAndWhatWasExpected(string? text, string expected) =>
        Assert.StartsWith(expected, Error(text), StringComparison.Ordinal);

    [Fact]
    public void Parse_TooLongOrTooDeep_IsRefusedWithoutCrashing()
    {
        Assert.Contains("at most 8000 characters", Error(string.Join(" + ", Enumerable.Repeat("a1", 1700))), StringComparison.Ordinal);
        var hundredParts = string.Join(" + ", Enumerable.Range(0, 100).Select(i => $"p{i:D2}" + new string('x', 60)));
        Assert.Equal(100, Parse(hundredParts).Indicators.Count);
        Assert.Contains("nested more than 32 levels", Error(new string('(', 40) + "a1" + new string(')', 40)), StringComparison.Ordinal);
        Assert.Contains("nested more than 32 levels", Error(new string('-', 40) + "a1"), StringComparison.Ordinal);
        Parse(new string('(', 32) + "a1" + new string(')', 32));
    }

    [Fact]
    public void Parse_WithCatalog_ReportsEveryUnknownCodeAtOnce()
    {
        var v = new Violations();
        Assert.Null(ExpressionParser.Parse(v, "rule.left", "paid ÷ persons_x + paid_y × persons_x", TestData.Small()));
        var violation = Assert.Single(v.Items);
        Assert.Equal("rule.left", violation.Field);
        Assert.Equal("unknown indicator persons_x (at character 8); unknown indicator paid_y (at character 20)", violation.Description);
    }

    [Fact]
    public void Indicators_AreListedOnceInOrderOfAppearance() =>
        Assert.Equal(["paid", "persons", "total"], Parse("paid ÷ persons + paid × total − persons").Indicators);

    [Fact]
    public void Evaluate_MissingOperands_NamesEveryOne_AndDoesNotThrow()
    {
        var e = Parse("paid ÷ persons + total");
        var value = e.Evaluate(code => code == "paid" ? 10m : null);
        Assert.Null(value.Value);
        Assert.Equal(["persons", "total"], value.MissingIndicators);
        Assert.Equal("no value for persons, total", value.Reason);
    }

    [Fact]
    public void Evaluate_ZeroDivisor_NamesTheDivisor()
    {
        var value = Parse("paid ÷ (persons − total)").Evaluate(_ => 5m);
        Assert.Null(value.Value);
        Assert.Equal("persons − total", value.ZeroDivisor);
        Assert.Equal("division by zero (persons − total is 0)", value.Reason);
    }

    [Fact]
    public void Evaluate_IsExact()
    {
        var value = Parse("paid ÷ persons × persons − paid").Evaluate(code => code == "paid" ? 152_180_000m : 7_921m);
        Assert.Equal(Rational.Zero, value.Value);
        Assert.Equal(Rational.Of(1, 3), Parse("1 ÷ 3").Evaluate(_ => null).Value);
    }
}
