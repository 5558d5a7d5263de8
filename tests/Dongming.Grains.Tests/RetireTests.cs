using Dongming.Domain;
using Dongming.Grains.Abstractions;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>Retiring a village (撤并): out of the totals from a period on, kept in the roster and its history.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RetireTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IRosterGrain Roster => Grains.GetGrain<IRosterGrain>(GrainKeys.Roster);

    private static RetireCommand Retire(string villageId, string fromPeriod, string? requestId = null) =>
        new(villageId, fromPeriod, requestId ?? RequestId(), "并入相邻村");

    private async Task<TotalFigure?> TotalAsync(Township t, string period, string indicator) =>
        (await t.Totals(Grains).GetTotals(period, [indicator], includeBreakdown: true)).Totals.SingleOrDefault();

    /// <summary>A township of two villages with cattle in May and August 2024 (the second village: 1 and 2 head).</summary>
    private async Task<Township> WithCattleAsync()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var (a, b) = (Township.Ledger(Grains, t.Villages[0]), Township.Ledger(Grains, t.Villages[1]));
        await a.ReportValues(ReportOf("2024-05", RequestId(), (Cattle, "100"), (Income, "10")), Tester);
        await a.ReportValues(ReportOf("2024-08", RequestId(), (Cattle, "120"), (Income, "20")), Tester);
        await b.ReportValues(ReportOf("2024-05", RequestId(), (Cattle, "1")), Tester);
        await b.ReportValues(ReportOf("2024-08", RequestId(), (Cattle, "2")), Tester);
        return t;
    }

    [Fact]
    public async Task RetireVillage_TotalsDropTheVillageFromThePeriodOn_EarlierPeriodsKeepIt()
    {
        var t = await WithCattleAsync();
        var retired = t.Villages[0];
        Assert.Equal(122m, (await TotalAsync(t, "2024Q3", Cattle))!.Value);

        var info = await Roster.RetireVillage(Retire(retired, "2024-07"), Tester);

        Assert.Equal("2024-07", info.RetiredFrom);
        foreach (var period in new[] { "2024-08", "2024Q3" })
        {
            var cattle = (await TotalAsync(t, period, Cattle))!;
            Assert.Equal((2m, 1), (cattle.Value, cattle.VillagesReporting));
            Assert.DoesNotContain(cattle.Breakdown!, p => p.OrgUnitId == retired);
        }
        Assert.Null(await TotalAsync(t, "2024-08", Income));
        foreach (var (period, value) in new[] { ("2024-05", 101m), ("2024Q2", 101m) })
            Assert.Equal((value, 2), ((await TotalAsync(t, period, Cattle))!.Value, (await TotalAsync(t, period, Cattle))!.VillagesReporting));
        // The year began before the retirement: the village's year (its latest month, August) still counts.
        Assert.Equal(122m, (await TotalAsync(t, Year, Cattle))!.Value);
        // The ledger keeps what it held: its history is not rewritten.
        Assert.Equal(120m, (await Township.Ledger(Grains, retired).GetValues("2024-08", [Cattle])).Values.Single().Figure.Value);
        Assert.Empty((await t.Totals(Grains).Repair()).CorrectedOrgUnits);
    }

    [Fact]
    public async Task RetireVillage_WritesIntoRetiredPeriods_AreFailedPrecondition_EarlierPeriodsStayWritable()
    {
        var t = await WithCattleAsync();
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        await Roster.RetireVillage(Retire(t.Villages[0], "2024Q3"), Tester);
        var version = await fixture.JournalVersionAsync(stream);

        foreach (var period in new[] { "2024-07", "2024Q3", "2024-12", "2025" })
        {
            var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.ReportValues(ReportOf(period, RequestId(), (Cattle, "5")), Tester));
            Assert.Equal(ErrorKind.FailedPrecondition, ex.Kind);
            Assert.Contains("retired", ex.Message, StringComparison.Ordinal);
        }
        var clear = await Assert.ThrowsAsync<DomainException>(() => ledger.ClearValues(new ClearCommand(string.Empty, "2024-08", [Cattle], RequestId(), "误填"), Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, clear.Kind);
        Assert.Equal(version, await fixture.JournalVersionAsync(stream));

        // Before the retirement the village still reports (a late correction of June), and it counts.
        await ledger.ReportValues(ReportOf("2024-06", RequestId(), (Cattle, "110")), Tester);
        Assert.Equal(111m, (await TotalAsync(t, "2024Q2", Cattle))!.Value);
    }

    [Fact]
    public async Task RetireVillage_Retried_CompletesOnce_RosterAndLedgerAgree()
    {
        var t = await WithCattleAsync();
        var village = t.Villages[0];
        var command = Retire(village, "2024-07");
        var first = await Roster.RetireVillage(command, Tester);
        var (rosterVersion, ledgerVersion) = (await fixture.JournalVersionAsync(GrainKeys.Roster), await fixture.JournalVersionAsync(GrainKeys.Ledger(village)));
        var totalsVersion = (await t.Totals(Grains).GetTotals(Year, [], false)).Version;

        var again = await Roster.RetireVillage(command, Tester);

        Assert.Equal(first, again);
        Assert.Equal(ledgerVersion, await fixture.JournalVersionAsync(GrainKeys.Ledger(village)));
        Assert.True(await fixture.JournalVersionAsync(GrainKeys.Roster) >= rosterVersion); // other tests register on the same roster
        Assert.Equal(totalsVersion, (await t.Totals(Grains).GetTotals(Year, [], false)).Version);
        var fromLedger = await Township.Ledger(Grains, village).GetInfo();
        Assert.Equal(Period.Parse("2024-07"), fromLedger.RetiredFrom);
        var fromRoster = (await Roster.ListVillages(t.Id, 0, null)).Villages.Single(v => v.VillageId == village);
        Assert.Equal(("2024-07", fromRoster.Name, fromRoster.Kind), (fromRoster.RetiredFrom, fromLedger.Name, fromLedger.Kind));
        Assert.Equal(2, (await Roster.DescribeTownship(t.Id)).VillageCount); // still on the roster
        Assert.Contains(village, await Roster.OrgUnitsOf(t.Id));

        // Retired from another period: refused, nothing changes.
        var other = await Assert.ThrowsAsync<DomainException>(() => Roster.RetireVillage(Retire(village, "2024-09"), Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, other.Kind);
        Assert.Equal(Period.Parse("2024-07"), (await Township.Ledger(Grains, village).GetInfo()).RetiredFrom);
    }

    [Fact]
    public async Task RetireVillage_BadOrUnknown_IsRefused()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);

        var bad = await Assert.ThrowsAsync<DomainException>(() => Roster.RetireVillage(new RetireCommand(t.Villages[0], "2024Q9", "", null), Tester));
        Assert.Equal(["from_period", "reason", "request_id"], bad.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => Roster.RetireVillage(Retire(NewId("nowhere"), "2024-07"), Tester));
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
        // The township's own ledger is not a village of the roster.
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Roster.RetireVillage(Retire(t.Id, "2024-07"), Tester))).Kind);
        Assert.Null((await Township.Ledger(Grains, t.Villages[0]).GetInfo()).RetiredFrom);
    }

    [Fact]
    public async Task ReportValues_RetryOfAWriteAcceptedBeforeTheRetirement_KeepsItsAnswer()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var report = ReportOf("2024-09", RequestId(), (Cattle, "9"));
        var first = await ledger.ReportValues(report, Tester);
        await Roster.RetireVillage(Retire(t.Villages[0], "2024-07"), Tester);

        var retry = await ledger.ReportValues(report, Tester);

        Assert.Equal((true, first.Version), (retry.Replayed, retry.Version));
        Assert.Null((await TotalAsync(t, "2024-09", Cattle)));
    }
}
