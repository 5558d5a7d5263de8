using System.Text;
using System.Text.Json;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Grains.Checkpoints;
using Dongming.Storage;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>A township checkpoints each org unit's part on its own, and only the parts that changed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CheckpointTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Checkpoint_AfterOneVillageChanges_WritesThatVillagesPartAndTheHeaderOnly()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 6);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 3);
        var parts = "totals/" + t.Id + "/";
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains)); // checkpoints as it deactivates
        Assert.Equal(t.Villages.Append(t.Id).Order(StringComparer.Ordinal), (await fixture.Journal.ReadCheckpointsAsync(parts)).Select(p => p.Stream[parts.Length..]));
        var before = await t.Totals(Grains).GetTotals(Year, [], false); // loads the parts again
        var (partsWritten, headersWritten) = (fixture.Counters.CheckpointsUnder(parts), fixture.Counters.CheckpointsByStream["totals/" + t.Id]);

        var changed = t.Villages[2];
        await Township.Ledger(Grains, changed).ReportValues(Report(RequestId(), (Cattle, "777")), Tester);
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));

        Assert.Equal(partsWritten + 1, fixture.Counters.CheckpointsUnder(parts));
        Assert.Equal(headersWritten + 1, fixture.Counters.CheckpointsByStream["totals/" + t.Id]);
        var row = await fixture.Journal.ReadCheckpointAsync(parts + changed);
        var part = Part(row!.Payload);
        Assert.Equal(await fixture.JournalVersionAsync(GrainKeys.Ledger(changed)), part.Version);
        Assert.Equal(777m, part.Figures[FigureKey.Of(Year, Cattle)].Value);
        var after = await t.Totals(Grains).GetTotals(Year, [], false);
        Assert.NotEqual(before.Totals.Single(x => x.Indicator == Cattle).Value, after.Totals.Single(x => x.Indicator == Cattle).Value);
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
        Assert.Empty((await t.Totals(Grains).Repair()).CorrectedOrgUnits);
    }

    [Fact]
    public async Task Checkpoint_WithNothingChanged_WritesNothing()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 3);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 2);
        var parts = "totals/" + t.Id + "/";
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        var before = await t.Totals(Grains).GetTotals(Year, [], false);
        var written = fixture.Counters.CheckpointsUnder("totals/" + t.Id);

        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));

        Assert.Equal(written, fixture.Counters.CheckpointsUnder("totals/" + t.Id));
        Assert.Equal(before.Totals.Select(x => (x.Indicator, x.Value)), (await t.Totals(Grains).GetTotals(Year, [], false)).Totals.Select(x => (x.Indicator, x.Value)));
        Assert.Equal(4, (await fixture.Journal.ReadCheckpointsAsync(parts)).Count);
    }

    [Fact]
    public async Task Township_WithAWholeCheckpointOfTheFormerFormat_LoadsIt_AndRewritesItAsParts()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 4);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 3);
        var before = await t.Totals(Grains).GetTotals(Year, [], false);
        var stream = "totals/" + t.Id;
        var parts = stream + "/";
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));

        // The checkpoint as the former version wrote it: every part in one row, and no part rows.
        var units = new Dictionary<string, OrgUnitPart>(StringComparer.Ordinal);
        foreach (var row in await fixture.Journal.ReadCheckpointsAsync(parts)) units[row.Stream[parts.Length..]] = Part(row.Payload);
        var header = JsonSerializer.Deserialize<TownshipCheckpoint>((await fixture.Journal.ReadCheckpointAsync(stream))!.Payload, Json)!;
        var whole = new TownshipCheckpoint { Format = TownshipCheckpoint.WholeFormat, Version = header.Version, AsOf = header.AsOf, Units = units };
        // A part that reads as that of a unit with figures that differ from its ledger's: the whole checkpoint is what loads.
        var marker = t.Villages[1];
        units[marker].Figures.Set(FigureKey.Of(Year, Camels), new Contributed(5000, FigureFlags.None, header.AsOf));
        await fixture.Journal.SaveCheckpointsAsync([new Snapshot(stream, header.Version, JsonSerializer.SerializeToUtf8Bytes(whole, Json)),
            .. units.Keys.Select(id => new Snapshot(parts + id, 0, Encoding.UTF8.GetBytes("\"not read: the whole checkpoint holds the parts\"")))]);
        var partsWritten = fixture.Counters.CheckpointsUnder(parts);

        var loaded = await t.Totals(Grains).GetTotals(Year, [], false);

        // Its parts were loaded (the marker shows; the repair on load sees equal versions and leaves it).
        await AssertMarkerLoadedAsync(before, loaded, marker);
        // At the next checkpoint every part is written as its own row, with the new header.
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        Assert.Equal(partsWritten + units.Count, fixture.Counters.CheckpointsUnder(parts));
        Assert.Equal(TownshipCheckpoint.CurrentFormat, JsonSerializer.Deserialize<TownshipCheckpoint>((await fixture.Journal.ReadCheckpointAsync(stream))!.Payload, Json)!.Format);
        var rewritten = await fixture.Journal.ReadCheckpointsAsync(parts);
        Assert.Equal(units.Keys.Order(StringComparer.Ordinal), rewritten.Select(p => p.Stream[parts.Length..]));
        Assert.All(rewritten, p => Assert.Equal(FiguresOf(units[p.Stream[parts.Length..]]), FiguresOf(Part(p.Payload))));
        // A full repair puts the marked part right.
        Assert.Equal([marker], (await t.Totals(Grains).Repair()).CorrectedOrgUnits);
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
    }

    [Fact]
    public async Task Township_WithAPartThatCannotBeRead_RebuildsFromItsLedgers()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 3);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 3);
        var before = await t.Totals(Grains).GetTotals(Year, [], false);
        var parts = "totals/" + t.Id + "/";
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        var damaged = parts + t.Villages[0];
        var version = (await fixture.Journal.ReadCheckpointAsync(damaged))!.Version;
        await fixture.Journal.SaveCheckpointsAsync([new Snapshot(damaged, version, Encoding.UTF8.GetBytes("{\"figures\": {\"no key\": {\"value\": 1}}"))]);

        var after = await t.Totals(Grains).GetTotals(Year, [], false);

        Assert.Equal(before.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)), after.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)));
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains)); // the rebuilt totals are checkpointed again
        Assert.NotEmpty(Part((await fixture.Journal.ReadCheckpointAsync(damaged))!.Payload).Figures);
    }

    [Fact]
    public async Task Township_WithPartsOfTheJsonFormat_LoadsThem_AndRewritesEveryPartInTheCurrentFormat()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 4);
        await Consistency.ReportManyAsync(Grains, t, perVillage: 3);
        await Township.Ledger(Grains, t.Villages[0]).OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);
        var before = await t.Totals(Grains).GetTotals(Year, [], false);
        var stream = "totals/" + t.Id;
        var parts = stream + "/";
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));

        // The checkpoint as format 4 wrote it: the same header and part rows, each part as JSON.
        var header = JsonSerializer.Deserialize<TownshipCheckpoint>((await fixture.Journal.ReadCheckpointAsync(stream))!.Payload, Json)!;
        var rows = await fixture.Journal.ReadCheckpointsAsync(parts);
        var units = rows.ToDictionary(r => r.Stream[parts.Length..], r => Part(r.Payload), StringComparer.Ordinal);
        // One part reads with a figure its ledger does not have: the JSON parts are what loads.
        var marker = t.Villages[1];
        units[marker].Figures.Set(FigureKey.Of(Year, Camels), new Contributed(5000, FigureFlags.None, header.AsOf));
        header.Format = TownshipCheckpoint.PartsFormat;
        await fixture.Journal.SaveCheckpointsAsync([new Snapshot(stream, header.Version, JsonSerializer.SerializeToUtf8Bytes(header, Json)),
            .. rows.Select(r => new Snapshot(r.Stream, r.Version, JsonSerializer.SerializeToUtf8Bytes(units[r.Stream[parts.Length..]], Json)))]);
        var partsWritten = fixture.Counters.CheckpointsUnder(parts);

        var loaded = await t.Totals(Grains).GetTotals(Year, [], false);

        await AssertMarkerLoadedAsync(before, loaded, marker);
        Assert.Equal(1, (await t.Totals(Grains).GetCaseSummary(Summary(null, null, CaseDates.Today(TimeProvider.System), false))).Open);
        // At the next checkpoint every part is rewritten in the current format, equal to the part that was loaded.
        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        Assert.Equal(partsWritten + units.Count, fixture.Counters.CheckpointsUnder(parts));
        Assert.Equal(TownshipCheckpoint.CurrentFormat, JsonSerializer.Deserialize<TownshipCheckpoint>((await fixture.Journal.ReadCheckpointAsync(stream))!.Payload, Json)!.Format);
        foreach (var row in await fixture.Journal.ReadCheckpointsAsync(parts))
        {
            var rewritten = Part(row.Payload);
            var loadedPart = units[row.Stream[parts.Length..]];
            Assert.Equal(FiguresOf(loadedPart), FiguresOf(rewritten));
            Assert.Equal(loadedPart.Cases, rewritten.Cases);
        }
        Assert.Equal([marker], (await t.Totals(Grains).Repair()).CorrectedOrgUnits);
        await Consistency.AssertTotalsEqualLedgersAsync(Grains, t);
    }

    /// <summary>The loaded totals count the marker's 5,000 camels (not its ledger's), and the other figures as before.</summary>
    private async Task AssertMarkerLoadedAsync(TotalsAnswer before, TotalsAnswer loaded, string marker)
    {
        var camels = before.Totals.SingleOrDefault(x => x.Indicator == Camels)?.Value ?? 0;
        var markerCamels = (await Township.Ledger(Grains, marker).GetValues(Year, [Camels])).Values.SingleOrDefault()?.Figure.Value ?? 0;
        Assert.Equal(camels - markerCamels + 5000, loaded.Totals.Single(x => x.Indicator == Camels).Value);
        Assert.Equal(before.Totals.Single(x => x.Indicator == Cattle).Value, loaded.Totals.Single(x => x.Indicator == Cattle).Value);
    }

    /// <summary>A part's figures as JSON, ordered by key (a record's list of source periods compares by reference).</summary>
    private static string FiguresOf(OrgUnitPart part) =>
        JsonSerializer.Serialize(part.Figures.OrderBy(f => f.Key, StringComparer.Ordinal).ToList(), Json);

    private static OrgUnitPart Part(byte[] payload) => TownshipPartCodec.Decode(payload, Json, new SourcePeriods());
}

/// <summary>A cluster of its own: this test kills the silo.</summary>
[CollectionDefinition(Name)]
public sealed class CheckpointRestartCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "checkpoint-restart";
}

[Collection(CheckpointRestartCollection.Name)]
public sealed class CheckpointRestartTests(ClusterFixture fixture)
{
    [Fact]
    public async Task SiloKilled_AfterPartsWereCheckpointed_AndMoreWrites_TotalsAfterRestartEqualTheLedgers()
    {
        var cluster = fixture.Cluster;
        var t = await Seed.TownshipAsync(cluster.GrainFactory, villages: 5);
        await Consistency.ReportManyAsync(cluster.GrainFactory, t, perVillage: 4);
        await cluster.DeactivateAsync(t.Totals(cluster.GrainFactory)); // its parts are checkpointed
        var checkpointed = await t.Totals(cluster.GrainFactory).GetTotals(Year, [], false);
        // Written after the last checkpoint (the township checkpoints every 5 s and on deactivation, which a kill skips).
        await Township.Ledger(cluster.GrainFactory, t.Villages[1]).ReportValues(Report(RequestId(), (Cattle, "4000")), Tester);
        await Township.Ledger(cluster.GrainFactory, t.Id).ReportValues(Report(RequestId(), (Camels, "9")), Tester);
        var written = await t.Totals(cluster.GrainFactory).GetTotals(Year, [], false);

        var ct = TestContext.Current.CancellationToken;
        await cluster.KillSiloAsync(cluster.Primary!, ct);
        await cluster.StartAdditionalSilosAsync(1, false, ct);
        await cluster.InitializeClientAsync(ct);
        var grains = cluster.GrainFactory;

        var after = await t.Totals(grains).GetTotals(Year, [], false);
        Assert.NotEqual(checkpointed.Totals.Single(x => x.Indicator == Cattle).Value, after.Totals.Single(x => x.Indicator == Cattle).Value);
        Assert.Equal(written.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)), after.Totals.Select(x => (x.Indicator, x.Value, x.VillagesReporting)));
        await Consistency.AssertTotalsEqualLedgersAsync(grains, t);
        Assert.Empty((await t.Totals(grains).Repair()).CorrectedOrgUnits);
        var parts = "totals/" + t.Id + "/";
        Assert.Equal(t.Villages.Append(t.Id).Order(StringComparer.Ordinal), (await fixture.Journal.ReadCheckpointsAsync(parts, ct)).Select(p => p.Stream[parts.Length..]));
    }
}
