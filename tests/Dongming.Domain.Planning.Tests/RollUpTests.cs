using static Dongming.Domain.Tests.PlanningTestData;

namespace Dongming.Domain.Tests;

/// <summary>Quarters and months rolled up to years, per ledger and in the township's kept totals.</summary>
public class RollUpTests
{
    private static LedgerFigure? Figure(LedgerState s, string period, string indicator) => s.Figures.GetValueOrDefault(FigureKey.Of(period, indicator));

    [Fact]
    public void Quarters_RollUpToTheYear_FlowSummed_StockTheLatest()
    {
        var (s, _) = Ledger([.. Registered(), Report("2024Q1", (Farmland, 100), (Sheep, 2650)), Report("2024Q2", (Farmland, 50), (Sheep, 2700)), Report("2024Q3", (Farmland, 25))]);
        var farmland = Figure(s, "2024", Farmland)!;
        Assert.Equal(175m, farmland.Value);
        Assert.Equal(FigureFlags.RolledUp, farmland.Flags);
        Assert.Equal(["2024Q1", "2024Q2", "2024Q3"], farmland.From);
        var sheep = Figure(s, "2024", Sheep)!;
        Assert.Equal(2700m, sheep.Value); // Q3 reported no sheep: the latest quarter that has a value
        Assert.Equal(["2024Q2"], sheep.From);
        Assert.Equal(2700m, Figure(s, "2024", Livestock)!.Value); // a computed parent of rolled-up parts
        Assert.True(Figure(s, "2024", Livestock)!.Flags.HasFlag(FigureFlags.RolledUp));
    }

    [Fact]
    public void Months_RollUpThroughTheirQuarters()
    {
        var (s, _) = Ledger([.. Registered(), Report("2024-01", (Farmland, 1)), Report("2024-02", (Farmland, 2)), Report("2024-11", (Farmland, 4))]);
        Assert.Equal(3m, Figure(s, "2024Q1", Farmland)!.Value);
        Assert.Equal(4m, Figure(s, "2024Q4", Farmland)!.Value);
        Assert.Equal(7m, Figure(s, "2024", Farmland)!.Value);
        Assert.Equal(["2024-01", "2024-02", "2024-11"], Figure(s, "2024", Farmland)!.From);
    }

    [Fact]
    public void TheYearsOwnEntry_WinsOverItsQuarters_AndClearingItBringsTheRollUpBack()
    {
        var (s, effects) = Ledger([.. Registered(), Report("2024Q1", (Farmland, 100)), Report("2024", (Farmland, 90)), Report("2024Q2", (Farmland, 50))]);
        var year = Figure(s, "2024", Farmland)!;
        Assert.Equal(90m, year.Value);
        Assert.Equal(FigureFlags.None, year.Flags);
        Assert.Null(year.From);
        Assert.DoesNotContain(FigureKey.Of("2024", Farmland), effects[^1].Figures.Keys); // a quarter under an entered year changes only the quarter

        var cleared = s.Apply(new ValuesCleared(Meta("clear"), "2024", [Farmland], "误报"), 5, Catalog);
        Assert.Equal(150m, Figure(s, "2024", Farmland)!.Value);
        Assert.Equal(150m, cleared.Figures[FigureKey.Of("2024", Farmland)]!.Value);
    }

    [Fact]
    public void Ratios_AreNeverRolledUp()
    {
        var (s, _) = Ledger([.. Registered(OrgUnitLevel.Township), Report("2024Q1", (Coverage, 0.9m))]);
        Assert.NotNull(Figure(s, "2024Q1", Coverage));
        Assert.Null(Figure(s, "2024", Coverage));
    }

    [Fact]
    public void AQuarterlyWrite_ChangesTheQuarterAndTheYearInOneContributionChange()
    {
        var (s, effects) = Ledger([.. Registered(), Report("2024Q1", (Farmland, 100)), Report("2024Q3", (Farmland, 30))]);
        var change = effects[^1].Figures;
        Assert.Equal(30m, change[FigureKey.Of("2024Q3", Farmland)]!.Value);
        Assert.Equal(130m, change[FigureKey.Of("2024", Farmland)]!.Value);
        Assert.Equal(["2024Q1", "2024Q3"], change[FigureKey.Of("2024", Farmland)]!.From);
    }

    [Fact]
    public void TownshipTotals_OfARolledUpYear_CountVillagesOnce_AndNameRolledUpUnitsAndSources()
    {
        var a = Ledger([.. Registered(), Report("2024Q1", (Farmland, 100)), Report("2024Q2", (Farmland, 50))]); // rolled up
        var b = Ledger([.. Registered(), Report("2024", (Farmland, 70)), Report("2024Q4", (Farmland, 1))]);      // its own entry wins
        var c = Ledger([.. Registered(), Report("2024Q4", (Farmland, 5))]);                                      // one quarter only
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 3), ("b", OrgUnitLevel.Village, b.State, 3), ("c", OrgUnitLevel.Village, c.State, 2));

        var total = aggregate.Totals(new TotalsQuery(Period.Parse("2024"), [Farmland], false), Catalog).Totals.Single();
        Assert.Equal(225m, total.Value);
        Assert.Equal(3, total.VillagesReporting);
        Assert.Equal(2, total.RolledUpUnits);
        Assert.Equal(["2024Q1", "2024Q2", "2024Q4"], total.From);
    }

    [Fact]
    public void TownshipTotals_KeptIncrementally_AQuarterlyChangeMovesTheYear_AndARecountFindsNothingWrong()
    {
        var a = Ledger([.. Registered(), Report("2024Q1", (Farmland, 100))]);
        var aggregate = Township("town", ("a", OrgUnitLevel.Village, a.State, 2));
        var effect = a.State.Apply(Report("2024Q3", (Farmland, 30)), 3, Catalog);
        Assert.Equal(ChangeOutcome.Applied, aggregate.Apply(new ContributionChange("a", OrgUnitLevel.Village, 2, 3, effect.Figures, effect.Cases, At, effect.Targets)));
        var total = aggregate.Totals(new TotalsQuery(Period.Parse("2024"), [Farmland], false), Catalog).Totals.Single();
        Assert.Equal((130m, 1), (total.Value, total.RolledUpUnits));
        Assert.Empty(aggregate.Recount());
    }
}
