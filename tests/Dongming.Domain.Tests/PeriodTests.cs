using static Dongming.Domain.Tests.CaseFixtures;

namespace Dongming.Domain.Tests;

public class PeriodTests
{
    [Theory]
    [InlineData("2023", PeriodKind.Year, 2023, 0)]
    [InlineData("2023Q4", PeriodKind.Quarter, 2023, 4)]
    [InlineData("2023Q1", PeriodKind.Quarter, 2023, 1)]
    [InlineData("2023-11", PeriodKind.Month, 2023, 11)]
    [InlineData("2023-01", PeriodKind.Month, 2023, 1)]
    [InlineData("2000", PeriodKind.Year, 2000, 0)]
    [InlineData("2100-12", PeriodKind.Month, 2100, 12)]
    public void TryParse_ValidPeriod_ParsesAndRoundTrips(string text, PeriodKind kind, int year, int number)
    {
        Assert.True(Period.TryParse(text, out var p));
        Assert.Equal(new Period(kind, year, number), p);
        Assert.Equal(text, p.ToString());
    }

    [Theory]
    [InlineData("2023Q5")]
    [InlineData("2023Q0")]
    [InlineData("2023-13")]
    [InlineData("2023-1")]
    [InlineData("2023-00")]
    [InlineData("23")]
    [InlineData("2023q4")]
    [InlineData("2023-Q4")]
    [InlineData("1999")]
    [InlineData("2101")]
    [InlineData("2023 ")]
    [InlineData(" 2023")]
    [InlineData("2023\n")]
    [InlineData("2023Q4\n")]
    [InlineData("")]
    [InlineData("２０２３")]
    [InlineData("2023/11")]
    [InlineData("2023-11-01")]
    [InlineData("02023")]
    public void TryParse_Malformed_IsRejected(string text) => Assert.False(Period.TryParse(text, out _));

    [Fact]
    public void TryParse_Null_IsRejected() => Assert.False(Period.TryParse(null, out _));

    [Theory]
    [InlineData("2023-13")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_Invalid_ThrowsInvalidArgumentForField(string? text)
    {
        var e = TestData.Throws(() => Period.Parse(text, "period"));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("period", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("2023", "2023-01-01", "2023-12-31")]
    [InlineData("2023Q1", "2023-01-01", "2023-03-31")]
    [InlineData("2023Q2", "2023-04-01", "2023-06-30")]
    [InlineData("2023Q3", "2023-07-01", "2023-09-30")]
    [InlineData("2023Q4", "2023-10-01", "2023-12-31")]
    [InlineData("2023-02", "2023-02-01", "2023-02-28")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2000-02", "2000-02-01", "2000-02-29")]
    [InlineData("2100-02", "2100-02-01", "2100-02-28")]
    [InlineData("2023-11", "2023-11-01", "2023-11-30")]
    [InlineData("2023-12", "2023-12-01", "2023-12-31")]
    public void StartAndEnd_AreFirstAndLastDay(string period, string start, string end)
    {
        var p = Period.Parse(period);
        Assert.Equal(D(start), p.Start);
        Assert.Equal(D(end), p.End);
    }

    [Theory]
    [InlineData("2023", "2023-11", true)]
    [InlineData("2023", "2023-01", true)]
    [InlineData("2023", "2023Q4", true)]
    [InlineData("2023", "2023", true)]
    [InlineData("2023", "2024-01", false)]
    [InlineData("2023", "2022-12", false)]
    [InlineData("2023Q4", "2023-10", true)]
    [InlineData("2023Q4", "2023-11", true)]
    [InlineData("2023Q4", "2023-12", true)]
    [InlineData("2023Q4", "2023-09", false)]
    [InlineData("2023Q4", "2024-01", false)]
    [InlineData("2023Q4", "2022-11", false)]
    [InlineData("2023Q1", "2023-04", false)]
    [InlineData("2023Q4", "2023", false)]
    [InlineData("2023-11", "2023Q4", false)]
    [InlineData("2023-11", "2023", false)]
    [InlineData("2023-11", "2023-12", false)]
    [InlineData("2023-11", "2023-11", true)]
    public void Contains_PeriodWithin(string outer, string inner, bool expected) =>
        Assert.Equal(expected, Period.Parse(outer).Contains(Period.Parse(inner)));

    [Fact]
    public void Contains_QuarterContainsExactlyItsThreeMonths()
    {
        for (var q = 1; q <= 4; q++)
        {
            var quarter = Period.Parse($"2023Q{q}");
            var months = Enumerable.Range(1, 12).Where(m => quarter.Contains(Period.Parse($"2023-{m:D2}"))).ToList();
            Assert.Equal([3 * q - 2, 3 * q - 1, 3 * q], months);
        }
    }

    [Fact]
    public void CompareTo_SortsByStartThenLongerFirst()
    {
        string[] shuffled = ["2023-11", "2024", "2023", "2023Q4", "2022", "2023-01", "2023Q1", "2023-10", "2022-12"];
        var sorted = shuffled.Select(s => Period.Parse(s)).Order().Select(p => p.ToString()).ToList();
        Assert.Equal(["2022", "2022-12", "2023", "2023Q1", "2023-01", "2023Q4", "2023-10", "2023-11", "2024"], sorted);
    }

    [Theory]
    [InlineData("2023", "2023", 0)]
    [InlineData("2023", "2023Q1", -1)]
    [InlineData("2023Q1", "2023-01", -1)]
    [InlineData("2023-02", "2023Q1", 1)]
    [InlineData("2022-12", "2023", -1)]
    public void CompareTo_Sign(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(Period.Parse(a).CompareTo(Period.Parse(b))));
        Assert.Equal(-sign, Math.Sign(Period.Parse(b).CompareTo(Period.Parse(a))));
    }
}
