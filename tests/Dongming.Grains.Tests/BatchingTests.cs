using Dongming.Domain;
using Dongming.Grains.Abstractions;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>Writes to one ledger that arrive while its append is in flight share the next append (LedgerGrain.Batching.cs).</summary>
[Collection(ClusterCollection.Name)]
public sealed class BatchingTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task ReportValues_ArrivingWhileAnAppendIsInFlight_ShareOneAppend_EachDurableAndReplayable()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        await ledger.ReportValues(ReportOf("2024-01", RequestId(), (Cattle, "1")), Tester);
        var sizesBefore = CountingJournalStore.AppendSizesOf(stream).Count;

        CountingJournalStore.HoldAppends(stream);
        List<Task<ReportReceipt>> writes;
        var commands = Enumerable.Range(1, 24).Select(i => ReportOf($"2024-{1 + i % 12:00}", RequestId(), (Cattle, $"{i}"), (Income, $"{i}.25"))).ToList();
        try
        {
            var first = ledger.ReportValues(commands[0], Tester);
            await CountingJournalStore.AppendHeld(stream);
            writes = [first, .. commands.Skip(1).Select(c => ledger.ReportValues(c, Tester))];
            // The same request again while the first is queued: one event, one answer.
            writes.Add(ledger.ReportValues(commands[5], Tester));
            // A read interleaves with the queued writes and sees only what is durable.
            var seen = await ledger.GetValues("2024-01", [Cattle]);
            Assert.Equal(1m, seen.Values.Single().Figure.Value);
        }
        finally
        {
            CountingJournalStore.ReleaseAppends(stream);
        }
        var receipts = await Task.WhenAll(writes);

        // Every write was answered with a version of its own, and the retry with the first answer of its request.
        var versions = receipts.Take(commands.Count).Select(r => r.Version).ToList();
        Assert.Equal(commands.Count, versions.Distinct().Count());
        // (Calls sent at once may arrive in either order: whichever came second is the replay.)
        Assert.Equal(receipts[5].Version, receipts[^1].Version);
        Assert.True(receipts[5].Replayed ^ receipts[^1].Replayed);
        var journalVersion = await fixture.JournalVersionAsync(stream);
        Assert.Equal(versions.Max(), journalVersion);
        // The held append took the first write; the writes queued behind it went into fewer appends than writes.
        var sizes = CountingJournalStore.AppendSizesOf(stream).Skip(sizesBefore).ToList();
        Assert.Equal(commands.Count, sizes.Sum());
        Assert.Equal(1, sizes[0]);
        Assert.True(sizes.Count < commands.Count, $"appends: {string.Join(", ", sizes)}");
        Assert.Contains(sizes, s => s > 1);

        // Each event is in the journal under its request id, at the version its write was answered with.
        for (var i = 0; i < commands.Count; i++)
        {
            var stored = await fixture.Journal.FindByRequestIdAsync(stream, commands[i].RequestId!);
            Assert.Equal(receipts[i].Version, stored!.Version);
        }

        // Replayed from the journal alone: the same figures and totals, and every request keeps its first answer.
        var expected = await ledger.GetValues("2024-07", [Cattle, Income]);
        var totals = await t.Totals(Grains).GetTotals("2024", [Cattle, Income], includeBreakdown: false);
        await fixture.Cluster.DeactivateAsync(ledger);
        var reloaded = await ledger.GetValues("2024-07", [Cattle, Income]);
        Assert.Equal(expected.Values.Select(v => (v.Indicator, v.Figure.Value, v.Figure.Version)), reloaded.Values.Select(v => (v.Indicator, v.Figure.Value, v.Figure.Version)));
        Assert.Equal(journalVersion, reloaded.Version);
        for (var i = 0; i < commands.Count; i++)
        {
            var again = await ledger.ReportValues(commands[i], Tester);
            Assert.Equal((receipts[i].Version, true), (again.Version, again.Replayed));
        }
        var repaired = await t.Totals(Grains).Repair();
        Assert.Empty(repaired.CorrectedOrgUnits);
        Assert.Empty(repaired.RecountedTotals);
        Assert.Equal(totals.Totals.Select(x => (x.Indicator, x.Value)), (await t.Totals(Grains).GetTotals("2024", [Cattle, Income], includeBreakdown: false)).Totals.Select(x => (x.Indicator, x.Value)));
    }

    [Fact]
    public async Task ReportValues_QueuedBehindACaseWrite_AreWrittenAfterIt_InOrder()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        await ledger.ReportValues(ReportOf("2024-02", RequestId(), (Camels, "1")), Tester);

        CountingJournalStore.HoldAppends(stream);
        Task<RemediationCase> opened;
        List<Task<ReportReceipt>> writes;
        try
        {
            opened = ledger.OpenCase(OpenCase(t.Villages[0], requestId: RequestId()), Tester);
            await CountingJournalStore.AppendHeld(stream);
            writes = [.. Enumerable.Range(2, 5).Select(i => ledger.ReportValues(ReportOf("2024-02", RequestId(), (Camels, $"{i}")), Tester))];
        }
        finally
        {
            CountingJournalStore.ReleaseAppends(stream);
        }
        await opened;
        var receipts = await Task.WhenAll(writes);
        var caseVersion = (await ledger.GetCaseHistory((await opened).CaseId)).First().Version;
        Assert.All(receipts, r => Assert.True(r.Version > caseVersion));
        // The last write wins, as if written one by one.
        var last = receipts.MaxBy(r => r.Version)!;
        var value = (await ledger.GetValues("2024-02", [Camels])).Values.Single().Figure;
        Assert.Equal(last.Version, value.Version);
    }
}
