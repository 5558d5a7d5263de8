using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dongming.Domain.Tests;

public class ExactRoundingTests
{
    [Theory]
    [InlineData("0.12345", "1", "0.1234")]   // a tie goes to the even digit
    [InlineData("0.12355", "1", "0.1236")]
    [InlineData("-0.12345", "1", "-0.1234")]
    [InlineData("-0.12355", "1", "-0.1236")]
    [InlineData("1", "3", "0.3333")]
    [InlineData("2", "3", "0.6667")]
    [InlineData("3600", "3713.6", "0.9694")]
    [InlineData("-158", "11", "-14.3636")]
    [InlineData("5", "4", "1.25")]
    [InlineData("0", "7", "0")]
    public void Quotient_RoundsHalfToEvenAtFourPlaces(string numerator, string denominator, string expected)
    {
        var q = ExactDecimal.Quotient(decimal.Parse(numerator, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(denominator, System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.Equal(expected, ExactDecimal.Format(q!.Value));
    }

    [Fact]
    public void Quotient_ByZero_IsNull() => Assert.Null(ExactDecimal.Quotient(5m, 0m, 4));

    [Fact]
    public void Quotient_JustAboveATieBeyondDecimalPrecision_RoundsUp_WhereDecimalDivisionWouldRoundDown()
    {
        // 0.12345 + 0.5 × 10^-28: decimal division keeps 28 decimals, lands on the tie 0.12345 and rounds it to even.
        const decimal a = 2469000000000000000000000001m, b = 20000000000000000000000000000m;
        Assert.Equal(0.1234m, Math.Round(a / b, 4, MidpointRounding.ToEven));
        Assert.Equal(0.1235m, ExactDecimal.Quotient(a, b, 4));
    }

    [Fact]
    public void Quotient_TooLargeForADecimal_IsNull() =>
        Assert.Null(ExactDecimal.Quotient(999_999_999_999_999_999_999_999m, 0.0001m, 4));

    [Fact]
    public void CompareProducts_TownshipTotalTimesDays_IsExactWhereDecimalWouldOverflow()
    {
        var total = 999_999_999_999_999_999_999.9999m; // a sum of many villages' figures
        Assert.Throws<OverflowException>(() => total * 366m * 366m * 366m * 366m);
        Assert.Equal(0, ExactDecimal.CompareProducts(total, 366, total, 366));
        Assert.Equal(1, ExactDecimal.CompareProducts(total, 366, total - 0.0001m, 366));
        Assert.Equal(-1, ExactDecimal.CompareProducts(0.5m, 182, 1m, 92)); // 91 < 92
    }

    public static Arbitrary<(decimal, decimal)> SmallPairs() => Arb.From(
        from a in Gen.Choose(-99_999_999, 99_999_999)
        from ascale in Gen.Choose(0, 4)
        from b in Gen.Choose(-99_999_999, 99_999_999)
        from bscale in Gen.Choose(0, 4)
        select (a / Scale(ascale), b / Scale(bscale)));

    private static decimal Scale(int n) => n switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => 10000m };

    [Property(Arbitrary = [typeof(ExactRoundingTests)], MaxTest = 500)]
    public bool Quotient_OfSmallFigures_AgreesWithDecimalRounding((decimal A, decimal B) pair) =>
        pair.B == 0 ? ExactDecimal.Quotient(pair.A, pair.B, 4) is null
            : ExactDecimal.Quotient(pair.A, pair.B, 4) == Math.Round(pair.A / pair.B, 4, MidpointRounding.ToEven);

    [Property(Arbitrary = [typeof(ExactRoundingTests)], MaxTest = 500)]
    public bool CompareProducts_AgreesWithDecimalArithmetic_ForSmallFigures((decimal A, decimal B) pair) =>
        ExactDecimal.CompareProducts(pair.A, 366, pair.B, 181) == (pair.A * 366).CompareTo(pair.B * 181);
}
