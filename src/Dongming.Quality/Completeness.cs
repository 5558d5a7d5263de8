using Dongming.Domain;

namespace Dongming.Quality;

/// <summary>
/// A data set (数据集): what a village must report, for which periods and by when. <see cref="OrgUnitIds"/>
/// null means every village on the township's roster; otherwise exactly those listed.
/// </summary>
/// <param name="DueDays">Days after the period's last day by which the report is due (0: on the last day).</param>
public sealed record DataSet(string Code, string NameZh, PeriodKind PeriodKind, IReadOnlyList<string> Indicators, IReadOnlyList<string>? OrgUnitIds, int DueDays);

/// <summary>
/// A village on the roster with the range in which it exists: from the start of <see cref="ActiveFrom"/> (null:
/// always) until the start of <see cref="RetiredFrom"/> (null: still active). A village merged away from 2024 has
/// RetiredFrom "2024"; one founded in July 2023 has ActiveFrom "2023-07".
/// </summary>
public sealed record RosterVillage(string VillageId, Period? ActiveFrom = null, Period? RetiredFrom = null)
{
    /// <summary>
    /// A village is expected to report for a period when it exists on the period's last day: a village retired
    /// before or during the period is gone when the report falls due, and one founded within the period
    /// reports for it (its figures since it began).
    /// </summary>
    public bool IsExpectedFor(Period period) =>
        (ActiveFrom is not { } from || from.Start <= period.End) && (RetiredFrom is not { } retired || retired.Start > period.End);
}

/// <summary>
/// A value held for (village, indicator) of the period, and when it was first entered: the earliest write of
/// the value still held (a correction later does not move it; a value cleared and entered again counts from
/// the new entry). Values not held are simply not given.
/// </summary>
public sealed record HeldValue(string VillageId, string Indicator, DateTimeOffset FirstEnteredAt);

/// <summary>An expected village that reported some of the data set's indicators, not all.</summary>
public sealed record PartialReport(string VillageId, IReadOnlyList<string> MissingIndicators, IReadOnlyList<string> ReportedIndicators);

/// <summary>An expected village that completed its report after the due date.</summary>
/// <param name="CompletedAt">When the last of its indicators got its value.</param>
/// <param name="DaysLate">Whole days after the due date (Beijing time).</param>
public sealed record LateReport(string VillageId, DateTimeOffset CompletedAt, int DaysLate);

/// <summary>Values held by a village that is not expected for the period; shown, never counted as reported.</summary>
public sealed record UnexpectedReport(string VillageId, string Reason, IReadOnlyList<string> Indicators);

/// <summary>
/// Completeness and timeliness of one (data set, period). Rates are exact quotients truncated (rounded toward
/// zero) to <see cref="Completeness.RateDecimals"/> places, so a rate reads 1 only when every expected village
/// reported; null when no village is expected (0 ÷ 0 is no rate). <see cref="OnTime"/> lists the villages that
/// reported on time (with <see cref="Missing"/>, <see cref="Partial"/> and <see cref="Late"/>: every expected village).
/// </summary>
public sealed record CompletenessResult(
    string DataSet,
    Period Period,
    DateOnly DueDate,
    int Expected,
    int Reported,
    int ReportedOnTime,
    decimal? Rate,
    decimal? OnTimeRate,
    IReadOnlyList<string> Missing,
    IReadOnlyList<PartialReport> Partial,
    IReadOnlyList<LateReport> Late,
    IReadOnlyList<UnexpectedReport> NotExpected,
    IReadOnlyList<string>? OnTime = null);

/// <summary>Completeness and timeliness (报送及时率、完整率).</summary>
public static class Completeness
{
    /// <summary>Places of a rate.</summary>
    public const int RateDecimals = 4;

    private const long RateScale = 10_000; // 10^RateDecimals

    /// <summary>Most days a report may be due after its period.</summary>
    public const int MaxDueDays = 366;

    /// <summary>Most indicators in a data set.</summary>
    public const int MaxIndicators = 500;

    /// <summary>Beijing time: due dates are calendar days of the township, which has no daylight saving.</summary>
    public static readonly TimeSpan TownshipOffset = TimeSpan.FromHours(8);

    /// <summary>
    /// Checks a data set's definition: every bad field at once (INVALID_ARGUMENT, fields <c>data_set.*</c>);
    /// the indicators must be in the catalog and enterable by a village (not computed, not township-only).
    /// </summary>
    public static void Check(IndicatorCatalog catalog, DataSet dataSet)
    {
        var v = new Violations();
        Check(v, catalog, dataSet);
        v.ThrowIfAny();
    }

    /// <summary>As <see cref="Check(IndicatorCatalog, DataSet)"/>, recording into <paramref name="v"/> with a request's other fields.</summary>
    public static void Check(Violations v, IndicatorCatalog catalog, DataSet dataSet)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(dataSet);
        Text.CheckCode(v, "data_set.code", dataSet.Code);
        Text.CheckText(v, "data_set.name_zh", dataSet.NameZh, ValidationRules.MaxNameLength, required: true);
        if (!Enum.IsDefined(dataSet.PeriodKind)) v.Add("data_set.period_type", "must be year, quarter or month");
        if (dataSet.DueDays is < 0 or > MaxDueDays) v.Add("data_set.due_days", $"must be between 0 and {MaxDueDays}");
        var indicators = dataSet.Indicators ?? [];
        if (indicators.Count == 0) v.Add("data_set.indicators", "must name at least one indicator");
        if (indicators.Count > MaxIndicators) v.Add("data_set.indicators", $"must name at most {MaxIndicators} indicators");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < indicators.Count && i < MaxIndicators; i++)
        {
            var field = $"data_set.indicators[{i}]";
            var code = indicators[i];
            if (!Text.IsCode(code)) { v.Add(field, string.IsNullOrEmpty(code) ? "is required" : "is not a valid indicator code"); continue; }
            if (!seen.Add(code)) { v.Add(field, $"{code} appears more than once"); continue; }
            if (!catalog.TryGet(code, out var indicator)) { v.Add(field, $"unknown indicator {code}"); continue; }
            Reporting.CheckEnterable(v, field, catalog, OrgUnitLevel.Village, indicator);
        }
        if (dataSet.OrgUnitIds is { } orgUnits)
        {
            if (orgUnits.Count == 0) v.Add("data_set.org_unit_ids", "must name at least one village, or be left out for every village");
            var seenUnits = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < orgUnits.Count; i++)
            {
                var field = $"data_set.org_unit_ids[{i}]";
                Text.CheckOrgUnitId(v, field, orgUnits[i]);
                if (!string.IsNullOrEmpty(orgUnits[i]) && !seenUnits.Add(orgUnits[i])) v.Add(field, $"{orgUnits[i]} appears more than once");
            }
        }
    }

    /// <summary>
    /// The villages expected to report <paramref name="dataSet"/> for <paramref name="period"/>: those of the data set (the
    /// whole roster, or its list) that exist on the period's last day (<see cref="RosterVillage.IsExpectedFor"/>), by id.
    /// </summary>
    public static SortedSet<string> ExpectedVillages(DataSet dataSet, Period period, IReadOnlyList<RosterVillage> roster)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(roster);
        var rosterById = new Dictionary<string, RosterVillage>(StringComparer.Ordinal);
        foreach (var village in roster)
        {
            if (!rosterById.TryAdd(village.VillageId, village)) throw new ArgumentException($"village {village.VillageId} is on the roster twice", nameof(roster));
        }
        var candidates = dataSet.OrgUnitIds is { } listed ? listed.Distinct(StringComparer.Ordinal).ToList() : [.. rosterById.Keys];
        return new SortedSet<string>(candidates.Where(id => rosterById.TryGetValue(id, out var village) && village.IsExpectedFor(period)), StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether a figure held for <paramref name="period"/> is a value for the whole period, as a report must be: entered
    /// for the period itself; or rolled up from sub-periods that make the whole period — a flow whose entered sub-periods
    /// cover every day of it, a stock whose latest sub-period ends with it. A year rolled up from its first quarter
    /// only is not a report of the year.
    /// </summary>
    public static bool Holds(Period period, Contributed figure, IndicatorKind kind)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (!figure.Flags.HasFlag(FigureFlags.RolledUp)) return true;
        var from = (figure.From ?? []).Select(p => Period.TryParse(p, out var parsed) ? parsed : (Period?)null).OfType<Period>().ToList();
        if (from.Count == 0) return false;
        if (kind == IndicatorKind.Stock) return from.Max(p => p.End) == period.End;
        var days = from.Where(period.Contains).Sum(p => p.End.DayNumber - p.Start.DayNumber + 1);
        return days == period.End.DayNumber - period.Start.DayNumber + 1;
    }

    /// <summary>The last day a report for <paramref name="period"/> is on time (Beijing time).</summary>
    public static DateOnly DueDate(DataSet dataSet, Period period) => period.End.AddDays(dataSet.DueDays);

    /// <summary>
    /// Computes completeness and timeliness of one (data set, period). Expected: the villages of the data set
    /// (all of the roster, or its list) that exist on the period's last day (<see cref="RosterVillage.IsExpectedFor"/>).
    /// A village reported when every indicator of the set has a value for it; it reported on time when the last
    /// of them was first entered on or before the due date (Beijing time): a report "became complete" when its
    /// last missing value arrived. Values of villages that are not expected — retired, not yet founded, not on
    /// the roster, not in the data set's list — are shown in <see cref="CompletenessResult.NotExpected"/> and
    /// never counted, so 0 ≤ on time ≤ reported ≤ expected always holds.
    /// </summary>
    public static CompletenessResult Compute(DataSet dataSet, Period period, IReadOnlyList<RosterVillage> roster, IEnumerable<HeldValue> held)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(held);
        if (period.Kind != dataSet.PeriodKind)
            throw DomainException.Invalid("period", $"data set {dataSet.Code} is reported by {dataSet.PeriodKind.ToString().ToLowerInvariant()}; {period} is a {period.Kind.ToString().ToLowerInvariant()}");

        var expected = ExpectedVillages(dataSet, period, roster);
        var rosterById = roster.ToDictionary(v => v.VillageId, StringComparer.Ordinal);

        var indicators = dataSet.Indicators.Distinct(StringComparer.Ordinal).ToList();
        var inSet = new HashSet<string>(indicators, StringComparer.Ordinal);
        // Per village: the first-entry time of each indicator of the set (the earliest if given twice).
        var byVillage = new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var value in held)
        {
            if (!inSet.Contains(value.Indicator)) continue;
            if (!byVillage.TryGetValue(value.VillageId, out var entries)) byVillage[value.VillageId] = entries = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            entries[value.Indicator] = entries.TryGetValue(value.Indicator, out var earlier) && earlier < value.FirstEnteredAt ? earlier : value.FirstEnteredAt;
        }

        var due = DueDate(dataSet, period);
        var missing = new List<string>();
        var partial = new List<PartialReport>();
        var late = new List<LateReport>();
        var onTimeVillages = new List<string>();
        var reported = 0;
        var onTime = 0;
        foreach (var villageId in expected)
        {
            if (!byVillage.TryGetValue(villageId, out var entries) || entries.Count == 0) { missing.Add(villageId); continue; }
            if (entries.Count < indicators.Count)
            {
                partial.Add(new PartialReport(villageId,
                    [.. indicators.Where(i => !entries.ContainsKey(i))],
                    [.. indicators.Where(entries.ContainsKey)]));
                continue;
            }
            reported++;
            var completedAt = entries.Values.Max();
            var completedOn = DateOnly.FromDateTime(completedAt.ToOffset(TownshipOffset).DateTime);
            if (completedOn <= due) { onTime++; onTimeVillages.Add(villageId); }
            else late.Add(new LateReport(villageId, completedAt, completedOn.DayNumber - due.DayNumber));
        }

        var notExpected = byVillage
            .Where(kv => !expected.Contains(kv.Key) && kv.Value.Count > 0)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new UnexpectedReport(kv.Key, WhyNotExpected(kv.Key, dataSet, period, rosterById), [.. indicators.Where(kv.Value.ContainsKey)]))
            .ToList();

        return new CompletenessResult(dataSet.Code, period, due, expected.Count, reported, onTime,
            Rate(reported, expected.Count), Rate(onTime, expected.Count), missing, partial, late, notExpected, onTimeVillages);
    }

    /// <summary>part ÷ whole truncated to <see cref="RateDecimals"/> places; null for no whole.</summary>
    public static decimal? Rate(int part, int whole)
    {
        if (whole <= 0) return null;
        if (part < 0 || part > whole) throw new ArgumentOutOfRangeException(nameof(part), "a rate's part lies between 0 and the whole");
        return (long)part * RateScale / whole / (decimal)RateScale; // integer division: truncation, exact
    }

    private static string WhyNotExpected(string villageId, DataSet dataSet, Period period, Dictionary<string, RosterVillage> roster)
    {
        if (!roster.TryGetValue(villageId, out var village)) return "not on the township's roster";
        if (dataSet.OrgUnitIds is { } listed && !listed.Contains(villageId, StringComparer.Ordinal)) return $"not among the villages of data set {dataSet.Code}";
        if (village.RetiredFrom is { } retired && retired.Start <= period.End) return $"retired from {retired}";
        if (village.ActiveFrom is { } from && from.Start > period.End) return $"active only from {from}";
        return "not expected";
    }
}
