using static Dongming.Domain.Tests.PlanningTestData;

namespace Dongming.Domain.Tests;

/// <summary>Targets in a ledger, in the township's kept state, and their progress.</summary>
public class TargetsTests
{
    private static readonly DateOnly MidYear = new(2024, 6, 30); // 182 of 366 days

    [Fact]
    public void TargetSet_IsKeptInTheLedger_AndSentWithTheContribution_RevisionsIndexed()
    {
        var (s, effects) = Ledger([.. Registered(), Target("2024", Farmland, 3100), Target("2024", Farmland, 3200, requestId: "t2")]);
        var key = FigureKey.Of("2024", Farmland);
        var target = s.Targets[key];
        Assert.Equal((3200m, "mu", TargetDirection.AtLeast, "t2", 3L), (target.Value, target.Unit, target.Direction, target.RequestId, target.Version));
        Assert.Equal([2L, 3L], s.TargetEvents[key]);
        Assert.Equal(target, effects[^1].Targets[key]);
        Assert.Empty(effects[^1].Figures);
        Assert.False(effects[^1].IsEmpty);
        Assert.Equal(target, s.TargetContribution()[key]);
    }

    [Fact]
    public void TargetHistory_ListsEveryRevisionWithThePreviousValue()
    {
        var events = new (long, LedgerEvent)[] { (2, Target("2024", Farmland, 3100)), (3, Report("2024", (Farmland, 1))), (4, Target("2024", Farmland, 3200, TargetDirection.Exactly, "t2")), (5, Target("2025", Farmland, 1)) };
        var history = TargetHistory.Project(Period.Parse("2024"), Farmland, events);
        Assert.Equal([(3100m, (decimal?)null, 2L), (3200m, 3100m, 4L)], history.Select(r => (r.Value, r.Previous, r.Version)));
        Assert.Equal(TargetDirection.Exactly, history[1].Direction);
    }

    [Fact]
    public void RetiringAVillage_TakesItsLaterTargetsOutOfTheTownship()
    {
        var (s, _) = Ledger([.. Registered(), Target("2024", Farmland, 10), Target("2026", Farmland, 10, requestId: "t2")]);
        var retired = s.Apply(new OrgUnitRetired(Meta("retire"), "2025", "撤并"), 4, Catalog);
        Assert.Equal([FigureKey.Of("2026", Farmland)], retired.Targets.Keys);
        Assert.Null(retired.Targets[FigureKey.Of("2026", Farmland)]);
        Assert.Equal([FigureKey.Of("2024", Farmland)], s.TargetContribution().Keys);
    }

    [Fact]
    public void Township_KeepsTargetsFromChangesAndReplacements()
    {
        var a = Ledger([.. Registered(), Target("2024", Farmland, 10)]);
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 2));
        Assert.Single(aggregate.Targets(new TargetQuery(null, null)).Targets);
        var effect = a.State.Apply(Target("2025", Farmland, 20, requestId: "t2"), 3, Catalog);
        aggregate.Apply(new ContributionChange("a", OrgUnitLevel.Village, 2, 3, effect.Figures, effect.Cases, At, effect.Targets));
        Assert.Equal(["2024", "2025"], aggregate.Targets(new TargetQuery(null, "a")).Targets.Select(t => t.Target.Period.ToString()));
        Assert.Empty(aggregate.Targets(new TargetQuery(null, "b")).Targets);
        Assert.Equal([20m], aggregate.Targets(new TargetQuery(Period.Parse("2025"), null)).Targets.Select(t => t.Target.Value));

        // A whole contribution without targets (e.g. after a repair) drops them.
        Assert.True(aggregate.Replace(new FullContribution("a", OrgUnitLevel.Village, 4, a.State.Contribution().Figures, a.State.Contribution().Cases, At, new Dictionary<string, Target>())));
        Assert.Empty(aggregate.Targets(new TargetQuery(null, null)).Targets);
    }

    [Fact]
    public void Targets_AreListedByPeriodThenOrgUnitThenIndicator()
    {
        var units = new[] { "v2", "v10", "v1" }.Select(id => (id, OrgUnitLevel.Village,
            Ledger([.. Registered(), Target("2025", Farmland, 1), Target("2024", Sheep, 1, requestId: "t2"), Target("2024", Farmland, 1, requestId: "t3")]).State, 4L)).ToArray();
        var listed = Township("town", units).Targets(new TargetQuery(null, null)).Targets;
        Assert.Equal(
            ["2024 v1 farmland", "2024 v1 sheep", "2024 v10 farmland", "2024 v10 sheep", "2024 v2 farmland", "2024 v2 sheep", "2025 v1 farmland", "2025 v10 farmland", "2025 v2 farmland"],
            listed.Select(t => $"{t.Target.Period} {t.OrgUnitId} {t.Target.Indicator}"));
    }

    [Fact]
    public void Progress_OfTheTownship_IsJudgedOnTheTownshipTotal_OfAVillage_OnItsOwnValue()
    {
        var a = Ledger([.. Registered(), Report("2024Q1", (Farmland, 1000)), Report("2024Q2", (Farmland, 600)), Target("2024", Farmland, 2000, requestId: "ta")]);
        var b = Ledger([.. Registered(), Report("2024", (Farmland, 100))]);
        var town = Ledger([.. Registered(OrgUnitLevel.Township), Target("2024", Farmland, 3100), Target("2024", Drills, 4, TargetDirection.AtLeast, "t2")]);
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 4), ("b", OrgUnitLevel.Village, b.State, 2), ("town", OrgUnitLevel.Township, town.State, 3));

        var answer = aggregate.Progress(new ProgressQuery(Period.Parse("2024"), MidYear, null), Catalog);
        Assert.Equal(0.4973m, answer.ElapsedShare); // 182 / 366
        var byUnit = answer.Items.ToDictionary(p => (p.OrgUnitId, p.Target.Indicator));

        var village = byUnit[("a", Farmland)]; // 1600 ≥ 2000 × 182/366 ≈ 994.5
        Assert.Equal((1600m, ProgressStatus.OnTrack, 0.8m, true), (village.Actual!.Value, village.Status, village.Ratio!.Value, village.RolledUp));
        Assert.Equal(["2024Q1", "2024Q2"], village.From);
        Assert.Null(village.VillagesReporting);

        var township = byUnit[("town", Farmland)]; // 1600 + 100 = 1700 ≥ 3100 × 182/366 ≈ 1541.5
        Assert.Equal((1700m, ProgressStatus.OnTrack, 0.5484m, 2, true), (township.Actual!.Value, township.Status, township.Ratio!.Value, township.VillagesReporting!.Value, township.RolledUp));

        var drills = byUnit[("town", Drills)]; // nothing reported yet
        Assert.Equal((ProgressStatus.NoValue, (decimal?)null, (decimal?)null), (drills.Status, drills.Actual, drills.Ratio));

        var late = aggregate.Progress(new ProgressQuery(Period.Parse("2024"), new DateOnly(2024, 11, 30), "town"), Catalog);
        Assert.Equal(ProgressStatus.Behind, late.Items.Single(p => p.Target.Indicator == Farmland).Status); // 1700 < 3100 × 335/366
        Assert.All(late.Items, p => Assert.Equal("town", p.OrgUnitId));
    }

    [Fact]
    public void Progress_CarriesTheQualifiersOfTheFigure()
    {
        var a = Ledger([.. Registered(), new ValuesReported(Meta(), "2024", [new ReportedFigure(Sheep, 500, AtLeast: true)], null), Target("2024", Livestock, 400)]);
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 3));
        var p = aggregate.Progress(new ProgressQuery(Period.Parse("2024"), MidYear, null), Catalog).Items.Single();
        Assert.Equal((500m, ProgressStatus.Met, true, true, false), (p.Actual!.Value, p.Status, p.AtLeast, p.Partial, p.RolledUp)); // cows missing: partial
        Assert.Equal(1.25m, p.Ratio);
    }

    [Fact]
    public void Progress_OfAZeroCeiling_HasNoRatio()
    {
        var town = Ledger([.. Registered(OrgUnitLevel.Township), Report("2024Q1", (Drills, 0)), Target("2024", Drills, 0, TargetDirection.AtMost)]);
        var aggregate = Township("town", ("town", OrgUnitLevel.Township, town.State, 3));
        var p = aggregate.Progress(new ProgressQuery(Period.Parse("2024"), MidYear, null), Catalog).Items.Single();
        Assert.Equal((0m, ProgressStatus.OnTrack, (decimal?)null), (p.Actual!.Value, p.Status, p.Ratio));
    }
}
