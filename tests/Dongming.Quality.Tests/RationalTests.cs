using System.Numerics;

namespace Dongming.Quality.Tests;

public class RationalTests
{
    [Fact]
    public void FromDecimal_KeepsEveryDigit()
    {
        Assert.Equal(Rational.Of(9694, 10000), Rational.FromDecimal(0.9694m));
        Assert.Equal(Rational.Of(-3, 2), Rational.FromDecimal(-1.50m));
        Assert.Equal(Rational.Of(BigInteger.Parse("79228162514264337593543950335"), 1), Rational.FromDecimal(decimal.MaxValue));
        Assert.Equal(Rational.Of(1, BigInteger.Pow(10, 28)), Rational.FromDecimal(0.0000000000000000000000000001m));
    }

    [Fact]
    public void Of_ReducesToLowestTermsWithPositiveDenominator()
    {
        var r = Rational.Of(6, -4);
        Assert.Equal(new BigInteger(-3), r.Numerator);
        Assert.Equal(new BigInteger(2), r.Denominator);
        Assert.Equal(Rational.Zero, Rational.Of(0, 7));
        Assert.Throws<DivideByZeroException>(() => Rational.Of(1, 0));
    }

    [Fact]
    public void Division_IsExact_WhereDecimalWouldRound()
    {
        var perPerson = Rational.FromDecimal(152_180_000m) / Rational.FromDecimal(7_921m);
        Assert.Equal("152180000/7921", perPerson.ToString());
        Assert.Equal(Rational.FromDecimal(152_180_000m), perPerson * 7921);
    }

    [Fact]
    public void Products_BeyondTheDecimalRange_StayExact()
    {
        Rational big = 999_999_999_999_999.9999m;
        var square = big * big;
        Assert.Equal("999999999999999999800000000000.00000001", square.ToDecimalString(8));
        Assert.Equal(big, square / big);
    }

    [Theory]
    [InlineData(1, 3, 4, "0.3333")]
    [InlineData(2, 3, 4, "0.6667")]
    [InlineData(1, 8, 2, "0.13")] // 0.125: half away from zero
    [InlineData(-1, 8, 2, "-0.13")]
    [InlineData(-1, 1000, 2, "0")] // no "-0"
    [InlineData(5, 2, 0, "3")]
    [InlineData(1, 2, 4, "0.5")] // trailing zeros dropped
    [InlineData(152180000, 7921, 6, "19212.220679")]
    [InlineData(7, 1, 4, "7")]
    public void ToDecimalString_RoundsHalfAwayFromZero(long numerator, long denominator, int places, string expected) =>
        Assert.Equal(expected, Rational.Of(numerator, denominator).ToDecimalString(places));

    [Theory]
    [InlineData(2, 10, "1.4142135623")]
    [InlineData(4, 4, "2")]
    [InlineData(0, 4, "0")]
    [InlineData(1, 0, "1")]
    public void SqrtFloor_TruncatesTheRoot(long value, int decimals, string expected) =>
        Assert.Equal(expected, Rational.FromDecimal(value).SqrtFloor(decimals).ToDecimalString(decimals));

    [Fact]
    public void SqrtFloor_IsTheLargestValueWhoseSquareIsNotAbove()
    {
        foreach (var (n, d) in new (long, long)[] { (2, 1), (1, 3), (152180000, 7921), (10_000_000_000_000_000, 3), (1, 1_000_000_007) })
        {
            var x = Rational.Of(n, d);
            var root = x.SqrtFloor(10);
            var step = Rational.Of(1, BigInteger.Pow(10, 10));
            Assert.True(root * root <= x, $"{root}² > {x}");
            Assert.True((root + step) * (root + step) > x, $"{root} is not the largest for {x}");
        }
    }

    [Fact]
    public void IsExactAt_TellsWhetherRoundingChangedTheValue()
    {
        Assert.True(Rational.Of(9694, 10000).IsExactAt(4));
        Assert.False(Rational.Of(1, 3).IsExactAt(6));
    }
}
