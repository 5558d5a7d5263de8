using static Dongming.Domain.Tests.CaseFixtures;

namespace Dongming.Domain.Tests;

public class LedgerStateTests
{
    private static IndicatorCatalog Catalog => TestData.Catalog;

    private static readonly EventMeta Meta = new("clerk-7", "王会计", At, "req-1");

    private static ValuesReported Report(string period, params (string Indicator, decimal Value)[] figures) =>
        new(Meta, period, [.. figures.Select(f => new ReportedFigure(f.Indicator, f.Value))], null);

    private static string K(string indicator, string period = "2023") => FigureKey.Of(period, indicator);

    private static decimal? Value(LedgerState s, string indicator, string period = "2023") =>
        s.Figures.TryGetValue(K(indicator, period), out var f) ? f.Value : null;

    /// <summary>The contribution change of an effect as plain values (null = removed).</summary>
    private static Dictionary<string, decimal?> Values(LedgerEffect effect) =>
        effect.Figures.ToDictionary(kv => kv.Key, kv => kv.Value?.Value, StringComparer.Ordinal);

    private static bool Computed(LedgerState s, string indicator, string period = "2023") => s.Figures[K(indicator, period)].Flags.HasFlag(FigureFlags.Computed);

    [Fact]
    public void Apply_Report_LeavesEnteredAndParentsComputedAsSumOfParts()
    {
        var s = new LedgerState();
        var effect = s.Apply(Report("2023", ("livestock_breeding_cows", 40000), ("livestock_fattening_cattle", 17000), ("livestock_sheep", 84000)), 3, Catalog);

        Assert.Equal(57000, Value(s, "livestock_cattle"));
        Assert.Equal(141000, Value(s, "livestock_total"));
        Assert.True(Computed(s, "livestock_cattle"));
        Assert.True(Computed(s, "livestock_total"));
        Assert.False(Computed(s, "livestock_sheep"));
        Assert.All(s.Figures.Values, f => Assert.Equal(3, f.Version));
        Assert.All(s.Figures.Values, f => Assert.Equal("clerk-7", f.Actor));

        Assert.Equal(
            new Dictionary<string, decimal?>
            {
                [K("livestock_breeding_cows")] = 40000,
                [K("livestock_fattening_cattle")] = 17000,
                [K("livestock_sheep")] = 84000,
                [K("livestock_cattle")] = 57000,
                [K("livestock_total")] = 141000,
            },
            Values(effect));
        Assert.Empty(effect.Cases);
    }

    [Fact]
    public void Apply_PartialReport_ParentSumsOnlyPartsPresent()
    {
        var s = new LedgerState();
        s.Apply(Report("2023", ("livestock_sheep", 840)), 1, Catalog);
        Assert.Equal(840, Value(s, "livestock_total"));
        Assert.Null(Value(s, "livestock_cattle"));

        s.Apply(Report("2023", ("livestock_breeding_cows", 10)), 2, Catalog);
        Assert.Equal(10, Value(s, "livestock_cattle"));
        Assert.Equal(850, Value(s, "livestock_total"));
    }

    [Fact]
    public void Apply_SecondReport_ReplacesValueAndRecomputesOnlyTouchedChains()
    {
        var s = new LedgerState();
        s.Apply(Report("2023", ("livestock_breeding_cows", 40000), ("livestock_fattening_cattle", 17000), ("livestock_sheep", 84000), ("crop_chili_area", 35000)), 1, Catalog);

        var effect = s.Apply(Report("2023", ("livestock_breeding_cows", 41000.5m)), 2, Catalog);

        Assert.Equal(41000.5m, Value(s, "livestock_breeding_cows"));
        Assert.Equal(58000.5m, Value(s, "livestock_cattle"));
        Assert.Equal(142000.5m, Value(s, "livestock_total"));
        Assert.Equal(35000, Value(s, "crop_featured_area"));
        Assert.Equal(2, s.Figures[K("livestock_total")].Version);
        Assert.Equal(1, s.Figures[K("livestock_sheep")].Version);
        Assert.Equal(
            new[] { K("livestock_breeding_cows"), K("livestock_cattle"), K("livestock_total") }.Order(StringComparer.Ordinal),
            effect.Figures.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(142000.5m, effect.Figures[K("livestock_total")]!.Value);
    }

    [Fact]
    public void Apply_ReportsOfDifferentPeriods_AreKeptApart()
    {
        var s = new LedgerState();
        s.Apply(Report("2023", ("livestock_sheep", 840)), 1, Catalog);
        s.Apply(Report("2023Q4", ("livestock_sheep", 800), ("livestock_breeding_cows", 5)), 2, Catalog);
        // The year's own entry of sheep wins over the quarter's; the cows, entered only for the quarter, roll up into the year.
        Assert.Equal(840, Value(s, "livestock_sheep"));
        Assert.Equal(800, Value(s, "livestock_sheep", "2023Q4"));
        Assert.Equal(805, Value(s, "livestock_total", "2023Q4"));
        Assert.Equal(845, Value(s, "livestock_total"));
        Assert.True(s.Figures[K("livestock_breeding_cows")].Flags.HasFlag(FigureFlags.RolledUp));
        Assert.False(s.Figures[K("livestock_sheep")].Flags.HasFlag(FigureFlags.RolledUp));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Apply_RandomReports_EveryParentEqualsSumOfItsPartsAndDeltasReplayTheContribution(int seed)
    {
        var rng = new Random(seed);
        var leaves = Catalog.All.Where(d => !Catalog.IsComputed(d.Code) && d.EnteredAt == EnteredAt.Village).Select(d => d.Code).ToList();
        var s = new LedgerState();
        var replay = new Dictionary<string, decimal>(StringComparer.Ordinal);
        for (var v = 1; v <= 30; v++)
        {
            var period = rng.Next(2) == 0 ? "2023" : "2023Q4";
            var figures = leaves.OrderBy(_ => rng.Next()).Take(rng.Next(1, 8)).Select(code => (code, (decimal)rng.Next(0, 100000))).ToArray();
            var effect = s.Apply(Report(period, figures), v, Catalog);
            foreach (var (key, value) in effect.Figures)
            {
                if (value is { } x) replay[key] = x.Value;
                else replay.Remove(key);
            }
        }
        // Parents: the sum of their parts that are present.
        foreach (var period in new[] { "2023", "2023Q4" })
        {
            foreach (var parent in Catalog.All.Where(d => Catalog.IsComputed(d.Code)).Select(d => d.Code))
            {
                var parts = Catalog.PartsOf(parent).Select(p => Value(s, p, period)).Where(x => x is not null).ToList();
                Assert.Equal(parts.Count == 0 ? null : parts.Sum(), Value(s, parent, period));
            }
        }
        // Applying every delta in order gives exactly the ledger's contribution.
        Assert.Equal(s.Contribution().Figures.Select(kv => (kv.Key, kv.Value.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal), replay.Select(kv => (kv.Key, kv.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_Registration_IsKept()
    {
        var s = new LedgerState();
        var r = new OrgUnitRegistered(Meta, OrgUnitLevel.Village, "dongming", "大台", VillageKind.Village);
        var effect = s.Apply(r, 1, Catalog);
        Assert.Same(r, s.Registration);
        Assert.True(effect.IsEmpty);
        Assert.Equal(new OrgUnitInfo("datai", OrgUnitLevel.Village, "dongming", "大台", VillageKind.Village), s.Info("datai"));
    }

    [Fact]
    public void Apply_CaseEvents_UpdateCaseAndDelta()
    {
        var s = new LedgerState();
        var opened = s.Apply(new CaseOpened(Meta, New(id: "forest-2023-3-0001"), null), 1, Catalog);
        Assert.Equal(CaseStatus.Reported, s.Cases["forest-2023-3-0001"].Status);
        Assert.Equal(new CaseTally(Forest, "2023-3", CaseStatus.Reported, new DateOnly(2023, 6, 30), false, new DateOnly(2023, 3, 1)), opened.Cases["forest-2023-3-0001"]! with { Steps = null }); // the steps: see CaseKpi tests
        Assert.Empty(opened.Figures);

        s.Apply(new CaseTransitioned(Meta, "forest-2023-3-0001", CaseStatus.Reported, CaseStatus.Rectifying, D("2023-04-01"), null), 2, Catalog);
        var moved = s.Apply(new CaseTransitioned(Meta, "forest-2023-3-0001", CaseStatus.Rectifying, CaseStatus.Rectified, D("2023-06-30"), null), 3, Catalog);
        var c = s.Cases["forest-2023-3-0001"];
        Assert.Equal(CaseStatus.Rectified, c.Status);
        Assert.Equal(3, c.Version);
        Assert.Equal(D("2023-06-30"), c.RectifiedOn);
        Assert.Equal(new CaseTally(Forest, "2023-3", CaseStatus.Rectified, new DateOnly(2023, 6, 30), true, new DateOnly(2023, 3, 1)), Assert.Single(moved.Cases).Value! with { Steps = null });
        Assert.Equal([1L, 2, 3], s.CaseEvents["forest-2023-3-0001"]);

        var updated = s.Apply(new CaseUpdated(Meta, "forest-2023-3-0001", new CaseChanges(D("2023-06-15"), "李四", true, null), ["deadline"], "延期"), 4, Catalog);
        c = s.Cases["forest-2023-3-0001"];
        Assert.Equal(D("2023-06-15"), c.Deadline);
        Assert.Equal("李四", c.Assignee);
        Assert.True(c.Repeat);
        Assert.Equal(4, c.Version);
        // The on-time outcome was fixed when the work was done: a deadline moved afterwards does not change it.
        Assert.True(updated.Cases["forest-2023-3-0001"]!.OnTime);
    }

    [Fact]
    public void Apply_CaseUpdateWithEmptyAssignee_ClearsIt()
    {
        var s = new LedgerState();
        s.Apply(new CaseOpened(Meta, New() with { Assignee = "张三" }, null), 1, Catalog);
        s.Apply(new CaseUpdated(Meta, "c-1", new CaseChanges(null, "", null, null), ["assignee"], null), 2, Catalog);
        Assert.Null(s.Cases["c-1"].Assignee);
        s.Apply(new CaseUpdated(Meta, "c-1", new CaseChanges(null, null, null, true), ["returned"], null), 3, Catalog);
        Assert.Null(s.Cases["c-1"].Assignee);
        Assert.True(s.Cases["c-1"].Returned);
        Assert.Equal(new DateOnly(2023, 6, 30), s.Cases["c-1"].Deadline);
    }

    [Fact]
    public void Apply_InvalidTransitionEvent_Throws()
    {
        var s = new LedgerState();
        s.Apply(new CaseOpened(Meta, New(), null), 1, Catalog);
        var e = TestData.Throws(() => s.Apply(new CaseTransitioned(Meta, "c-1", CaseStatus.Reported, CaseStatus.Closed, D("2023-04-01"), null), 2, Catalog));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.Equal(CaseStatus.Reported, s.Cases["c-1"].Status);
        Assert.Equal([1L], s.CaseEvents["c-1"]);
    }

    [Fact]
    public void LedgerDeltas_FedToTownship_GiveTotalsOfAllLedgers()
    {
        var agg = new TownshipAggregate("dongming");
        var datai = new LedgerState();
        var xiaotai = new LedgerState();
        void Send(LedgerState s, string id, long version, params (string, decimal)[] figures)
        {
            var effect = s.Apply(Report("2023", figures), version, Catalog);
            Assert.Equal(ChangeOutcome.Applied, agg.Apply(new ContributionChange(id, OrgUnitLevel.Village, version - 1, version, effect.Figures, effect.Cases, At)));
        }
        Send(datai, "datai", 1, ("livestock_breeding_cows", 100), ("livestock_sheep", 300));
        Send(xiaotai, "xiaotai", 1, ("livestock_fattening_cattle", 20));
        Send(datai, "datai", 2, ("livestock_breeding_cows", 120));

        var totals = agg.Totals(new TotalsQuery(Period.Parse("2023"), [], false), Catalog).Totals.ToDictionary(t => t.Indicator);
        Assert.Equal(140, totals["livestock_cattle"].Value);
        Assert.Equal(2, totals["livestock_cattle"].VillagesReporting);
        Assert.Equal(440, totals["livestock_total"].Value);
        Assert.Equal(300, totals["livestock_sheep"].Value);
        Assert.Equal(1, totals["livestock_sheep"].VillagesReporting);
    }
}
