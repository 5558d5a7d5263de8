namespace Dongming.Domain.Tests;

public class ValueRangeTests
{
    private static IReadOnlyList<FieldViolation> Check(decimal value, bool ratio)
    {
        var v = new Violations();
        ValueRange.Check(v, "value", value, ratio);
        return v.Items;
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("999999999999999.9999", false)]
    [InlineData("-999999999999999.9999", false)]
    [InlineData("0.0001", false)]
    [InlineData("12.5000", false)] // trailing zeros are not decimals
    [InlineData("0.999999", true)]
    [InlineData("0.000001", true)]
    public void Check_InRange_RecordsNothing(string text, bool ratio) =>
        Assert.Empty(Check(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), ratio));

    [Theory]
    [InlineData("1000000000000000", false, "below 10^15")]
    [InlineData("-1000000000000000", false, "below 10^15")]
    [InlineData("9999999999999999999999999999", false, "below 10^15")]
    [InlineData("0.00001", false, "at most 4 decimals")]
    [InlineData("1.23456", false, "at most 4 decimals")]
    [InlineData("0.0000001", true, "at most 6 decimals")]
    [InlineData("0.0000000000000000000000000001", false, "at most 4 decimals")]
    public void Check_OutOfRange_SaysWhichLimit(string text, bool ratio, string says)
    {
        var violation = Assert.Single(Check(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), ratio));
        Assert.Equal("value", violation.Field);
        Assert.Contains(says, violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxValue_IsTheLargestValueOfTheRange()
    {
        Assert.Equal(ValueRange.MaxValue, decimal.Parse("1" + new string('0', ValueRange.MaxIntegerDigits), System.Globalization.CultureInfo.InvariantCulture) - 0.0001m);
        Assert.Equal(ValueRange.MaxDecimals, ExactDecimal.Scale(ValueRange.MaxValue));
    }

    [Fact]
    public void LargestKeptSum_OfValuesInTheRange_IsExact()
    {
        // The bound the range is chosen for: a banner's year (12 months) of a computed indicator of the most leaf parts,
        // over the most org units — every value the largest with the most decimals, and one the smallest step.
        var terms = (decimal)ValueRange.MaxLeafParts * ValueRange.MaxOrgUnitsPerBanner * 12;
        var largest = ValueRange.MaxValue * terms;
        Assert.Equal(ValueRange.MaxValue, largest / terms);
        Assert.Equal(largest - ValueRange.MaxValue, ValueRange.MaxValue * (terms - 1));
        Assert.Equal(0.0001m, largest + 0.0001m - largest); // the smallest step still shows at that size
        Assert.True(ValueRange.MaxOrgUnitsPerTownship <= ValueRange.MaxOrgUnitsPerBanner);
    }

    [Theory]
    [InlineData("mu", "1000000000000000", "below 10^15")]
    [InlineData("head", "1000000000000000", "below 10^15")]
    [InlineData("mu", "0.00001", "at most 4 decimals")]
    [InlineData("yuan", "0.001", "at most 2 decimals")]
    [InlineData("head", "0.5", "whole number")]
    [InlineData("mu", "-1", "negative")]
    public void CheckValue_AppliesTheRangeBeforeTheUnitRules(string unit, string text, string says)
    {
        var indicator = new IndicatorDefinition("some_code", "名", "Name", unit, "test", IndicatorKind.Stock, EnteredAt.Village, null);
        var v = new Violations();
        Units.CheckValue(v, "values[0].value", indicator, decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(says, Assert.Single(v.Items).Description, StringComparison.Ordinal);
    }
}

public class LeafPartLimitTests
{
    private static IndicatorDefinition Def(string code, string? partOf) =>
        new(code, "指标", "Indicator", "mu", "test", IndicatorKind.Stock, EnteredAt.Village, partOf);

    [Fact]
    public void With_HundredLeafParts_IsAccepted_TheHundredAndFirstIsRejected()
    {
        var catalog = IndicatorCatalog.Empty.With(Def("root", null), seeding: true);
        for (var i = 0; i < ValueRange.MaxLeafParts; i++) catalog = catalog.With(Def($"part_{i:D3}", "root"), seeding: true);
        Assert.Equal(100, catalog.LeafCount("root"));

        var e = TestData.Throws(() => catalog.With(Def("part_100", "root")));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("indicator.part_of", Assert.Single(e.Violations).Field);
        Assert.Contains("100 leaf parts", e.Message, StringComparison.Ordinal);
        Assert.False(catalog.Contains("part_100"));
    }

    [Fact]
    public void With_LeafPartsOverSeveralLevels_CountTogether()
    {
        var catalog = IndicatorCatalog.Empty.With(Def("root", null), seeding: true).With(Def("group_a", "root"), seeding: true).With(Def("group_b", "root"), seeding: true);
        for (var i = 0; i < 50; i++)
        {
            catalog = catalog.With(Def($"a_{i:D2}", "group_a"), seeding: true);
            catalog = catalog.With(Def($"b_{i:D2}", "group_b"), seeding: true);
        }
        Assert.Equal(100, catalog.LeafCount("root"));
        Assert.Equal(50, catalog.LeafCount("group_a"));

        Assert.Equal(ErrorKind.InvalidArgument, TestData.Throws(() => catalog.With(Def("a_50", "group_a"))).Kind);
        Assert.Equal(ErrorKind.InvalidArgument, TestData.Throws(() => catalog.With(Def("c_00", "root"))).Kind);
    }

    [Fact]
    public void LeafCount_OfTheDemoCatalog()
    {
        Assert.Equal(3, TestData.Catalog.LeafCount("livestock_total"));
        Assert.Equal(4, TestData.Catalog.LeafCount("crop_featured_area"));
        Assert.Equal(1, TestData.Catalog.LeafCount("livestock_sheep"));
    }
}
