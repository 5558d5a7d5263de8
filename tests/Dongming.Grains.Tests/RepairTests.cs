using System.Text.Json;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>Checks that a township's kept totals equal the sum of its ledgers.</summary>
internal static class Consistency
{
    public static readonly string[] Figures = [Cattle, Sheep, Livestock, Camels, Income];

    public static async Task AssertTotalsEqualLedgersAsync(IGrainFactory grains, Township t)
    {
        var totals = await t.Totals(grains).GetTotals(Year, [], false);
        foreach (var indicator in Figures)
        {
            decimal sum = 0;
            var villages = 0;
            foreach (var unit in t.Villages.Append(t.Id))
            {
                var figure = (await Township.Ledger(grains, unit).GetValues(Year, [indicator])).Values.SingleOrDefault()?.Figure;
                if (figure is null) continue;
                sum += figure.Value;
                if (unit != t.Id) villages++;
            }
            var total = totals.Totals.SingleOrDefault(x => x.Indicator == indicator);
            Assert.Equal((indicator, sum, villages), (indicator, total?.Value ?? 0, total?.VillagesReporting ?? 0));
        }
    }

    /// <summary>Many reports over the villages, concurrently (each ledger takes its own in turn).</summary>
    public static async Task ReportManyAsync(IGrainFactory grains, Township t, int perVillage)
    {
        await Task.WhenAll(t.Villages.Select(async (village, i) =>
        {
            for (var n = 1; n <= perVillage; n++)
            {
                await Township.Ledger(grains, village).ReportValues(Report(RequestId(),
                    (Cattle, (n * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    (n % 2 == 0 ? Sheep : Camels, n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    (Income, $"{n}.{i % 10}5")), Tester);
            }
        }));
    }

    /// <summary>
    /// Appends a report straight to a ledger's journal, as if the ledger had persisted it and crashed before telling
    /// its township. The ledger grain must not be active (its state would not know the event).
    /// </summary>
    public static async Task AppendBehindTheTownshipsBackAsync(TestCluster cluster, string orgUnitId, params ReportedFigure[] figures)
    {
        var store = cluster.GetSiloServiceProvider().GetRequiredService<IJournalStore>();
        var stream = GrainKeys.Ledger(orgUnitId);
        var version = (await store.GetVersionsAsync([stream]))[stream];
        var requestId = RequestId();
        LedgerEvent e = new ValuesReported(new EventMeta("tester", "Tester", DateTimeOffset.UtcNow, requestId), Year, figures, "written behind the township's back");
        var payload = JsonSerializer.SerializeToUtf8Bytes(e, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new AppendRequest(stream, version, [new NewEvent(nameof(LedgerEvent), payload, requestId, "direct")])));
    }
}

[Collection(ClusterCollection.Name)]
public sealed class RepairTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Repair_AfterManyNormalWrites_CorrectsNothing()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 5);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 12);
        await Township.Ledger(Grains, t.Id).ReportValues(Report(RequestId(), (Cattle, "3"), (Coverage, "0.75")), Tester);

        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
        var repair = await t.Totals(Grains).Repair();
        Assert.Empty(repair.CorrectedOrgUnits);
        Assert.Empty(repair.RecountedTotals);
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
    }

    [Fact]
    public async Task Repair_AfterALostUpdate_CorrectsThatLedger()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 3);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 3);
        var before = (await t.Totals(Grains).GetTotals(Year, [Cattle], false)).Totals.Single().Value;
        var village = t.Villages[1];
        var cattleThere = (await Township.Ledger(Grains, village).GetValues(Year, [Cattle])).Values.Single().Figure.Value;

        await fixture.Cluster.DeactivateAsync(Township.Ledger(Grains, village));
        await Consistency.AppendBehindTheTownshipsBackAsync(fixture.Cluster, village, new ReportedFigure(Cattle, cattleThere + 100));
        Assert.Equal(before, (await t.Totals(Grains).GetTotals(Year, [Cattle], false)).Totals.Single().Value); // the township missed it

        Assert.Equal([village], (await t.Totals(Grains).Repair()).CorrectedOrgUnits);

        Assert.Equal(before + 100, (await t.Totals(Grains).GetTotals(Year, [Cattle], false)).Totals.Single().Value);
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
        Assert.Empty((await t.Totals(Grains).Repair()).CorrectedOrgUnits);
    }

    [Fact]
    public async Task TownshipLoad_WhileItsCatchUpWaits_TakesVillageWritesAtOnce_AndReadsWaitForTheCatchUp()
    {
        // A township's catch-up after its load can wait on its ledgers (one deactivating on a silo that shuts down,
        // with a write waiting for this township's Apply). Writes must not wait for the catch-up, reads must.
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var (writer, behind) = (t.Villages[0], t.Villages[1]);
        await Township.Ledger(Grains, writer).ReportValues(Report(RequestId(), (Camels, "2")), Tester);
        await Township.Ledger(Grains, behind).ReportValues(Report(RequestId(), (Camels, "5")), Tester);
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains)); // checkpointed: writer 2, behind 5
        await fixture.Cluster.DeactivateAsync(Township.Ledger(Grains, behind));
        await Consistency.AppendBehindTheTownshipsBackAsync(fixture.Cluster, behind, new ReportedFigure(Camels, 40m));
        var held = GrainKeys.Ledger(behind);
        CountingJournalStore.HoldVersionReads(held);
        try
        {
            // The write activates the township; its catch-up stays held at the journal's versions.
            var started = System.Diagnostics.Stopwatch.StartNew();
            var write = Township.Ledger(Grains, writer).ReportValues(Report(RequestId(), (Camels, "3")), Tester);
            await CountingJournalStore.VersionReadHeld(held).WaitAsync(TimeSpan.FromSeconds(30));
            await write.WaitAsync(TimeSpan.FromSeconds(30));
            // Answered while the catch-up is still held, so well within the catch-up's wait bound (5 s), which an
            // activation that waited for its catch-up would have made it wait.
            Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
            // A read waits for the catch-up (had it not, it would answer 3 + 5, without the held ledger's 40).
            var read = t.Totals(Grains).GetTotals(Year, [Camels], false);
            Assert.NotSame(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(1))));
            CountingJournalStore.ReleaseVersionReads(held);
            Assert.Equal(43m, (await read).Totals.Single().Value); // the held ledger's 40, and the write's 3
        }
        finally
        {
            CountingJournalStore.ReleaseVersionReads(held);
        }
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
    }

    [Fact]
    public async Task RegisterVillage_WhileTheTownshipGrainIsInactive_CompletesAndCounts()
    {
        // The registration activates the township from inside the roster's call, and the township asks the roster
        // for its org units while loading: that used to deadlock until the 30 s response timeout.
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        await Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Camels, "2")), Tester);
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        var village = t.Id + "-late";

        var started = System.Diagnostics.Stopwatch.StartNew();
        await Grains.GetGrain<IRosterGrain>(GrainKeys.Roster).RegisterVillage(new VillageInfo(village, "后来的村", VillageKind.Village, t.Id), Tester);
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        await Township.Ledger(Grains, village).ReportValues(Report(RequestId(), (Camels, "3")), Tester);
        var camels = (await t.Totals(Grains).GetTotals(Year, [Camels], false)).Totals.Single();
        Assert.Equal((5m, 2), (camels.Value, camels.VillagesReporting));
        Assert.Equal([t.Id, .. new[] { t.Villages[0], village }.Order(StringComparer.Ordinal)], await Grains.GetGrain<IRosterGrain>(GrainKeys.Roster).OrgUnitsOf(t.Id));
    }

    [Fact]
    public async Task Township_ReloadedAfterALostUpdate_CatchesUpFromTheJournal()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 3);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 4);
        var before = (await t.Totals(Grains).GetTotals(Year, [Livestock], false)).Totals.Single().Value;

        // The township checkpoints as it deactivates; the ledger then gets a write the township never hears of.
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        await fixture.Cluster.DeactivateAsync(Township.Ledger(Grains, t.Villages[2]));
        var sheep = (await Township.Ledger(Grains, t.Villages[2]).GetValues(Year, [Sheep])).Values.Single().Figure.Value;
        await fixture.Cluster.DeactivateAsync(Township.Ledger(Grains, t.Villages[2]));
        await Consistency.AppendBehindTheTownshipsBackAsync(fixture.Cluster, t.Villages[2], new ReportedFigure(Sheep, sheep + 7));

        // Loading compares the checkpoint's versions with the journals' and re-reads the ledger that moved on.
        Assert.Equal(before + 7, (await t.Totals(Grains).GetTotals(Year, [Livestock], false)).Totals.Single().Value);
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
        Assert.Empty((await t.Totals(Grains).Repair()).CorrectedOrgUnits);
    }

    [Theory]
    [InlineData("{\"units\": {\"x\": {\"figures\": 42")] // cut short
    [InlineData("null")]
    [InlineData("{\"version\": 3, \"units\": null}")]
    [InlineData("{\"units\": {\"x\": null}}")]
    [InlineData("{\"units\": {\"x\": {\"level\": 0, \"version\": 1, \"figures\": null}}}")]
    [InlineData("{\"units\": {\"x\": {\"level\": 0, \"version\": 1, \"figures\": {\"no key\": {\"value\": 1}}}}}")]
    [InlineData("{\"units\": {\"x\": {\"level\": 0, \"version\": 1, \"figures\": {\"2024|x\": {\"value\": 1e40}}}}}")]
    public async Task Township_WhoseCheckpointCannotBeReplayed_StillLoads_RebuiltFromItsLedgers(string damaged)
    {
        var t = await Seed.TownshipAsync(Grains, villages: 3);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 3);
        await Township.Ledger(Grains, t.Villages[0]).OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);
        var before = await t.Totals(Grains).GetTotals(Year, [], false);
        var stream = "totals/" + t.Id;

        // It checkpoints as it deactivates; then the checkpoint is damaged (as by a faulty version or a bad disk).
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        var saved = await fixture.Journal.ReadCheckpointAsync(stream);
        Assert.NotNull(saved);
        await fixture.Journal.SaveCheckpointAsync(new Snapshot(stream, saved.Version, System.Text.Encoding.UTF8.GetBytes(damaged)));

        var after = await t.Totals(Grains).GetTotals(Year, [], false);

        Assert.Equal(before.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)), after.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)));
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
        Assert.Equal(1, (await t.Totals(Grains).GetCaseSummary(Summary(null, null, CaseDates.Today(TimeProvider.System), false))).Open);
        var repair = await t.Totals(Grains).Repair();
        Assert.Empty(repair.CorrectedOrgUnits);
        Assert.Empty(repair.RecountedTotals);
        // The repair checkpointed the rebuilt totals: the checkpoint reads again.
        var rewritten = await fixture.Journal.ReadCheckpointAsync(stream);
        var checkpoint = JsonSerializer.Deserialize<TownshipCheckpoint>(rewritten!.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(TownshipCheckpoint.CurrentFormat, checkpoint.Format);
        var parts = await fixture.Journal.ReadCheckpointsAsync(stream + "/");
        Assert.Equal(t.Villages.Append(t.Id).Order(StringComparer.Ordinal), parts.Select(p => p.Stream[(stream.Length + 1)..]));
        Assert.All(parts, p => Assert.NotNull(Checkpoints.TownshipPartCodec.Decode(p.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web), new SourcePeriods()).Figures));
    }

    [Fact]
    public async Task Repair_KeptTotalsThatDifferFromTheirParts_AreRecountedAndReported()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        await Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Camels, "4")), Tester);
        var township = t.Totals(Grains);
        // A part counted as a village and then removed as a township's own entry leaves a village in the kept cell
        // that no part holds (the cells trust an org unit to keep its level; nothing of the roster does this).
        var key = FigureKey.Of(Year, Income);
        var at = DateTimeOffset.UtcNow;
        Assert.True(await township.Apply(new ContributionChange("stray", OrgUnitLevel.Village, 0, 1, new Dictionary<string, Contributed?> { [key] = new(9, FigureFlags.None, at) }, new Dictionary<string, CaseTally?>(), at)));
        Assert.True(await township.Apply(new ContributionChange("stray", OrgUnitLevel.Township, 1, 2, new Dictionary<string, Contributed?> { [key] = null }, new Dictionary<string, CaseTally?>(), at)));
        var phantom = (await township.GetTotals(Year, [Income], false)).Totals.Single();
        Assert.Equal((0m, 1), (phantom.Value, phantom.VillagesReporting));

        var repair = await township.Repair();

        Assert.Equal([key], repair.RecountedTotals);
        Assert.Empty(repair.CorrectedOrgUnits);
        var totals = await township.GetTotals(Year, [], false);
        Assert.Equal(repair.Version, totals.Version);
        Assert.DoesNotContain(totals.Totals, x => x.Indicator == Income);
        Assert.Equal(4m, totals.Totals.Single(x => x.Indicator == Camels).Value);
        Assert.Empty((await township.Repair()).RecountedTotals);
    }
}

/// <summary>A cluster of its own: these tests kill the silo.</summary>
[CollectionDefinition(Name)]
public sealed class RestartCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "restart";
}

[Collection(RestartCollection.Name)]
public sealed class RestartTests(ClusterFixture fixture)
{
    [Fact]
    public async Task SiloCrash_TotalsAfterRestartStillEqualTheSumOfLedgers()
    {
        var cluster = fixture.Cluster;
        var t = await Seed.TownshipAsync(cluster.GrainFactory, villages: 4);
        await Consistency.ReportManyAsync(cluster.GrainFactory, t, perVillage: 6);
        var c = await Township.Ledger(cluster.GrainFactory, t.Villages[0]).OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);
        var totals = await t.Totals(cluster.GrainFactory).GetTotals(Year, [], false);
        // Written after the township's last checkpoint (it checkpoints every 5 s, and on deactivation, which a crash skips).
        await Township.Ledger(cluster.GrainFactory, t.Villages[3]).ReportValues(Report(RequestId(), (Cattle, "1000")), Tester);

        var ct = TestContext.Current.CancellationToken;
        await cluster.KillSiloAsync(cluster.Primary!, ct);
        await cluster.StartAdditionalSilosAsync(1, false, ct);
        await cluster.InitializeClientAsync(ct);
        var grains = cluster.GrainFactory;

        var after = await t.Totals(grains).GetTotals(Year, [], false);
        Assert.NotEqual(totals.Totals.Single(x => x.Indicator == Cattle).Value, after.Totals.Single(x => x.Indicator == Cattle).Value);
        await Consistency.AssertTotalsEqualLedgersAsync(grains, t);
        Assert.Empty((await t.Totals(grains).Repair()).CorrectedOrgUnits);
        Assert.Equal(c, await Township.Ledger(grains, t.Villages[0]).GetCase(c.CaseId));
        Assert.Equal(1, (await t.Totals(grains).GetCaseSummary(Summary(null, null, CaseDates.Today(TimeProvider.System), false))).Open);

        // Still writable, and the next case number follows on.
        await Township.Ledger(grains, t.Villages[3]).ReportValues(Report(RequestId(), (Cattle, "1001")), Tester);
        await Consistency.AssertTotalsEqualLedgersAsync(grains, t);
    }
}
