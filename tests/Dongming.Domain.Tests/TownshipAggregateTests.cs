using static Dongming.Domain.CaseStatus;
using static Dongming.Domain.Tests.CaseFixtures;

namespace Dongming.Domain.Tests;

public class TownshipAggregateTests
{
    private const string Sheep = "livestock_sheep";
    private const string Income = "labour_export_income";
    private const string Greening = "greening_maintenance_sites";
    private const string Coverage = "two_cancer_screening_coverage";
    private const OrgUnitLevel Village = OrgUnitLevel.Village;
    private const OrgUnitLevel Township = OrgUnitLevel.Township;

    private static IndicatorCatalog Catalog => TestData.Catalog;

    /// <summary>A change of an org unit's contribution as these tests write it: exact figures, and case tallies.</summary>
    private sealed class Change
    {
        public Dictionary<string, Contributed?> Figures { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, CaseTally?> Cases { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A total as these tests compare it: the sum and the villages in it (qualifiers have tests of their own).</summary>
    private sealed record Sum(string Indicator, decimal Value, int VillagesReporting);

    private static Contributed Exact(decimal value) => new(value, FigureFlags.None, At);

    private static Change Delta(params (string Key, decimal? Value)[] figures)
    {
        var d = new Change();
        foreach (var (key, value) in figures) d.Figures[key] = value is { } v ? Exact(v) : null;
        return d;
    }

    private static ChangeOutcome Apply(TownshipAggregate agg, string unit, OrgUnitLevel level, long baseVersion, long newVersion, Change change, DateTimeOffset at) =>
        agg.Apply(new ContributionChange(unit, level, baseVersion, newVersion, change.Figures, change.Cases, at));

    private static bool Replace(TownshipAggregate agg, string unit, OrgUnitLevel level, long version, IReadOnlyDictionary<string, decimal> figures, IReadOnlyDictionary<string, CaseTally> cases, DateTimeOffset at) =>
        agg.Replace(new FullContribution(unit, level, version, figures.ToDictionary(kv => kv.Key, kv => Exact(kv.Value), StringComparer.Ordinal), cases, at));

    private static List<Sum> Totals(TownshipAggregate agg, string period, IndicatorCatalog catalog, IReadOnlyList<string>? indicators = null) =>
        [.. agg.Totals(new TotalsQuery(Period.Parse(period), indicators ?? [], false), catalog).Totals.Select(t => new Sum(t.Indicator, t.Value, t.VillagesReporting))];

    private static List<(string, decimal)> Breakdown(TownshipAggregate agg, string period, string indicator) =>
        [.. agg.Totals(new TotalsQuery(Period.Parse(period), [indicator], true), Catalog).Totals.Single().Breakdown!.Select(p => (p.OrgUnitId, p.Value))];

    private static CaseSummary Summary(TownshipAggregate agg, string? caseType, string? batch, DateOnly asOf, bool breakdown) =>
        agg.Summary(new CaseSummaryQuery(caseType, batch, asOf, breakdown), today: asOf); // as of today: the kept rows

    private static IEnumerable<CaseLocation> Cases(TownshipAggregate agg, string? caseType, CaseStatus? status, string? batch, DateOnly? overdueAsOf) =>
        agg.FindCases(new CaseQuery(caseType, status, batch, overdueAsOf, null, null, int.MaxValue));

    private static string K(string indicator, string period = "2023") => FigureKey.Of(period, indicator);

    private static Sum? Total(TownshipAggregate agg, string indicator, string period = "2023") =>
        Totals(agg, period, Catalog).SingleOrDefault(t => t.Indicator == indicator);

    [Fact]
    public void Apply_FirstChange_IsAppliedAndRecordsVersion()
    {
        var agg = new TownshipAggregate("dongming");
        Assert.Equal(ChangeOutcome.Applied, Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10)), At));
        Assert.Equal(1, agg.VersionOf("datai"));
        Assert.Equal(0, agg.VersionOf("xiaotai"));
        Assert.Equal(new Sum(Sheep, 10, 1), Total(agg, Sheep));
        Assert.Equal(1, agg.Version);
        Assert.Equal(At, agg.AsOf);
    }

    [Fact]
    public void Apply_RolledUpFiguresOfManyVillages_ShareOneListOfSourcePeriods_AndCountAsBefore()
    {
        var agg = new TownshipAggregate("dongming");
        var q4 = FigureKey.Of("2023Q4", Sheep);
        for (var i = 0; i < 3; i++)
        {
            var change = new Change();
            change.Figures[q4] = new Contributed(10 + i, FigureFlags.RolledUp, At, new List<string> { "2023-11", "2023-12" });
            Apply(agg, $"village-{i}", Village, 0, 1, change, At);
        }

        var lists = agg.Units.Values.Select(p => p.Figures[q4].From).ToList();
        Assert.All(lists, l => Assert.Same(lists[0], l));
        Assert.Equal(["2023-11", "2023-12"], lists[0]);
        Assert.Equal(1, agg.Sources.Count);
        var total = agg.Totals(new TotalsQuery(Period.Parse("2023Q4"), [Sheep], false), Catalog).Totals.Single();
        Assert.Equal((33m, 3, 3), (total.Value, total.VillagesReporting, total.RolledUpUnits));
        Assert.Equal(["2023-11", "2023-12"], total.From);
        Assert.Empty(agg.Recount());
    }

    [Fact]
    public void Apply_ReplayedChange_IsAlreadyAppliedAndNotCountedTwice()
    {
        var agg = new TownshipAggregate("dongming");
        var delta = Delta((K(Sheep), 10));
        Apply(agg, "datai", Village, 0, 1, delta, At);
        Assert.Equal(ChangeOutcome.AlreadyApplied, Apply(agg, "datai", Village, 0, 1, delta, At));
        Apply(agg, "datai", Village, 1, 2, Delta((K(Income), 5)), At);
        Assert.Equal(ChangeOutcome.AlreadyApplied, Apply(agg, "datai", Village, 0, 1, delta, At));
        Assert.Equal(ChangeOutcome.AlreadyApplied, Apply(agg, "datai", Village, 1, 2, Delta((K(Income), 5)), At));
        Assert.Equal(new Sum(Sheep, 10, 1), Total(agg, Sheep));
        Assert.Equal(new Sum(Income, 5, 1), Total(agg, Income));
        Assert.Equal(2, agg.Version);
    }

    [Fact]
    public void Apply_Gap_NeedsFullContributionAndChangesNothing()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10)), At);
        Assert.Equal(ChangeOutcome.NeedsFullContribution, Apply(agg, "datai", Village, 2, 3, Delta((K(Sheep), 30)), At));
        Assert.Equal(1, agg.VersionOf("datai"));
        Assert.Equal(10, Total(agg, Sheep)!.Value);
    }

    [Fact]
    public void Replace_AfterGap_FixesTotalsAndLaterChangesApply()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10), (K(Greening), 2)), At);
        Assert.Equal(ChangeOutcome.NeedsFullContribution, Apply(agg, "datai", Village, 2, 3, Delta((K(Sheep), 30)), At));

        var full = new Dictionary<string, decimal> { [K(Sheep)] = 30, [K(Income)] = 7.5m };
        Assert.True(Replace(agg, "datai", Village, 3, full, new Dictionary<string, CaseTally>(), At));
        Assert.Equal(3, agg.VersionOf("datai"));
        Assert.Equal(30, Total(agg, Sheep)!.Value);
        Assert.Equal(7.5m, Total(agg, Income)!.Value);
        Assert.Null(Total(agg, Greening)); // gone from the full contribution

        Assert.Equal(ChangeOutcome.AlreadyApplied, Apply(agg, "datai", Village, 1, 2, Delta((K(Sheep), 20)), At));
        Assert.Equal(ChangeOutcome.Applied, Apply(agg, "datai", Village, 3, 4, Delta((K(Sheep), 31)), At));
        Assert.Equal(31, Total(agg, Sheep)!.Value);
    }

    [Fact]
    public void Replace_OlderVersion_IsIgnored()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 5, Delta((K(Sheep), 50)), At);
        Assert.False(Replace(agg, "datai", Village, 4, new Dictionary<string, decimal> { [K(Sheep)] = 40 }, new Dictionary<string, CaseTally>(), At));
        Assert.Equal(50, Total(agg, Sheep)!.Value);
        Assert.Equal(5, agg.VersionOf("datai"));
    }

    [Fact]
    public void Replace_SameContribution_ReportsNoChange()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 50)), At);
        var version = agg.Version;
        Assert.False(Replace(agg, "datai", Village, 1, new Dictionary<string, decimal> { [K(Sheep)] = 50 }, new Dictionary<string, CaseTally>(), At));
        Assert.Equal(version, agg.Version);
        Assert.Equal(50, Total(agg, Sheep)!.Value);
    }

    [Fact]
    public void Apply_ReorderedDelivery_NeverDoubleCounts()
    {
        var agg = new TownshipAggregate("dongming");
        var v1 = Delta((K(Sheep), 10));
        var v2 = Delta((K(Sheep), 15), (K(Income), 100));
        Assert.Equal(ChangeOutcome.NeedsFullContribution, Apply(agg, "datai", Village, 1, 2, v2, At));
        Assert.Null(Total(agg, Sheep));
        Assert.Equal(ChangeOutcome.Applied, Apply(agg, "datai", Village, 0, 1, v1, At));
        Assert.Equal(10, Total(agg, Sheep)!.Value);
        Assert.Equal(ChangeOutcome.Applied, Apply(agg, "datai", Village, 1, 2, v2, At));
        Assert.Equal(ChangeOutcome.AlreadyApplied, Apply(agg, "datai", Village, 0, 1, v1, At));
        Assert.Equal(new Sum(Sheep, 15, 1), Total(agg, Sheep));
        Assert.Equal(new Sum(Income, 100, 1), Total(agg, Income));
    }

    [Fact]
    public void Totals_SumOfOrgUnits_VillagesReportingCountsVillagesOnly()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Greening), 10), (K(Sheep), 100)), At);
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Greening), 13)), At);
        Apply(agg, "dongming-town", Township, 0, 1, Delta((K(Greening), 1)), At);
        Assert.Equal(new Sum(Greening, 24, 2), Total(agg, Greening));
        Assert.Equal(new Sum(Sheep, 100, 1), Total(agg, Sheep));
    }

    [Fact]
    public void Totals_TownshipOnlyFigure_HasNoVillagesReporting()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "dongming-town", Township, 0, 1, Delta((K("grazing_ban_enforcement_actions"), 115)), At);
        Assert.Equal(new Sum("grazing_ban_enforcement_actions", 115, 0), Total(agg, "grazing_ban_enforcement_actions"));
    }

    [Fact]
    public void Totals_ZeroFigure_IsKept()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "dongming-town", Township, 0, 1, Delta((K("regional_epidemics"), 0)), At);
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 0)), At);
        Assert.Equal(new Sum("regional_epidemics", 0, 0), Total(agg, "regional_epidemics"));
        Assert.Equal(new Sum(Sheep, 0, 1), Total(agg, Sheep));
    }

    [Fact]
    public void Totals_Ratio_IsTownshipEntryNeverSum()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "dongming-town", Township, 0, 1, Delta((K(Coverage), 0.9694m)), At);
        // Even if villages carried the ratio, it is never added up.
        Apply(agg, "datai", Village, 0, 1, Delta((K(Coverage), 0.5m)), At);
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Coverage), 0.8m)), At);
        Assert.Equal(0.9694m, Total(agg, Coverage)!.Value);

        Apply(agg, "dongming-town", Township, 1, 2, Delta((K(Coverage), 0.97m)), At);
        Assert.Equal(0.97m, Total(agg, Coverage)!.Value);
    }

    [Fact]
    public void Totals_RatioWithoutTownshipEntry_IsAbsent()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Coverage), 0.5m)), At);
        Assert.Null(Total(agg, Coverage));
        Apply(agg, "dongming-town", Township, 0, 1, Delta((K(Coverage), 0.9m)), At);
        Apply(agg, "dongming-town", Township, 1, 2, Delta((K(Coverage), null)), At);
        Assert.Null(Total(agg, Coverage));
    }

    [Fact]
    public void Totals_RemovedFigure_DecreasesSumAndVillages()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10)), At);
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Sheep), 25)), At);
        Assert.Equal(new Sum(Sheep, 35, 2), Total(agg, Sheep));

        Apply(agg, "datai", Village, 1, 2, Delta((K(Sheep), null)), At);
        Assert.Equal(new Sum(Sheep, 25, 1), Total(agg, Sheep));

        Apply(agg, "xiaotai", Village, 1, 2, Delta((K(Sheep), null)), At);
        Assert.Null(Total(agg, Sheep));
        Assert.Empty(Totals(agg, "2023", Catalog));
    }

    [Fact]
    public void Totals_RemovingUnknownFigure_ChangesNothing()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10)), At);
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Sheep), null)), At);
        Assert.Equal(new Sum(Sheep, 10, 1), Total(agg, Sheep));
    }

    [Fact]
    public void Totals_ChangedFigure_ReplacesOldValue()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10)), At);
        Apply(agg, "datai", Village, 1, 2, Delta((K(Sheep), 12.5m)), At);
        Assert.Equal(new Sum(Sheep, 12.5m, 1), Total(agg, Sheep));
    }

    [Fact]
    public void Totals_PeriodsAreSeparateAndFilterByIndicator()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep, "2023"), 10), (K(Sheep, "2023Q4"), 4), (K(Income, "2023"), 9)), At);
        Assert.Equal([new Sum(Income, 9, 1), new Sum(Sheep, 10, 1)], Totals(agg, "2023", Catalog));
        Assert.Equal([new Sum(Sheep, 4, 1)], Totals(agg, "2023Q4", Catalog));
        Assert.Equal([new Sum(Sheep, 10, 1)], Totals(agg, "2023", Catalog, [Sheep, "no_such"]));
        Assert.Empty(Totals(agg, "2022", Catalog));
    }

    [Fact]
    public void Breakdown_ListsOrgUnitsInIdOrder()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Sheep), 2)), At);
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 1)), At);
        Apply(agg, "taiji", Village, 0, 1, Delta((K(Income), 3)), At);
        Assert.Equal([("datai", 1m), ("xiaotai", 2m)], Breakdown(agg, "2023", Sheep));
    }

    [Fact]
    public void AsOf_IsLatestChangeTime()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 1)), At.AddHours(2));
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Sheep), 1)), At);
        Assert.Equal(At.AddHours(2), agg.AsOf);
        Assert.Equal(2, agg.Version);
    }

    /// <summary>
    /// Random changes for several org units, delivered with duplicates and out of order (a gap is repaired with the
    /// unit's whole contribution at that version). After every delivery, the totals equal the sum computed directly
    /// from each unit's figures at the version the aggregate says it holds; at the end every unit is at its last version.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 4)]
    [InlineData(6, 6)]
    [InlineData(7, 10)]
    [InlineData(8, 20)]
    [InlineData(9, 50)]
    [InlineData(10, 1000)]
    public void Apply_RandomChangesWithDuplicatesAndReordering_TotalsEqualDirectSum(int seed, int reorderWindow)
    {
        var rng = new Random(seed);
        (string Id, OrgUnitLevel Level)[] units = [("ash", Village), ("birch", Village), ("cedar", Village), ("elm", Village), ("town", Township)];
        string[] periods = ["2023", "2023Q4"];
        string[] summed = [Sheep, Income, Greening];

        // Per unit: its figures at every version (index = version), and the deltas between versions.
        var states = new Dictionary<string, List<Dictionary<string, decimal>>>();
        var messages = new List<(string Unit, OrgUnitLevel Level, long Base, long New, Change Delta)>();
        foreach (var (id, level) in units)
        {
            var versions = new List<Dictionary<string, decimal>> { new(StringComparer.Ordinal) };
            var keys = periods.SelectMany(p => summed.Select(i => K(i, p))).ToList();
            if (level == Township) keys.AddRange(periods.Select(p => K(Coverage, p)));
            var count = rng.Next(3, 15);
            for (var v = 1; v <= count; v++)
            {
                var state = new Dictionary<string, decimal>(versions[^1], StringComparer.Ordinal);
                var delta = new Change();
                foreach (var key in keys.OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)))
                {
                    if (state.ContainsKey(key) && rng.Next(4) == 0) { state.Remove(key); delta.Figures[key] = null; }
                    else
                    {
                        var value = key.EndsWith(Coverage, StringComparison.Ordinal) ? rng.Next(0, 10001) / 10000m : rng.Next(0, 1_000_000) / 100m;
                        state[key] = value;
                        delta.Figures[key] = Exact(value);
                    }
                }
                versions.Add(state);
                messages.Add((id, level, v - 1, v, delta));
            }
            states[id] = versions;
        }

        // Duplicates, then a shuffle within a window (window 1 keeps each unit's order).
        var delivery = messages.SelectMany(m => Enumerable.Repeat(m, 1 + (rng.Next(3) == 0 ? rng.Next(1, 3) : 0)))
            .Select((m, i) => (m, Key: i + rng.Next(reorderWindow)))
            .OrderBy(x => x.Key).Select(x => x.m).ToList();

        var agg = new TownshipAggregate("dongming");
        foreach (var (unit, level, baseVersion, newVersion, delta) in delivery)
        {
            var known = agg.VersionOf(unit);
            var outcome = Apply(agg, unit, level, baseVersion, newVersion, delta, At);
            var expected = newVersion <= known ? ChangeOutcome.AlreadyApplied : baseVersion == known ? ChangeOutcome.Applied : ChangeOutcome.NeedsFullContribution;
            Assert.Equal(expected, outcome);
            if (outcome == ChangeOutcome.NeedsFullContribution)
                Replace(agg, unit, level, newVersion, states[unit][(int)newVersion], new Dictionary<string, CaseTally>(), At);
            AssertTotals(agg, units, periods, states);
        }

        foreach (var (id, _) in units) Assert.Equal(states[id].Count - 1, agg.VersionOf(id));
        AssertTotals(agg, units, periods, states);
        Assert.Empty(agg.Recount()); // the kept cells equal a recomputation from the parts
    }

    private static void AssertTotals(TownshipAggregate agg, (string Id, OrgUnitLevel Level)[] units, string[] periods, Dictionary<string, List<Dictionary<string, decimal>>> states)
    {
        var current = units.Select(u => (u.Id, u.Level, Figures: states[u.Id][(int)agg.VersionOf(u.Id)])).ToList();
        foreach (var period in periods)
        {
            var expected = new List<Sum>();
            var codes = current.SelectMany(u => u.Figures.Keys).Select(FigureKey.Split).Where(k => k.Period == period).Select(k => k.Indicator).Distinct().Order(StringComparer.Ordinal);
            foreach (var code in codes)
            {
                var key = K(code, period);
                var having = current.Where(u => u.Figures.ContainsKey(key)).ToList();
                var villages = having.Count(u => u.Level == Village);
                if (code == Coverage)
                {
                    var town = having.SingleOrDefault(u => u.Level == Township);
                    if (town.Figures is not null) expected.Add(new Sum(code, town.Figures[key], villages));
                }
                else
                {
                    expected.Add(new Sum(code, having.Sum(u => u.Figures[key]), villages));
                }
            }
            Assert.Equal(expected, Totals(agg, period, Catalog));
        }
    }

    // ---- cases ----

    private static readonly DateOnly Jun30 = new(2023, 6, 30);

    private static CaseTally T(CaseStatus status, string deadline, bool onTime = false, string type = Forest, string? batch = "2023-3") => new(type, batch, status, D(deadline), onTime);

    /// <summary>Village a: 4 cases, village b: 3 cases (one hotline ticket without batch, one of batch 2023-4).</summary>
    private static TownshipAggregate WithCases()
    {
        var agg = new TownshipAggregate("dongming");
        var a = new Change();
        a.Cases["c1"] = T(Reported, "2023-06-30");
        a.Cases["c2"] = T(Closed, "2023-06-30", onTime: true);
        a.Cases["c3"] = T(Closed, "2023-05-01");
        a.Cases["c4"] = T(Transferred, "2023-04-01");
        var b = new Change();
        b.Cases["c5"] = T(Rectified, "2023-06-01", onTime: true, type: CaseTypeDefinition.HotlineTicket, batch: null);
        b.Cases["c6"] = T(Rectifying, "2023-08-01", batch: "2023-4");
        b.Cases["c7"] = T(Controlled, "2023-07-15");
        Assert.Equal(ChangeOutcome.Applied, Apply(agg, "a-village", Village, 0, 1, a, At));
        Assert.Equal(ChangeOutcome.Applied, Apply(agg, "b-village", Village, 0, 1, b, At));
        return agg;
    }

    [Fact]
    public void Summary_AllCases_CountsAndRates()
    {
        var s = Summary(WithCases(), null, null, D("2023-07-01"), breakdown: false);
        Assert.Equal(7, s.Total);
        Assert.Equal(3, s.Open);         // c1, c6, c7
        Assert.Equal(1, s.Overdue);      // c1 (deadline 06-30)
        Assert.Equal(2, s.Closed);
        Assert.Equal(1, s.Transferred);
        Assert.Equal(3, s.Completed);    // c2, c3, c5
        Assert.Equal(2, s.ClosedOnTime); // c2, c5
        Assert.Equal(0.3333m, s.ClosureRate); // 2 / (7 - 1)
        Assert.Equal(0.6667m, s.OnTimeRate);  // 2 / 3
        Assert.Empty(s.Breakdown);
    }

    [Fact]
    public void Summary_Rows_ByTypeBatchStatus()
    {
        var s = Summary(WithCases(), null, null, D("2023-07-01"), breakdown: false);
        Assert.Equal(
            [
                new CaseSummaryRow(Forest, "2023-3", Reported, 1, 1, 0),
                new CaseSummaryRow(Forest, "2023-3", Closed, 2, 0, 1),
                new CaseSummaryRow(Forest, "2023-3", Controlled, 1, 0, 0),
                new CaseSummaryRow(Forest, "2023-3", Transferred, 1, 0, 0),
                new CaseSummaryRow(Forest, "2023-4", Rectifying, 1, 0, 0),
                new CaseSummaryRow(CaseTypeDefinition.HotlineTicket, null, Rectified, 1, 0, 1),
            ],
            s.Rows);
    }

    [Theory]
    [InlineData("2023-06-30", 0)]
    [InlineData("2023-07-01", 1)]
    [InlineData("2023-07-15", 1)]
    [InlineData("2023-07-16", 2)]
    [InlineData("2023-08-01", 2)]
    [InlineData("2023-08-02", 3)]
    public void Summary_Overdue_AsOfDate(string asOf, int overdue)
    {
        var agg = WithCases();
        Assert.Equal(overdue, Summary(agg, null, null, D(asOf), breakdown: false).Overdue);
        Assert.Equal(overdue, Summary(agg, null, null, D(asOf), breakdown: true).Breakdown.Sum(u => u.Overdue));
        Assert.Equal(overdue, Cases(agg, null, null, null, D(asOf)).Count());
    }

    [Theory]
    [InlineData(Forest, null, 6, 2, 1, 0.4, 0.5)]
    [InlineData(Forest, "2023-3", 5, 2, 1, 0.5, 0.5)]
    [InlineData(Forest, "2023-4", 1, 0, 0, 0.0, null)]
    [InlineData(CaseTypeDefinition.HotlineTicket, null, 1, 0, 0, 0.0, 1.0)]
    public void Summary_Filtered_ByTypeAndBatch(string type, string? batch, int total, int closed, int transferred, double closureRate, double? onTimeRate)
    {
        var s = Summary(WithCases(), type, batch, D("2023-07-01"), breakdown: false);
        Assert.Equal(total, s.Total);
        Assert.Equal(closed, s.Closed);
        Assert.Equal(transferred, s.Transferred);
        Assert.Equal((decimal)closureRate, s.ClosureRate);
        Assert.Equal(onTimeRate is { } r ? (decimal)r : null, s.OnTimeRate);
        Assert.All(s.Rows, r => Assert.Equal(type, r.CaseType));
        Assert.Equal(total, s.Rows.Sum(r => r.Count));
    }

    [Fact]
    public void Summary_OnlyTransferred_HasNoClosureRate()
    {
        var agg = new TownshipAggregate("dongming");
        var d = new Change();
        d.Cases["c1"] = T(Transferred, "2023-06-30");
        Apply(agg, "a-village", Village, 0, 1, d, At);
        var s = Summary(agg, null, null, Jun30, breakdown: false);
        Assert.Null(s.ClosureRate);
        Assert.Null(s.OnTimeRate);
        Assert.Equal(1, s.Total);
    }

    [Fact]
    public void Summary_Empty_HasNoRates()
    {
        var s = Summary(new TownshipAggregate("dongming"), null, null, Jun30, breakdown: true);
        Assert.Equal(0, s.Total);
        Assert.Null(s.ClosureRate);
        Assert.Null(s.OnTimeRate);
        Assert.Empty(s.Rows);
        Assert.Empty(s.Breakdown);
    }

    [Fact]
    public void Summary_Breakdown_PerOrgUnit()
    {
        var s = Summary(WithCases(), null, null, D("2023-07-01"), breakdown: true);
        Assert.Equal(
            [
                new CaseSummaryUnit("a-village", Total: 4, Open: 1, Overdue: 1, Closed: 2, ClosedOnTime: 1),
                new CaseSummaryUnit("b-village", Total: 3, Open: 2, Overdue: 0, Closed: 0, ClosedOnTime: 1),
            ],
            s.Breakdown);
        var forest4 = Summary(WithCases(), Forest, "2023-4", D("2023-07-01"), breakdown: true);
        Assert.Equal([new CaseSummaryUnit("b-village", 1, 1, 0, 0, 0)], forest4.Breakdown);
    }

    [Fact]
    public void Summary_CaseChangesStatus_MovesBetweenRows()
    {
        var agg = WithCases();
        var d = new Change();
        d.Cases["c1"] = T(Closed, "2023-06-30", onTime: true);
        Apply(agg, "a-village", Village, 1, 2, d, At);
        var s = Summary(agg, null, null, D("2023-07-01"), breakdown: false);
        Assert.Equal(7, s.Total);
        Assert.Equal(2, s.Open);
        Assert.Equal(0, s.Overdue);
        Assert.Equal(3, s.Closed);
        Assert.Equal(3, s.ClosedOnTime);
        Assert.DoesNotContain(s.Rows, r => r.Status == Reported);
        Assert.Equal(0.5m, s.ClosureRate); // 3 / 6
    }

    [Fact]
    public void Summary_RemovedCase_IsNoLongerCounted()
    {
        var agg = WithCases();
        var d = new Change();
        d.Cases["c7"] = null;
        Apply(agg, "b-village", Village, 1, 2, d, At);
        var s = Summary(agg, null, null, D("2023-08-02"), breakdown: true);
        Assert.Equal(6, s.Total);
        Assert.Equal(2, s.Overdue); // c1, c6
        Assert.DoesNotContain(s.Rows, r => r.Status == Controlled);
        Assert.Equal(2, s.Breakdown.Single(u => u.OrgUnitId == "b-village").Total);
    }

    [Fact]
    public void Summary_DuplicateDelivery_DoesNotCountCasesTwice()
    {
        var agg = WithCases();
        var again = new Change();
        again.Cases["c1"] = T(Reported, "2023-06-30");
        Assert.Equal(ChangeOutcome.AlreadyApplied, Apply(agg, "a-village", Village, 0, 1, again, At));
        Assert.Equal(7, Summary(agg, null, null, Jun30, false).Total);
    }

    [Fact]
    public void Cases_SortedByDeadlineThenId()
    {
        var ids = Cases(WithCases(), null, null, null, null).Select(c => c.CaseId).ToList();
        Assert.Equal(["c4", "c3", "c5", "c1", "c2", "c7", "c6"], ids);
    }

    [Fact]
    public void Cases_SameDeadline_OrderedByIdOrdinally()
    {
        var agg = new TownshipAggregate("dongming");
        var d = new Change();
        d.Cases["b-2"] = T(Reported, "2023-06-30");
        d.Cases["B-1"] = T(Reported, "2023-06-30");
        d.Cases["a-3"] = T(Reported, "2023-06-30");
        Apply(agg, "a-village", Village, 0, 1, d, At);
        Assert.Equal(["B-1", "a-3", "b-2"], Cases(agg, null, null, null, null).Select(c => c.CaseId));
    }

    [Fact]
    public void Cases_Filters()
    {
        var agg = WithCases();
        Assert.Equal(["c2", "c3"], Cases(agg, null, Closed, null, null).Select(c => c.CaseId).Order(StringComparer.Ordinal));
        Assert.Equal(["c5"], Cases(agg, CaseTypeDefinition.HotlineTicket, null, null, null).Select(c => c.CaseId));
        Assert.Equal(["c6"], Cases(agg, null, null, "2023-4", null).Select(c => c.CaseId));
        Assert.Equal(["c1", "c7"], Cases(agg, Forest, null, "2023-3", D("2023-07-16")).Select(c => c.CaseId));
        var c5 = Cases(agg, null, Rectified, null, null).Single();
        Assert.Equal("b-village", c5.OrgUnitId);
    }

    // ---- qualifiers, roll-up sources, recount ----

    private static Change With(string key, Contributed? figure)
    {
        var d = new Change();
        d.Figures[key] = figure;
        return d;
    }

    private static TotalFigure? Full(TownshipAggregate agg, string indicator, string period = "2023") =>
        agg.Totals(new TotalsQuery(Period.Parse(period), [indicator], true), Catalog).Totals.SingleOrDefault();

    [Fact]
    public void Totals_WithAnAtLeastPart_AreALowerBound_UntilThatPartIsExact()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, With(K(Income), new Contributed(300, FigureFlags.AtLeast, At)), At);
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Income), 200)), At);

        var total = Full(agg, Income)!;
        Assert.Equal((500m, true), (total.Value, total.AtLeast));
        Assert.Equal([("datai", FigureFlags.AtLeast), ("xiaotai", FigureFlags.None)], total.Breakdown!.Select(p => (p.OrgUnitId, p.Flags)));

        Apply(agg, "datai", Village, 1, 2, Delta((K(Income), 320)), At);
        Assert.Equal((520m, false), (Full(agg, Income)!.Value, Full(agg, Income)!.AtLeast));
    }

    [Fact]
    public void Totals_PartialUnits_CountTheOrgUnitsWhoseComputedFigureLacksParts()
    {
        var agg = new TownshipAggregate("dongming");
        var partial = new Contributed(10, FigureFlags.Computed | FigureFlags.Partial, At);
        Apply(agg, "datai", Village, 0, 1, With(K("livestock_total"), partial), At);
        Apply(agg, "xiaotai", Village, 0, 1, With(K("livestock_total"), partial with { Value = 5 }), At);
        Apply(agg, "taiji", Village, 0, 1, With(K("livestock_total"), new Contributed(7, FigureFlags.Computed, At)), At);

        var total = Full(agg, "livestock_total")!;
        Assert.Equal((22m, 3, 2, true), (total.Value, total.VillagesReporting, total.PartialUnits, total.Computed));
        Apply(agg, "xiaotai", Village, 1, 2, Delta((K("livestock_total"), null)), At);
        Assert.Equal((17m, 1), (Full(agg, "livestock_total")!.Value, Full(agg, "livestock_total")!.PartialUnits));
    }

    [Fact]
    public void Totals_From_ListsTheEnteredPeriodsOfTheRolledUpParts()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, With(K(Sheep, "2023Q1"), new Contributed(10, FigureFlags.RolledUp, At, ["2023-03"])), At);
        Apply(agg, "xiaotai", Village, 0, 1, With(K(Sheep, "2023Q1"), new Contributed(20, FigureFlags.RolledUp, At, ["2023-02"])), At);
        Apply(agg, "taiji", Village, 0, 1, With(K(Sheep, "2023Q1"), Exact(30)), At); // its own entry for the quarter

        Assert.Equal(["2023-02", "2023-03"], Full(agg, Sheep, "2023Q1")!.From);
        Assert.Equal(60, Full(agg, Sheep, "2023Q1")!.Value);

        Apply(agg, "datai", Village, 1, 2, With(K(Sheep, "2023Q1"), new Contributed(11, FigureFlags.RolledUp, At, ["2023-02"])), At);
        Assert.Equal(["2023-02"], Full(agg, Sheep, "2023Q1")!.From);
        Apply(agg, "datai", Village, 2, 3, Delta((K(Sheep, "2023Q1"), null)), At);
        Apply(agg, "xiaotai", Village, 1, 2, Delta((K(Sheep, "2023Q1"), null)), At);
        Assert.Empty(Full(agg, Sheep, "2023Q1")!.From);
    }

    [Fact]
    public void Replace_SameValueOtherQualifiers_IsAChange()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 50)), At);
        Assert.True(agg.Replace(new FullContribution("datai", Village, 2, new Dictionary<string, Contributed> { [K(Sheep)] = new(50, FigureFlags.AtLeast, At) }, new Dictionary<string, CaseTally>(), At)));
        Assert.True(Full(agg, Sheep)!.AtLeast);
    }

    [Fact]
    public void Recount_ConsistentTotals_FindsNothingAndChangesNothing()
    {
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10), (K(Income), 5)), At);
        Apply(agg, "xiaotai", Village, 0, 1, With(K(Sheep), new Contributed(3, FigureFlags.AtLeast | FigureFlags.RolledUp, At, ["2023-11"])), At);
        Apply(agg, "dongming-town", Township, 0, 1, Delta((K(Coverage), 0.9m)), At);
        Apply(agg, "datai", Village, 1, 2, Delta((K(Sheep), null)), At);
        var version = agg.Version;

        Assert.Empty(agg.Recount());
        Assert.Equal(version, agg.Version);
    }

    [Fact]
    public void Recount_CellLeftWrongByAnOrgUnitChangingLevel_IsFoundAndRebuilt()
    {
        // The kept cells trust that an org unit keeps its level (a ledger never re-registers differently): a part
        // counted as a village and removed as the township's own entry leaves a village behind in the cell.
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "datai", Village, 0, 1, Delta((K(Sheep), 10), (K(Income), 4)), At);
        Apply(agg, "xiaotai", Village, 0, 1, Delta((K(Income), 6)), At);
        Apply(agg, "datai", Township, 1, 2, Delta((K(Sheep), null)), At);
        Assert.Equal(new Sum(Sheep, 0, 1), Total(agg, Sheep)); // a phantom: no part holds sheep
        var version = agg.Version;

        // The recount counts each part at the level it has now: datai's income is the township's own entry.
        Assert.Equal(new[] { K(Sheep), K(Income) }.Order(StringComparer.Ordinal), agg.Recount().Order(StringComparer.Ordinal));

        Assert.Null(Total(agg, Sheep));
        Assert.Equal(new Sum(Income, 10, 1), Total(agg, Income));
        Assert.True(agg.Version > version);
        Assert.Empty(agg.Recount());
    }

    [Fact]
    public void Recount_TwoOwnLedgersOverwritingTheTownshipEntry_IsFoundAndRebuilt()
    {
        // One township entry per cell: a second org unit at township level overwrites it, and its removal clears it.
        var agg = new TownshipAggregate("dongming");
        Apply(agg, "town-a", Township, 0, 1, Delta((K(Coverage), 0.9m)), At);
        Apply(agg, "town-b", Township, 0, 1, Delta((K(Coverage), 0.8m)), At);
        Apply(agg, "town-b", Township, 1, 2, Delta((K(Coverage), null)), At);
        Assert.Null(Total(agg, Coverage)); // though town-a still holds 0.9

        Assert.Equal([K(Coverage)], agg.Recount());
        Assert.Equal(0.9m, Total(agg, Coverage)!.Value);
    }

    [Fact]
    public void LedgerRetirement_FedToTheTownship_DropsTheVillageFromThePeriodOn()
    {
        var agg = new TownshipAggregate("dongming");
        var datai = new LedgerState();
        var xiaotai = new LedgerState();
        var meta = new EventMeta("clerk", "Clerk", At, "req");
        void Send(LedgerState s, string id, long version, LedgerEvent e)
        {
            var effect = s.Apply(e, version, Catalog);
            Assert.Equal(ChangeOutcome.Applied, agg.Apply(new ContributionChange(id, Village, version - 1, version, effect.Figures, effect.Cases, At)));
        }
        Send(datai, "datai", 1, new OrgUnitRegistered(meta, Village, "dongming", "大台", VillageKind.Village));
        Send(datai, "datai", 2, new ValuesReported(meta, "2023-05", [new ReportedFigure(Sheep, 100)], null));
        Send(datai, "datai", 3, new ValuesReported(meta, "2023-08", [new ReportedFigure(Sheep, 120)], null));
        Send(xiaotai, "xiaotai", 1, new ValuesReported(meta, "2023-08", [new ReportedFigure(Sheep, 7)], null));
        Assert.Equal(127, Total(agg, Sheep, "2023Q3")!.Value);

        Send(datai, "datai", 4, new OrgUnitRetired(meta, "2023-07", "撤并"));

        Assert.Equal(new Sum(Sheep, 7, 1), Total(agg, Sheep, "2023-08"));
        Assert.Equal(new Sum(Sheep, 7, 1), Total(agg, Sheep, "2023Q3"));
        Assert.Equal(new Sum(Sheep, 100, 1), Total(agg, Sheep, "2023-05"));
        Assert.Equal(new Sum(Sheep, 100, 1), Total(agg, Sheep, "2023Q2"));
        Assert.Equal(new Sum(Sheep, 127, 2), Total(agg, Sheep)); // the year began before the retirement
        Assert.Empty(agg.Recount());
    }
}
