using Dongming.Domain;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ReportingTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static decimal? Value(LedgerValues view, string indicator) => view.Values.SingleOrDefault(f => f.Indicator == indicator)?.Figure.Value;

    private static decimal? Total(TotalsAnswer view, string indicator) => view.Totals.SingleOrDefault(t => t.Indicator == indicator)?.Value;

    [Fact]
    public async Task ReportValues_ThenGetValues_ReturnsValuesAndComputedParent()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);

        var result = await ledger.ReportValues(Report(RequestId(), (Cattle, "120"), (Sheep, "880"), (Camels, "7"), (Income, "12345.67")), Tester);

        Assert.False(result.Replayed);
        var values = await ledger.GetValues(Year, []);
        Assert.Equal(120m, Value(values, Cattle));
        Assert.Equal(880m, Value(values, Sheep));
        Assert.Equal(7m, Value(values, Camels));
        Assert.Equal(12345.67m, Value(values, Income));
        Assert.Equal(1000m, Value(values, Livestock));
        Assert.True(values.Values.Single(f => f.Indicator == Livestock).Figure.Flags.HasFlag(FigureFlags.Computed));
        Assert.False(values.Values.Single(f => f.Indicator == Cattle).Figure.Flags.HasFlag(FigureFlags.Computed));
        Assert.Equal("tester", values.Values.Single(f => f.Indicator == Cattle).Figure.Actor);
        Assert.Equal(result.Version, values.Version);

        // A revision of one part recomputes the parent.
        await ledger.ReportValues(Report(RequestId(), (Sheep, "900")), Tester);
        values = await ledger.GetValues(Year, [Livestock, Sheep]);
        Assert.Equal(1020m, Value(values, Livestock));
        Assert.Equal(2, values.Values.Count);
        var history = await ledger.GetValueHistory(Year, Sheep);
        Assert.Equal([880m, 900m], history.Select(h => h.Value));
        Assert.Equal(880m, history[1].Previous);
    }

    [Fact]
    public async Task ReportValues_CancelledByTheCaller_IsNotStartedAndChangesNothing()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ledger.ReportValues(Report(RequestId(), (Cattle, "5")), Tester, cancelled.Token));

        Assert.Empty((await ledger.GetValues(Year, [])).Values);
        Assert.Null(Total(await t.Totals(Grains).GetTotals(Year, [], includeBreakdown: false), Cattle));
    }

    [Fact]
    public async Task GetTotals_IsTheSumOverOrgUnits_AndVillagesReportingCountsVillagesOnly()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 3);
        await Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Cattle, "10"), (Sheep, "20"), (Income, "100.50")), Tester);
        await Township.Ledger(Grains, t.Villages[1]).ReportValues(Report(RequestId(), (Cattle, "1"), (Income, "0.25")), Tester);
        // The third village reports nothing; the township's own ledger reports camels and the ratio.
        await Township.Ledger(Grains, t.Id).ReportValues(Report(RequestId(), (Camels, "5"), (Cattle, "2"), (Coverage, "0.9694")), Tester);

        // No waiting: a report returns only after the township's totals took it.
        var totals = await t.Totals(Grains).GetTotals(Year, [], includeBreakdown: true);

        Assert.Equal(t.Id, totals.TownshipId);
        Assert.Equal(13m, Total(totals, Cattle));
        Assert.Equal(20m, Total(totals, Sheep));
        Assert.Equal(33m, Total(totals, Livestock)); // the computed parents add up too
        Assert.Equal(100.75m, Total(totals, Income));
        Assert.Equal(5m, Total(totals, Camels));
        Assert.Equal(0.9694m, Total(totals, Coverage));
        var cattle = totals.Totals.Single(x => x.Indicator == Cattle);
        Assert.Equal(2, cattle.VillagesReporting); // the township's own 2 head count in the value, not as a village
        Assert.Equal(0, totals.Totals.Single(x => x.Indicator == Camels).VillagesReporting);
        Assert.Equal(1, totals.Totals.Single(x => x.Indicator == Sheep).VillagesReporting);
        Assert.Equal(
            [(t.Id, 2m), (t.Villages[0], 10m), (t.Villages[1], 1m)],
            cattle.Breakdown!.Select(b => (b.OrgUnitId, b.Value)).OrderBy(b => b.OrgUnitId, StringComparer.Ordinal));

        // The totals equal the sum of what every org unit's ledger holds.
        foreach (var indicator in new[] { Cattle, Sheep, Livestock, Income, Camels })
        {
            decimal sum = 0;
            foreach (var unit in t.Villages.Append(t.Id))
                sum += Value(await Township.Ledger(Grains, unit).GetValues(Year, [indicator]), indicator) ?? 0;
            Assert.Equal(sum, Total(totals, indicator));
        }

        // A revision moves the total by the difference.
        await Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Cattle, "4")), Tester);
        totals = await t.Totals(Grains).GetTotals(Year, [Cattle, Livestock], includeBreakdown: false);
        Assert.Equal(7m, Total(totals, Cattle));
        Assert.Equal(27m, Total(totals, Livestock));
        Assert.Equal(2, totals.Totals.Count);
    }

    [Theory]
    [InlineData(Cattle, "-1")]      // negative head count
    [InlineData(Cattle, "2.5")]     // half a cow
    [InlineData(Income, "1.005")]   // a third decimal in yuan
    [InlineData(Cattle, "1e3")]     // an exponent
    [InlineData(Livestock, "5")]    // a computed parent
    public async Task ReportValues_OneBadValueAmongGood_IsRejectedAndChangesNothing(string indicator, string value)
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var first = await ledger.ReportValues(Report(RequestId(), (Cattle, "10"), (Sheep, "20"), (Income, "5")), Tester);
        var before = await t.Totals(Grains).GetTotals(Year, [], false);

        var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.ReportValues(Report(RequestId(), (Sheep, "30"), (Camels, "3"), (indicator, value)), Tester));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(ex.Violations, v => v.Field == "values[2].value" || v.Field == "values[2].indicator");
        var values = await ledger.GetValues(Year, []);
        Assert.Equal(first.Version, values.Version);
        Assert.Equal(20m, Value(values, Sheep));
        Assert.Null(Value(values, Camels));
        var after = await t.Totals(Grains).GetTotals(Year, [], false);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)), after.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)));
    }

    [Fact]
    public async Task ReportValues_NegativeHeadCount_IsRejected()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ex = await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Camels, "-3")), Tester));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("values[0].value", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public async Task ReportValues_UnknownIndicator_IsNotFound()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ex = await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Cattle, "1"), ("tst_no_such_thing", "3")), Tester));
        Assert.Equal(ErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task ReportValues_ReplayedRequestId_AppliesOnce()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        await Township.Ledger(Grains, t.Villages[1]).ReportValues(Report(RequestId(), (Cattle, "1")), Tester);
        var id = RequestId();
        var first = await ledger.ReportValues(Report(id, (Cattle, "10"), (Income, "2.5")), Tester);
        var totals = await t.Totals(Grains).GetTotals(Year, [], false);

        // Same body, lines in another order: the same request.
        var again = await ledger.ReportValues(Report(id, (Income, "2.50"), (Cattle, "10")), Tester);

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(first.Version, (await ledger.GetValues(Year, [])).Version);
        var after = await t.Totals(Grains).GetTotals(Year, [], false);
        Assert.Equal(totals.Version, after.Version);
        Assert.Equal(11m, Total(after, Cattle));
        Assert.Single(await ledger.GetValueHistory(Year, Cattle));

        // Same id, another body: a different request reusing an id.
        var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.ReportValues(Report(id, (Cattle, "11"), (Income, "2.5")), Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, ex.Kind);
        Assert.Contains(id, ex.Message);
        Assert.Equal(11m, Total(await t.Totals(Grains).GetTotals(Year, [], false), Cattle));
        Assert.Equal(first.Version, (await ledger.GetValues(Year, [])).Version);
    }

    [Fact]
    public async Task ReportValues_VillageReportingTownshipLevelIndicator_IsRejected_TownshipLedgerMayReportIt()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);

        var ex = await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Coverage, "0.5")), Tester));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(ex.Violations, v => v.Field == "values[0].indicator" && v.Description.Contains("township only", StringComparison.Ordinal));
        Assert.Empty((await Township.Ledger(Grains, t.Villages[0]).GetValues(Year, [])).Values);
        Assert.Null(Total(await t.Totals(Grains).GetTotals(Year, [], false), Coverage));

        await Township.Ledger(Grains, t.Id).ReportValues(Report(RequestId(), (Coverage, "0.5")), Tester);
        var totals = await t.Totals(Grains).GetTotals(Year, [Coverage], false);
        var coverage = Assert.Single(totals.Totals);
        Assert.Equal(0.5m, coverage.Value);
        Assert.Equal(0, coverage.VillagesReporting);

        // A ratio above 1 is refused even for the township.
        var tooHigh = await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, t.Id).ReportValues(Report(RequestId(), (Coverage, "1.2")), Tester));
        Assert.Equal(ErrorKind.InvalidArgument, tooHigh.Kind);
    }

    [Fact]
    public async Task ReportValues_UnregisteredOrgUnit_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, NewId("nowhere")).ReportValues(Report(RequestId(), (Cattle, "1")), Tester));
        Assert.Equal(ErrorKind.NotFound, ex.Kind);
    }
}
