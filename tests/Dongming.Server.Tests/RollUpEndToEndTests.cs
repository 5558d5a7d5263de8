using Dongming.Contracts.V1;

namespace Dongming.Server.Tests;

/// <summary>Quarterly and monthly figures rolled up to years through the gRPC surface, kept at every write.</summary>
public sealed class RollUpEndToEndTests(DemoServerFixture fixture)
{
    private const string Persons = "labour_export_persons"; // a flow
    private const string Sheep = "livestock_sheep";         // a stock, part of livestock_total

    [Fact]
    public async Task QuarterlyValuesOf2024_ProduceThe2024YearlyTotals_FlowSummedStockLast_AndAQ3WriteChangesTheYearAtOnce()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var (a, b) = (town.Villages[0], town.Villages[1]);
        await town.Report(a, "2024Q1", (Persons, "100"), (Sheep, "2650"));
        await town.Report(a, "2024Q2", (Persons, "50"), (Sheep, "2700"));
        await town.Report(b, "2024Q1", (Persons, "30"), (Sheep, "500"));
        await town.Report(b, "2024Q2", (Sheep, "400"));

        var year = await town.TotalsAsync("2024");
        Assert.Equal("180", year[Persons].Value);              // 100 + 50 + 30
        Assert.Equal(["2024Q1", "2024Q2"], year[Persons].FromPeriods);
        Assert.Equal("3100", year[Sheep].Value);               // a's Q2 2700 + b's Q2 400, not the sum of quarters
        Assert.Equal(["2024Q2"], year[Sheep].FromPeriods);
        Assert.Equal("3100", year["livestock_total"].Value);   // computed from rolled-up parts
        Assert.True(year["livestock_total"].Computed);
        Assert.All(new[] { year[Persons], year[Sheep] }, t => Assert.Equal((2, 2), (t.VillagesReporting, t.RolledUpUnits)));

        var values = (await town.Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = a, Period = "2024", Indicators = { Persons, Sheep } })).Values.ToDictionary(v => v.Indicator);
        Assert.Equal(("150", true), (values[Persons].Value, values[Persons].RolledUp));
        Assert.Equal(["2024Q1", "2024Q2"], values[Persons].FromPeriods);
        Assert.Equal(("2700", true), (values[Sheep].Value, values[Sheep].RolledUp));

        var before = (await town.Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = town.TownshipId, Period = "2024" })).Version;
        await town.Report(a, "2024Q3", (Persons, "25"), (Sheep, "2800"));
        var after = await town.Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = town.TownshipId, Period = "2024" });
        var now = after.Totals.ToDictionary(t => t.Indicator);
        Assert.True(after.Version > before);
        Assert.Equal("205", now[Persons].Value);
        Assert.Equal("3200", now[Sheep].Value);                // a's latest is now Q3
        Assert.Equal(["2024Q2", "2024Q3"], now[Sheep].FromPeriods);
        Assert.Equal(["2024Q1", "2024Q2", "2024Q3"], now[Persons].FromPeriods);
    }

    [Fact]
    public async Task TheYearsOwnEntry_WinsOverItsQuarters_UntilItIsCleared()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var (a, b) = (town.Villages[0], town.Villages[1]);
        await town.Report(a, "2024", (Persons, "999"));
        await town.Report(a, "2024Q1", (Persons, "1"));
        await town.Report(b, "2024Q1", (Persons, "10"));

        var total = (await town.TotalsAsync("2024", null, Persons))[Persons];
        Assert.Equal("1009", total.Value);                     // a's entry (999), not its quarter; b rolled up (10)
        Assert.Equal((2, 1), (total.VillagesReporting, total.RolledUpUnits));
        Assert.Equal(["2024Q1"], total.FromPeriods);
        var own = (await town.Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = a, Period = "2024", Indicators = { Persons } })).Values.Single();
        Assert.Equal(("999", false), (own.Value, own.RolledUp));
        Assert.Empty(own.FromPeriods);
        var quarter = (await town.TotalsAsync("2024Q1", null, Persons))[Persons];
        Assert.Equal("11", quarter.Value);                     // the quarters keep their own

        await town.Reporting.ClearValuesAsync(new ClearValuesRequest { OrgUnitId = a, Period = "2024", Indicators = { Persons }, RequestId = Rpc.Id(), Reason = "误报" });
        total = (await town.TotalsAsync("2024", null, Persons))[Persons];
        Assert.Equal(("11", 2), (total.Value, total.RolledUpUnits));
    }

    [Fact]
    public async Task VillagesReporting_OfARolledUpYear_CountsEachVillageOnce_HoweverManyQuartersItReported()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server, villages: 3);
        foreach (var q in new[] { "2024Q1", "2024Q2", "2024Q3", "2024Q4" }) await town.Report(town.Villages[0], q, (Persons, "1"));
        await town.Report(town.Villages[1], "2024Q1", (Persons, "1"));
        var total = (await town.TotalsAsync("2024", null, Persons))[Persons];
        Assert.Equal(("5", 2), (total.Value, total.VillagesReporting)); // the third village reported nothing
        Assert.Equal(["2024Q1", "2024Q2", "2024Q3", "2024Q4"], total.FromPeriods);
    }

    [Fact]
    public async Task MonthsRollUpThroughQuartersToTheYear_AndRatiosNever()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        await town.Report(town.Villages[0], "2024-01", (Persons, "3"));
        await town.Report(town.Villages[0], "2024-05", (Persons, "4"));
        await town.Report(town.TownshipId, "2024Q1", ("animal_immunisation_coverage", "0.95"));
        Assert.Equal("3", (await town.TotalsAsync("2024Q1", null, Persons))[Persons].Value);
        var year = await town.TotalsAsync("2024");
        Assert.Equal("7", year[Persons].Value);
        Assert.Equal(["2024-01", "2024-05"], year[Persons].FromPeriods);
        Assert.False(year.ContainsKey("animal_immunisation_coverage"));
    }

    [Fact]
    public async Task WatchTotals_OfAYear_SeesQuarterlyWrites()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        await town.Report(town.Villages[0], "2024Q1", (Persons, "10"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = town.Township.WatchTotals(new WatchTotalsRequest { TownshipId = town.TownshipId, Period = "2024", Indicators = { Persons } }, cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("10", call.ResponseStream.Current.Totals.Single().Value);
        await town.Report(town.Villages[1], "2024Q4", (Persons, "5"));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.False(call.ResponseStream.Current.Initial);
        var total = call.ResponseStream.Current.Totals.Single();
        Assert.Equal("15", total.Value);
        Assert.Equal(["2024Q1", "2024Q4"], total.FromPeriods);
        cts.Cancel();
    }

    [Fact]
    public async Task AnIndicatorDefinedAfterTheVillagesWereLoaded_RollsUpToo()
    {
        // The demo defines high_standard_farmland_area after its villages' ledgers were loaded for the 2023 figures;
        // no other test writes it, nor the year 2061.
        var reporting = new ReportingService.ReportingServiceClient(fixture.Server.Channel);
        await reporting.ReportValuesAsync(Rpc.Report("datai", "2061Q3", ("high_standard_farmland_area", "120")));
        var rolled = (await reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2061", Indicators = { "high_standard_farmland_area" } })).Values.Single();
        Assert.Equal(("120", true), (rolled.Value, rolled.RolledUp));
        Assert.Equal(["2061Q3"], rolled.FromPeriods);
        var total = (await new TownshipService.TownshipServiceClient(fixture.Server.Channel).GetTotalsAsync(new GetTotalsRequest
        {
            TownshipId = "dongming",
            Period = "2061",
            Indicators = { "high_standard_farmland_area" },
        })).Totals.Single();
        Assert.Equal("120", total.Value);
    }
}
