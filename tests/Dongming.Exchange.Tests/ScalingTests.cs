using System.Globalization;
using Dongming.Domain;
using FsCheck;
using FsCheck.Fluent;

namespace Dongming.Exchange.Tests;

/// <summary>Units in headers and cells scale exactly; lower bounds are kept; empty is not zero.</summary>
public class ScalingTests
{
    /// <summary>One value of a one-column wide sheet: the header and the cell as given.</summary>
    private static ValuesRead One(string header, string cell, string village = "大台") =>
        SheetImport.Values(TestData.Csv($"嘎查村,{header}\n{village},\"{cell}\"\n"), TestData.Values());

    private static ImportedValue Single(string header, string cell, string village = "大台")
    {
        var read = One(header, cell, village);
        Assert.True(read.Ok, TestData.Dump(read));
        return Assert.Single(read.Values);
    }

    [Theory]
    [InlineData("西瓜种植面积（万亩）", "0.31", "3100")]
    [InlineData("西瓜种植面积(万亩)", "1.2", "12000")]
    [InlineData("西瓜种植面积（亩）", "3100", "3100")]
    [InlineData("西瓜种植面积（公顷）", "2", "30")]
    [InlineData("西瓜种植面积", "0.0001万亩", "1")]
    [InlineData("养老金发放（亿元）", "1.5218", "152180000")]
    [InlineData("养老金发放（万元）", "1.23", "12300")]
    [InlineData("养老金发放（万元）", "0.0001", "1")]
    [InlineData("养老金发放（元）", "1521.8", "1521.8")]
    [InlineData("养老金发放", "2.74亿", "274000000")]
    [InlineData("养老金发放（万元）", "2.74亿", "274000000")] // a unit in the cell replaces the header's
    [InlineData("羊存栏（万只）", "8.4", "84000")]
    [InlineData("羊存栏", "1,234,567", "1234567")]
    [InlineData("春秋防消毒面积（万平方米）", "338", "3380000")]
    [InlineData("“反诈APP”下载安装（万人次）", "3.38", "33800")]
    public void HeaderAndCellUnits_ScaleExactly(string header, string cell, string expected)
    {
        var value = Single(header, cell, header.StartsWith("春秋", StringComparison.Ordinal) ? "镇本级" : "大台");
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value.Value);
        Assert.Equal(expected, ExactDecimal.Format(value.Value));
    }

    [Theory]
    [InlineData("“两癌”筛查目标人群覆盖率（%）", "96.94", "0.9694")]
    [InlineData("“两癌”筛查目标人群覆盖率", "96.94%", "0.9694")]
    [InlineData("两癌筛查目标人群覆盖率（％）", "99.875", "0.99875")]
    [InlineData("“两癌”筛查目标人群覆盖率", "0.718", "0.718")]
    public void Percentages_AreRatios(string header, string cell, string expected)
    {
        var value = Single(header, cell, "镇本级");
        Assert.Equal(expected, ExactDecimal.Format(value.Value));
    }

    [Theory]
    [InlineData("30余", "30")]
    [InlineData("30多", "30")]
    [InlineData("30以上", "30")]
    [InlineData("≥30", "30")]
    [InlineData(">=30", "30")]
    [InlineData(">30", "30")]
    [InlineData("30+", "30")]
    [InlineData("超过30", "30")]
    [InlineData("突破11万", "110000")]
    [InlineData("11万余", "110000")]
    [InlineData("逾30", "30")]
    public void LowerBounds_AreValuesWithAtLeast(string cell, string expected)
    {
        var value = Single("羊存栏（只）", cell);
        Assert.True(value.AtLeast);
        Assert.Equal(expected, ExactDecimal.Format(value.Value));
    }

    [Fact]
    public void ExactFigure_IsNotALowerBound() => Assert.False(Single("羊存栏（只）", "30").AtLeast);

    [Theory]
    [InlineData("-")]
    [InlineData("—")]
    [InlineData("/")]
    [InlineData("  ")]
    public void DashesAndBlanks_MeanNotReported(string cell)
    {
        var read = One("羊存栏（只）", cell);
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Empty(read.Values);
        Assert.Equal(1, read.RowsRead);
    }

    [Fact]
    public void EmptyCell_IsNotZero()
    {
        var read = SheetImport.Values(TestData.Csv("嘎查村,羊存栏,基础母牛存栏\n大台,,0\n"), TestData.Values());
        var value = Assert.Single(read.Values);
        Assert.Equal(("livestock_breeding_cows", 0m), (value.Indicator, value.Value));
    }

    [Theory]
    [InlineData("约30")]
    [InlineData("30-40")]
    [InlineData("无")]
    [InlineData("1.2.3")]
    [InlineData("1e5")]
    [InlineData("12,34")]
    [InlineData("30斤")]
    public void TextInANumberCell_IsAnError(string cell)
    {
        var read = One("羊存栏（只）", cell);
        var error = Assert.Single(read.Errors);
        Assert.Equal(("B2", "value"), (error.Cell, error.Field));
        Assert.Contains("is not a number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("西瓜种植面积（万元）", "header", "B1")]
    [InlineData("羊存栏（亩）", "header", "B1")]
    [InlineData("养老金发放（%）", "header", "B1")]
    [InlineData("“两癌”筛查目标人群覆盖率（万元）", "header", "B1")]
    public void HeaderUnitNotFittingTheIndicator_IsAnError(string header, string field, string cell)
    {
        var read = One(header, "1", "镇本级");
        var error = Assert.Single(read.Errors);
        Assert.Equal((cell, field), (error.Cell, error.Field));
        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownUnitInHeader_IsAnError()
    {
        var error = Assert.Single(One("西瓜种植面积（斤）", "1").Errors);
        Assert.Equal(("B1", "header"), (error.Cell, error.Field));
        Assert.Contains("not a unit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScaledValueBreakingTheValueRules_IsAnError()
    {
        // 0.000001万亩 is 0.01 mu: fine; 0.0000001万元 is 0.001 yuan: money keeps 2 decimals
        Assert.True(One("西瓜种植面积（万亩）", "0.000001").Ok);
        var error = Assert.Single(One("养老金发放（万元）", "0.0000001").Errors);
        Assert.Contains("at most 2 decimals", error.Message, StringComparison.Ordinal);
        Assert.Contains("whole number", Assert.Single(One("羊存栏（万只）", "0.00001").Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WanMuScaling_IsExactForEveryDecimal()
    {
        // any area with at most 4 decimals written in 万亩 reads back as exactly 10,000 times it, never through a float
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, 4))), pair =>
        {
            var (digits, scale) = pair;
            var wan = new decimal(digits, 0, 0, false, (byte)scale);
            var read = One("西瓜种植面积（万亩）", ExactDecimal.Format(wan));
            return read.Ok && read.Values.Single().Value == wan * 10_000m;
        }).QuickCheckThrowOnFailure();
    }
}
