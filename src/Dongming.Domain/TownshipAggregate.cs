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

/// <summary>One org unit's part of the township's figures, at one journal version of its ledger.</summary>
public sealed class OrgUnitPart
{
    public OrgUnitLevel Level { get; set; }
    public long Version { get; set; }
    public Dictionary<string, decimal> Figures { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, CaseTally> Cases { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A township total of one indicator in one period.</summary>
public sealed record TotalFigure(string Indicator, decimal Value, int VillagesReporting);

/// <summary>Counts of one (case type, batch, status).</summary>
public sealed record CaseSummaryRow(string CaseType, string? Batch, CaseStatus Status, int Count, int Overdue, int ClosedOnTime);

/// <summary>One org unit's case counts.</summary>
public sealed record CaseSummaryUnit(string OrgUnitId, int Total, int Open, int Overdue, int Closed, int ClosedOnTime);

/// <summary>A township's case summary as of a date.</summary>
public sealed record CaseSummary(
    IReadOnlyList<CaseSummaryRow> Rows, int Total, int Open, int Overdue, int Closed, int Transferred, int ClosedOnTime, int Completed,
    decimal? ClosureRate, decimal? OnTimeRate, IReadOnlyList<CaseSummaryUnit> Breakdown);

/// <summary>
/// The township's kept totals and case counts (镇汇总): the sum of its org units' contributions, updated
/// incrementally. Each org unit's part carries the journal version it reflects, so a replayed, duplicated or
/// reordered update cannot count twice, and a missing one is detected and repaired from the whole contribution.
/// </summary>
public sealed class TownshipAggregate
{
    private sealed class Cell
    {
        public decimal Sum;
        public int Villages;
        public decimal? Township;
    }

    private sealed class Row
    {
        public int Count;
        public int OnTime;
        /// <summary>Deadlines of the open cases in this row, for overdue-as-of-any-date in O(distinct deadlines).</summary>
        public readonly SortedDictionary<DateOnly, int> OpenDeadlines = [];
    }

    private readonly Dictionary<string, OrgUnitPart> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Cell>> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Batch, CaseStatus Status), Row> _rows = [];

    public TownshipAggregate(string townshipId) => TownshipId = townshipId;

    public string TownshipId { get; }

    /// <summary>Increases with every applied change.</summary>
    public long Version { get; private set; }

    /// <summary>When the last change was applied.</summary>
    public DateTimeOffset AsOf { get; private set; }

    public IReadOnlyDictionary<string, OrgUnitPart> Units => _units;

    /// <summary>The journal version of an org unit's ledger that the totals reflect (0 if none).</summary>
    public long VersionOf(string orgUnitId) => _units.TryGetValue(orgUnitId, out var p) ? p.Version : 0;

    /// <summary>Applies a change made between <paramref name="baseVersion"/> and <paramref name="newVersion"/> of an org unit's ledger.</summary>
    public ChangeOutcome Apply(string orgUnitId, OrgUnitLevel level, long baseVersion, long newVersion, ContributionDelta delta, DateTimeOffset at)
    {
        var known = VersionOf(orgUnitId);
        if (known >= newVersion) return ChangeOutcome.AlreadyApplied;
        if (known != baseVersion) return ChangeOutcome.NeedsFullContribution;
        var part = Part(orgUnitId, level);
        foreach (var (key, value) in delta.Figures) SetFigure(orgUnitId, part, key, value);
        foreach (var (caseId, tally) in delta.Cases) SetCase(part, caseId, tally);
        part.Version = newVersion;
        Touch(at);
        return ChangeOutcome.Applied;
    }

    /// <summary>Replaces an org unit's whole contribution; returns true when anything differed.</summary>
    public bool Replace(string orgUnitId, OrgUnitLevel level, long version, IReadOnlyDictionary<string, decimal> figures, IReadOnlyDictionary<string, CaseTally> cases, DateTimeOffset at)
    {
        var part = Part(orgUnitId, level);
        if (version < part.Version) return false;
        var changed = false;
        foreach (var key in part.Figures.Keys.Where(k => !figures.ContainsKey(k)).ToList()) { SetFigure(orgUnitId, part, key, null); changed = true; }
        foreach (var (key, value) in figures)
        {
            if (!part.Figures.TryGetValue(key, out var old) || old != value) { SetFigure(orgUnitId, part, key, value); changed = true; }
        }
        foreach (var id in part.Cases.Keys.Where(k => !cases.ContainsKey(k)).ToList()) { SetCase(part, id, null); changed = true; }
        foreach (var (id, tally) in cases)
        {
            if (!part.Cases.TryGetValue(id, out var old) || old != tally) { SetCase(part, id, tally); changed = true; }
        }
        part.Version = version;
        if (changed) Touch(at);
        return changed;
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

    private void SetFigure(string orgUnitId, OrgUnitPart part, string key, decimal? value)
    {
        var (period, indicator) = FigureKey.Split(key);
        if (!_totals.TryGetValue(period, out var byIndicator)) _totals[period] = byIndicator = new(StringComparer.Ordinal);
        if (!byIndicator.TryGetValue(indicator, out var cell)) byIndicator[indicator] = cell = new Cell();
        var had = part.Figures.TryGetValue(key, out var old);
        if (had) { cell.Sum -= old; if (part.Level == OrgUnitLevel.Village) cell.Villages--; }
        if (value is { } v)
        {
            part.Figures[key] = v;
            cell.Sum += v;
            if (part.Level == OrgUnitLevel.Village) cell.Villages++;
            if (part.Level == OrgUnitLevel.Township) cell.Township = v;
        }
        else
        {
            part.Figures.Remove(key);
            if (part.Level == OrgUnitLevel.Township) cell.Township = null;
        }
        if (cell.Villages == 0 && cell.Township is null && cell.Sum == 0) byIndicator.Remove(indicator);

    }

    private void SetCase(OrgUnitPart part, string caseId, CaseTally? tally)
    {
        if (part.Cases.TryGetValue(caseId, out var old))
        {
            var row = RowOf(old);
            row.Count--;
            if (old.OnTime) row.OnTime--;
            if (CaseLifecycle.IsOpen(old.Status) && --row.OpenDeadlines[old.Deadline] == 0) row.OpenDeadlines.Remove(old.Deadline);
            part.Cases.Remove(caseId);
        }
        if (tally is null) return;
        var r = RowOf(tally);
        r.Count++;
        if (tally.OnTime) r.OnTime++;
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
    /// total is the township's own entry). Reads kept cells only: O(indicators), whatever the number of villages.
    /// </summary>
    public IReadOnlyList<TotalFigure> Totals(string period, IndicatorCatalog catalog, IReadOnlyCollection<string>? indicators = null)
    {
        if (!_totals.TryGetValue(period, out var byIndicator)) return [];
        var codes = indicators is { Count: > 0 } ? indicators.Where(byIndicator.ContainsKey) : byIndicator.Keys;
        var result = new List<TotalFigure>();
        foreach (var code in codes.Distinct().Order(StringComparer.Ordinal))
        {
            var cell = byIndicator[code];
            var isRatio = catalog.TryGet(code, out var def) && def.Kind == IndicatorKind.Ratio;
            if (isRatio && cell.Township is null) continue;
            result.Add(new TotalFigure(code, isRatio ? cell.Township!.Value : cell.Sum, cell.Villages));
        }
        return result;
    }

    /// <summary>Every org unit's value of one figure (for the breakdown), ordered by org unit id.</summary>
    public IReadOnlyList<(string OrgUnitId, decimal Value)> Breakdown(string period, string indicator)
    {
        var key = FigureKey.Of(period, indicator);
        return [.. _units.Where(u => u.Value.Figures.ContainsKey(key)).OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => (u.Key, u.Value.Figures[key]))];
    }

    /// <summary>Case counts, optionally for one type and batch, with overdue counted as of <paramref name="asOf"/>.</summary>
    public CaseSummary Summary(string? caseType, string? batch, DateOnly asOf, bool breakdown)
    {
        var rows = new List<CaseSummaryRow>();
        int total = 0, open = 0, overdue = 0, closed = 0, transferred = 0, onTime = 0, completed = 0;
        foreach (var ((type, b, status), row) in _rows.OrderBy(r => r.Key.Type, StringComparer.Ordinal).ThenBy(r => r.Key.Batch, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            if (row.Count == 0) continue;
            if (!string.IsNullOrEmpty(caseType) && type != caseType) continue;
            if (!string.IsNullOrEmpty(batch) && b != batch) continue;
            var rowOverdue = 0;
            foreach (var (deadline, n) in row.OpenDeadlines) { if (deadline >= asOf) break; rowOverdue += n; }
            rows.Add(new CaseSummaryRow(type, b.Length == 0 ? null : b, status, row.Count, rowOverdue, row.OnTime));
            total += row.Count;
            overdue += rowOverdue;
            onTime += row.OnTime;
            if (CaseLifecycle.IsOpen(status)) open += row.Count;
            if (status == CaseStatus.Closed) closed += row.Count;
            if (status == CaseStatus.Transferred) transferred += row.Count;
            if (CaseLifecycle.IsCompleted(status)) completed += row.Count;
        }
        var units = new List<CaseSummaryUnit>();
        if (breakdown)
        {
            foreach (var (id, part) in _units.OrderBy(u => u.Key, StringComparer.Ordinal))
            {
                var cases = part.Cases.Values.Where(t => (string.IsNullOrEmpty(caseType) || t.CaseType == caseType) && (string.IsNullOrEmpty(batch) || (t.Batch ?? string.Empty) == batch)).ToList();
                if (cases.Count == 0) continue;
                units.Add(new CaseSummaryUnit(id, cases.Count,
                    cases.Count(t => CaseLifecycle.IsOpen(t.Status)),
                    cases.Count(t => CaseLifecycle.IsOpen(t.Status) && t.Deadline < asOf),
                    cases.Count(t => t.Status == CaseStatus.Closed),
                    cases.Count(t => t.OnTime)));
            }
        }
        return new CaseSummary(rows, total, open, overdue, closed, transferred, onTime, completed,
            total - transferred > 0 ? Math.Round((decimal)closed / (total - transferred), 4) : null,
            completed > 0 ? Math.Round((decimal)onTime / completed, 4) : null,
            units);
    }

    /// <summary>Case ids matching the filters, sorted by deadline then id (for township-wide listing).</summary>
    public IEnumerable<(string CaseId, string OrgUnitId, CaseTally Tally)> Cases(string? caseType, CaseStatus? status, string? batch, DateOnly? overdueAsOf) =>
        _units.SelectMany(u => u.Value.Cases.Select(c => (CaseId: c.Key, OrgUnitId: u.Key, Tally: c.Value)))
            .Where(c => (string.IsNullOrEmpty(caseType) || c.Tally.CaseType == caseType)
                && (status is null || c.Tally.Status == status)
                && (string.IsNullOrEmpty(batch) || (c.Tally.Batch ?? string.Empty) == batch)
                && (overdueAsOf is not { } d || (CaseLifecycle.IsOpen(c.Tally.Status) && c.Tally.Deadline < d)))
            .OrderBy(c => c.Tally.Deadline).ThenBy(c => c.CaseId, StringComparer.Ordinal);
}
