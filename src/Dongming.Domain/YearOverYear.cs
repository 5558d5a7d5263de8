namespace Dongming.Domain;

/// <summary>
/// A total compared with the same indicator's total of another period (同比 with last year's, 环比 with the previous
/// quarter's): that value (null when that period has none), whether it is a lower bound, the change (exact), the change
/// ratio (change ÷ compared value, half to even at <see cref="YearOverYear.RatioPlaces"/> places; null when the compared
/// value is 0 or absent), and whether the total is a record high (<see cref="YearOverYear.IsRecordHigh"/>).
/// </summary>
public sealed record TotalComparison(decimal? ComparedValue, bool ComparedAtLeast, decimal? Change, decimal? ChangeRatio, bool RecordHigh);

/// <summary>The rules of comparing totals across periods.</summary>
public static class YearOverYear
{
    /// <summary>Decimals of a change ratio (rounded half to even).</summary>
    public const int RatioPlaces = 4;

    /// <summary>
    /// The period to compare with, when given: a period of the same kind as <paramref name="period"/> (a year with a
    /// year, a quarter with a quarter, a month with a month: a year's flow against a quarter's would mean nothing).
    /// </summary>
    public static Period? CheckComparable(Violations v, string field, Period? period, string? compare)
    {
        if (string.IsNullOrEmpty(compare)) return null;
        var compared = Period.Parse(v, field, compare);
        if (compared is { } c && period is { } p && c.Kind != p.Kind)
        {
            v.Add(field, $"must be a period of the same kind as period (a {p.Kind.ToString().ToLowerInvariant()}): a year with a year, a quarter with a quarter, a month with a month");
            return null;
        }
        return compared;
    }

    /// <summary>A total of <paramref name="value"/> compared with <paramref name="compared"/> (null: that period has no total).</summary>
    public static TotalComparison Compare(decimal value, decimal? compared, bool comparedAtLeast, bool recordHigh) => compared is { } c
        ? new TotalComparison(c, comparedAtLeast, value - c, ExactDecimal.Quotient(value - c, c, RatioPlaces), recordHigh)
        : new TotalComparison(null, false, null, null, recordHigh);

    /// <summary>
    /// 再创新高: the value is higher than the total of every earlier period of the same kind, and there is at least one
    /// (a record needs a period before it to beat). A tie is not a record (持平, not 新高); later periods do not count, so
    /// a year that set a record stays one when a later year beats it.
    /// </summary>
    public static bool IsRecordHigh(decimal value, IEnumerable<decimal> earlier)
    {
        var any = false;
        foreach (var e in earlier)
        {
            if (value <= e) return false;
            any = true;
        }
        return any;
    }
}

public sealed partial class TownshipAggregate
{
    /// <summary>
    /// Compares the totals of one read with another period's, from the kept cells (every period is kept, so no ledger is
    /// asked): the periods of the same kind before the read's are found once per read, then each total costs one lookup
    /// per such period.
    /// </summary>
    private sealed class TotalsComparer
    {
        private readonly TownshipAggregate _aggregate;
        private readonly string _compared;
        private readonly List<string> _earlier;
        private readonly IndicatorCatalog _catalog;

        public TotalsComparer(TownshipAggregate aggregate, Period period, Period compared, IndicatorCatalog catalog)
        {
            _aggregate = aggregate;
            _compared = compared.ToString();
            _catalog = catalog;
            _earlier = [.. aggregate._totals.Keys.Where(k => Period.TryParse(k, out var p) && p.Kind == period.Kind && p.Start < period.Start)];
        }

        public TotalComparison Of(string code, decimal value)
        {
            var compared = Cell(_compared, code);
            var earlier = _earlier.Select(p => Cell(p, code)).Where(c => c.Value is not null).Select(c => c.Value!.Value);
            return YearOverYear.Compare(value, compared.Value, compared.AtLeast, YearOverYear.IsRecordHigh(value, earlier));
        }

        private (decimal? Value, bool AtLeast) Cell(string period, string code)
        {
            if (!_aggregate._totals.TryGetValue(period, out var byIndicator) || !byIndicator.TryGetValue(code, out var cell)) return (null, false);
            var ratio = _catalog.TryGet(code, out var def) && def.Kind == IndicatorKind.Ratio;
            return (ratio ? cell.Township : cell.Sum, cell.AtLeast > 0);
        }
    }
}
