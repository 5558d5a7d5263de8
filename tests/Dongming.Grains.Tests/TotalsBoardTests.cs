using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>
/// The silo's board of totals answers (src/Dongming.Grains/TotalsBoard.cs): an answer is served only while the township
/// that built it is active here and its totals have not moved; a write's acknowledgement makes it stale.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TotalsBoardTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private TotalsBoard Board => fixture.Cluster.GetSiloServiceProvider().GetRequiredService<TotalsBoard>();

    private static readonly TotalsBoard.Key AllOfTheYear = TotalsBoard.Key.Of(Year, [], false, null);

    [Fact]
    public async Task GetTotals_AnsweredByTheTownship_IsOnTheBoard_UntilAnAcknowledgedWriteMovesTheTotals()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        await Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Cattle, "5")), Tester);
        Assert.False(Board.TryGet(t.Id, AllOfTheYear, out _)); // nothing asked yet

        var answer = await t.Totals(Grains).GetTotals(Year, [], false);
        Assert.True(Board.TryGet(t.Id, AllOfTheYear, out var kept));
        AssertSame(answer, kept);
        Assert.False(Board.TryGet(t.Id, TotalsBoard.Key.Of(Year, [Cattle], false, null), out _)); // another request: not answered yet

        await Township.Ledger(Grains, t.Villages[1]).ReportValues(Report(RequestId(), (Cattle, "7")), Tester);
        Assert.False(Board.TryGet(t.Id, AllOfTheYear, out _)); // acknowledged, so the kept answer is stale

        var after = await t.Totals(Grains).GetTotals(Year, [], false);
        Assert.Equal(12m, after.Totals.Single(x => x.Indicator == Cattle).Value);
        Assert.True(Board.TryGet(t.Id, AllOfTheYear, out var keptAfter));
        AssertSame(after, keptAfter);
    }

    [Fact]
    public async Task GetTotals_TownshipDeactivated_LeavesTheBoard_AndItsNextActivationAnswersAfresh()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        await Township.Ledger(Grains, t.Villages[0]).ReportValues(Report(RequestId(), (Cattle, "3")), Tester);
        var before = await t.Totals(Grains).GetTotals(Year, [], false);
        Assert.True(Board.TryGet(t.Id, AllOfTheYear, out _));

        await fixture.Cluster.DeactivateAsync(t.Totals(Grains));
        Assert.False(Board.TryGet(t.Id, AllOfTheYear, out _));

        var again = await t.Totals(Grains).GetTotals(Year, [], false); // activates and loads again
        Assert.Equal(before.Totals.Select(x => (x.Indicator, x.Value)), again.Totals.Select(x => (x.Indicator, x.Value)));
        Assert.True(Board.TryGet(t.Id, AllOfTheYear, out var kept));
        AssertSame(again, kept);
    }

    /// <summary>The test's client holds copies of the silo's answers: the same version and figures.</summary>
    private static void AssertSame(TotalsAnswer expected, TotalsAnswer actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Totals.Select(x => (x.Indicator, x.Value)), actual.Totals.Select(x => (x.Indicator, x.Value)));
    }

    [Fact]
    public async Task GetTotals_UnknownTownship_IsNeverOnTheBoard()
    {
        var id = NewId("nowhere");
        var refused = await Assert.ThrowsAsync<DomainException>(() => Grains.GetGrain<ITownshipGrain>(GrainKeys.Township(id)).GetTotals(Year, [], false));
        Assert.Equal(ErrorKind.NotFound, refused.Kind);
        Assert.False(Board.TryGet(id, AllOfTheYear, out _));
    }
}
