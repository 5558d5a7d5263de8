using Dongming.Domain;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dongming.Quality.Tests;

/// <summary>A random roster (villages added and retired), data set, period and reports.</summary>
public sealed record CompletenessCase(IReadOnlyList<RosterVillage> Roster, DataSet DataSet, Period Period, IReadOnlyList<HeldValue> Held)
{
    public override string ToString() =>
        $"{DataSet.Code} {Period}: roster [{string.Join(", ", Roster.Select(r => $"{r.VillageId} {r.ActiveFrom}..{r.RetiredFrom}"))}], " +
        $"set [{string.Join(", ", DataSet.Indicators)}] of {(DataSet.OrgUnitIds is null ? "all" : string.Join(", ", DataSet.OrgUnitIds))}, {Held.Count} values";
}

public static class CompletenessGenerators
{
    private static readonly string[] Indicators = ["aa", "bb", "cc", "dd"];

    /// <summary>Midnight after the period's last day, Beijing time: reports fall within 60 days either side of it.</summary>
    private static DateTimeOffset EndOf(Period period) => new(period.End.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

    private static Gen<Period> AnyPeriod() =>
        from kind in Gen.Elements(PeriodKind.Year, PeriodKind.Quarter, PeriodKind.Month)
        from year in Gen.Choose(2021, 2025)
        from number in Gen.Choose(1, 12)
        select kind switch
        {
            PeriodKind.Year => new Period(kind, year, 0),
            PeriodKind.Quarter => new Period(kind, year, (number - 1) / 3 + 1),
            _ => new Period(kind, year, number),
        };

    private static Gen<Period?> Maybe(Gen<Period> gen) => Gen.Frequency((1, Gen.Constant<Period?>(null)), (2, gen.Select(p => (Period?)p)));

    public static Arbitrary<CompletenessCase> Case() => Arb.From(
        from count in Gen.Choose(0, 12)
        from ranges in Gen.ListOf(Gen.Zip(Maybe(AnyPeriod()), Maybe(AnyPeriod())), count)
        let roster = ranges.Select((r, i) => new RosterVillage($"v-{i}", r.Item1, r.Item2)).ToList()
        from period in AnyPeriod()
        from indicators in Gen.NonEmptyListOf(Gen.Elements(Indicators)).Select(l => l.Distinct().ToList())
        from listed in Gen.Frequency((1, Gen.Constant<IReadOnlyList<string>?>(null)), (1, Gen.SubListOf(roster.Select(r => r.VillageId).Append("v-off-roster").ToArray()).Select(l => (IReadOnlyList<string>?)[.. l])))
        from dueDays in Gen.Choose(0, 40)
        from reports in Gen.ListOf(from v in Gen.Choose(0, count + 1) from i in Gen.Elements(Indicators) from h in Gen.Choose(-60 * 24, 60 * 24) select (v, i, h))
        select new CompletenessCase(roster, new DataSet("set_x", "数据集", period.Kind, indicators, listed, dueDays), period,
            [.. reports.Select(r => new HeldValue($"v-{r.v}", r.i, EndOf(period).AddHours(r.h)))]));
}

/// <summary>Rates never exceed 100 %, whatever the roster, the data set and the reports.</summary>
[Properties(Arbitrary = [typeof(CompletenessGenerators)], MaxTest = 500)]
public class CompletenessProperties
{
    [Property]
    public bool Counts_AreOrdered_AndRatesLieInZeroOne(CompletenessCase c)
    {
        var r = Completeness.Compute(c.DataSet, c.Period, c.Roster, c.Held);
        return 0 <= r.ReportedOnTime && r.ReportedOnTime <= r.Reported && r.Reported <= r.Expected
            && (r.Expected == 0 ? r.Rate is null && r.OnTimeRate is null : r.Rate is >= 0 and <= 1 && r.OnTimeRate is >= 0 and <= 1 && r.OnTimeRate <= r.Rate)
            && r.Missing.Count + r.Partial.Count + r.Reported == r.Expected
            && r.Late.Count == r.Reported - r.ReportedOnTime
            && (r.Rate != 1 || r.Reported == r.Expected);
    }

    [Property]
    public bool Expected_AreExactlyTheVillagesExistingAtThePeriodsEnd(CompletenessCase c)
    {
        var r = Completeness.Compute(c.DataSet, c.Period, c.Roster, c.Held);
        var candidates = c.DataSet.OrgUnitIds is { } listed ? c.Roster.Where(v => listed.Contains(v.VillageId)) : c.Roster;
        var expected = candidates.Where(v => v.IsExpectedFor(c.Period)).Select(v => v.VillageId).ToHashSet(StringComparer.Ordinal);
        var counted = r.Missing.Concat(r.Partial.Select(p => p.VillageId)).ToList();
        return r.Expected == expected.Count
            && counted.All(expected.Contains)
            && r.NotExpected.All(n => !expected.Contains(n.VillageId))
            && r.Late.All(l => expected.Contains(l.VillageId) && l.DaysLate > 0);
    }
}
