using static Dongming.Domain.Tests.PlanningTestData;

namespace Dongming.Domain.Tests;

public class PlanningRulesTests
{
    private static SetTargetCommand Command(string? indicator = Farmland, string? period = "2024", string? target = "3100",
        TargetDirection? direction = TargetDirection.AtLeast, string? requestId = "r-1", string? note = "完成0.31万亩高标准农田建设工程") =>
        new("datai", indicator, period, target, direction, requestId, note);

    [Fact]
    public void Validate_GoodTarget_IsTakenAsSent()
    {
        var t = Planning.Validate(Catalog, OrgUnitLevel.Village, Command());
        Assert.Equal((Farmland, new Period(PeriodKind.Year, 2024, 0), 3100m, TargetDirection.AtLeast, "r-1"), (t.Indicator.Code, t.Period, t.Value, t.Direction, t.RequestId));
        Assert.Equal("完成0.31万亩高标准农田建设工程", t.Note);
    }

    [Fact]
    public void Validate_EveryBadField_IsReportedAtOnce()
    {
        var e = Assert.Throws<DomainException>(() => Planning.Validate(Catalog, OrgUnitLevel.Village,
            Command(indicator: "Bad Code", period: "2024Q5", target: "1e3", direction: null, requestId: "", note: new string('x', 501))));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["indicator", "period", "target", "direction", "request_id", "note"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Validate_UnknownIndicatorAlone_IsNotFound_WithOtherProblems_InvalidArgument()
    {
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<DomainException>(() => Planning.Validate(Catalog, OrgUnitLevel.Village, Command(indicator: "no_such"))).Kind);
        var both = Assert.Throws<DomainException>(() => Planning.Validate(Catalog, OrgUnitLevel.Village, Command(indicator: "no_such", period: "")));
        Assert.Equal(ErrorKind.InvalidArgument, both.Kind);
        Assert.Equal(["indicator", "period"], both.Violations.Select(v => v.Field));
    }

    [Theory]
    [InlineData(Sheep, "10.5")]      // counts are whole
    [InlineData(Income, "1.234")]    // money has at most 2 decimals
    [InlineData(Coverage, "1.2")]    // a ratio lies in [0, 1]
    [InlineData(Farmland, "-1")]     // never negative
    [InlineData(Farmland, "1000000000000000")] // the value range
    public void Validate_TargetBreakingTheUnitRules_NamesTarget(string indicator, string target)
    {
        var level = indicator == Coverage ? OrgUnitLevel.Township : OrgUnitLevel.Village;
        var e = Assert.Throws<DomainException>(() => Planning.Validate(Catalog, level, Command(indicator: indicator, target: target)));
        Assert.Equal(["target"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Validate_TownshipOnlyIndicatorForAVillage_IsRefused_ForTheTownship_Taken()
    {
        var e = Assert.Throws<DomainException>(() => Planning.Validate(Catalog, OrgUnitLevel.Village, Command(indicator: Drills, target: "4")));
        Assert.Equal(["indicator"], e.Violations.Select(v => v.Field));
        Assert.Equal(Drills, Planning.Validate(Catalog, OrgUnitLevel.Township, Command(indicator: Drills, target: "4")).Indicator.Code);
    }

    [Fact]
    public void Validate_ComputedIndicator_IsAllowed() =>
        Assert.Equal(Livestock, Planning.Validate(Catalog, OrgUnitLevel.Village, Command(indicator: Livestock, target: "140000")).Indicator.Code);

    [Fact]
    public void Fingerprint_DiffersWithAnyField()
    {
        var a = Planning.Validate(Catalog, OrgUnitLevel.Village, Command());
        Assert.Equal(a.Fingerprint, Planning.Validate(Catalog, OrgUnitLevel.Village, Command(target: "3100.0")).Fingerprint); // the same number
        Assert.NotEqual(a.Fingerprint, Planning.Validate(Catalog, OrgUnitLevel.Village, Command(target: "3101")).Fingerprint);
        Assert.NotEqual(a.Fingerprint, Planning.Validate(Catalog, OrgUnitLevel.Village, Command(direction: TargetDirection.Exactly)).Fingerprint);
        Assert.NotEqual(a.Fingerprint, Planning.Validate(Catalog, OrgUnitLevel.Village, Command(note: "另一说明")).Fingerprint);
    }

    [Theory]
    [InlineData("2024", "2023-12-31", 0, 366)]
    [InlineData("2024", "2024-01-01", 1, 366)]
    [InlineData("2024", "2024-06-30", 182, 366)]
    [InlineData("2024", "2024-12-31", 366, 366)]
    [InlineData("2024", "2025-03-01", 366, 366)]
    [InlineData("2023", "2023-07-02", 183, 365)]
    [InlineData("2024Q2", "2024-05-15", 45, 91)]
    [InlineData("2024-02", "2024-02-29", 29, 29)]
    public void Elapsed_CountsDaysThroughTheEndOfAsOf(string period, string asOf, long days, long of) =>
        Assert.Equal((days, of), Planning.Elapsed(Period.Parse(period), DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture)));

    // 2024 has 366 days; by the end of 2024-06-30, 182 of them: a flow target of 366 is due 182 by then.
    [Theory]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtLeast, "366", null, 182, ProgressStatus.NoValue)]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtLeast, "366", "366", 182, ProgressStatus.Met)]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtLeast, "366", "400", 10, ProgressStatus.Met)]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtLeast, "366", "182", 182, ProgressStatus.OnTrack)]  // exactly the share
    [InlineData(IndicatorKind.Flow, TargetDirection.AtLeast, "366", "181.9999", 182, ProgressStatus.Behind)]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtLeast, "366", "0", 0, ProgressStatus.OnTrack)]      // not started
    [InlineData(IndicatorKind.Flow, TargetDirection.AtLeast, "366", "365", 366, ProgressStatus.Behind)]   // ended, missed
    [InlineData(IndicatorKind.Stock, TargetDirection.AtLeast, "366", "10", 300, ProgressStatus.OnTrack)]  // a level is not paced
    [InlineData(IndicatorKind.Stock, TargetDirection.AtLeast, "366", "366", 1, ProgressStatus.Met)]
    [InlineData(IndicatorKind.Stock, TargetDirection.AtLeast, "366", "365", 366, ProgressStatus.Behind)]
    [InlineData(IndicatorKind.Ratio, TargetDirection.AtLeast, "0.95", "0.9694", 100, ProgressStatus.Met)]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtMost, "0", "0", 182, ProgressStatus.OnTrack)]       // 不发生重大安全事故, so far
    [InlineData(IndicatorKind.Flow, TargetDirection.AtMost, "0", "0", 366, ProgressStatus.Met)]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtMost, "0", "1", 3, ProgressStatus.Behind)]
    [InlineData(IndicatorKind.Flow, TargetDirection.AtMost, "100", "90", 10, ProgressStatus.OnTrack)]     // a ceiling is not paced
    [InlineData(IndicatorKind.Stock, TargetDirection.AtMost, "100", "101", 10, ProgressStatus.Behind)]
    [InlineData(IndicatorKind.Stock, TargetDirection.AtMost, "100", "100", 366, ProgressStatus.Met)]
    [InlineData(IndicatorKind.Flow, TargetDirection.Exactly, "4", "4", 100, ProgressStatus.Met)]
    [InlineData(IndicatorKind.Flow, TargetDirection.Exactly, "4", "5", 366, ProgressStatus.Behind)]       // past it
    [InlineData(IndicatorKind.Flow, TargetDirection.Exactly, "4", "2", 183, ProgressStatus.OnTrack)]      // 2 ≥ 4 × 183/366
    [InlineData(IndicatorKind.Flow, TargetDirection.Exactly, "4", "1", 183, ProgressStatus.Behind)]
    [InlineData(IndicatorKind.Stock, TargetDirection.Exactly, "4", "3", 183, ProgressStatus.OnTrack)]
    [InlineData(IndicatorKind.Stock, TargetDirection.Exactly, "4", "3", 366, ProgressStatus.Behind)]
    public void Judge_EachDirectionAndKind(IndicatorKind kind, TargetDirection direction, string target, string? actual, long elapsed, ProgressStatus expected)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, Planning.Judge(kind, direction, D(target), actual is null ? null : D(actual), elapsed, 366));
    }
}
