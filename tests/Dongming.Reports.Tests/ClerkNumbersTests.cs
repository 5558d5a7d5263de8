using System.Globalization;
using Dongming.Domain;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dongming.Reports.Tests;

public sealed class ClerkNumbersTests
{
    [Theory]
    [InlineData("20000", "mu", false, "2万亩")]
    [InlineData("3100", "mu", false, "0.31万亩")]
    [InlineData("1234", "mu", false, "1234亩")]
    [InlineData("111000", "mu", true, "突破11万亩")]
    [InlineData("111050", "mu", false, "突破11.1万亩")]
    [InlineData("141000", "head", true, "14万余头只")]
    [InlineData("12106", "building", false, "12106栋")]
    [InlineData("36500", "person", false, "3.65万人")]
    [InlineData("8400", "person", false, "8400人")]
    [InlineData("30", "times", true, "30余次")]
    [InlineData("152180000", "yuan", false, "1.5218亿元")]
    [InlineData("152185000", "yuan", false, "1.5218亿元以上")]
    [InlineData("274000000", "yuan", true, "2.74亿元以上")]
    [InlineData("1253900", "yuan", false, "125.39万元")]
    [InlineData("4999.5", "yuan", false, "4999.5元")]
    [InlineData("0.9694", "ratio", false, "96.94%")]
    [InlineData("0.99875", "ratio", false, "99.87%以上")]
    [InlineData("1", "ratio", false, "100%")]
    public void Format_FollowsTheClerksStyle(string value, string unit, bool lowerBound, string expected)
    {
        var shown = ClerkNumbers.Format(decimal.Parse(value, CultureInfo.InvariantCulture), unit, lowerBound);
        Assert.Equal(expected, shown.Text);
    }

    [Fact]
    public void Format_TemplateStyle_ChangesCounterQualifierScaleAndDecimals()
    {
        Assert.Equal("超过3万余人次", ClerkNumbers.Format(30000, "person_time", true, new NumberStyle { Qualifier = ClerkNumbers.ParseQualifier("超过余") }).Text);
        Assert.Equal("8.4万只", ClerkNumbers.Format(84000, "head", false, new NumberStyle { Counter = "只" }).Text);
        Assert.Equal("125万余元", ClerkNumbers.Format(1253900, "yuan", false, new NumberStyle { Decimals = 0, Qualifier = Qualifier.Yu }).Text);
        Assert.Equal("1253900元", ClerkNumbers.Format(1253900, "yuan", false, new NumberStyle { Scale = "" }).Text);
        var rounded = ClerkNumbers.Format(111050, "mu", false);
        Assert.Equal(("rounded down to 0.01万", "向下舍至0.01万"), (rounded.Rounding, rounded.RoundingZh));
        Assert.Equal("lower bound; rounded down to 1万", ClerkNumbers.Format(141000, "head", true).Rounding);
    }

    [Fact]
    public void Format_ImpossibleStyles_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ClerkNumbers.Format(-1, "mu", false));
        Assert.Throws<ArgumentException>(() => ClerkNumbers.Format(1, "mu", false, new NumberStyle { Scale = "千" }));
        Assert.Throws<ArgumentException>(() => ClerkNumbers.Format(0.5m, "ratio", false, new NumberStyle { Qualifier = Qualifier.Yu }));
        Assert.Throws<ArgumentException>(() => ClerkNumbers.ParseQualifier("大约"));
    }

    private static readonly decimal[] Tens = [1m, 10m, 100m, 1000m];

    private static readonly string[] AnyUnit = [.. Units.All.Order(StringComparer.Ordinal)];

    /// <summary>A value of the range a ledger holds: whole for counts, cents for money, 6 decimals for ratios.</summary>
    private static Arbitrary<(decimal Value, string Unit, bool LowerBound)> Figures() =>
        (from unit in Gen.Elements(AnyUnit)
         from whole in Gen.Choose(0, int.MaxValue)
         from scale in Gen.Choose(0, 6)
         from fraction in Gen.Choose(0, 9999)
         from lowerBound in Gen.Elements(true, false)
         let value = unit == Units.Ratio ? decimal.Round(fraction / 10000m * (whole % 2), 6)
             : Units.Counts.Contains(unit) ? whole * Tens[scale % 4]
             : unit == Units.Yuan ? whole * Tens[scale % 4] + fraction % 100 / 100m
             : whole + fraction / 10000m
         select (value, unit, lowerBound)).ToArbitrary();

    [Property]
    public Property Format_NeverShowsMoreThanTheValue_AndQualifiesExactlyWhenBelowOrALowerBound() =>
        Prop.ForAll(Figures(), f =>
        {
            var shown = ClerkNumbers.Format(f.Value, f.Unit, f.LowerBound);
            var below = shown.Shown < f.Value;
            return shown.Shown <= f.Value
                && shown.RoundedDown == below
                && shown.Qualified == (below || f.LowerBound)
                && (shown.Qualified == (shown.Text.Contains("突破", StringComparison.Ordinal) || shown.Text.Contains("余", StringComparison.Ordinal) || shown.Text.EndsWith("以上", StringComparison.Ordinal)));
        });

    [Property]
    public Property Format_TheNumberInTheText_IsTheShownValue() =>
        Prop.ForAll(Figures(), f =>
        {
            var shown = ClerkNumbers.Format(f.Value, f.Unit, f.LowerBound);
            var digits = new string([.. shown.Text.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(c => char.IsAsciiDigit(c) || c == '.')]);
            var factor = shown.Scale switch { "万" => 10_000m, "亿" => 100_000_000m, "%" => 0.01m, _ => 1m };
            return decimal.Parse(digits, CultureInfo.InvariantCulture) * factor == shown.Shown
                && !shown.Text.Contains(',', StringComparison.Ordinal);
        });

    [Property]
    public Property Format_AnExactCountBelowTenThousand_IsWrittenInFull() =>
        Prop.ForAll(Gen.Choose(0, 9999).ToArbitrary(), n => ClerkNumbers.Format(n, "person", false).Text == $"{n}人");
}
