using System.Text.Json;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Storage;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>A cluster of its own: these tests deactivate the one roster and write to its journal behind its back.</summary>
[CollectionDefinition(Name)]
public sealed class RecoveryCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "recovery";
}

/// <summary>
/// A write of the roster that stopped half way — its own event durable, the ledger's not yet (a crash in between) —
/// completes when the request is retried.
/// </summary>
[Collection(RecoveryCollection.Name)]
public sealed class RecoveryTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IRosterGrain Roster => Grains.GetGrain<IRosterGrain>(GrainKeys.Roster);

    /// <summary>Appends a roster event as if the roster had persisted it and the silo died before the ledger's write.</summary>
    private async Task AppendToTheRosterAsync(DirectoryEvent e, string fingerprint)
    {
        await Roster.OrgUnitsOf("any"); // active, so that the deactivation below is the one that counts
        await fixture.Cluster.DeactivateAsync(Roster);
        var version = await fixture.JournalVersionAsync(GrainKeys.Roster);
        var payload = JsonSerializer.SerializeToUtf8Bytes(e, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(AppendOutcome.Appended, await fixture.Journal.AppendAsync(new AppendRequest(GrainKeys.Roster, version, [new NewEvent(nameof(DirectoryEvent), payload, e.Meta.RequestId, fingerprint)])));
    }

    private static EventMeta Meta(string requestId) => new("tester", "Tester", DateTimeOffset.UtcNow, requestId);

    [Fact]
    public async Task RegisterTownship_RetriedAfterOnlyTheRosterWrote_RegistersTheTownshipsLedger()
    {
        await Seed.TownshipAsync(Grains, villages: 0); // the catalog
        var township = new TownshipInfo(NewId("tw"), "半途镇", "", "");
        var requestId = "register-township/" + township.TownshipId;
        await AppendToTheRosterAsync(new TownshipRegistered(Meta(requestId), township), Reporting.Fingerprint(township.ToString()));
        Assert.Equal(township, await Roster.GetTownship(township.TownshipId));
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, township.TownshipId).GetInfo())).Kind);

        Assert.Equal(township, await Roster.RegisterTownship(township, Tester));

        var info = await Township.Ledger(Grains, township.TownshipId).GetInfo();
        Assert.Equal((OrgUnitLevel.Township, township.TownshipId, "半途镇"), (info.Level, info.TownshipId, info.Name));
        await Township.Ledger(Grains, township.TownshipId).ReportValues(Report(RequestId(), (Camels, "3")), Tester);
        var totals = await Grains.GetGrain<ITownshipGrain>(GrainKeys.Township(township.TownshipId)).GetTotals(Year, [Camels], false);
        Assert.Equal((3m, 0), (totals.Totals.Single().Value, totals.Totals.Single().VillagesReporting));
        Assert.Equal(2, await fixture.JournalVersionAsync(GrainKeys.Ledger(township.TownshipId))); // registered once, then the report
    }

    [Fact]
    public async Task RegisterVillage_RetriedAfterOnlyTheRosterWrote_RegistersTheVillagesLedger()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var village = new VillageInfo(t.Id + "-late", "半途村", VillageKind.Village, t.Id);
        var requestId = "register-village/" + village.VillageId;
        await AppendToTheRosterAsync(new VillageRegistered(Meta(requestId), village), Reporting.Fingerprint(village.ToString()));
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, village.VillageId).GetInfo())).Kind);

        Assert.Equal(village, await Roster.RegisterVillage(village, Tester));

        await Township.Ledger(Grains, village.VillageId).ReportValues(Report(RequestId(), (Camels, "2")), Tester);
        var camels = (await t.Totals(Grains).GetTotals(Year, [Camels], false)).Totals.Single();
        Assert.Equal((2m, 1), (camels.Value, camels.VillagesReporting));
    }

    [Fact]
    public async Task RetireVillage_RetriedAfterOnlyTheRosterWrote_RetiresTheLedger_AndTheTotalsFollow()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var village = t.Villages[0];
        await Township.Ledger(Grains, village).ReportValues(ReportOf("2024-08", RequestId(), (Cattle, "50")), Tester);
        await Township.Ledger(Grains, t.Villages[1]).ReportValues(ReportOf("2024-08", RequestId(), (Cattle, "5")), Tester);
        var command = new RetireCommand(village, "2024-07", RequestId(), "并入相邻村");
        var retire = Dongming.Domain.Roster.Validate(command);
        await AppendToTheRosterAsync(new VillageRetired(Meta(command.RequestId!), village, "2024-07", command.Reason!), retire.Fingerprint);

        // Half way: the roster says retired, the ledger does not, and the totals still count the village.
        Assert.Equal("2024-07", (await Roster.ListVillages(t.Id, 0, null)).Villages.Single(v => v.VillageId == village).RetiredFrom);
        Assert.Null((await Township.Ledger(Grains, village).GetInfo()).RetiredFrom);
        Assert.Equal(55m, (await t.Totals(Grains).GetTotals("2024-08", [Cattle], false)).Totals.Single().Value);

        var retired = await Roster.RetireVillage(command, Tester);

        Assert.Equal("2024-07", retired.RetiredFrom);
        Assert.Equal(Period.Parse("2024-07"), (await Township.Ledger(Grains, village).GetInfo()).RetiredFrom);
        Assert.Equal(5m, (await t.Totals(Grains).GetTotals("2024-08", [Cattle], false)).Totals.Single().Value);
        var ex = await Assert.ThrowsAsync<DomainException>(() => Township.Ledger(Grains, village).ReportValues(ReportOf("2024-09", RequestId(), (Cattle, "1")), Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, ex.Kind);
    }
}
