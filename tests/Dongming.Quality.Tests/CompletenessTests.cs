using Dongming.Domain;
using static Dongming.Quality.Tests.TestData;

namespace Dongming.Quality.Tests;

public class CompletenessTests
{
    private static readonly DataSet Ledger = new("village_ledger", "嘎查村年度台账", PeriodKind.Year, ["pension_recipients", "pension_paid", "livestock_sheep"], null, 15);

    private static DateTimeOffset Beijing(string text) => DateTimeOffset.Parse(text + "+08:00", System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<HeldValue> All(string village, DateTimeOffset at, params string[] indicators) =>
        (indicators.Length == 0 ? Ledger.Indicators : indicators).Select(i => new HeldValue(village, i, at));

    [Fact]
    public void Check_BadDataSet_ReportsEveryFieldAtOnce()
    {
        var bad = new DataSet("Bad", "", (PeriodKind)9, ["livestock_total", "disinfection_area", "nope_x", "pension_paid", "pension_paid", "X"], ["datai", "datai", "9x"], 400);
        var e = Assert.Throws<DomainException>(() => Completeness.Check(Catalog, bad));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(
            ["data_set.code", "data_set.name_zh", "data_set.period_type", "data_set.due_days", "data_set.indicators[0]", "data_set.indicators[1]",
             "data_set.indicators[2]", "data_set.indicators[4]", "data_set.indicators[5]", "data_set.org_unit_ids[1]", "data_set.org_unit_ids[2]"],
            Fields(e));
        Assert.Contains(e.Violations, v => v.Field == "data_set.indicators[0]" && v.Description.Contains("computed, never entered", StringComparison.Ordinal));
        Assert.Contains(e.Violations, v => v.Field == "data_set.indicators[1]" && v.Description == "disinfection_area is entered by the township only");
        Assert.Contains(e.Violations, v => v.Field == "data_set.indicators[2]" && v.Description == "unknown indicator nope_x");
        Completeness.Check(Catalog, Ledger);
        Assert.Equal(["data_set.indicators"], Fields(Assert.Throws<DomainException>(() => Completeness.Check(Catalog, Ledger with { Indicators = [] }))));
        Assert.Equal(["data_set.org_unit_ids"], Fields(Assert.Throws<DomainException>(() => Completeness.Check(Catalog, Ledger with { OrgUnitIds = [] }))));
    }

    [Fact]
    public void Compute_CountsCompleteOnTimeLatePartialMissing_AndKeepsTheUnexpectedApart()
    {
        RosterVillage[] roster =
        [
            new("datai"), new("xiaotai"), new("taiji"), new("yingtu"),
            new("merged", RetiredFrom: Period.Parse("2023")),
            new("founded-2024", ActiveFrom: Period.Parse("2024")),
            new("founded-july", ActiveFrom: Period.Parse("2023-07")),
            new("retired-2024", RetiredFrom: Period.Parse("2024")),
        ];
        var held = All("datai", Beijing("2024-01-10T09:00:00"))
            .Concat(All("xiaotai", Beijing("2024-01-05T09:00:00"), "pension_recipients", "livestock_sheep"))
            .Append(new HeldValue("xiaotai", "pension_paid", Beijing("2024-01-20T09:00:00"))) // completed on the 20th: late
            .Concat(All("taiji", Beijing("2024-01-02T09:00:00"), "pension_paid"))
            .Append(new HeldValue("yingtu", "livestock_cattle", Beijing("2024-01-02T09:00:00"))) // not in the data set
            .Concat(All("merged", Beijing("2024-01-02T09:00:00")))
            .Concat(All("founded-2024", Beijing("2024-01-02T09:00:00")))
            .Concat(All("founded-july", Beijing("2024-01-15T23:59:59")))
            .Concat(All("retired-2024", Beijing("2024-01-02T09:00:00")))
            .Concat(All("off-roster", Beijing("2024-01-02T09:00:00")));

        var result = Completeness.Compute(Ledger, Year2023, roster, held);

        Assert.Equal(new DateOnly(2024, 1, 15), result.DueDate);
        Assert.Equal((6, 4, 3), (result.Expected, result.Reported, result.ReportedOnTime));
        Assert.Equal((0.6666m, 0.5m), (result.Rate!.Value, result.OnTimeRate!.Value)); // 4 ÷ 6 truncated, never rounded up
        Assert.Equal(["yingtu"], result.Missing);
        var partial = Assert.Single(result.Partial);
        Assert.Equal("taiji", partial.VillageId);
        Assert.Equal(["pension_recipients", "livestock_sheep"], partial.MissingIndicators);
        Assert.Equal(["pension_paid"], partial.ReportedIndicators);
        var late = Assert.Single(result.Late);
        Assert.Equal(("xiaotai", 5), (late.VillageId, late.DaysLate));
        Assert.Equal(
            [("founded-2024", "active only from 2024"), ("merged", "retired from 2023"), ("off-roster", "not on the township's roster")],
            result.NotExpected.Select(n => (n.VillageId, n.Reason)));
        Assert.Equal(Ledger.Indicators, result.NotExpected[0].Indicators);
    }

    [Fact]
    public void Compute_DueDate_IsACalendarDayInBeijing()
    {
        var justInTime = All("datai", DateTimeOffset.Parse("2024-01-15T15:59:59Z", System.Globalization.CultureInfo.InvariantCulture));
        var justLate = All("xiaotai", DateTimeOffset.Parse("2024-01-15T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture)); // 00:00 on the 16th in Beijing
        var result = Completeness.Compute(Ledger, Year2023, [new("datai"), new("xiaotai")], justInTime.Concat(justLate));
        Assert.Equal((2, 1), (result.Reported, result.ReportedOnTime));
        Assert.Equal(("xiaotai", 1), (result.Late.Single().VillageId, result.Late.Single().DaysLate));
    }

    [Fact]
    public void Compute_AListedDataSet_ExpectsOnlyItsVillages()
    {
        var fund = new DataSet("minority_fund", "少数民族发展资金", PeriodKind.Year, ["minority_development_fund"], ["aduwusu", "gone"], 0);
        var roster = new RosterVillage[] { new("aduwusu"), new("datai"), new("gone", RetiredFrom: Period.Parse("2020")) };
        var held = new[]
        {
            new HeldValue("aduwusu", "minority_development_fund", Beijing("2023-12-31T18:00:00")),
            new HeldValue("datai", "minority_development_fund", Beijing("2023-12-01T18:00:00")),
        };
        var result = Completeness.Compute(fund, Year2023, roster, held);
        Assert.Equal((1, 1, 1, 1m), (result.Expected, result.Reported, result.ReportedOnTime, result.Rate!.Value));
        Assert.Equal(("datai", "not among the villages of data set minority_fund"), (result.NotExpected.Single().VillageId, result.NotExpected.Single().Reason));
    }

    [Fact]
    public void Compute_NoVillageExpected_HasNoRate()
    {
        var result = Completeness.Compute(Ledger, Year2023, [new("merged", RetiredFrom: Period.Parse("2022"))], All("merged", Beijing("2024-01-02T09:00:00")));
        Assert.Equal((0, 0, 0), (result.Expected, result.Reported, result.ReportedOnTime));
        Assert.Null(result.Rate);
        Assert.Null(result.OnTimeRate);
        Assert.Equal("retired from 2022", Assert.Single(result.NotExpected).Reason);
    }

    [Fact]
    public void Compute_QuarterlyDataSet_ForAYear_IsRefused()
    {
        var screening = new DataSet("poverty_screening", "防返贫监测季度摸排", PeriodKind.Quarter, ["monitored_new_households", "monitored_new_persons"], null, 10);
        Assert.Equal(["period"], Fields(Assert.Throws<DomainException>(() => Completeness.Compute(screening, Year2023, [new("datai")], []))));
        var q4 = Completeness.Compute(screening, Period.Parse("2023Q4"), [new("datai"), new("xiaotai", ActiveFrom: Period.Parse("2024Q1"))],
            [new("datai", "monitored_new_households", Beijing("2024-01-10T08:00:00")), new("datai", "monitored_new_persons", Beijing("2024-01-11T08:00:00"))]);
        Assert.Equal((new DateOnly(2024, 1, 10), 1, 1, 0), (q4.DueDate, q4.Expected, q4.Reported, q4.ReportedOnTime)); // completed on the 11th
    }

    [Theory]
    [InlineData(2, 3, "0.6666")]
    [InlineData(19_999, 20_000, "0.9999")]
    [InlineData(1, 3, "0.3333")]
    [InlineData(3, 3, "1")]
    [InlineData(0, 3, "0")]
    public void Rate_IsTruncated_SoOneMeansEveryVillage(int part, int whole, string expected) =>
        Assert.Equal(expected, ExactDecimal.Format(Completeness.Rate(part, whole)!.Value));

    [Fact]
    public void IsExpectedFor_MeansExistingOnThePeriodsLastDay()
    {
        var july = new RosterVillage("v1", ActiveFrom: Period.Parse("2023-07"));
        Assert.True(july.IsExpectedFor(Year2023));
        Assert.False(july.IsExpectedFor(Period.Parse("2023Q2")));
        Assert.True(july.IsExpectedFor(Period.Parse("2023Q3")));
        var retiring = new RosterVillage("v2", RetiredFrom: Period.Parse("2023-10"));
        Assert.True(retiring.IsExpectedFor(Period.Parse("2023Q3")));
        Assert.False(retiring.IsExpectedFor(Period.Parse("2023Q4")));
        Assert.False(retiring.IsExpectedFor(Year2023));
    }
}
