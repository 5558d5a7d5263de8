using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Server.Tests;

/// <summary>GetTotals with compare_period through the gRPC surface: compared value, change, ratio, record highs.</summary>
public sealed class YearOverYearEndToEndTests(DemoServerFixture fixture)
{
    private const string Persons = "labour_export_persons";
    private const string Income = "labour_export_income";
    private const string Sheep = "livestock_sheep";

    [Fact]
    public async Task GetTotals_ComparedWithLastYear_GivesComparedValueExactChangeAndRoundedRatio()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var (a, b) = (town.Villages[0], town.Villages[1]);
        await town.Report(a, "2023", (Persons, "100"), (Income, "1000000.01"), (Sheep, "50"));
        await town.Report(b, "2023", (Persons, "60"));
        await town.Report(a, "2024Q1", (Persons, "120"), (Income, "1234567.89"));
        await town.Report(b, "2024", (Persons, "80"));

        var response = await town.Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = town.TownshipId, Period = "2024", ComparePeriod = "2023" });
        Assert.Equal("2023", response.ComparePeriod);
        var totals = response.Totals.ToDictionary(t => t.Indicator);
        var persons = totals[Persons];                        // 200 (a rolled up from Q1, b entered) vs 160
        Assert.Equal(("200", "160", "40", "0.25", true), (persons.Value, persons.ComparedValue, persons.Change, persons.ChangeRatio, persons.RecordHigh));
        var income = totals[Income];                          // 234567.88 / 1000000.01 = 0.23456787654… → 0.2346
        Assert.Equal(("1000000.01", "234567.88", "0.2346"), (income.ComparedValue, income.Change, income.ChangeRatio));
        Assert.False(income.ComparedAtLeast);
        Assert.False(totals.ContainsKey(Sheep));               // no 2024 figure: no total to compare

        var plain = (await town.TotalsAsync("2024", null, Persons))[Persons];
        Assert.Equal(("", "", "", false), (plain.ComparedValue, plain.Change, plain.ChangeRatio, plain.RecordHigh)); // only when asked
    }

    [Fact]
    public async Task GetTotals_ComparedWithZeroOrAPeriodWithoutAFigure_NeverDivides()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        await town.Report(town.Villages[0], "2023", (Persons, "0"));
        await town.Report(town.Villages[0], "2024", (Persons, "7"), (Sheep, "9"));
        var totals = await town.TotalsAsync("2024", "2023");
        Assert.Equal(("0", "7", ""), (totals[Persons].ComparedValue, totals[Persons].Change, totals[Persons].ChangeRatio));
        Assert.Equal(("", "", ""), (totals[Sheep].ComparedValue, totals[Sheep].Change, totals[Sheep].ChangeRatio));
        var decline = await town.TotalsAsync("2023", "2024", Persons);
        Assert.Equal(("7", "-7", "-1"), (decline[Persons].ComparedValue, decline[Persons].Change, decline[Persons].ChangeRatio));
    }

    [Fact]
    public async Task RecordHigh_BeatsEveryEarlierYear_NotOnATie_NotTheFirstYear_AndLaterYearsDoNotCount()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var v = town.Villages[0];
        await town.Report(v, "2020", (Persons, "300"));
        await town.Report(v, "2021", (Persons, "100"));
        await town.Report(v, "2022", (Persons, "300"));
        await town.Report(v, "2023", (Persons, "301"));
        await town.Report(v, "2024", (Persons, "250"));
        await town.Report(v, "2023Q4", (Persons, "5000")); // a quarter is not a year

        async Task<bool> Record(string year) => (await town.TotalsAsync(year, "2019", Persons))[Persons].RecordHigh;
        Assert.False(await Record("2020")); // nothing earlier to beat
        Assert.False(await Record("2021"));
        Assert.False(await Record("2022")); // ties 2020
        Assert.True(await Record("2023"));  // still a record although its own entry hides the bigger quarter
        Assert.False(await Record("2024"));
        Assert.True((await town.TotalsAsync("2023", "2022", Persons))[Persons].RecordHigh); // whatever it is compared with
    }

    [Fact]
    public async Task QuarterOnQuarter_AndAWriteToTheComparedPeriod_ChangesTheComparisonAtOnce()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        await town.Report(town.Villages[0], "2024Q1", (Sheep, "100"));
        await town.Report(town.Villages[0], "2024Q2", (Sheep, "150"));
        var first = (await town.TotalsAsync("2024Q2", "2024Q1", Sheep))[Sheep];
        Assert.Equal(("100", "50", "0.5", true), (first.ComparedValue, first.Change, first.ChangeRatio, first.RecordHigh));
        await town.Report(town.Villages[1], "2024Q1", (Sheep, "100"));
        var second = (await town.TotalsAsync("2024Q2", "2024Q1", Sheep))[Sheep];
        Assert.Equal(("200", "-50", "-0.25", false), (second.ComparedValue, second.Change, second.ChangeRatio, second.RecordHigh));
    }

    [Fact]
    public async Task WatchTotals_WithComparePeriod_SendsTheComparison()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        await town.Report(town.Villages[0], "2023", (Persons, "10"));
        await town.Report(town.Villages[0], "2024", (Persons, "12"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = town.Township.WatchTotals(new WatchTotalsRequest { TownshipId = town.TownshipId, Period = "2024", ComparePeriod = "2023", Indicators = { Persons } }, cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(("10", "0.2"), (call.ResponseStream.Current.Totals.Single().ComparedValue, call.ResponseStream.Current.Totals.Single().ChangeRatio));
        await town.Report(town.Villages[1], "2023", (Persons, "2")); // a write to the compared year
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(("12", "0"), (call.ResponseStream.Current.Totals.Single().ComparedValue, call.ResponseStream.Current.Totals.Single().ChangeRatio));
        cts.Cancel();
    }

    [Theory]
    [InlineData("2024", "2023Q4", new[] { "compare_period" })]
    [InlineData("2024Q1", "2023", new[] { "compare_period" })]
    [InlineData("2024", "2023Q9", new[] { "compare_period" })]
    [InlineData("2024Q9", "20x3", new[] { "period", "compare_period" })]
    public async Task GetTotals_WithACompareThatIsNotOfTheSameKind_IsInvalidArgumentNamingIt(string period, string compare, string[] fields)
    {
        var town = await PlannedTown.CreateAsync(fixture.Server, villages: 0);
        var (code, _, named) = await Rpc.Fails(() => town.Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = town.TownshipId, Period = period, ComparePeriod = compare }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(fields, named);
    }
}
