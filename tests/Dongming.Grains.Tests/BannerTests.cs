using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class BannerTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IBannerDirectoryGrain Directory => Grains.GetGrain<IBannerDirectoryGrain>(BannerKeys.Directory);

    private IBannerGrain Banner(string id) => Grains.GetGrain<IBannerGrain>(BannerKeys.Banner(id));

    private async Task<(string Id, List<Township> Townships)> BannerAsync(int townships, int villages)
    {
        var id = NewId("qi");
        await Directory.RegisterBanner(id, "旗 " + id, Tester);
        var members = new List<Township>();
        for (var i = 0; i < townships; i++)
        {
            var t = await Seed.TownshipAsync(Grains, villages);
            await Directory.AddTownship(id, t.Id, Tester);
            members.Add(t);
        }
        return (id, members);
    }

    /// <summary>Every (indicator → value) the townships' totals sum to, ratios left out.</summary>
    private async Task<Dictionary<string, decimal>> SumOfTownshipsAsync(IEnumerable<Township> townships)
    {
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var t in townships)
        {
            foreach (var total in (await t.Totals(Grains).GetTotals(Year, [], false)).Totals.Where(x => x.Indicator != Coverage))
                sums[total.Indicator] = sums.GetValueOrDefault(total.Indicator) + total.Value;
        }
        return sums;
    }

    private static Dictionary<string, decimal> Values(BannerTotalsAnswer answer) => answer.Totals.ToDictionary(t => t.Indicator, t => t.Value, StringComparer.Ordinal);

    /// <summary>
    /// Waits (on the banner's change signal, bounded) until the banner's totals equal the townships' sum; returns the
    /// last banner answer and the sum.
    /// </summary>
    private async Task<(BannerTotalsAnswer Banner, Dictionary<string, decimal> Expected)> ConvergedAsync(string bannerId, IReadOnlyList<Township> townships)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var expected = await SumOfTownshipsAsync(townships);
            var answer = await Banner(bannerId).GetTotals(Year, [], false);
            if (Values(answer).OrderBy(x => x.Key).SequenceEqual(expected.OrderBy(x => x.Key)) || DateTime.UtcNow > until) return (answer, expected);
            await Banner(bannerId).WaitForChange(answer.Version, TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task BannerTotals_OnTheSilosBoard_AreServedUntilTheBannersTotalsMove_AndLeaveWithTheActivation()
    {
        var board = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<BannerTotalsBoard>();
        var key = TotalsBoard.Key.Of(Year, [], false, null);
        var (id, townships) = await BannerAsync(townships: 2, villages: 1);
        await Township.Ledger(Grains, townships[0].Villages[0]).ReportValues(Report(RequestId(), (Cattle, "4")), Tester);
        var (first, _) = await ConvergedAsync(id, townships);
        Assert.True(board.TryGet(id, key, out var kept));
        Assert.Equal(first.Version, kept.Version);

        await Township.Ledger(Grains, townships[1].Villages[0]).ReportValues(Report(RequestId(), (Cattle, "6")), Tester);
        await Banner(id).WaitForChange(first.Version, TimeSpan.FromSeconds(10));
        Assert.False(board.TryGet(id, key, out _)); // the banner's totals moved: the kept answer is stale
        var (after, expected) = await ConvergedAsync(id, townships);
        Assert.Equal(expected[Cattle], Values(after)[Cattle]);
        Assert.True(board.TryGet(id, key, out var keptAfter));
        Assert.Equal(expected[Cattle], keptAfter.Totals.Single(t => t.Indicator == Cattle).Value);

        await fixture.Cluster.DeactivateAsync(Banner(id));
        Assert.False(board.TryGet(id, key, out _));
    }

    [Fact]
    public async Task BannerTotals_AfterConcurrentReports_ConvergeToTheSumOfTheTownships()
    {
        var (id, townships) = await BannerAsync(townships: 4, villages: 3);
        await Task.WhenAll(townships.Select(t => Consistency.ReportManyAsync(Grains, t, perVillage: 6)));
        await Township.Ledger(Grains, townships[0].Id).ReportValues(Report(RequestId(), (Cattle, "3"), (Coverage, "0.75")), Tester);

        var (banner, expected) = await ConvergedAsync(id, townships);

        Assert.Equal(expected.OrderBy(x => x.Key), Values(banner).OrderBy(x => x.Key));
        Assert.DoesNotContain(banner.Totals, t => t.Indicator == Coverage);
        Assert.Equal(4, banner.TownshipCount);
        var withBreakdown = await Banner(id).GetTotals(Year, [Cattle], true);
        var cattle = Assert.Single(withBreakdown.Totals);
        Assert.Equal(townships.Select(t => t.Id).Order(StringComparer.Ordinal), cattle.Breakdown!.Select(p => p.OrgUnitId));
        Assert.Equal(cattle.Value, cattle.Breakdown!.Sum(p => p.Value));
    }

    [Fact]
    public async Task AddTownship_WithFiguresAlready_IsCountedAtOnce()
    {
        var (id, townships) = await BannerAsync(townships: 1, villages: 1);
        var later = await Seed.TownshipAsync(Grains, villages: 2);
        await Township.Ledger(Grains, later.Villages[0]).ReportValues(Report(RequestId(), (Income, "41")), Tester);
        await Township.Ledger(Grains, later.Villages[1]).ReportValues(Report(RequestId(), (Income, "1.5")), Tester);
        var before = (await Banner(id).GetTotals(Year, [Income], false)).Totals.SingleOrDefault()?.Value ?? 0;

        var info = await Directory.AddTownship(id, later.Id, Tester);

        Assert.Contains(later.Id, info.TownshipIds);
        var income = Assert.Single((await Banner(id).GetTotals(Year, [Income], false)).Totals);
        Assert.Equal(before + 42.5m, income.Value);
        Assert.Equal(2, income.VillagesReporting);
        Assert.Equal(new[] { townships[0].Id, later.Id }.Order(StringComparer.Ordinal), (await Directory.GetBanner(id)).TownshipIds);
    }

    [Fact]
    public async Task AddTownship_UnknownBannerOrTownship_IsNotFound_AndAnotherBannersMember_IsRefused()
    {
        var (id, townships) = await BannerAsync(townships: 1, villages: 1);
        var other = NewId("qi");
        await Directory.RegisterBanner(other, "别旗", Tester);

        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Directory.AddTownship(NewId("qi"), townships[0].Id, Tester))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Directory.AddTownship(id, NewId("tw"), Tester))).Kind);
        Assert.Equal(ErrorKind.FailedPrecondition, (await Assert.ThrowsAsync<DomainException>(() => Directory.AddTownship(other, townships[0].Id, Tester))).Kind);
        Assert.Equal([townships[0].Id], (await Directory.AddTownship(id, townships[0].Id, Tester)).TownshipIds); // again: nothing changes
        Assert.Equal(id, await Directory.BannerOf(townships[0].Id));
        Assert.Empty((await Directory.GetBanner(other)).TownshipIds);
    }

    [Fact]
    public async Task Repair_AfterAPartWasDamaged_CorrectsThatTownship()
    {
        var (id, townships) = await BannerAsync(townships: 3, villages: 2);
        await Task.WhenAll(townships.Select(t => Consistency.ReportManyAsync(Grains, t, perVillage: 2)));
        var (_, expected) = await ConvergedAsync(id, townships);
        // A part as no township holds it (another activation, a far version): the banner's sums follow it.
        await Banner(id).ApplyFull(new BannerPartFull(townships[1].Id, "damaged", 1_000_000,
            new Dictionary<string, BannerFigure> { [FigureKey.Of(Year, Cattle)] = new(123_456m, 1, false, 0, 0) }, DateTimeOffset.UtcNow));
        Assert.NotEqual(expected[Cattle], Values(await Banner(id).GetTotals(Year, [], false))[Cattle]);

        var repair = await Banner(id).Repair();

        Assert.Equal([townships[1].Id], repair.CorrectedTownships);
        Assert.Empty(repair.RecountedTotals);
        Assert.Equal(expected.OrderBy(x => x.Key), Values(await Banner(id).GetTotals(Year, [], false)).OrderBy(x => x.Key));
        Assert.Empty((await Banner(id).Repair()).CorrectedTownships);
    }

    [Fact]
    public async Task GetTotals_UnknownBanner_IsNotFound_AndABadPeriodAndIndicator_NameBothFields()
    {
        var (id, _) = await BannerAsync(townships: 1, villages: 1);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Banner(NewId("qi")).GetTotals(Year, [], false))).Kind);

        var e = await Assert.ThrowsAsync<DomainException>(() => Banner(id).GetTotals("2024Q5", ["Not-A-Code"], false));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["period", "indicators[0]"], e.Violations.Select(v => v.Field));
    }
}
