using System.Globalization;
using Dongming.Domain;

namespace Dongming.Quality;

/// <summary>How a value is judged against the township's other villages.</summary>
public enum OutlierMethod
{
    /// <summary>|x − mean| / standard deviation above the threshold (population standard deviation).</summary>
    ZScore,

    /// <summary>0.6745 · |x − median| / MAD above the threshold (Iglewicz and Hoaglin; 3.5 is their usual threshold).</summary>
    ModifiedZScore,

    /// <summary>Outside given bounds [min, max].</summary>
    MinMax,
}

/// <summary>One org unit's value of the indicator for the period; null where none is held.</summary>
public sealed record OrgUnitValue(string OrgUnitId, decimal? Value);

/// <summary>A value held for an earlier period.</summary>
public sealed record PeriodValue(Period Period, decimal Value);

/// <summary>A village's value for the period and its values for earlier periods (any order, any kind).</summary>
public sealed record VillageHistory(string OrgUnitId, decimal? Current, IReadOnlyList<PeriodValue> Earlier);

/// <summary>
/// A value that stands out. <see cref="Statistic"/> is the z-score, the modified z-score, the distance beyond
/// the bound (MIN_MAX; negative below the minimum) or the ratio to the base period (over time), rounded to
/// <see cref="Outliers.StatisticDecimals"/> places half away from zero; the bounds are those the value fell outside.
/// </summary>
public sealed record Outlier(string OrgUnitId, decimal Value, decimal Statistic, string LowerBound, string UpperBound, Period? BasePeriod = null, decimal? BaseValue = null);

/// <summary>An org unit that could not be judged, and why (no value, no earlier period, a base of 0).</summary>
public sealed record NotChecked(string OrgUnitId, string Reason);

/// <summary>
/// The outcome of one outlier search: the outliers, ranked (largest statistic first, then org unit), and what
/// was used to find them. When nothing could be judged at all, <see cref="NoOutliersReason"/> says why
/// (fewer than 3 values, zero variance, a MAD of 0) and <see cref="Outliers"/> is empty.
/// </summary>
/// <param name="Centre">The mean (Z_SCORE) or median (MODIFIED_Z_SCORE), rounded like the bounds.</param>
/// <param name="Spread">The standard deviation (Z_SCORE) or MAD (MODIFIED_Z_SCORE).</param>
/// <param name="LowerBound">Values below this stand out (across villages; per outlier over time).</param>
/// <param name="UpperBound">Values above this stand out.</param>
public sealed record OutlierResult(
    int ValuesJudged,
    string? Centre,
    string? Spread,
    string? LowerBound,
    string? UpperBound,
    IReadOnlyList<Outlier> Outliers,
    IReadOnlyList<NotChecked> NotChecked,
    string? NoOutliersReason);

/// <summary>
/// Outlier detection (异常值). Decisions are exact: "stands out" compares squares or fractions of exact
/// rationals, never a rounded square root. Shown statistics and bounds are rounded to 4 places; where a square
/// root is needed it is computed on <see cref="System.Numerics.BigInteger"/> (integer Newton iteration) exact to
/// <see cref="SqrtDecimals"/> decimals and truncated, which makes the 4-place rounding that follows correct.
/// <see cref="decimal"/> is not used for it because the sum of squares of 15-digit figures overflows it.
/// </summary>
public static class Outliers
{
    /// <summary>Places of a shown statistic or bound (half away from zero).</summary>
    public const int StatisticDecimals = 4;

    /// <summary>Decimals a square root is exact to before it is rounded for display.</summary>
    public const int SqrtDecimals = 10;

    /// <summary>Fewest values the z-score methods judge: below it a mean and a spread mean nothing.</summary>
    public const int MinValues = 3;

    /// <summary>The constant of the modified z-score: 0.6745 ≈ Φ⁻¹(0.75), which makes the MAD comparable to a standard deviation.</summary>
    public const decimal ModifiedZConstant = 0.6745m;

    /// <summary>
    /// The values of the township's villages for one indicator and period judged against each other. A
    /// village without a value is not judged (listed in <see cref="OutlierResult.NotChecked"/>), never taken as 0.
    /// With the population standard deviation, no |z| can exceed (n − 1)/√n: with 10 villages a threshold above
    /// 2.85 finds nothing, so the modified z-score suits small townships better.
    /// </summary>
    /// <param name="threshold">Z_SCORE and MODIFIED_Z_SCORE: a statistic above it (in absolute value) stands out; must be positive. MIN_MAX: unused.</param>
    /// <param name="min">MIN_MAX: values below stand out.</param>
    /// <param name="max">MIN_MAX: values above stand out.</param>
    public static OutlierResult AcrossVillages(IReadOnlyList<OrgUnitValue> values, OutlierMethod method, decimal threshold, decimal? min = null, decimal? max = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = new Violations();
        CheckParameters(v, method, threshold, min, max);
        CheckUnique(v, values.Select(x => x.OrgUnitId));
        v.ThrowIfAny();

        var notChecked = values.Where(x => x.Value is null).Select(x => new NotChecked(x.OrgUnitId, "no value")).OrderBy(n => n.OrgUnitId, StringComparer.Ordinal).ToList();
        var held = values.Where(x => x.Value is not null).Select(x => (x.OrgUnitId, Value: x.Value!.Value)).ToList();
        return method switch
        {
            OutlierMethod.ZScore => ZScore(held, threshold, notChecked),
            OutlierMethod.ModifiedZScore => ModifiedZScore(held, threshold, notChecked),
            _ => MinMax(held, min, max, notChecked),
        };
    }

    /// <summary>
    /// Each village's value against its own earlier figure of the same kind of period: the latest earlier
    /// period of the same season (for 2023 the latest earlier year; for 2023Q4 the latest earlier fourth
    /// quarter; for 2023-11 the latest earlier November), so seasonal flows are not compared with another
    /// season. A value stands out when the ratio current ÷ base is above <paramref name="factor"/> or below
    /// 1 ÷ <paramref name="factor"/> (a jump up or down by that factor).
    /// </summary>
    /// <remarks>
    /// A ratio rather than a z-score of the year-over-year change: a z-score of changes needs at least three
    /// earlier changes (four earlier years) before it means anything, and a village's history here starts with
    /// the system; a ratio needs one earlier period and reads as "ten times last year".
    /// </remarks>
    public static OutlierResult OverTime(Period period, IReadOnlyList<VillageHistory> villages, decimal factor)
    {
        ArgumentNullException.ThrowIfNull(villages);
        var v = new Violations();
        CheckFactor(v, "threshold", factor);
        CheckUnique(v, villages.Select(x => x.OrgUnitId));
        v.ThrowIfAny();

        var f = Rational.FromDecimal(factor);
        var found = new List<(Outlier Outlier, bool Infinite, Rational Key)>();
        var notChecked = new List<NotChecked>();
        var judged = 0;
        foreach (var village in villages)
        {
            if (village.Current is not { } current) { notChecked.Add(new NotChecked(village.OrgUnitId, "no value")); continue; }
            var earlier = village.Earlier
                .Where(e => e.Period.Kind == period.Kind && e.Period.Number == period.Number && e.Period.Year < period.Year)
                .OrderByDescending(e => e.Period.Year).FirstOrDefault();
            if (earlier is null) { notChecked.Add(new NotChecked(village.OrgUnitId, $"no value for an earlier {SeasonWord(period)}")); continue; }
            if (current < 0 || earlier.Value < 0) { notChecked.Add(new NotChecked(village.OrgUnitId, "a negative value has no ratio")); continue; }
            if (earlier.Value == 0)
            {
                notChecked.Add(new NotChecked(village.OrgUnitId, current == 0
                    ? $"0 in {earlier.Period} and now"
                    : $"the value of {earlier.Period} is 0, so a ratio has no meaning (now {ExactDecimal.Format(current)})"));
                continue;
            }
            judged++;
            Rational now = current, then = earlier.Value;
            var ratio = now / then;
            if (ratio <= f && ratio * f >= 1) continue;
            var lower = (then / f).ToDecimalString(StatisticDecimals);
            var upper = (then * f).ToDecimalString(StatisticDecimals);
            var outlier = new Outlier(village.OrgUnitId, current, Round(ratio), lower, upper, earlier.Period, earlier.Value);
            // Ranked by the factor of the jump either way: ×10 and ÷10 rank alike; a drop to 0 ranks first.
            found.Add(ratio.IsZero ? (outlier, true, Rational.Zero) : (outlier, false, ratio >= 1 ? ratio : 1 / ratio));
        }
        var ranked = found.OrderByDescending(x => x.Infinite).ThenByDescending(x => x.Key).ThenBy(x => x.Outlier.OrgUnitId, StringComparer.Ordinal)
            .Select(x => x.Outlier).ToList();
        return new OutlierResult(judged, null, null, null, null, ranked, [.. notChecked.OrderBy(n => n.OrgUnitId, StringComparer.Ordinal)],
            judged == 0 ? "no village has a value for this period and a non-zero value for an earlier one" : null);
    }

    /// <summary>The parameters of <see cref="AcrossVillages"/>: a known method; MIN_MAX a bound or two in order; the others a positive threshold.</summary>
    public static void CheckParameters(Violations v, OutlierMethod method, decimal threshold, decimal? min, decimal? max)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (!Enum.IsDefined(method)) v.Add("method", "must be Z_SCORE, MODIFIED_Z_SCORE or MIN_MAX");
        if (method == OutlierMethod.MinMax)
        {
            if (min is null && max is null) v.Add("min", "MIN_MAX needs a minimum, a maximum or both");
            if (min is { } lo && max is { } hi && lo > hi) v.Add("max", "must not be below the minimum");
        }
        else if (Enum.IsDefined(method) && threshold <= 0)
        {
            v.Add("threshold", "must be positive (3 for the z-score, 3.5 for the modified z-score are usual)");
        }
    }

    /// <summary>The factor of <see cref="OverTime"/>: above 1.</summary>
    public static void CheckFactor(Violations v, string field, decimal factor)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (factor <= 1) v.Add(field, "must be above 1 (a jump by that factor up or down stands out; 3 is usual)");
    }

    private static OutlierResult ZScore(List<(string OrgUnitId, decimal Value)> held, decimal threshold, List<NotChecked> notChecked)
    {
        if (held.Count < MinValues) return TooFew(held.Count, notChecked);
        var n = held.Count;
        var mean = held.Aggregate(Rational.Zero, (s, x) => s + x.Value) / n;
        var variance = held.Aggregate(Rational.Zero, (s, x) => s + Square(x.Value - mean)) / n;
        if (variance.IsZero) return Nothing(n, notChecked, $"all {n} values are equal (zero variance): none stands out");
        Rational t = threshold;
        var limit = Square(t) * variance; // |x − mean| > t·sd  ⟺  (x − mean)² > t²·variance, exactly
        var halfWidth = limit.SqrtFloor(SqrtDecimals);
        var lower = (mean - halfWidth).ToDecimalString(StatisticDecimals);
        var upper = (mean + halfWidth).ToDecimalString(StatisticDecimals);
        var outliers = held
            .Select(x => (x.OrgUnitId, x.Value, Deviation: x.Value - mean))
            .Where(x => Square(x.Deviation) > limit)
            .OrderByDescending(x => Square(x.Deviation)).ThenBy(x => x.OrgUnitId, StringComparer.Ordinal)
            .Select(x =>
            {
                var z = (Square(x.Deviation) / variance).SqrtFloor(SqrtDecimals);
                return new Outlier(x.OrgUnitId, x.Value, Round(x.Deviation.Sign < 0 ? -z : z), lower, upper);
            })
            .ToList();
        return new OutlierResult(n, mean.ToDecimalString(StatisticDecimals), variance.SqrtFloor(SqrtDecimals).ToDecimalString(StatisticDecimals),
            lower, upper, outliers, notChecked, null);
    }

    private static OutlierResult ModifiedZScore(List<(string OrgUnitId, decimal Value)> held, decimal threshold, List<NotChecked> notChecked)
    {
        if (held.Count < MinValues) return TooFew(held.Count, notChecked);
        var n = held.Count;
        var median = Median([.. held.Select(x => (Rational)x.Value)]);
        var mad = Median([.. held.Select(x => Rational.Abs(x.Value - median))]);
        if (mad.IsZero)
            return Nothing(n, notChecked, $"the median absolute deviation is 0 (at least half of the {n} values equal the median {median.ToDecimalString(StatisticDecimals)}): the modified z-score is undefined");
        Rational k = ModifiedZConstant, t = threshold;
        var halfWidth = t * mad / k;
        var lower = (median - halfWidth).ToDecimalString(StatisticDecimals);
        var upper = (median + halfWidth).ToDecimalString(StatisticDecimals);
        var outliers = held
            .Select(x => (x.OrgUnitId, x.Value, M: k * (x.Value - median) / mad))
            .Where(x => Rational.Abs(x.M) > t)
            .OrderByDescending(x => Rational.Abs(x.M)).ThenBy(x => x.OrgUnitId, StringComparer.Ordinal)
            .Select(x => new Outlier(x.OrgUnitId, x.Value, Round(x.M), lower, upper))
            .ToList();
        return new OutlierResult(n, median.ToDecimalString(StatisticDecimals), mad.ToDecimalString(StatisticDecimals), lower, upper, outliers, notChecked, null);
    }

    private static OutlierResult MinMax(List<(string OrgUnitId, decimal Value)> held, decimal? min, decimal? max, List<NotChecked> notChecked)
    {
        var lower = min is { } lo ? ExactDecimal.Format(lo) : "-∞";
        var upper = max is { } hi ? ExactDecimal.Format(hi) : "∞";
        var outliers = held
            .Select(x => (x.OrgUnitId, x.Value, Beyond: x.Value < min ? x.Value - min.Value : x.Value > max ? x.Value - max.Value : 0m))
            .Where(x => x.Beyond != 0)
            .OrderByDescending(x => decimal.Abs(x.Beyond)).ThenBy(x => x.OrgUnitId, StringComparer.Ordinal)
            .Select(x => new Outlier(x.OrgUnitId, x.Value, x.Beyond, lower, upper))
            .ToList();
        return new OutlierResult(held.Count, null, null, lower, upper, outliers, notChecked, held.Count == 0 ? "no village has a value" : null);
    }

    /// <summary>The median of exact values (the mean of the middle two for an even count).</summary>
    public static Rational Median(IReadOnlyList<Rational> values)
    {
        if (values.Count == 0) throw new ArgumentException("the median of no values", nameof(values));
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static Rational Square(Rational x) => x * x;

    private static decimal Round(Rational x) => decimal.Parse(x.ToDecimalString(StatisticDecimals), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static OutlierResult TooFew(int count, List<NotChecked> notChecked) =>
        Nothing(count, notChecked, string.Create(CultureInfo.InvariantCulture, $"fewer than {MinValues} values ({count}): a mean and a spread of so few mean nothing"));

    private static OutlierResult Nothing(int count, List<NotChecked> notChecked, string reason) => new(count, null, null, null, null, [], notChecked, reason);

    private static string SeasonWord(Period period) => period.Kind switch
    {
        PeriodKind.Year => "year",
        PeriodKind.Quarter => $"Q{period.Number}",
        _ => string.Create(CultureInfo.InvariantCulture, $"month {period.Number:D2}"),
    };

    private static void CheckUnique(Violations v, IEnumerable<string> orgUnitIds)
    {
        var duplicate = orgUnitIds.GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) v.Add("values", $"{duplicate.Key} appears more than once");
    }
}
