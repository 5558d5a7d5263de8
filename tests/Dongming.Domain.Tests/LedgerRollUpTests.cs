using static Dongming.Domain.Tests.CaseFixtures;

namespace Dongming.Domain.Tests;

/// <summary>A small catalog with a computed stock, a computed flow, a leaf flow and a ratio (the demo has no computed flow).</summary>
internal static class RollUpCatalog
{
    /// <summary>Computed stock: <see cref="Cows"/> + <see cref="Sheep"/>.</summary>
    public const string Herd = "herd";
    public const string Cows = "herd_cows";
    public const string Sheep = "herd_sheep";
    /// <summary>Computed flow (yuan): <see cref="Wages"/> + <see cref="Sales"/>.</summary>
    public const string Income = "income";
    public const string Wages = "income_wages";
    public const string Sales = "income_sales";
    /// <summary>A leaf flow.</summary>
    public const string Visits = "visits";
    /// <summary>A ratio (township only).</summary>
    public const string Coverage = "coverage";

    public static IReadOnlyList<IndicatorDefinition> Definitions { get; } =
    [
        new(Herd, "牲畜", "Herd", "head", "agri", IndicatorKind.Stock, EnteredAt.Village, null),
        new(Cows, "牛", "Cows", "head", "agri", IndicatorKind.Stock, EnteredAt.Village, Herd),
        new(Sheep, "羊", "Sheep", "head", "agri", IndicatorKind.Stock, EnteredAt.Village, Herd),
        new(Income, "收入", "Income", "yuan", "econ", IndicatorKind.Flow, EnteredAt.Village, null),
        new(Wages, "工资", "Wages", "yuan", "econ", IndicatorKind.Flow, EnteredAt.Village, Income),
        new(Sales, "销售", "Sales", "yuan", "econ", IndicatorKind.Flow, EnteredAt.Village, Income),
        new(Visits, "走访", "Visits", "times", "social", IndicatorKind.Flow, EnteredAt.Village, null),
        new(Coverage, "覆盖率", "Coverage", "ratio", "social", IndicatorKind.Ratio, EnteredAt.Township, null),
    ];

    public static IndicatorCatalog Catalog { get; } = Definitions.Aggregate(IndicatorCatalog.Empty, (c, d) => c.With(d, seeding: true));

    /// <summary>The entered (leaf) indicators.</summary>
    public static IReadOnlyList<string> Leaves { get; } = [Cows, Sheep, Wages, Sales, Visits, Coverage];
}

/// <summary>Roll-ups to quarters and years, at-least values, partial parents, clearing and retiring in the ledger's fold.</summary>
public class LedgerRollUpTests
{
    private const string Herd = RollUpCatalog.Herd, Cows = RollUpCatalog.Cows, Sheep = RollUpCatalog.Sheep;
    private const string Income = RollUpCatalog.Income, Wages = RollUpCatalog.Wages, Sales = RollUpCatalog.Sales;
    private const string Visits = RollUpCatalog.Visits, Coverage = RollUpCatalog.Coverage;

    private static IndicatorCatalog Catalog => RollUpCatalog.Catalog;

    private static EventMeta Meta(string requestId = "req") => new("clerk-7", "王会计", At, requestId);

    private static ValuesReported Report(string period, params (string Indicator, decimal Value)[] figures) =>
        new(Meta(), period, [.. figures.Select(f => new ReportedFigure(f.Indicator, f.Value))], null);

    private static ValuesReported AtLeast(string period, string indicator, decimal value) =>
        new(Meta(), period, [new ReportedFigure(indicator, value, AtLeast: true)], null);

    private static ValuesCleared Clear(string period, params string[] indicators) => new(Meta(), period, indicators, "录入错误");

    private static string K(string indicator, string period) => FigureKey.Of(period, indicator);

    private static LedgerFigure? F(LedgerState s, string indicator, string period) => s.Figures.GetValueOrDefault(K(indicator, period));

    private static decimal? V(LedgerState s, string indicator, string period) => F(s, indicator, period)?.Value;

    private static IReadOnlyList<string>? From(LedgerState s, string indicator, string period) => F(s, indicator, period)?.From;

    /// <summary>Applies events at versions 1, 2, …</summary>
    private static LedgerState Fold(params LedgerEvent[] events)
    {
        var s = new LedgerState();
        for (var i = 0; i < events.Length; i++) s.Apply(events[i], i + 1, Catalog);
        return s;
    }

    [Fact]
    public void Apply_MonthsOfAFlow_QuarterAndYearAreTheirSum()
    {
        var s = Fold(Report("2023-01", (Visits, 3)), Report("2023-02", (Visits, 4)), Report("2023-05", (Visits, 10)));

        Assert.Equal(7, V(s, Visits, "2023Q1"));
        Assert.Equal(10, V(s, Visits, "2023Q2"));
        Assert.Equal(17, V(s, Visits, "2023"));
        Assert.Null(F(s, Visits, "2023Q3"));
        Assert.Equal(["2023-01", "2023-02"], From(s, Visits, "2023Q1"));
        Assert.Equal(["2023-01", "2023-02", "2023-05"], From(s, Visits, "2023"));
        Assert.Equal(FigureFlags.RolledUp, F(s, Visits, "2023")!.Flags);
        Assert.Equal(FigureFlags.None, F(s, Visits, "2023-01")!.Flags);
        Assert.Null(From(s, Visits, "2023-01"));
        // Attributed to the latest change among its sources.
        Assert.Equal(3, F(s, Visits, "2023")!.Version);
    }

    [Fact]
    public void Apply_MonthsOfAStock_QuarterAndYearTakeTheLatestWithAValue()
    {
        var s = Fold(Report("2023-01", (Cows, 50)), Report("2023-03", (Cows, 40)), Report("2023-04", (Cows, 45)));

        Assert.Equal(40, V(s, Cows, "2023Q1"));
        Assert.Equal(["2023-03"], From(s, Cows, "2023Q1"));
        Assert.Equal(45, V(s, Cows, "2023Q2"));
        Assert.Equal(45, V(s, Cows, "2023"));
        Assert.Equal(["2023-04"], From(s, Cows, "2023"));
        Assert.Equal(FigureFlags.RolledUp, F(s, Cows, "2023")!.Flags);

        // A later month moves the year, not the earlier quarters.
        s.Apply(Report("2023-11", (Cows, 60)), 4, Catalog);
        Assert.Equal(60, V(s, Cows, "2023"));
        Assert.Equal(["2023-11"], From(s, Cows, "2023"));
        Assert.Equal(40, V(s, Cows, "2023Q1"));
        // An earlier month does not: the latest with a value stays.
        s.Apply(Report("2023-10", (Cows, 70)), 5, Catalog);
        Assert.Equal(60, V(s, Cows, "2023Q4"));
        Assert.Equal(60, V(s, Cows, "2023"));
    }

    [Fact]
    public void Apply_OwnEntryOfAQuarter_WinsOverItsMonths_UntilItIsCleared()
    {
        var s = Fold(Report("2023-01", (Visits, 3)), Report("2023-02", (Visits, 4)), Report("2023Q1", (Visits, 10)));

        Assert.Equal(10, V(s, Visits, "2023Q1"));
        Assert.Equal(FigureFlags.None, F(s, Visits, "2023Q1")!.Flags);
        Assert.Null(From(s, Visits, "2023Q1"));
        Assert.Equal(10, V(s, Visits, "2023"));
        Assert.Equal(["2023Q1"], From(s, Visits, "2023"));

        // Another month changes nothing above it while the quarter has its own entry.
        var effect = s.Apply(Report("2023-03", (Visits, 100)), 4, Catalog);
        Assert.Equal(10, V(s, Visits, "2023Q1"));
        Assert.Equal(10, V(s, Visits, "2023"));
        Assert.Equal([K(Visits, "2023-03")], effect.Figures.Keys);

        // Cleared, the quarter rolls up from its months again.
        s.Apply(Clear("2023Q1", Visits), 5, Catalog);
        Assert.Equal(107, V(s, Visits, "2023Q1"));
        Assert.Equal(["2023-01", "2023-02", "2023-03"], From(s, Visits, "2023Q1"));
        Assert.Equal(107, V(s, Visits, "2023"));
    }

    [Fact]
    public void Apply_OwnEntryOfAYear_WinsOverItsQuartersAndMonths()
    {
        var s = Fold(Report("2023Q1", (Cows, 40)), Report("2023-07", (Cows, 44)), Report("2023", (Cows, 41)));

        Assert.Equal(41, V(s, Cows, "2023"));
        Assert.Equal(FigureFlags.None, F(s, Cows, "2023")!.Flags);
        Assert.Equal(44, V(s, Cows, "2023Q3"));
        s.Apply(Report("2023-12", (Cows, 50)), 4, Catalog);
        Assert.Equal(41, V(s, Cows, "2023"));
        Assert.Equal(50, V(s, Cows, "2023Q4"));
    }

    [Fact]
    public void Apply_MonthWrite_ChangesTheMonthItsQuarterAndItsYearInOneContributionChange()
    {
        var s = Fold(Report("2023-01", (Wages, 1000), (Cows, 5)));

        var effect = s.Apply(Report("2023-02", (Wages, 500), (Sales, 20)), 2, Catalog);

        Assert.Equal(
            new Dictionary<string, decimal?>
            {
                [K(Wages, "2023-02")] = 500,
                [K(Sales, "2023-02")] = 20,
                [K(Income, "2023-02")] = 520,
                [K(Wages, "2023Q1")] = 1500,
                [K(Sales, "2023Q1")] = 20,
                [K(Income, "2023Q1")] = 1520,
                [K(Wages, "2023")] = 1500,
                [K(Sales, "2023")] = 20,
                [K(Income, "2023")] = 1520,
            },
            effect.Figures.ToDictionary(kv => kv.Key, kv => kv.Value?.Value, StringComparer.Ordinal));
        Assert.Equal(["2023-01", "2023-02"], effect.Figures[K(Income, "2023")]!.From);
        Assert.Empty(effect.Cases);
    }

    [Fact]
    public void Apply_Ratio_IsNeverRolledUp()
    {
        var s = new LedgerState();
        var effect = s.Apply(Report("2023-01", (Coverage, 0.9694m)), 1, Catalog);
        Assert.Equal([K(Coverage, "2023-01")], effect.Figures.Keys);
        Assert.Null(F(s, Coverage, "2023Q1"));
        Assert.Null(F(s, Coverage, "2023"));
    }

    [Fact]
    public void Apply_ComputedParentsAtRolledPeriods_AreTheSumOfTheirPartsThere()
    {
        var s = Fold(Report("2023-01", (Cows, 10), (Wages, 1000)), Report("2023-02", (Sheep, 100), (Sales, 500)), Report("2023-03", (Cows, 12)));

        // Each month: only what was entered there; the other part is missing.
        Assert.Equal(10, V(s, Herd, "2023-01"));
        Assert.Equal(FigureFlags.Computed | FigureFlags.Partial, F(s, Herd, "2023-01")!.Flags);
        Assert.Equal(100, V(s, Herd, "2023-02"));
        // The quarter: the latest cows (March) plus the latest sheep (February) — every part present, so not partial.
        Assert.Equal(112, V(s, Herd, "2023Q1"));
        Assert.Equal(FigureFlags.Computed | FigureFlags.RolledUp, F(s, Herd, "2023Q1")!.Flags);
        Assert.Equal(["2023-02", "2023-03"], From(s, Herd, "2023Q1"));
        Assert.Equal(112, V(s, Herd, "2023"));
        // A flow parent: the sums of its parts.
        Assert.Equal(1500, V(s, Income, "2023Q1"));
        Assert.Equal(1500, V(s, Income, "2023"));
        Assert.Equal(["2023-01", "2023-02"], From(s, Income, "2023"));
    }

    [Fact]
    public void Apply_ParentWithAPartMissing_IsPartial_AndSoIsItsRollUp_UntilThePartHasAValue()
    {
        var s = Fold(Report("2023-04", (Wages, 1000)));
        Assert.Equal(FigureFlags.Computed | FigureFlags.Partial, F(s, Income, "2023-04")!.Flags);
        Assert.Equal(FigureFlags.Computed | FigureFlags.Partial | FigureFlags.RolledUp, F(s, Income, "2023Q2")!.Flags);

        s.Apply(Report("2023-05", (Sales, 1)), 2, Catalog);
        Assert.True(F(s, Income, "2023-04")!.Flags.HasFlag(FigureFlags.Partial)); // April still has no sales
        Assert.Equal(FigureFlags.Computed | FigureFlags.RolledUp, F(s, Income, "2023Q2")!.Flags);
        Assert.Equal(1001, V(s, Income, "2023Q2"));
    }

    [Fact]
    public void Apply_PartialPart_MakesTheGrandparentPartialToo()
    {
        // The demo catalog: livestock_total = livestock_cattle (= breeding cows + fattening cattle) + livestock_sheep.
        var s = new LedgerState();
        s.Apply(Report("2023", ("livestock_breeding_cows", 10), ("livestock_sheep", 5)), 1, TestData.Catalog);
        Assert.True(s.Figures[K("livestock_cattle", "2023")].Flags.HasFlag(FigureFlags.Partial));
        Assert.Equal(15, s.Figures[K("livestock_total", "2023")].Value);
        Assert.True(s.Figures[K("livestock_total", "2023")].Flags.HasFlag(FigureFlags.Partial));

        s.Apply(Report("2023", ("livestock_fattening_cattle", 1)), 2, TestData.Catalog);
        Assert.False(s.Figures[K("livestock_total", "2023")].Flags.HasFlag(FigureFlags.Partial));
    }

    [Fact]
    public void Apply_AtLeastValue_IsCarriedIntoParentsAndRollUps_AndLeavesWithAnExactRevision()
    {
        var s = Fold(AtLeast("2023-01", Wages, 1000), Report("2023-01", (Sales, 200)), Report("2023-02", (Visits, 30)));

        Assert.True(F(s, Wages, "2023-01")!.Flags.HasFlag(FigureFlags.AtLeast));
        Assert.False(F(s, Sales, "2023-01")!.Flags.HasFlag(FigureFlags.AtLeast));
        Assert.Equal(FigureFlags.Computed | FigureFlags.AtLeast, F(s, Income, "2023-01")!.Flags);
        Assert.Equal(FigureFlags.Computed | FigureFlags.AtLeast | FigureFlags.RolledUp, F(s, Income, "2023Q1")!.Flags);
        Assert.True(F(s, Income, "2023")!.Flags.HasFlag(FigureFlags.AtLeast));
        Assert.False(F(s, Visits, "2023")!.Flags.HasFlag(FigureFlags.AtLeast));

        var effect = s.Apply(Report("2023-01", (Wages, 1200)), 4, Catalog);
        Assert.All(s.Figures.Values, f => Assert.False(f.Flags.HasFlag(FigureFlags.AtLeast)));
        Assert.False(effect.Figures[K(Income, "2023")]!.Flags.HasFlag(FigureFlags.AtLeast));
        Assert.Equal(1400, V(s, Income, "2023"));
    }

    [Fact]
    public void Apply_Clear_RemovesTheEntry_RecomputesParentsAndRollUps_AndIsIndexed()
    {
        var s = Fold(Report("2023-01", (Cows, 10), (Sheep, 5)), Report("2023-02", (Visits, 1)));

        var effect = s.Apply(Clear("2023-01", Cows), 3, Catalog);

        Assert.False(s.Entered.ContainsKey(K(Cows, "2023-01")));
        Assert.Null(F(s, Cows, "2023-01"));
        Assert.Null(F(s, Cows, "2023"));
        Assert.Equal(5, V(s, Herd, "2023-01"));
        Assert.True(F(s, Herd, "2023-01")!.Flags.HasFlag(FigureFlags.Partial));
        Assert.Null(effect.Figures[K(Cows, "2023-01")]);
        Assert.Null(effect.Figures[K(Cows, "2023Q1")]);
        Assert.Null(effect.Figures[K(Cows, "2023")]);
        Assert.Equal(5, effect.Figures[K(Herd, "2023")]!.Value);
        Assert.False(effect.Figures.ContainsKey(K(Visits, "2023")));
        Assert.Equal([1L, 3], s.FigureEvents[K(Cows, "2023-01")]);
        Assert.Equal([1L], s.FigureEvents[K(Sheep, "2023-01")]);
        Assert.DoesNotContain(s.Contribution().Figures.Keys, k => k.EndsWith(Cows, StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_ClearEveryPart_RemovesTheParentToo()
    {
        var s = Fold(Report("2023-01", (Wages, 10)));
        var effect = s.Apply(Clear("2023-01", Wages), 2, Catalog);
        Assert.Empty(s.Figures);
        Assert.Empty(s.Contribution().Figures);
        Assert.All(effect.Figures.Values, Assert.Null);
        Assert.Equal(6, effect.Figures.Count); // wages and income, in the month, its quarter and its year
    }

    [Fact]
    public void Prepare_ComputesTheEffectWithoutChangingTheState_CommitAppliesIt()
    {
        var s = Fold(Report("2023-01", (Cows, 10)));
        var effect = s.Prepare(Report("2023-01", (Cows, 20)), 2, Catalog);

        Assert.Equal(20, effect.Figures[K(Cows, "2023")]!.Value);
        Assert.Equal(10, V(s, Cows, "2023"));
        Assert.Equal([1L], s.FigureEvents[K(Cows, "2023-01")]);

        s.Commit(effect);
        Assert.Equal(20, V(s, Cows, "2023"));
        Assert.Equal(20, V(s, Herd, "2023-01"));
        Assert.Equal([1L, 2], s.FigureEvents[K(Cows, "2023-01")]);
    }

    [Fact]
    public void Prepare_EventThatCannotFold_ThrowsAndLeavesTheStateAsItWas()
    {
        var s = Fold(new CaseOpened(Meta(), New(), null));
        var e = TestData.Throws(() => s.Prepare(new CaseTransitioned(Meta(), "c-1", CaseStatus.Reported, CaseStatus.Rectified, D("2023-04-01"), null), 2, Catalog));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.Equal(CaseStatus.Reported, s.Cases["c-1"].Status);
        Assert.Equal([1L], s.CaseEvents["c-1"]);

        var unknown = TestData.Throws(() => s.Prepare(new CaseTransitioned(Meta(), "c-404", CaseStatus.Reported, CaseStatus.Investigating, D("2023-04-01"), null), 2, Catalog));
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
    }

    [Fact]
    public void Apply_NoOpCaseUpdate_KeepsTheCaseVersion_ButIsIndexed()
    {
        var s = Fold(new CaseOpened(Meta(), New() with { Assignee = "张三" }, null));
        var effect = s.Apply(new CaseUpdated(Meta(), "c-1", new CaseChanges(null, "张三", null, null), [], null), 2, Catalog);
        Assert.Equal(1, s.Cases["c-1"].Version);
        Assert.Equal([1L, 2], s.CaseEvents["c-1"]);
        Assert.Equal(LedgerState.Tally(s.Cases["c-1"]), effect.Cases["c-1"]);
    }

    private static readonly OrgUnitRegistered Registered = new(Meta(), OrgUnitLevel.Village, "dongming", "大台", VillageKind.Village);

    [Fact]
    public void Apply_Retire_TakesFiguresFromThePeriodOnOutOfTheContribution_EarlierOnesStay()
    {
        var s = Fold(Registered, Report("2023-05", (Visits, 1)), Report("2023-07", (Visits, 2)), Report("2024-01", (Cows, 3)));

        var effect = s.Apply(new OrgUnitRetired(Meta(), "2023-07", "撤并"), 5, Catalog);

        // Removed: July, its quarter, and everything of 2024 (computed and rolled-up figures included).
        Assert.Equal(
            new[] { K(Visits, "2023-07"), K(Visits, "2023Q3"), K(Cows, "2024-01"), K(Cows, "2024Q1"), K(Cows, "2024"), K(Herd, "2024-01"), K(Herd, "2024Q1"), K(Herd, "2024") }.Order(StringComparer.Ordinal),
            effect.Figures.Keys.Order(StringComparer.Ordinal));
        Assert.All(effect.Figures.Values, Assert.Null);
        // Kept: May, its quarter, and the year 2023 (it starts before the retirement).
        Assert.Equal(
            new[] { K(Visits, "2023-05"), K(Visits, "2023Q2"), K(Visits, "2023") }.Order(StringComparer.Ordinal),
            s.Contribution().Figures.Keys.Order(StringComparer.Ordinal));
        // The ledger keeps its figures (history), they just no longer count.
        Assert.Equal(3, V(s, Cows, "2024"));
        Assert.Equal(Period.Parse("2023-07"), s.Info("datai")!.RetiredFrom);
        Assert.False(s.Info("datai")!.Counts(Period.Parse("2023Q3")));
        Assert.True(s.Info("datai")!.Counts(Period.Parse("2023-06")));
    }

    [Fact]
    public void CheckCounts_RetiredVillage_RefusesPeriodsFromItsRetirementOn()
    {
        var s = Fold(Registered, new OrgUnitRetired(Meta(), "2023Q3", "撤并"));
        foreach (var period in new[] { "2023Q3", "2023-07", "2023-12", "2024" })
            Assert.Equal(ErrorKind.FailedPrecondition, TestData.Throws(() => s.CheckCounts("datai", Period.Parse(period))).Kind);
        foreach (var period in new[] { "2023-06", "2023Q2", "2023", "2022" })
            s.CheckCounts("datai", Period.Parse(period));

        // A write into an earlier month still counts, with its quarter and its year.
        var effect = s.Apply(Report("2023-06", (Visits, 4)), 3, Catalog);
        Assert.Equal(new[] { K(Visits, "2023-06"), K(Visits, "2023Q2"), K(Visits, "2023") }.Order(StringComparer.Ordinal), effect.Figures.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rebuild_AfterASnapshotRoundTrip_GivesTheFiguresOfTheFold()
    {
        var s = Fold(Registered,
            Report("2023-01", (Cows, 10), (Wages, 1000)), AtLeast("2023-02", Sales, 30), Report("2023Q1", (Visits, 9)),
            Report("2023-03", (Visits, 2), (Sheep, 7)), Report("2023", (Sheep, 8)), Clear("2023-01", Wages), Report("2023-11", (Coverage, 0.5m)),
            new OrgUnitRetired(Meta(), "2023-10", "撤并"));

        var json = System.Text.Json.JsonSerializer.Serialize(s, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        var loaded = System.Text.Json.JsonSerializer.Deserialize<LedgerState>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Empty(loaded.Figures); // derived, not in the snapshot
        loaded.Rebuild(Catalog);

        Assert.Equal(LedgerFolds.Show(s.Figures), LedgerFolds.Show(loaded.Figures));
        Assert.Equal(LedgerFolds.Show(s.Contribution().Figures), LedgerFolds.Show(loaded.Contribution().Figures));
        Assert.Equal(s.FigureEvents.Keys.Order(StringComparer.Ordinal), loaded.FigureEvents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2023-10", loaded.RetiredFrom);
    }
}

/// <summary>Ways to compare folds: figures as text (value, qualifiers, since, sources), in key order.</summary>
internal static class LedgerFolds
{
    public static IReadOnlyList<string> Show(IReadOnlyDictionary<string, LedgerFigure> figures) =>
        [.. figures.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Show(kv.Key, kv.Value.ToContribution()))];

    public static IReadOnlyList<string> Show(IReadOnlyDictionary<string, Contributed> figures) =>
        [.. figures.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Show(kv.Key, kv.Value))];

    public static string Show(string key, Contributed c) =>
        $"{key}={ExactDecimal.Format(c.Value)} [{c.Flags}] since {c.Since:O} from {string.Join(',', c.From ?? [])}";
}
