namespace Dongming.Domain.Tests;

/// <summary>A small catalog with every kind the rules tell apart, and builders of ledger events.</summary>
internal static class PlanningTestData
{
    public const string Sheep = "sheep", Cows = "cows", Livestock = "livestock", Farmland = "farmland", Income = "income", Coverage = "coverage", Drills = "drills";

    public static readonly IndicatorCatalog Catalog = Build(
        new(Livestock, "牲畜", "Livestock", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, null),
        new(Sheep, "羊", "Sheep", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, Livestock),
        new(Cows, "牛", "Cows", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, Livestock),
        new(Farmland, "高标准农田", "Farmland built", "mu", "agriculture", IndicatorKind.Flow, EnteredAt.Village, null),
        new(Income, "务工收入", "Labour income", "yuan", "labour", IndicatorKind.Flow, EnteredAt.Village, null),
        new(Coverage, "覆盖率", "Coverage", "ratio", "health", IndicatorKind.Ratio, EnteredAt.Township, null),
        new(Drills, "消防演练", "Fire drills", "times", "safety", IndicatorKind.Flow, EnteredAt.Township, null));

    private static IndicatorCatalog Build(params IndicatorDefinition[] definitions)
    {
        var catalog = IndicatorCatalog.Empty;
        foreach (var d in definitions) catalog = catalog.With(d, seeding: true);
        return catalog;
    }

    public static readonly DateTimeOffset At = new(2024, 7, 1, 8, 0, 0, TimeSpan.Zero);

    public static EventMeta Meta(string requestId = "req") => new("clerk-7", "王会计", At, requestId);

    public static ValuesReported Report(string period, params (string Indicator, decimal Value)[] figures) =>
        new(Meta(), period, [.. figures.Select(f => new ReportedFigure(f.Indicator, f.Value))], null);

    public static TargetSet Target(string period, string indicator, decimal value, TargetDirection direction = TargetDirection.AtLeast, string requestId = "t") =>
        new(Meta(requestId), period, indicator, value, direction, "规划");

    /// <summary>A ledger that applied <paramref name="events"/> in order (versions 1, 2, …), and the effect of each.</summary>
    public static (LedgerState State, List<LedgerEffect> Effects) Ledger(params LedgerEvent[] events)
    {
        var state = new LedgerState();
        var effects = new List<LedgerEffect>();
        for (var i = 0; i < events.Length; i++) effects.Add(state.Apply(events[i], i + 1, Catalog));
        return (state, effects);
    }

    /// <summary>A township aggregate fed by whole contributions of the given ledgers.</summary>
    public static TownshipAggregate Township(string townshipId, params (string OrgUnitId, OrgUnitLevel Level, LedgerState State, long Version)[] units)
    {
        var aggregate = new TownshipAggregate(townshipId);
        foreach (var (id, level, state, version) in units)
        {
            var (figures, cases, approvals) = state.Contribution();
            aggregate.Replace(new FullContribution(id, level, version, figures, cases, At, state.TargetContribution(), approvals));
        }
        return aggregate;
    }

    public static LedgerEvent[] Registered(OrgUnitLevel level = OrgUnitLevel.Village) =>
        [new OrgUnitRegistered(Meta("register"), level, "town", "村", VillageKind.Village)];
}
