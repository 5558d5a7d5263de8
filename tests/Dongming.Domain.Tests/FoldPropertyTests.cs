using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using static Dongming.Domain.Tests.CaseFixtures;

namespace Dongming.Domain.Tests;

/// <summary>
/// Properties of the ledger's fold and the township's totals over random reports, at-least values and clears in months,
/// quarters and a year: every figure equals a recomputation written out from the rules (roll-ups, parents), the
/// contribution changes replay to the contribution, a snapshot rebuilds to the same figures, and the kept totals equal
/// the sums over the ledgers.
/// </summary>
public class FoldPropertyTests
{
    private static IndicatorCatalog Catalog => RollUpCatalog.Catalog;

    /// <summary>Periods written to: a year, two quarters and some of their months (so entries of several levels meet).</summary>
    private static readonly string[] Written = ["2023", "2023Q1", "2023Q2", "2023-01", "2023-02", "2023-03", "2023-04", "2023-06"];

    /// <summary>Every period that may hold a figure.</summary>
    private static readonly Period[] Universe = [Period.Parse("2023"), .. Enumerable.Range(1, 4).Select(q => Period.Parse($"2023Q{q}")), .. Enumerable.Range(1, 12).Select(m => Period.Parse($"2023-{m:D2}"))];

    private static readonly string[] Leaves = [RollUpCatalog.Cows, RollUpCatalog.Sheep, RollUpCatalog.Wages, RollUpCatalog.Sales, RollUpCatalog.Visits, RollUpCatalog.Coverage];

    private sealed record Step(string Period, IReadOnlyList<(string Indicator, decimal Value, bool AtLeast)> Figures, bool Clear, int Minute)
    {
        public LedgerEvent ToEvent()
        {
            var meta = new EventMeta("clerk", "Clerk", At.AddMinutes(Minute), "req");
            return Clear
                ? new ValuesCleared(meta, Period, [.. Figures.Select(f => f.Indicator)], "录入错误")
                : new ValuesReported(meta, Period, [.. Figures.Select(f => new ReportedFigure(f.Indicator, f.Value, f.AtLeast))], null);
        }

        public override string ToString() => $"{(Clear ? "clear" : "report")} {Period}: {string.Join(", ", Figures.Select(f => $"{f.Indicator}={f.Value}{(f.AtLeast ? "+" : "")}"))}";
    }

    private static readonly Gen<(string, decimal, bool)> Line =
        from code in Gen.Elements(Leaves)
        from value in Gen.Choose(0, 1000)
        from atLeast in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select code == RollUpCatalog.Coverage ? (code, value / 1000m, false) : (code, (decimal)value, atLeast);

    private static readonly Gen<Step> StepGen =
        from period in Gen.Elements(Written)
        from lines in Gen.NonEmptyListOf(Line)
        from clear in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from minute in Gen.Choose(0, 60)
        select new Step(period, [.. lines.DistinctBy(l => l.Item1)], clear, minute);

    private static readonly Arbitrary<Step[]> Steps = Arb.From(Gen.ListOf(StepGen).Select(l => l.ToArray()));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Expected(decimal Value, FigureFlags Flags, IReadOnlyList<string>? From);

    /// <summary>The figures the rules give for what was entered — written out from the rules, not from the fold.</summary>
    private static Dictionary<string, Expected> Recompute(IReadOnlyDictionary<string, (decimal Value, bool AtLeast)> entered)
    {
        const FigureFlags Carried = FigureFlags.AtLeast | FigureFlags.Partial | FigureFlags.RolledUp;
        var memo = new Dictionary<string, Expected?>(StringComparer.Ordinal);
        Expected? Of(Period p, string code)
        {
            var key = FigureKey.Of(p, code);
            if (memo.TryGetValue(key, out var known)) return known;
            Expected? result;
            var parts = Catalog.PartsOf(code);
            if (parts.Count > 0)
            {
                var present = parts.Select(part => Of(p, part)).OfType<Expected>().ToList();
                result = present.Count == 0 ? null : new Expected(
                    present.Sum(f => f.Value),
                    FigureFlags.Computed | present.Aggregate(FigureFlags.None, (a, f) => a | (f.Flags & Carried)) | (present.Count < parts.Count ? FigureFlags.Partial : 0),
                    present.Any(f => f.From is not null) ? [.. present.SelectMany(f => f.From ?? []).Distinct().Order(StringComparer.Ordinal)] : null);
            }
            else if (entered.TryGetValue(key, out var own))
            {
                result = new Expected(own.Value, own.AtLeast ? FigureFlags.AtLeast : FigureFlags.None, null);
            }
            else
            {
                Catalog.TryGet(code, out var def);
                var children = p.Children.Select(c => (Period: c, Figure: Of(c, code))).Where(x => x.Figure is not null).ToList();
                if (def!.Kind == IndicatorKind.Ratio || children.Count == 0) result = null;
                else if (def.Kind == IndicatorKind.Stock)
                {
                    var (period, latest) = children[^1];
                    result = latest! with { Flags = latest.Flags | FigureFlags.RolledUp, From = latest.From ?? [period.ToString()] };
                }
                else
                {
                    result = new Expected(
                        children.Sum(x => x.Figure!.Value),
                        FigureFlags.RolledUp | children.Aggregate(FigureFlags.None, (a, x) => a | (x.Figure!.Flags & Carried)),
                        [.. children.SelectMany(x => x.Figure!.From ?? [x.Period.ToString()]).Distinct().Order(StringComparer.Ordinal)]);
                }
            }
            memo[key] = result;
            return result;
        }
        var all = new Dictionary<string, Expected>(StringComparer.Ordinal);
        foreach (var p in Universe)
        {
            foreach (var d in Catalog.All)
            {
                if (Of(p, d.Code) is { } f) all[FigureKey.Of(p, d.Code)] = f;
            }
        }
        return all;
    }

    /// <summary>What is entered after the steps: the last report of each (period, indicator) unless cleared after it.</summary>
    private static Dictionary<string, (decimal Value, bool AtLeast)> EnteredAfter(IEnumerable<Step> steps)
    {
        var entered = new Dictionary<string, (decimal, bool)>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            foreach (var (code, value, atLeast) in step.Figures)
            {
                if (step.Clear) entered.Remove(FigureKey.Of(step.Period, code));
                else entered[FigureKey.Of(step.Period, code)] = (value, atLeast);
            }
        }
        return entered;
    }

    private static string Show(Expected e) => $"{ExactDecimal.Format(e.Value)} [{e.Flags}] from {string.Join(',', e.From ?? [])}";

    [Fact]
    public void Fold_RandomReportsAndClears_EveryFigureFollowsTheRollUpAndParentRules() =>
        Prop.ForAll(Steps, steps =>
        {
            var s = new LedgerState();
            for (var i = 0; i < steps.Length; i++) s.Apply(steps[i].ToEvent(), i + 1, Catalog);

            var expected = Recompute(EnteredAfter(steps));
            Assert.Equal(
                expected.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Show(kv.Value)}"),
                s.Figures.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Show(new Expected(kv.Value.Value, kv.Value.Flags, kv.Value.From))}"));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Fold_RandomReportsAndClears_ContributionChangesReplayToTheContribution_AndASnapshotRebuildsTheSame() =>
        Prop.ForAll(Steps, steps =>
        {
            var s = new LedgerState();
            var replay = new Dictionary<string, Contributed>(StringComparer.Ordinal);
            for (var i = 0; i < steps.Length; i++)
            {
                var effect = s.Apply(steps[i].ToEvent(), i + 1, Catalog);
                foreach (var (key, value) in effect.Figures)
                {
                    if (value is null) Assert.True(replay.Remove(key), $"{key} removed but never contributed");
                    else replay[key] = value;
                }
            }
            Assert.Equal(LedgerFolds.Show(s.Contribution().Figures), LedgerFolds.Show(replay));

            var loaded = JsonSerializer.Deserialize<LedgerState>(JsonSerializer.Serialize(s, Json), Json)!;
            loaded.Rebuild(Catalog);
            Assert.Equal(LedgerFolds.Show(s.Figures), LedgerFolds.Show(loaded.Figures));
        }).QuickCheckThrowOnFailure();

    private static readonly Arbitrary<Step[][]> Ledgers = Arb.From(Gen.ArrayOf(Gen.ListOf(StepGen).Select(l => l.ToArray()), 3));

    [Fact]
    public void Township_FedByRandomLedgers_KeepsTotalsEqualToTheSumsOverTheirContributions_AndRecountFindsNothing() =>
        Prop.ForAll(Ledgers, ledgers =>
        {
            // Three villages and the township's own ledger (the only one whose ratio counts).
            (string Id, OrgUnitLevel Level)[] units = [("ash", OrgUnitLevel.Village), ("birch", OrgUnitLevel.Village), ("town", OrgUnitLevel.Township)];
            var states = units.Select(_ => new LedgerState()).ToArray();
            var agg = new TownshipAggregate("dongming");
            var longest = ledgers.Max(l => l.Length);
            for (var i = 0; i < longest; i++)
            {
                for (var u = 0; u < units.Length; u++)
                {
                    if (i >= ledgers[u].Length) continue;
                    var effect = states[u].Apply(ledgers[u][i].ToEvent(), i + 1, Catalog);
                    Assert.Equal(ChangeOutcome.Applied, agg.Apply(new ContributionChange(units[u].Id, units[u].Level, i, i + 1, effect.Figures, effect.Cases, At)));
                }
            }

            var contributions = states.Select(s => s.Contribution().Figures).ToArray();
            foreach (var period in Universe)
            {
                var answer = agg.Totals(new TotalsQuery(period, [], true), Catalog);
                var expected = new List<string>();
                foreach (var def in Catalog.All.OrderBy(d => d.Code, StringComparer.Ordinal))
                {
                    var key = FigureKey.Of(period, def.Code);
                    var parts = units.Select((unit, u) => (unit, figure: contributions[u].GetValueOrDefault(key))).Where(x => x.figure is not null).ToList();
                    if (parts.Count == 0) continue;
                    var town = parts.SingleOrDefault(x => x.unit.Level == OrgUnitLevel.Township).figure;
                    if (def.Kind == IndicatorKind.Ratio && town is null) continue;
                    var value = def.Kind == IndicatorKind.Ratio ? town!.Value : parts.Sum(x => x.figure!.Value);
                    expected.Add($"{def.Code}={ExactDecimal.Format(value)} villages {parts.Count(x => x.unit.Level == OrgUnitLevel.Village)}"
                        + $" atLeast {parts.Any(x => x.figure!.Flags.HasFlag(FigureFlags.AtLeast))} partial {parts.Count(x => x.figure!.Flags.HasFlag(FigureFlags.Partial))}"
                        + $" from {string.Join(',', parts.SelectMany(x => x.figure!.From ?? []).Distinct().Order(StringComparer.Ordinal))}"
                        + $" parts {string.Join(',', parts.Select(x => $"{x.unit.Id}:{ExactDecimal.Format(x.figure!.Value)}"))}");
                }
                Assert.Equal(expected, answer.Totals.Select(t =>
                    $"{t.Indicator}={ExactDecimal.Format(t.Value)} villages {t.VillagesReporting} atLeast {t.AtLeast} partial {t.PartialUnits} from {string.Join(',', t.From)}"
                    + $" parts {string.Join(',', t.Breakdown!.Select(p => $"{p.OrgUnitId}:{ExactDecimal.Format(p.Value)}"))}"));
            }
            var version = agg.Version;
            Assert.Empty(agg.Recount());
            Assert.Equal(version, agg.Version);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40)); // three ledgers a run: 40 runs keep it quick
}
