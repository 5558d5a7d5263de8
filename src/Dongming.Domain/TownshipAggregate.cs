using System.Runtime.CompilerServices;

namespace Dongming.Domain;

/// <summary>How a township took an org unit's change.</summary>
public enum ChangeOutcome
{
    /// <summary>Applied.</summary>
    Applied,
    /// <summary>Already counted (a replayed or duplicated update); nothing changed.</summary>
    AlreadyApplied,
    /// <summary>An update is missing in between: the org unit must send its whole contribution.</summary>
    NeedsFullContribution,
}

/// <summary>What changed in an org unit's contribution between two versions of its ledger (null = removed).</summary>
public sealed record ContributionChange(
    string OrgUnitId, OrgUnitLevel Level, long BaseVersion, long NewVersion,
    IReadOnlyDictionary<string, Contributed?> Figures, IReadOnlyDictionary<string, CaseTally?> Cases, DateTimeOffset At,
    IReadOnlyDictionary<string, Target?>? Targets = null,
    IReadOnlyDictionary<string, ApprovalState?>? Approvals = null);

/// <summary>An org unit's whole contribution at one version of its ledger.</summary>
public sealed record FullContribution(
    string OrgUnitId, OrgUnitLevel Level, long Version,
    IReadOnlyDictionary<string, Contributed> Figures, IReadOnlyDictionary<string, CaseTally> Cases, DateTimeOffset At,
    IReadOnlyDictionary<string, Target>? Targets = null,
    IReadOnlyDictionary<string, ApprovalState>? Approvals = null);

/// <summary>One org unit's part of the township's figures, at one journal version of its ledger.</summary>
public sealed class OrgUnitPart
{
    public OrgUnitLevel Level { get; set; }
    public long Version { get; set; }
    /// <summary>The figures by <see cref="FigureKey"/>, kept compactly (a township holds every village's).</summary>
    public PartFigures Figures { get; set; } = new();
    public Dictionary<string, CaseTally> Cases { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, Target> Targets { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Approvals of (data set, period) by <see cref="ApprovalState.KeyOf"/>.</summary>
    public Dictionary<string, ApprovalState> Approvals { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What to read of a township's totals; with <see cref="ComparePeriod"/>, each total compared with that period's.</summary>
public sealed record TotalsQuery(Period Period, IReadOnlyList<string> Indicators, bool IncludeBreakdown, Period? ComparePeriod = null)
{
    /// <summary>Most indicators one read may name.</summary>
    public const int MaxIndicators = 500;

    /// <summary>
    /// Validates the parts of a totals request: the period, the indicator codes (against the catalog) and the optional
    /// period to compare with (<see cref="YearOverYear.CheckComparable"/>).
    /// </summary>
    public static TotalsQuery Validate(IndicatorCatalog catalog, string? period, IReadOnlyList<string> indicators, bool includeBreakdown, string? comparePeriod = null)
    {
        var v = new Violations();
        var p = Period.Parse(v, "period", period);
        CheckIndicators(v, catalog, indicators);
        var compared = YearOverYear.CheckComparable(v, "compare_period", p, comparePeriod);
        v.ThrowIfAny();
        return new TotalsQuery(p!.Value, [.. indicators.Distinct(StringComparer.Ordinal)], includeBreakdown, compared);
    }

    /// <summary>The one figure a history read names (a value's or a target's): its period and indicator, every bad field at once.</summary>
    public static Period ValidateFigure(IndicatorCatalog catalog, string period, string indicator)
    {
        var v = new Violations();
        var p = Period.Parse(v, "period", period);
        CheckIndicators(v, catalog, [indicator]);
        v.ThrowIfAny();
        return p!.Value;
    }

    /// <summary>Indicator codes of a read: at most <see cref="MaxIndicators"/>, each well-formed and in the catalog.</summary>
    public static void CheckIndicators(Violations v, IndicatorCatalog catalog, IReadOnlyList<string> indicators)
    {
        if (indicators.Count > MaxIndicators) { v.Add("indicators", $"must name at most {MaxIndicators} indicators"); return; }
        for (var i = 0; i < indicators.Count; i++)
        {
            if (!Text.IsCode(indicators[i])) v.Add($"indicators[{i}]", "is not a valid indicator code");
            else if (!catalog.Contains(indicators[i])) v.AddUnknown($"indicators[{i}]", $"indicator {indicators[i]} is not in the catalog");
        }
    }
}

/// <summary>One org unit's part of a total.</summary>
public sealed record TotalPart(string OrgUnitId, decimal Value, FigureFlags Flags);

/// <summary>
/// A township total of one indicator in one period: the township's own entry plus the sum of its villages (a ratio:
/// the township's entry). <see cref="AtLeast"/> when any part is a lower bound; <see cref="PartialUnits"/> counts
/// the org units whose computed value lacks some parts; <see cref="From"/> lists the entered periods a rolled-up
/// total came from (empty when every part was entered for the period itself) and <see cref="RolledUpUnits"/> counts
/// the org units whose part is rolled up; <see cref="Compared"/> is set when the query compares with another period.
/// </summary>
public sealed record TotalFigure(
    string Indicator, decimal Value, int VillagesReporting, string Unit, bool Computed, bool AtLeast, int PartialUnits,
    IReadOnlyList<string> From, IReadOnlyList<TotalPart>? Breakdown = null, int RolledUpUnits = 0, TotalComparison? Compared = null);

/// <summary>A township's totals for one period, at one version of the kept totals (compared with <see cref="ComparePeriod"/>'s, if set).</summary>
public sealed record TotalsAnswer(string TownshipId, Period Period, IReadOnlyList<TotalFigure> Totals, DateTimeOffset AsOf, long Version, Period? ComparePeriod = null)
{
    /// <summary>
    /// What changed since <paramref name="previous"/>: the totals that are new or differ (value, qualifiers or
    /// breakdown), and the indicators that no longer have a total. Computed once per change and shared by every
    /// watcher of the same totals.
    /// </summary>
    public TotalsChange ChangesSince(TotalsAnswer previous)
    {
        var before = previous.Totals.ToDictionary(t => t.Indicator, StringComparer.Ordinal);
        var now = Totals.Select(t => t.Indicator).ToHashSet(StringComparer.Ordinal);
        return new TotalsChange(
            [.. Totals.Where(t => !before.TryGetValue(t.Indicator, out var old) || !Same(old, t))],
            [.. before.Keys.Where(k => !now.Contains(k)).Order(StringComparer.Ordinal)]);
    }

    private static bool Same(TotalFigure a, TotalFigure b) =>
        a with { From = [], Breakdown = null } == b with { From = [], Breakdown = null }
        && a.From.SequenceEqual(b.From, StringComparer.Ordinal)
        && (a.Breakdown ?? []).SequenceEqual(b.Breakdown ?? []);
}

/// <summary>The totals that changed between two answers, and the indicators that lost their total.</summary>
public sealed record TotalsChange(IReadOnlyList<TotalFigure> Changed, IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Changed.Count == 0 && Removed.Count == 0;
}

/// <summary>
/// Counts of one (case type, batch, status) as of the summary's date: cases, open ones past their deadline, open ones
/// due soon, completed on time, and cases whose deadline was ever extended.
/// </summary>
public sealed record CaseSummaryRow(string CaseType, string? Batch, CaseStatus Status, int Count, int Overdue, int ClosedOnTime, int DueSoon = 0, int Extended = 0);

/// <summary>One org unit's case counts.</summary>
public sealed record CaseSummaryUnit(string OrgUnitId, int Total, int Open, int Overdue, int Closed, int ClosedOnTime, int DueSoon = 0, int Extended = 0);

/// <summary>
/// What to count of a township's cases: as of a date (cases opened after it are not counted; each case counts with the
/// status and deadline in force on it); due soon = open and due within <see cref="DueWithinDays"/> days of it.
/// </summary>
public sealed record CaseSummaryQuery(string? CaseType, string? Batch, DateOnly AsOf, bool IncludeBreakdown, int DueWithinDays = CaseSummaryQuery.DefaultDueWithinDays)
{
    /// <summary>The due-soon window when the caller gives none.</summary>
    public const int DefaultDueWithinDays = 7;

    public static CaseSummaryQuery Validate(string? caseType, string? batch, string? asOf, bool includeBreakdown, DateOnly today, int dueWithinDays = 0)
    {
        var v = new Violations();
        if (!string.IsNullOrEmpty(caseType)) Text.CheckCode(v, "case_type", caseType);
        Batches.Check(v, "batch", batch);
        var date = CaseDates.Parse(v, "as_of", asOf, required: false) ?? today;
        if (dueWithinDays is < 0 or > CaseQuery.MaxDueWithinDays) v.Add("due_within_days", $"must be between 0 and {CaseQuery.MaxDueWithinDays} (0 means {DefaultDueWithinDays})");
        v.ThrowIfAny();
        return new CaseSummaryQuery(string.IsNullOrEmpty(caseType) ? null : caseType, string.IsNullOrEmpty(batch) ? null : batch, date, includeBreakdown,
            dueWithinDays == 0 ? DefaultDueWithinDays : dueWithinDays);
    }
}

/// <summary>
/// A township's case summary as of a date. <see cref="ClosedOnTime"/> counts completed cases — rectified (已整改) or
/// closed (销号/办结) — whose work was done on or before the deadline in force that day; <see cref="OnTimeRate"/> is it
/// over <see cref="Completed"/>; <see cref="ClosureRate"/> is closed (only) over all but transferred cases.
/// </summary>
public sealed record CaseSummary(
    IReadOnlyList<CaseSummaryRow> Rows, int Total, int Open, int Overdue, int Closed, int Transferred, int ClosedOnTime, int Completed,
    decimal? ClosureRate, decimal? OnTimeRate, IReadOnlyList<CaseSummaryUnit> Breakdown, DateOnly AsOf,
    int Rectified = 0, int DueSoon = 0, int Extended = 0, int DueWithinDays = CaseSummaryQuery.DefaultDueWithinDays);

/// <summary>
/// The township's kept totals and case counts (镇汇总): the sum of its org units' contributions, updated
/// incrementally. Each org unit's part carries the journal version it reflects, so a replayed, duplicated or
/// reordered update cannot count twice, and a missing one is detected and repaired from the whole contribution.
/// </summary>
public sealed partial class TownshipAggregate
{
    private sealed class Cell
    {
        public decimal Sum;
        public int Villages;
        public decimal? Township;
        public int AtLeast;
        public int Partial;
        public int RolledUp;
        /// <summary>Entered periods the rolled-up parts came from, with how many parts name each.</summary>
        public SortedDictionary<string, int>? From;
    }

    private sealed class Row
    {
        public int Count;
        public int OnTime;
        public int Extended;
        /// <summary>Deadlines of the open cases in this row, for overdue-as-of-any-date in O(distinct deadlines).</summary>
        public readonly SortedDictionary<DateOnly, int> OpenDeadlines = [];
    }

    private readonly Dictionary<string, OrgUnitPart> _units = new(StringComparer.Ordinal);
    /// <summary>
    /// The figure keys in use with their period and indicator, shared by the parts: 10,000 villages reporting the same
    /// figures keep one copy of each key, and a key is split once, not at every figure of every part loaded.
    /// </summary>
    private readonly Dictionary<string, (string Key, string Period, string Indicator)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Cell>> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Batch, CaseStatus Status), Row> _rows = [];

    /// <param name="townshipId">The township.</param>
    /// <param name="sources">Where the parts' source-period lists are shared (given when the parts were decoded with it).</param>
    public TownshipAggregate(string townshipId, SourcePeriods? sources = null)
    {
        TownshipId = townshipId;
        Sources = sources ?? new SourcePeriods();
    }

    public string TownshipId { get; }

    /// <summary>The source-period lists of the parts' rolled-up figures, one copy each.</summary>
    public SourcePeriods Sources { get; }

    /// <summary>Increases with every applied change.</summary>
    public long Version { get; private set; }

    /// <summary>When the last change was applied.</summary>
    public DateTimeOffset AsOf { get; private set; }

    public IReadOnlyDictionary<string, OrgUnitPart> Units => _units;

    /// <summary>Periods that hold any total (for year-over-year and record highs).</summary>
    public IEnumerable<string> Periods => _totals.Keys;

    /// <summary>The journal version of an org unit's ledger that the totals reflect (0 if none).</summary>
    public long VersionOf(string orgUnitId) => _units.TryGetValue(orgUnitId, out var p) ? p.Version : 0;

    /// <summary>Applies a change made between two versions of an org unit's ledger.</summary>
    public ChangeOutcome Apply(ContributionChange change)
    {
        var known = VersionOf(change.OrgUnitId);
        if (known >= change.NewVersion) return ChangeOutcome.AlreadyApplied;
        if (known != change.BaseVersion) return ChangeOutcome.NeedsFullContribution;
        var part = Part(change.OrgUnitId, change.Level);
        foreach (var (key, value) in change.Figures) SetFigure(part, key, value);
        foreach (var (caseId, tally) in change.Cases) SetCase(part, caseId, tally);
        foreach (var (key, target) in change.Targets ?? EmptyTargetChange) SetTarget(part, change.OrgUnitId, key, target);
        foreach (var (key, approval) in change.Approvals ?? new Dictionary<string, ApprovalState?>())
        {
            if (approval is null) part.Approvals.Remove(key);
            else part.Approvals[key] = approval;
        }
        part.Version = change.NewVersion;
        Touch(change.At);
        return ChangeOutcome.Applied;
    }

    /// <summary>Replaces an org unit's whole contribution; returns true when anything differed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every figure of a township's cold start: optimized at once, not first by the quick tier
    public bool Replace(FullContribution c)
    {
        var part = Part(c.OrgUnitId, c.Level);
        if (c.Version < part.Version) return false;
        var changed = false;
        part.Figures.EnsureCapacity(c.Figures.Count); // a part loaded whole is sized once, exactly
        if (part.Figures.Count == 0)
        {
            // A new part (every part of a township loading its checkpoint): nothing to compare or take away.
            foreach (var (key, value) in c.Figures) SetFigure(part, key, value, held: false);
            changed |= c.Figures.Count > 0;
        }
        else
        {
            foreach (var key in part.Figures.Keys.Where(k => !c.Figures.ContainsKey(k)).ToList()) { SetFigure(part, key, null); changed = true; }
            foreach (var (key, value) in c.Figures)
            {
                if (!part.Figures.TryGetValue(key, out var old) || !Same(old, value)) { SetFigure(part, key, value); changed = true; }
            }
        }
        foreach (var id in part.Cases.Keys.Where(k => !c.Cases.ContainsKey(k)).ToList()) { SetCase(part, id, null); changed = true; }
        foreach (var (id, tally) in c.Cases)
        {
            if (!part.Cases.TryGetValue(id, out var old) || old != tally) { SetCase(part, id, tally); changed = true; }
        }
        changed |= ReplaceTargets(part, c.OrgUnitId, c.Targets ?? EmptyTargets);
        var approvals = c.Approvals ?? new Dictionary<string, ApprovalState>();
        foreach (var key in part.Approvals.Keys.Where(k => !approvals.ContainsKey(k)).ToList()) { part.Approvals.Remove(key); changed = true; }
        foreach (var (key, approval) in approvals)
        {
            if (!part.Approvals.TryGetValue(key, out var old) || old != approval) { part.Approvals[key] = approval; changed = true; }
        }
        part.Version = c.Version;
        if (changed) Touch(c.At);
        return changed;
    }

    private static bool Same(Contributed a, Contributed b) =>
        a.Value == b.Value && a.Flags == b.Flags && a.Since == b.Since && (a.From ?? []).SequenceEqual(b.From ?? [], StringComparer.Ordinal);

    /// <summary>
    /// Compares every kept cell with a recomputation from the parts (sums, counts and qualifiers) and rebuilds the cells
    /// when they differ; returns the cells that were wrong (normally none).
    /// </summary>
    public IReadOnlyList<string> Recount()
    {
        var fresh = new TownshipAggregate(TownshipId, Sources);
        foreach (var (id, part) in _units)
        {
            var copy = fresh.Part(id, part.Level);
            foreach (var (key, value) in part.Figures) fresh.SetFigure(copy, key, value);
        }
        var wrong = new List<string>();
        foreach (var period in _totals.Keys.Union(fresh._totals.Keys, StringComparer.Ordinal))
        {
            var kept = _totals.GetValueOrDefault(period) ?? [];
            var right = fresh._totals.GetValueOrDefault(period) ?? [];
            foreach (var code in kept.Keys.Union(right.Keys, StringComparer.Ordinal))
            {
                if (!kept.TryGetValue(code, out var a) || !right.TryGetValue(code, out var b) || a.Sum != b.Sum || a.Villages != b.Villages
                    || a.Township != b.Township || a.AtLeast != b.AtLeast || a.Partial != b.Partial || a.RolledUp != b.RolledUp
                    || !(a.From ?? []).SequenceEqual(b.From ?? []))
                    wrong.Add(FigureKey.Of(period, code));
            }
        }
        if (wrong.Count > 0)
        {
            _totals.Clear();
            foreach (var (period, cells) in fresh._totals) _totals[period] = cells;
            Touch(AsOf);
        }
        return wrong;
    }

    private void Touch(DateTimeOffset at)
    {
        Version++;
        if (at > AsOf) AsOf = at;
    }

    private OrgUnitPart Part(string orgUnitId, OrgUnitLevel level)
    {
        if (!_units.TryGetValue(orgUnitId, out var part)) _units[orgUnitId] = part = new OrgUnitPart { Level = level };
        part.Level = level;
        return part;
    }

    /// <param name="part">The org unit's part.</param>
    /// <param name="key">The figure's key.</param>
    /// <param name="value">The figure (null: removed).</param>
    /// <param name="held">False when the part is known not to hold the key (its old figure is not looked up).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every figure of a township's cold start: optimized at once, not first by the quick tier
    private void SetFigure(OrgUnitPart part, string key, Contributed? value, bool held = true)
    {
        if (!_keys.TryGetValue(key, out var known))
        {
            var (p, i) = FigureKey.Split(key);
            _keys[key] = known = (key, p, i);
        }
        var (shared, period, indicator) = known;
        if (!_totals.TryGetValue(period, out var byIndicator)) _totals[period] = byIndicator = new(StringComparer.Ordinal);
        if (!byIndicator.TryGetValue(indicator, out var cell)) byIndicator[indicator] = cell = new Cell();
        var village = part.Level == OrgUnitLevel.Village;
        if (held && part.Figures.TryGetValue(key, out var old)) Count(cell, old, village, -1);
        if (value is not null)
        {
            if (value.From is { Count: > 0 } from && Sources.Of(from) is var sources && !ReferenceEquals(sources, from)) value = value with { From = sources };
            part.Figures.Set(shared, value); // one string per figure key for all org units (a township holds every village's)
            Count(cell, value, village, +1);
        }
        else
        {
            part.Figures.Remove(key);
        }
        if (cell.Villages == 0 && cell.Township is null && cell.Sum == 0) byIndicator.Remove(indicator);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every figure of a township's cold start: optimized at once, not first by the quick tier
    private static void Count(Cell cell, Contributed f, bool village, int sign)
    {
        cell.Sum += sign * f.Value;
        if (village) cell.Villages += sign;
        else cell.Township = sign > 0 ? f.Value : null;
        if (f.Flags.HasFlag(FigureFlags.AtLeast)) cell.AtLeast += sign;
        if (f.Flags.HasFlag(FigureFlags.Partial)) cell.Partial += sign;
        if (f.Flags.HasFlag(FigureFlags.RolledUp)) cell.RolledUp += sign;
        if (f.From is null) return;
        cell.From ??= new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in f.From)
        {
            var n = cell.From.GetValueOrDefault(p) + sign;
            if (n == 0) cell.From.Remove(p);
            else cell.From[p] = n;
        }
    }

    private void SetCase(OrgUnitPart part, string caseId, CaseTally? tally)
    {
        if (part.Cases.TryGetValue(caseId, out var old))
        {
            var row = RowOf(old);
            row.Count--;
            if (old.OnTime) row.OnTime--;
            if (old.Extended) row.Extended--;
            if (CaseLifecycle.IsOpen(old.Status) && --row.OpenDeadlines[old.Deadline] == 0) row.OpenDeadlines.Remove(old.Deadline);
            part.Cases.Remove(caseId);
        }
        if (tally is null) return;
        var r = RowOf(tally);
        r.Count++;
        if (tally.OnTime) r.OnTime++;
        if (tally.Extended) r.Extended++;
        if (CaseLifecycle.IsOpen(tally.Status)) r.OpenDeadlines[tally.Deadline] = r.OpenDeadlines.GetValueOrDefault(tally.Deadline) + 1;
        part.Cases[caseId] = tally;
    }

    private Row RowOf(CaseTally t)
    {
        var key = (t.CaseType, t.Batch ?? string.Empty, t.Status);
        if (!_rows.TryGetValue(key, out var row)) _rows[key] = row = new Row();
        return row;
    }

    /// <summary>
    /// Totals of a period: each indicator's township entry plus its villages' sum; a ratio is never summed (its
    /// total is the township's own entry). Reads kept cells only: O(indicators), whatever the number of villages
    /// (the breakdown, when asked for, is O(org units) per indicator).
    /// </summary>
    public TotalsAnswer Totals(TotalsQuery query, IndicatorCatalog catalog)
    {
        var period = query.Period.ToString();
        var result = new List<TotalFigure>();
        if (_totals.TryGetValue(period, out var byIndicator))
        {
            var comparison = query.ComparePeriod is { } compared ? new TotalsComparer(this, query.Period, compared, catalog) : null;
            var codes = query.Indicators.Count > 0 ? query.Indicators.Where(byIndicator.ContainsKey) : byIndicator.Keys;
            foreach (var code in codes.Order(StringComparer.Ordinal))
            {
                var cell = byIndicator[code];
                catalog.TryGet(code, out var def);
                var isRatio = def?.Kind == IndicatorKind.Ratio;
                if (isRatio && cell.Township is null) continue;
                var value = isRatio ? cell.Township!.Value : cell.Sum;
                result.Add(new TotalFigure(code, value, cell.Villages, def?.Unit ?? string.Empty,
                    catalog.IsComputed(code), cell.AtLeast > 0, cell.Partial, cell.From is null ? [] : [.. cell.From.Keys],
                    query.IncludeBreakdown ? Breakdown(FigureKey.Of(period, code)) : null, cell.RolledUp, comparison?.Of(code, value)));
            }
        }
        return new TotalsAnswer(TownshipId, query.Period, result, AsOf, Version, query.ComparePeriod);
    }

    private List<TotalPart> Breakdown(string key)
    {
        var parts = new List<TotalPart>();
        foreach (var (id, part) in _units)
        {
            if (part.Figures.TryGetValue(key, out var f)) parts.Add(new TotalPart(id, f.Value, f.Flags));
        }
        parts.Sort(static (a, b) => string.CompareOrdinal(a.OrgUnitId, b.OrgUnitId));
        return parts;
    }

    /// <summary>The total of one indicator in one period, or null (for comparisons across periods).</summary>
    public decimal? TotalOf(string period, string indicator, IndicatorCatalog catalog)
    {
        if (!_totals.TryGetValue(period, out var byIndicator) || !byIndicator.TryGetValue(indicator, out var cell)) return null;
        return catalog.TryGet(indicator, out var def) && def.Kind == IndicatorKind.Ratio ? cell.Township : cell.Sum;
    }

    /// <summary>
    /// Case counts as of <see cref="CaseSummaryQuery.AsOf"/>, optionally for one type and batch. For today or later the
    /// kept rows answer (O(rows × distinct deadlines)); for a past date every case is read as it stood that day — cases
    /// opened later are left out, each counts with the status and deadline then in force — in O(cases).
    /// </summary>
    public CaseSummary Summary(CaseSummaryQuery query, DateOnly today)
    {
        var (caseType, batch, asOf, breakdown, dueWithin) = query;
        var dueBy = asOf.AddDays(dueWithin);
        var source = asOf >= today ? _rows : RowsOn(asOf);
        var rows = new List<CaseSummaryRow>();
        int total = 0, open = 0, overdue = 0, closed = 0, transferred = 0, onTime = 0, completed = 0, rectified = 0, dueSoon = 0, extended = 0;
        foreach (var ((type, b, status), row) in source.OrderBy(r => r.Key.Type, StringComparer.Ordinal).ThenBy(r => r.Key.Batch, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            if (row.Count == 0) continue;
            if (!string.IsNullOrEmpty(caseType) && type != caseType) continue;
            if (!string.IsNullOrEmpty(batch) && b != batch) continue;
            int rowOverdue = 0, rowDueSoon = 0;
            foreach (var (deadline, n) in row.OpenDeadlines)
            {
                if (deadline < asOf) rowOverdue += n;
                else if (deadline <= dueBy) rowDueSoon += n;
                else break;
            }
            rows.Add(new CaseSummaryRow(type, b.Length == 0 ? null : b, status, row.Count, rowOverdue, row.OnTime, rowDueSoon, row.Extended));
            total += row.Count;
            overdue += rowOverdue;
            dueSoon += rowDueSoon;
            onTime += row.OnTime;
            extended += row.Extended;
            if (CaseLifecycle.IsOpen(status)) open += row.Count;
            if (status == CaseStatus.Closed) closed += row.Count;
            if (status == CaseStatus.Rectified) rectified += row.Count;
            if (status == CaseStatus.Transferred) transferred += row.Count;
            if (CaseLifecycle.IsCompleted(status)) completed += row.Count;
        }
        var units = new List<CaseSummaryUnit>();
        if (breakdown)
        {
            foreach (var (id, part) in _units.OrderBy(u => u.Key, StringComparer.Ordinal))
            {
                var cases = part.Cases.Values.Select(t => t.On(asOf)).OfType<CaseTally>()
                    .Where(t => (string.IsNullOrEmpty(caseType) || t.CaseType == caseType) && (string.IsNullOrEmpty(batch) || (t.Batch ?? string.Empty) == batch)).ToList();
                if (cases.Count == 0) continue;
                units.Add(new CaseSummaryUnit(id, cases.Count,
                    cases.Count(t => CaseLifecycle.IsOpen(t.Status)),
                    cases.Count(t => CaseLifecycle.IsOpen(t.Status) && t.Deadline < asOf),
                    cases.Count(t => t.Status == CaseStatus.Closed),
                    cases.Count(t => t.OnTime),
                    cases.Count(t => CaseLifecycle.IsOpen(t.Status) && t.Deadline >= asOf && t.Deadline <= dueBy),
                    cases.Count(t => t.Extended)));
            }
        }
        return new CaseSummary(rows, total, open, overdue, closed, transferred, onTime, completed,
            total - transferred > 0 ? Math.Round((decimal)closed / (total - transferred), 4) : null,
            completed > 0 ? Math.Round((decimal)onTime / completed, 4) : null,
            units, asOf, rectified, dueSoon, extended, dueWithin);
    }

    /// <summary>The rows of the cases as they stood on <paramref name="date"/> (opened by then).</summary>
    private Dictionary<(string Type, string Batch, CaseStatus Status), Row> RowsOn(DateOnly date)
    {
        var rows = new Dictionary<(string Type, string Batch, CaseStatus Status), Row>();
        foreach (var part in _units.Values)
        {
            foreach (var tally in part.Cases.Values)
            {
                if (tally.On(date) is not { } t) continue;
                var key = (t.CaseType, t.Batch ?? string.Empty, t.Status);
                if (!rows.TryGetValue(key, out var row)) rows[key] = row = new Row();
                row.Count++;
                if (t.OnTime) row.OnTime++;
                if (t.Extended) row.Extended++;
                if (CaseLifecycle.IsOpen(t.Status)) row.OpenDeadlines[t.Deadline] = row.OpenDeadlines.GetValueOrDefault(t.Deadline) + 1;
            }
        }
        return rows;
    }

    /// <summary>Open cases and those of them past their deadline as of <paramref name="today"/> (for the service's gauges).</summary>
    public (int Open, int Overdue) OpenAndOverdue(DateOnly today)
    {
        int open = 0, overdue = 0;
        foreach (var row in _rows.Values)
        {
            foreach (var (deadline, n) in row.OpenDeadlines)
            {
                open += n;
                if (deadline < today) overdue += n;
            }
        }
        return (open, overdue);
    }

    /// <summary>Where the cases matching <paramref name="query"/> are, in listing order after its page position.</summary>
    public IEnumerable<CaseLocation> FindCases(CaseQuery query) =>
        _units.SelectMany(u => u.Value.Cases.Select(c => (CaseId: c.Key, OrgUnitId: u.Key, Tally: c.Value)))
            .Where(c => query.Matches(c.CaseId, c.Tally))
            .OrderBy(c => c.Tally.Deadline).ThenBy(c => c.CaseId, StringComparer.Ordinal)
            .Take(query.Limit)
            .Select(c => new CaseLocation(c.CaseId, c.OrgUnitId));
}

/// <summary>Where a case lives.</summary>
public sealed record CaseLocation(string CaseId, string OrgUnitId);
