using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>Roll-ups, at-least and partial figures, clearing values, the value range and bad requests, through the grains.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FigureTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static ValueView? Figure(LedgerValues values, string indicator) => values.Values.SingleOrDefault(v => v.Indicator == indicator);

    private static TotalFigure? Total(TotalsAnswer answer, string indicator) => answer.Totals.SingleOrDefault(t => t.Indicator == indicator);

    private async Task<TotalFigure?> TotalAsync(Township t, string period, string indicator) =>
        Total(await t.Totals(Grains).GetTotals(period, [indicator], includeBreakdown: true), indicator);

    [Fact]
    public async Task ReportValues_MonthWrite_UpdatesItsQuarterAndYearTotalsAtOnce()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var (a, b) = (Township.Ledger(Grains, t.Villages[0]), Township.Ledger(Grains, t.Villages[1]));
        await a.ReportValues(ReportOf("2024-01", RequestId(), (Income, "100.50"), (Cattle, "40")), Tester);
        await b.ReportValues(ReportOf("2024-02", RequestId(), (Income, "20"), (Cattle, "5")), Tester);

        // No waiting: the write returns once the township took the month, its quarter and its year.
        await a.ReportValues(ReportOf("2024-03", RequestId(), (Income, "1"), (Cattle, "42")), Tester);

        var quarter = await t.Totals(Grains).GetTotals("2024Q1", [Income, Cattle], includeBreakdown: true);
        // A flow is the sum of the months, per village, then over villages.
        Assert.Equal(121.5m, Total(quarter, Income)!.Value);
        Assert.Equal(["2024-01", "2024-02", "2024-03"], Total(quarter, Income)!.From);
        Assert.Equal([(t.Villages[0], 101.5m), (t.Villages[1], 20m)], Total(quarter, Income)!.Breakdown!.Select(p => (p.OrgUnitId, p.Value)));
        // A stock is each village's latest month with a value (March for one, February for the other), then summed.
        Assert.Equal(47m, Total(quarter, Cattle)!.Value);
        Assert.Equal(["2024-02", "2024-03"], Total(quarter, Cattle)!.From);
        Assert.All(Total(quarter, Cattle)!.Breakdown!, p => Assert.True(p.Flags.HasFlag(FigureFlags.RolledUp)));

        var year = await t.Totals(Grains).GetTotals(Year, [Income, Cattle], includeBreakdown: false);
        Assert.Equal((121.5m, 47m, 2), (Total(year, Income)!.Value, Total(year, Cattle)!.Value, Total(year, Cattle)!.VillagesReporting));
        Assert.Equal(1m, Total(await t.Totals(Grains).GetTotals("2024-03", [Income], false), Income)!.Value);
        Assert.Empty((await t.Totals(Grains).GetTotals("2024Q2", [], false)).Totals);
    }

    [Fact]
    public async Task ReportValues_OwnQuarterEntry_WinsOverItsMonths()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var (a, b) = (Township.Ledger(Grains, t.Villages[0]), Township.Ledger(Grains, t.Villages[1]));
        await a.ReportValues(ReportOf("2024-04", RequestId(), (Income, "10")), Tester);
        await a.ReportValues(ReportOf("2024-05", RequestId(), (Income, "20")), Tester);
        await b.ReportValues(ReportOf("2024-05", RequestId(), (Income, "7")), Tester);
        Assert.Equal(37m, (await TotalAsync(t, "2024Q2", Income))!.Value);

        await a.ReportValues(ReportOf("2024Q2", RequestId(), (Income, "100")), Tester);
        var quarter = (await TotalAsync(t, "2024Q2", Income))!;
        Assert.Equal(107m, quarter.Value);
        Assert.Equal(["2024-05"], quarter.From); // only the other village's quarter is rolled up
        Assert.Equal(FigureFlags.None, quarter.Breakdown!.Single(p => p.OrgUnitId == t.Villages[0]).Flags);

        // A later month of the village with its own quarter entry moves neither its quarter nor its year.
        await a.ReportValues(ReportOf("2024-06", RequestId(), (Income, "1000")), Tester);
        Assert.Equal(107m, (await TotalAsync(t, "2024Q2", Income))!.Value);
        Assert.Equal(107m, (await TotalAsync(t, Year, Income))!.Value);
        var own = Figure(await a.GetValues("2024Q2", [Income]), Income)!.Figure;
        Assert.Equal((100m, FigureFlags.None), (own.Value, own.Flags));
    }

    [Fact]
    public async Task GetValues_ComputedParentsAtRolledPeriods_AreTheSumOfTheirParts_PartialWhileAPartIsMissing()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        await ledger.ReportValues(ReportOf("2024-01", RequestId(), (Cattle, "10"), (OutputCrops, "500")), Tester);
        await ledger.ReportValues(ReportOf("2024-02", RequestId(), (Sheep, "100"), (OutputHerds, "30")), Tester);

        var january = await ledger.GetValues("2024-01", [Livestock, Output]);
        Assert.Equal((10m, FigureFlags.Computed | FigureFlags.Partial), (Figure(january, Livestock)!.Figure.Value, Figure(january, Livestock)!.Figure.Flags));
        Assert.Equal((500m, FigureFlags.Computed | FigureFlags.Partial), (Figure(january, Output)!.Figure.Value, Figure(january, Output)!.Figure.Flags));

        var quarter = await ledger.GetValues("2024Q1", [Livestock, Output, Cattle]);
        Assert.Equal(110m, Figure(quarter, Livestock)!.Figure.Value);
        Assert.Equal(530m, Figure(quarter, Output)!.Figure.Value);
        Assert.Equal(FigureFlags.Computed | FigureFlags.RolledUp, Figure(quarter, Output)!.Figure.Flags);
        Assert.Equal(["2024-01", "2024-02"], Figure(quarter, Output)!.Figure.From);
        Assert.Equal("head", Figure(quarter, Cattle)!.Unit);

        var totals = await t.Totals(Grains).GetTotals("2024-01", [Livestock, Output], false);
        Assert.Equal((1, true), (Total(totals, Livestock)!.PartialUnits, Total(totals, Livestock)!.Computed));
        Assert.Equal(0, Total(await t.Totals(Grains).GetTotals("2024Q1", [Livestock], false), Livestock)!.PartialUnits);
    }

    [Fact]
    public async Task ReportValues_AtLeast_IsCarriedIntoTheParentAndTheTotals()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var a = Township.Ledger(Grains, t.Villages[0]);
        await a.ReportValues(new ReportCommand(string.Empty, "2024-07", [new ReportLine(OutputCrops, "2740000", AtLeast: true), new ReportLine(OutputHerds, "10")], RequestId(), "2.74亿元以上"), Tester);
        await Township.Ledger(Grains, t.Villages[1]).ReportValues(ReportOf("2024-07", RequestId(), (OutputCrops, "5")), Tester);

        var month = await t.Totals(Grains).GetTotals("2024-07", [OutputCrops, Output, OutputHerds], includeBreakdown: true);
        Assert.Equal((2740005m, true), (Total(month, OutputCrops)!.Value, Total(month, OutputCrops)!.AtLeast));
        Assert.Equal((2740015m, true), (Total(month, Output)!.Value, Total(month, Output)!.AtLeast));
        Assert.False(Total(month, OutputHerds)!.AtLeast);
        Assert.True(Total(await t.Totals(Grains).GetTotals(Year, [Output], false), Output)!.AtLeast);
        Assert.True(Figure(await a.GetValues("2024Q3", [Output]), Output)!.Figure.Flags.HasFlag(FigureFlags.AtLeast));
        var revision = Assert.Single(await a.GetValueHistory("2024-07", OutputCrops));
        Assert.True(revision.AtLeast);

        // The exact figure, once known, replaces the lower bound everywhere.
        await a.ReportValues(ReportOf("2024-07", RequestId(), (OutputCrops, "2745000")), Tester);
        Assert.False((await TotalAsync(t, Year, Output))!.AtLeast);
        Assert.Equal(2745015m, (await TotalAsync(t, Year, Output))!.Value);
    }

    [Fact]
    public async Task ClearValues_HistoryShowsTheRevisionToNoValue_TotalsDropIt_AndAReplayAppliesOnce()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var (a, b) = (Township.Ledger(Grains, t.Villages[0]), Township.Ledger(Grains, t.Villages[1]));
        await a.ReportValues(ReportOf("2024-03", RequestId(), (Cattle, "10"), (Sheep, "20")), Tester);
        await b.ReportValues(ReportOf("2024-03", RequestId(), (Cattle, "1")), Tester);
        var clear = new ClearCommand(string.Empty, "2024-03", [Cattle], RequestId(), "误填：该村无牛");

        var first = await a.ClearValues(clear, new Actor("clerk", "Clerk"));

        Assert.False(first.Replayed);
        Assert.Null(Figure(await a.GetValues("2024-03", [Cattle]), Cattle));
        Assert.Equal(20m, Figure(await a.GetValues("2024-03", [Livestock]), Livestock)!.Figure.Value);
        foreach (var period in new[] { "2024-03", "2024Q1", Year })
        {
            var cattle = (await TotalAsync(t, period, Cattle))!;
            Assert.Equal((1m, 1), (cattle.Value, cattle.VillagesReporting));
            Assert.Equal(21m, (await TotalAsync(t, period, Livestock))!.Value);
        }
        var history = await a.GetValueHistory("2024-03", Cattle);
        Assert.Equal([10m, null], history.Select(h => h.Value));
        Assert.Equal([null, 10m], history.Select(h => h.Previous));
        Assert.Equal(("clerk", clear.RequestId, "误填：该村无牛", first.Version), (history[1].Actor, history[1].RequestId, history[1].Comment, history[1].Version));

        // The same request again: its first answer, nothing applied twice.
        var totalsVersion = (await t.Totals(Grains).GetTotals(Year, [], false)).Version;
        var again = await a.ClearValues(clear, Tester);
        Assert.Equal((true, first.Version), (again.Replayed, again.Version));
        Assert.Equal(first.Version, await fixture.JournalVersionAsync(GrainKeys.Ledger(t.Villages[0])));
        Assert.Equal(totalsVersion, (await t.Totals(Grains).GetTotals(Year, [], false)).Version);
        Assert.Equal(2, (await a.GetValueHistory("2024-03", Cattle)).Count);
        var reused = await Assert.ThrowsAsync<DomainException>(() => a.ClearValues(clear with { Indicators = [Sheep] }, Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, reused.Kind);
        Assert.Equal(20m, Figure(await a.GetValues("2024-03", [Sheep]), Sheep)!.Figure.Value);
    }

    [Fact]
    public async Task ClearValues_BadRequest_ReportsEveryProblem_UnknownAloneIsNotFound()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);

        var bad = await Assert.ThrowsAsync<DomainException>(() => ledger.ClearValues(new ClearCommand(string.Empty, "2024Q5", [Livestock, "tst_no_such_thing"], RequestId(), ""), Tester));
        Assert.Equal(ErrorKind.InvalidArgument, bad.Kind);
        Assert.Equal(["indicators[0]", "indicators[1]", "period", "reason"], bad.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));

        var unknown = await Assert.ThrowsAsync<DomainException>(() => ledger.ClearValues(new ClearCommand(string.Empty, Year, ["tst_no_such_thing"], RequestId(), "误填"), Tester));
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
        Assert.Equal(1, await fixture.JournalVersionAsync(GrainKeys.Ledger(t.Villages[0]))); // its registration only
    }

    [Theory]
    [InlineData(Cattle, "1000000000000000")]  // 16 digits
    [InlineData(Income, "1000000000000000")]
    [InlineData(Income, "0.12345")]          // 5 decimals
    [InlineData(Sheep, "12345.00001")]
    public async Task ReportValues_ValueOutsideTheRange_IsInvalidArgument_BeforeAnythingIsWritten(string indicator, string value)
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        await ledger.ReportValues(Report(RequestId(), (Camels, "1")), Tester);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        var (journal, totals) = (await fixture.JournalVersionAsync(stream), (await t.Totals(Grains).GetTotals(Year, [], false)).Version);

        var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.ReportValues(Report(RequestId(), (Camels, "2"), (indicator, value)), Tester));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("values[1].value", Assert.Single(ex.Violations).Field);
        Assert.Equal(journal, await fixture.JournalVersionAsync(stream));
        Assert.Equal(totals, (await t.Totals(Grains).GetTotals(Year, [], false)).Version);
        Assert.Equal(1m, Figure(await ledger.GetValues(Year, [Camels]), Camels)!.Figure.Value);
    }

    [Fact]
    public async Task ReportValues_UnknownIndicatorsWithSyntaxErrors_AreAllReportedInOneInvalidArgument()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);

        var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.ReportValues(
            Report(RequestId(), ("tst_no_such_one", "1"), (Cattle, "1.5"), ("tst_no_such_two", "2"), (Income, "1e3"), (Sheep, "5")), Tester));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(["values[0].indicator", "values[1].value", "values[2].indicator", "values[3].value"], ex.Violations.Select(v => v.Field));
        Assert.Contains("tst_no_such_one", ex.Violations[0].Description, StringComparison.Ordinal);
        Assert.Contains("tst_no_such_two", ex.Violations[2].Description, StringComparison.Ordinal);
        Assert.Empty((await ledger.GetValues(Year, [])).Values);
    }

    [Fact]
    public async Task GetTotals_BadPeriodAndUnknownIndicator_AreReportedTogether()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ex = await Assert.ThrowsAsync<DomainException>(() => t.Totals(Grains).GetTotals("2024Q7", [Cattle, "tst_no_such_thing"], false));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(["indicators[1]", "period"], ex.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        var values = await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, t.Villages[0]).GetValues("24", ["tst_no_such_thing"]));
        Assert.Equal(["indicators[0]", "period"], values.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DefineIndicators_ParentWith101LeafParts_IsRejected_AndDefinesNothing()
    {
        var catalog = Grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog);
        var root = "tst_" + Guid.NewGuid().ToString("N")[..12];
        IndicatorDefinition Def(string code, string? partOf) => new(code, "部分", "Part", "mu", "tst_limits", IndicatorKind.Stock, EnteredAt.Village, partOf);
        var batch = new List<IndicatorDefinition> { Def(root, null) };
        batch.AddRange(Enumerable.Range(0, ValueRange.MaxLeafParts + 1).Select(i => Def($"{root}_{i:D3}", root)));
        var before = await catalog.GetVersion();

        var ex = await Assert.ThrowsAsync<DomainException>(() => catalog.DefineIndicators(batch, RequestId(), Tester));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("indicator.part_of", Assert.Single(ex.Violations).Field);
        Assert.Equal(before, await catalog.GetVersion());
        Assert.DoesNotContain((await catalog.GetIndicators()).Indicators, i => i.Code == root);
    }

    [Fact]
    public async Task GetValueHistory_ReadsOnlyTheEventsOfThatFigure()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        for (var i = 1; i <= 30; i++)
            await ledger.ReportValues(ReportOf(i % 3 == 0 ? "2024-05" : "2024-06", RequestId(), (Camels, $"{i}"), (Income, $"{i}.5")), Tester);
        await ledger.ClearValues(new ClearCommand(string.Empty, "2024-05", [Camels], RequestId(), "误填"), Tester);
        var before = fixture.Counters.EventsReadByVersion.GetValueOrDefault(stream);

        var history = await ledger.GetValueHistory("2024-05", Camels);

        Assert.Equal([3m, 6m, 9m, 12m, 15m, 18m, 21m, 24m, 27m, 30m, null], history.Select(h => h.Value));
        Assert.Equal(11, fixture.Counters.EventsReadByVersion.GetValueOrDefault(stream) - before);
        Assert.Empty(await ledger.GetValueHistory("2024-04", Camels));
    }

    [Fact]
    public async Task GetValueHistory_WhileItsReadIsSlow_DoesNotHoldUpWritesToThatVillage()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        await ledger.ReportValues(ReportOf("2024-05", RequestId(), (Camels, "1")), Tester);
        var gate = CountingJournalStore.HoldReadsByVersion(stream);
        try
        {
            var history = ledger.GetValueHistory("2024-05", Camels);
            await CountingJournalStore.ReadHeld(stream).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            // The history read is parked in the journal; a write to the same ledger completes meanwhile.
            var written = ledger.ReportValues(ReportOf("2024-05", RequestId(), (Camels, "2")), Tester);
            await written.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.False(history.IsCompleted);

            gate.SetResult();
            // The history answers as of when it was asked; the next one has the write too.
            Assert.Equal([1m], (await history).Select(h => h.Value));
            Assert.Equal([1m, 2m], (await ledger.GetValueHistory("2024-05", Camels)).Select(h => h.Value));
        }
        finally
        {
            gate.TrySetResult();
            CountingJournalStore.ReleaseReadsByVersion(stream);
        }
    }

    [Fact]
    public async Task Reads_NamingAnUnknownIndicator_DoNotReloadTheCatalog()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var township = t.Totals(Grains);
        await ledger.ReportValues(ReportOf("2024-05", RequestId(), (Camels, "1")), Tester);
        await township.GetTotals("2024-05", [Camels], includeBreakdown: false);
        var cache = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<CatalogCache>();
        var before = cache.Loads;

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<DomainException>(() => ledger.GetValues("2024-05", ["no_such_indicator"]));
            await Assert.ThrowsAsync<DomainException>(() => township.GetTotals("2024-05", ["no_such_indicator"], includeBreakdown: false));
        }

        Assert.Equal(before, cache.Loads);
    }

    [Fact]
    public async Task Ledger_ReloadedFromItsSnapshot_HoldsTheSameFigures()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        var note = new string('x', 480); // events heavy enough that a snapshot falls due after a few dozen
        for (var i = 1; i <= 40; i++)
        {
            var month = $"2024-{i % 12 + 1:D2}";
            await ledger.ReportValues(new ReportCommand(string.Empty, month, [new ReportLine(Cattle, $"{i}"), new ReportLine(OutputCrops, $"{i}0", AtLeast: i % 5 == 0)], RequestId(), note), Tester);
        }
        await ledger.ClearValues(new ClearCommand(string.Empty, "2024-02", [Cattle], RequestId(), "误填"), Tester);
        await ledger.ReportValues(ReportOf("2024Q3", RequestId(), (OutputHerds, "7")), Tester);
        string[] periods = [Year, "2024Q1", "2024Q3", "2024-02", "2024-09"];
        var before = new List<LedgerValues>();
        foreach (var p in periods) before.Add(await ledger.GetValues(p, []));

        // The snapshot is written beside the appends, not awaited by them: wait (bounded) until it is in the journal.
        Snapshot? snapshot = null;
        for (var attempt = 0; attempt < 100 && snapshot is null; attempt++)
        {
            snapshot = await fixture.Journal.ReadSnapshotAsync(stream);
            if (snapshot is null) await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.NotNull(snapshot);
        Assert.InRange(snapshot.Version, 2, before[0].Version);
        await fixture.Cluster.DeactivateAsync(ledger);

        for (var i = 0; i < periods.Length; i++)
        {
            var after = await ledger.GetValues(periods[i], []);
            Assert.Equal(before[i].Version, after.Version);
            Assert.Equal(before[i].Values.Select(Show), after.Values.Select(Show));
        }
        // The history index came back with the snapshot: every revision of February's cattle, the clear last.
        Assert.Equal([1m, 13m, 25m, 37m, null], (await ledger.GetValueHistory("2024-02", Cattle)).Select(h => h.Value));
    }

    [Fact]
    public async Task ReportValues_OfIndicatorsDefinedAfterTheLedgerLoaded_RollUpAndFeedTheirParent()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        await ledger.ReportValues(ReportOf("2024-01", RequestId(), (Income, "1")), Tester); // loaded, with the catalog of then
        var catalog = Grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog);
        var parent = "tst_" + Guid.NewGuid().ToString("N")[..12];
        IndicatorDefinition Def(string code, string? partOf) => new(code, "新指标", "New", "yuan", "tst_new", IndicatorKind.Flow, EnteredAt.Village, partOf);
        await catalog.DefineIndicators([Def(parent, null), Def(parent + "_a", parent)], RequestId(), Tester);

        await ledger.ReportValues(ReportOf("2024-01", RequestId(), (parent + "_a", "10")), Tester);
        Assert.Equal(10m, (await TotalAsync(t, "2024Q1", parent + "_a"))?.Value);
        Assert.Equal(10m, (await TotalAsync(t, Year, parent))?.Value);

        // A part added to a computed parent while the ledger is loaded counts in the parent at once.
        await catalog.DefineIndicators([Def(parent + "_b", parent)], RequestId(), Tester);
        await ledger.ReportValues(ReportOf("2024-02", RequestId(), (parent + "_b", "5")), Tester);
        Assert.Equal(15m, (await TotalAsync(t, "2024Q1", parent))?.Value);
        Assert.Equal(15m, Figure(await ledger.GetValues(Year, [parent]), parent)!.Figure.Value);

        // The ledger reloaded from its journal holds the same for the quarter.
        var before = (await ledger.GetValues("2024Q1", [])).Values.Select(Show).ToList();
        await fixture.Cluster.DeactivateAsync(ledger);
        Assert.Equal(before, (await ledger.GetValues("2024Q1", [])).Values.Select(Show));
        var quarter = (await TotalAsync(t, "2024Q1", parent))!;
        Assert.Equal((15m, 0), (quarter.Value, quarter.PartialUnits));
    }

    [Theory]
    [InlineData("{\"format\": 2, \"state\": {\"entered\": [1, 2")] // cut short
    [InlineData("{\"format\": 2, \"state\": {\"entered\": {\"2024-04|tst_cattle\": {\"value\": 1e40}}}}")]
    [InlineData("{\"format\": 2, \"state\": {\"entered\": {\"no key\": {\"value\": 1}}}}")]
    [InlineData("{\"format\": 2, \"state\": {\"entered\": null}}")]
    public async Task Ledger_WhoseSnapshotCannotBeRead_StillLoads_FromItsEvents(string damaged)
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        await ledger.ReportValues(ReportOf("2024-04", RequestId(), (Cattle, "7"), (OutputCrops, "70")), Tester);
        await ledger.OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);
        var before = (await ledger.GetValues("2024Q2", [])).Values.Select(Show).ToList();
        var version = await fixture.JournalVersionAsync(stream);

        // A snapshot only shortens loading: a damaged one (a bad disk, a faulty version) must not keep the ledger from loading.
        await fixture.Cluster.DeactivateAsync(ledger);
        await fixture.Journal.SaveSnapshotAsync(new Snapshot(stream, version, System.Text.Encoding.UTF8.GetBytes(damaged)));

        var after = await ledger.GetValues("2024Q2", []);
        Assert.Equal(version, after.Version);
        Assert.Equal(before, after.Values.Select(Show));
        Assert.Single((await ledger.ListCases(AllCases())).Cases);
        await ledger.ReportValues(ReportOf("2024-05", RequestId(), (Cattle, "8")), Tester);
        Assert.Equal(8m, (await TotalAsync(t, "2024Q2", Cattle))!.Value);
    }

    private static string Show(ValueView v) =>
        $"{v.Indicator}={v.Figure.Value} [{v.Figure.Flags}] since {v.Figure.Since:O} from {string.Join(',', v.Figure.From ?? [])} by {v.Figure.Actor} v{v.Figure.Version}";
}
