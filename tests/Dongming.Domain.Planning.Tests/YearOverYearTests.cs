using static Dongming.Domain.Tests.PlanningTestData;

namespace Dongming.Domain.Tests;

public class YearOverYearTests
{
    [Theory]
    [InlineData("2024", "2023", true)]
    [InlineData("2024Q2", "2023Q2", true)]
    [InlineData("2024Q2", "2024Q1", true)]
    [InlineData("2024-05", "2023-05", true)]
    [InlineData("2024", "2023Q4", false)]
    [InlineData("2024Q1", "2024-03", false)]
    public void CheckComparable_OnlyTheSameKind(string period, string compare, bool ok)
    {
        var v = new Violations();
        var p = YearOverYear.CheckComparable(v, "compare_period", Period.Parse(period), compare);
        Assert.Equal(ok, !v.Any);
        Assert.Equal(ok ? Period.Parse(compare) : null, p);
        if (!ok) Assert.Equal("compare_period", v.Items.Single().Field);
    }

    [Fact]
    public void CheckComparable_MalformedOrEmpty()
    {
        var v = new Violations();
        Assert.Null(YearOverYear.CheckComparable(v, "compare_period", Period.Parse("2024"), ""));
        Assert.False(v.Any);
        Assert.Null(YearOverYear.CheckComparable(v, "compare_period", Period.Parse("2024"), "2024Q9"));
        Assert.Equal("compare_period", v.Items.Single().Field);
    }

    [Fact]
    public void Compare_GivesExactChangeAndRoundedRatio()
    {
        var c = YearOverYear.Compare(1.2345m, 1.0001m, comparedAtLeast: true, recordHigh: false);
        Assert.Equal(1.0001m, c.ComparedValue);
        Assert.Equal(0.2344m, c.Change);
        Assert.Equal(0.2344m, c.ChangeRatio); // 0.23437656… half to even at 4 places
        Assert.True(c.ComparedAtLeast);
        var down = YearOverYear.Compare(50m, 200m, false, false);
        Assert.Equal((-150m, -0.75m), (down.Change, down.ChangeRatio));
    }

    [Fact]
    public void Compare_WithZeroOrNothing_NeverDivides()
    {
        var zero = YearOverYear.Compare(5m, 0m, false, true);
        Assert.Equal((0m, 5m, (decimal?)null, true), (zero.ComparedValue!.Value, zero.Change!.Value, zero.ChangeRatio, zero.RecordHigh));
        var none = YearOverYear.Compare(5m, null, false, false);
        Assert.Equal(((decimal?)null, (decimal?)null, (decimal?)null), (none.ComparedValue, none.Change, none.ChangeRatio));
    }

    [Theory]
    [InlineData("10", "", false)]        // nothing before it: nothing to beat
    [InlineData("10", "9", true)]
    [InlineData("10", "9,10", false)]    // a tie is not a record
    [InlineData("10", "9,11,3", false)]
    [InlineData("0", "0", false)]
    public void IsRecordHigh_NeedsAnEarlierPeriodToBeat(string value, string earlier, bool expected) =>
        Assert.Equal(expected, YearOverYear.IsRecordHigh(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            earlier.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => decimal.Parse(e, System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void Totals_WithComparePeriod_CompareEveryTotalFromTheKeptCells()
    {
        var a = Ledger([.. Registered(), Report("2022", (Farmland, 100), (Sheep, 50)), Report("2023", (Farmland, 80), (Sheep, 60)), Report("2024", (Farmland, 120), (Sheep, 60))]);
        var b = Ledger([.. Registered(), Report("2023", (Farmland, 20)), Report("2024Q1", (Farmland, 5)), Report("2024Q2", (Farmland, 5))]);
        var town = Ledger([.. Registered(OrgUnitLevel.Township), Report("2023", (Coverage, 0.9m)), Report("2024", (Coverage, 0.9694m))]);
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 4), ("b", OrgUnitLevel.Village, b.State, 4), ("town", OrgUnitLevel.Township, town.State, 3));

        var totals = aggregate.Totals(new TotalsQuery(Period.Parse("2024"), [], false, Period.Parse("2023")), Catalog).Totals.ToDictionary(t => t.Indicator);

        var farmland = totals[Farmland]; // 2024: 120 + (5 + 5) rolled up = 130; 2023: 80 + 20 = 100; 2022: 100
        Assert.Equal(130m, farmland.Value);
        Assert.Equal(new TotalComparison(100m, false, 30m, 0.3m, RecordHigh: true), farmland.Compared);
        var sheep = totals[Sheep]; // 60 = 60: no change, and a tie with 2023 is no record
        Assert.Equal(new TotalComparison(60m, false, 0m, 0m, RecordHigh: false), sheep.Compared);
        var coverage = totals[Coverage]; // a ratio compares the township's entries
        Assert.Equal(new TotalComparison(0.9m, false, 0.0694m, 0.0771m, RecordHigh: true), coverage.Compared);
        Assert.Null(aggregate.Totals(new TotalsQuery(Period.Parse("2024"), [], false), Catalog).Totals[0].Compared);
    }

    [Fact]
    public void Totals_ComparedWithAPeriodWithoutTheIndicator_LeaveTheComparisonEmpty_AndTheFirstPeriodIsNoRecord()
    {
        var a = Ledger([.. Registered(), Report("2024", (Farmland, 7))]);
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 2));
        var farmland = aggregate.Totals(new TotalsQuery(Period.Parse("2024"), [Farmland], false, Period.Parse("2019")), Catalog).Totals.Single();
        Assert.Equal(new TotalComparison(null, false, null, null, RecordHigh: false), farmland.Compared);
    }

    [Fact]
    public void RecordHigh_LooksAtEarlierPeriodsOfTheSameKindOnly()
    {
        // 2023Q4 (50) and the later 2025 (999) do not count against 2024's 40; the year 2023 (10) does.
        var a = Ledger([.. Registered(), Report("2023Q4", (Farmland, 50)), Report("2023", (Farmland, 10)), Report("2024", (Farmland, 40)), Report("2025", (Farmland, 999))]);
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 5));
        Assert.True(aggregate.Totals(new TotalsQuery(Period.Parse("2024"), [Farmland], false, Period.Parse("2023")), Catalog).Totals.Single().Compared!.RecordHigh);
        Assert.False(aggregate.Totals(new TotalsQuery(Period.Parse("2023"), [Farmland], false, Period.Parse("2022")), Catalog).Totals.Single().Compared!.RecordHigh);
    }
}
