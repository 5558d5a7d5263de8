namespace Dongming.Domain;

/// <summary>One township's part of a banner's totals, at one version of the township's kept totals.</summary>
public sealed class BannerPart
{
    public string Epoch { get; set; } = string.Empty;
    public long Version { get; set; }
    public Dictionary<string, BannerFigure> Figures { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A banner's kept totals (旗汇总): per (period, indicator) the sum of its townships' totals, updated incrementally
/// from their parts. Each part carries the township's totals version (and the activation it counts in), so a
/// replayed or duplicated change cannot count twice and a missing one is detected and repaired from the whole part.
/// Every kept sum is the sum of the parts held: they change together, in one call.
/// </summary>
public sealed class BannerAggregate(string bannerId)
{
    private sealed class Cell
    {
        public decimal Sum;
        public int Townships;
        public int Villages;
        public int AtLeast;
        public int Partial;
        public int RolledUp;
    }

    private readonly Dictionary<string, BannerPart> _parts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Cell>> _totals = new(StringComparer.Ordinal);

    public string BannerId { get; } = bannerId;

    /// <summary>Increases with every applied change.</summary>
    public long Version { get; private set; }

    /// <summary>When the last change was applied.</summary>
    public DateTimeOffset AsOf { get; private set; }

    public IReadOnlyDictionary<string, BannerPart> Parts => _parts;

    /// <summary>Applies a change of one township's totals between two of its versions.</summary>
    public ChangeOutcome Apply(BannerChange change)
    {
        if (!_parts.TryGetValue(change.TownshipId, out var part) || part.Epoch != change.Epoch) return ChangeOutcome.NeedsFullContribution;
        if (part.Version >= change.NewVersion) return ChangeOutcome.AlreadyApplied;
        if (part.Version != change.BaseVersion) return ChangeOutcome.NeedsFullContribution;
        foreach (var (key, figure) in change.Figures) Set(part, key, figure);
        part.Version = change.NewVersion;
        Touch(change.At);
        return ChangeOutcome.Applied;
    }

    /// <summary>
    /// Replaces one township's whole part (an older version of the same activation is ignored); returns true when
    /// any figure differed.
    /// </summary>
    public bool Replace(BannerPartFull full)
    {
        if (!_parts.TryGetValue(full.TownshipId, out var part)) _parts[full.TownshipId] = part = new BannerPart { Epoch = full.Epoch };
        else if (part.Epoch == full.Epoch && full.Version < part.Version) return false;
        var changed = false;
        foreach (var key in part.Figures.Keys.Where(k => !full.Figures.ContainsKey(k)).ToList()) { Set(part, key, null); changed = true; }
        foreach (var (key, figure) in full.Figures)
        {
            if (!part.Figures.TryGetValue(key, out var old) || old != figure) { Set(part, key, figure); changed = true; }
        }
        part.Epoch = full.Epoch;
        part.Version = full.Version;
        if (changed) Touch(full.At);
        return changed;
    }

    /// <summary>Adds a member township with nothing counted yet (its part follows).</summary>
    public void Join(string townshipId)
    {
        if (!_parts.ContainsKey(townshipId)) _parts[townshipId] = new BannerPart();
    }

    /// <summary>
    /// Compares every kept sum with a recount of the parts and rebuilds the sums when any differs; returns the
    /// totals ("period|indicator") that were wrong (normally none).
    /// </summary>
    public IReadOnlyList<string> Recount()
    {
        var fresh = new BannerAggregate(BannerId);
        foreach (var (id, part) in _parts)
        {
            var copy = fresh._parts[id] = new BannerPart { Epoch = part.Epoch, Version = part.Version };
            foreach (var (key, figure) in part.Figures) fresh.Set(copy, key, figure);
        }
        var wrong = new List<string>();
        foreach (var period in _totals.Keys.Union(fresh._totals.Keys, StringComparer.Ordinal))
        {
            var kept = _totals.GetValueOrDefault(period) ?? [];
            var right = fresh._totals.GetValueOrDefault(period) ?? [];
            foreach (var code in kept.Keys.Union(right.Keys, StringComparer.Ordinal))
            {
                if (!kept.TryGetValue(code, out var a) || !right.TryGetValue(code, out var b) || a.Sum != b.Sum || a.Townships != b.Townships
                    || a.Villages != b.Villages || a.AtLeast != b.AtLeast || a.Partial != b.Partial || a.RolledUp != b.RolledUp)
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

    private void Set(BannerPart part, string key, BannerFigure? figure)
    {
        var (period, indicator) = FigureKey.Split(key);
        if (!_totals.TryGetValue(period, out var byIndicator)) _totals[period] = byIndicator = new(StringComparer.Ordinal);
        if (!byIndicator.TryGetValue(indicator, out var cell)) byIndicator[indicator] = cell = new Cell();
        if (part.Figures.TryGetValue(key, out var old)) Count(cell, old, -1);
        if (figure is not null)
        {
            part.Figures[key] = figure;
            Count(cell, figure, +1);
        }
        else
        {
            part.Figures.Remove(key);
        }
        if (cell.Townships == 0) byIndicator.Remove(indicator);
        if (byIndicator.Count == 0) _totals.Remove(period);
    }

    private static void Count(Cell cell, BannerFigure f, int sign)
    {
        cell.Sum += sign * f.Value;
        cell.Townships += sign;
        cell.Villages += sign * f.Villages;
        if (f.AtLeast) cell.AtLeast += sign;
        cell.Partial += sign * f.Partial;
        cell.RolledUp += sign * f.RolledUp;
    }

    /// <summary>
    /// The banner's totals of a period: each indicator's sum over its townships (ratios are never summed and are left
    /// out). Reads kept sums: O(indicators); the breakdown, when asked for, is O(townships) per indicator.
    /// </summary>
    public BannerTotalsAnswer Totals(TotalsQuery query, IndicatorCatalog catalog)
    {
        var period = query.Period.ToString();
        var result = new List<TotalFigure>();
        if (_totals.TryGetValue(period, out var byIndicator))
        {
            var codes = query.Indicators.Count > 0 ? query.Indicators.Where(byIndicator.ContainsKey) : byIndicator.Keys;
            foreach (var code in codes.Order(StringComparer.Ordinal))
            {
                catalog.TryGet(code, out var def);
                if (def?.Kind == IndicatorKind.Ratio) continue;
                var cell = byIndicator[code];
                result.Add(new TotalFigure(code, cell.Sum, cell.Villages, def?.Unit ?? string.Empty, catalog.IsComputed(code), cell.AtLeast > 0, cell.Partial, [],
                    query.IncludeBreakdown ? Breakdown(FigureKey.Of(period, code)) : null, cell.RolledUp));
            }
        }
        return new BannerTotalsAnswer(BannerId, query.Period, result, AsOf, Version, _parts.Count);
    }

    private List<TotalPart> Breakdown(string key) =>
        [.. _parts.Where(p => p.Value.Figures.ContainsKey(key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new TotalPart(p.Key, p.Value.Figures[key].Value, FlagsOf(p.Value.Figures[key])))];

    private static FigureFlags FlagsOf(BannerFigure f) =>
        (f.AtLeast ? FigureFlags.AtLeast : FigureFlags.None) | (f.Partial > 0 ? FigureFlags.Partial : FigureFlags.None) | (f.RolledUp > 0 ? FigureFlags.RolledUp : FigureFlags.None);
}
