using System.Text;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>The roster's pages, and what unknown townships and org units answer.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RosterTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IRosterGrain Roster => Grains.GetGrain<IRosterGrain>(GrainKeys.Roster);

    [Fact]
    public async Task ListVillages_PagesFollowedByTheirTokens_ListEveryVillageOnceInIdOrder()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 7);
        var listed = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Roster.ListVillages(t.Id, 3, token);
            listed.AddRange(page.Villages.Select(v => v.VillageId));
            token = page.NextPageToken;
        }
        while (token is not null && ++pages < 10);

        Assert.Equal(t.Villages.Order(StringComparer.Ordinal), listed);
        Assert.Equal(2, pages);
        Assert.Equal(7, (await Roster.DescribeTownship(t.Id)).VillageCount);
    }

    public static TheoryData<string> ForgedTokens => new()
    {
        "forged",
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1|")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1|Not An Id")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1|zzzz-after-everything\u0001")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v9|datai")),
        Convert.ToBase64String([(byte)'v', (byte)'1', (byte)'|', 0xc3, 0x28]),
        new string('A', 1000),
    };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task ListVillages_TokenThisServiceDidNotIssue_IsInvalidArgument(string token)
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ex = await Assert.ThrowsAsync<DomainException>(() => Roster.ListVillages(t.Id, 10, token));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("page_token", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public async Task ListVillages_TokenPastTheLastVillage_IsAnEmptyPage_NotAFault()
    {
        // A well-formed position after every id (a token of another township, or forged with care) is just a position.
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var page = await Roster.ListVillages(t.Id, 10, PageToken.Encode("zzzz"));
        Assert.Empty(page.Villages);
        Assert.Null(page.NextPageToken);
        var before = await Roster.ListVillages(t.Id, 10, PageToken.Encode("aa"));
        Assert.Equal(t.Villages, before.Villages.Select(v => v.VillageId));
    }

    [Fact]
    public async Task ListVillages_BadPageSizeAndUnknownTownship_AreRefused()
    {
        var size = await Assert.ThrowsAsync<DomainException>(() => Roster.ListVillages(NewId("tw"), -1, "forged"));
        Assert.Equal(["page_size", "page_token"], size.Violations.Select(v => v.Field));
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Roster.ListVillages(NewId("tw"), 10, null))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Roster.DescribeTownship(NewId("tw")))).Kind);
        Assert.Empty(await Roster.OrgUnitsOf(NewId("tw")));
    }

    [Fact]
    public async Task UnknownLedger_AnswersNotFound_AndItsActivationDoesNotStay()
    {
        var id = NewId("nowhere");
        var ledger = Township.Ledger(Grains, id);
        Assert.Null(await ledger.GetContribution()); // asked by townships of their own org units only

        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.GetInfo())).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.GetValues(Year, []))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.GetValueHistory(Year, Cattle))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.ReportValues(Report(RequestId(), (Cattle, "1")), Tester))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.ClearValues(new ClearCommand(id, Year, [Cattle], RequestId(), "误填"), Tester))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.OpenCase(OpenCase(id), Tester))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.GetCase("tst_patch-2024-1-0001"))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ledger.ListCases(AllCases()))).Kind);

        // Each refusal asks for deactivation once the call is done: wait for it (bounded), then nothing of it remains.
        await fixture.Cluster.WaitForDeactivationAsync(ledger).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(fixture.Cluster.TryGetGrainContext(ledger.GetGrainId(), out _));
        Assert.Equal(0, await fixture.JournalVersionAsync(GrainKeys.Ledger(id)));
    }

    [Fact]
    public async Task UnknownTownship_AnswersNotFound_AndItsActivationDoesNotStay()
    {
        var id = NewId("tw");
        var township = Grains.GetGrain<ITownshipGrain>(GrainKeys.Township(id));

        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => township.GetTotals(Year, [], false))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => township.GetCaseSummary(Summary(null, null, new DateOnly(2024, 1, 1), true)))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => township.ListCases(AllCases()))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => township.WaitForChange(0, TimeSpan.FromSeconds(1)))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => township.Repair())).Kind);
        await township.Load(); // the start-up's warm-up: nothing to load, and it leaves too

        await fixture.Cluster.WaitForDeactivationAsync(township).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(fixture.Cluster.TryGetGrainContext(township.GetGrainId(), out _));
        Assert.Null(await fixture.Journal.ReadCheckpointAsync("totals/" + id));
    }
}
