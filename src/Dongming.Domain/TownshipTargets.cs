namespace Dongming.Domain;

/// <summary>
/// The targets of a township's org units, kept with their contributions (each ledger sends its targets like its
/// figures, at its journal versions), and their progress judged from the kept totals: one read, no ledger asked.
/// </summary>
public sealed partial class TownshipAggregate
{
    private static readonly IReadOnlyDictionary<string, Target?> EmptyTargetChange = new Dictionary<string, Target?>();
    private static readonly IReadOnlyDictionary<string, Target> EmptyTargets = new Dictionary<string, Target>();

    /// <summary>Targets by period, then by org unit and indicator (the listing order).</summary>
    private readonly Dictionary<string, SortedDictionary<(string OrgUnitId, string Indicator), OrgUnitTarget>> _targets = new(StringComparer.Ordinal);

    private static readonly Comparer<(string OrgUnitId, string Indicator)> ByUnitThenIndicator = Comparer<(string OrgUnitId, string Indicator)>.Create((x, y) =>
    {
        var c = string.CompareOrdinal(x.OrgUnitId, y.OrgUnitId);
        return c != 0 ? c : string.CompareOrdinal(x.Indicator, y.Indicator);
    });

    private void SetTarget(OrgUnitPart part, string orgUnitId, string key, Target? target)
    {
        var (period, indicator) = FigureKey.Split(key);
        var at = (orgUnitId, indicator);
        if (target is null)
        {
            part.Targets.Remove(key);
            if (_targets.TryGetValue(period, out var list) && list.Remove(at) && list.Count == 0) _targets.Remove(period);
            return;
        }
        part.Targets[key] = target;
        if (!_targets.TryGetValue(period, out var byUnit)) _targets[period] = byUnit = new SortedDictionary<(string OrgUnitId, string Indicator), OrgUnitTarget>(ByUnitThenIndicator);
        byUnit[at] = new OrgUnitTarget(orgUnitId, target);
    }

    /// <summary>Replaces an org unit's targets with <paramref name="targets"/>; true when anything differed.</summary>
    private bool ReplaceTargets(OrgUnitPart part, string id, IReadOnlyDictionary<string, Target> targets)
    {
        var changed = false;
        foreach (var key in part.Targets.Keys.Where(k => !targets.ContainsKey(k)).ToList()) { SetTarget(part, id, key, null); changed = true; }
        foreach (var (key, target) in targets)
        {
            if (!part.Targets.TryGetValue(key, out var old) || old != target) { SetTarget(part, id, key, target); changed = true; }
        }
        return changed;
    }

    /// <summary>The targets matching <paramref name="query"/>, by period, org unit and indicator.</summary>
    public TargetList Targets(TargetQuery query)
    {
        IEnumerable<string> periods = query.Period is { } p ? [p.ToString()] : _targets.Keys.Select(k => Period.Parse(k)).Order().Select(x => x.ToString());
        var found = periods.Where(_targets.ContainsKey).SelectMany(k => _targets[k].Values).Where(t => query.Matches(t.OrgUnitId, t.Target)).ToList();
        return new TargetList(TownshipId, found, Version);
    }

    /// <summary>
    /// The progress of every target of the query's period (of one org unit when it names one): each judged on the
    /// township total when it is the township's own target, on the org unit's own figure otherwise
    /// (<see cref="Planning.Judge"/>), with that figure's qualifiers. O(targets of the period).
    /// </summary>
    public ProgressAnswer Progress(ProgressQuery query, IndicatorCatalog catalog)
    {
        var (elapsed, length) = Planning.Elapsed(query.Period, query.AsOf);
        var items = new List<TargetProgress>();
        foreach (var (orgUnitId, target) in Targets(new TargetQuery(query.Period, query.OrgUnitId)).Targets)
        {
            catalog.TryGet(target.Indicator, out var def);
            var kind = def?.Kind ?? IndicatorKind.Stock;
            var key = FigureKey.Of(target.Period, target.Indicator);
            decimal? actual;
            bool atLeast, partial, rolledUp;
            IReadOnlyList<string> from;
            int? villages = null;
            if (orgUnitId == TownshipId)
            {
                var total = Totals(new TotalsQuery(target.Period, [target.Indicator], false), catalog).Totals.SingleOrDefault();
                actual = total?.Value;
                atLeast = total?.AtLeast ?? false;
                partial = total?.PartialUnits > 0;
                rolledUp = total?.RolledUpUnits > 0;
                from = total?.From ?? [];
                villages = total?.VillagesReporting ?? 0;
            }
            else
            {
                var own = _units.GetValueOrDefault(orgUnitId)?.Figures.GetValueOrDefault(key);
                actual = own?.Value;
                atLeast = own?.Flags.HasFlag(FigureFlags.AtLeast) ?? false;
                partial = own?.Flags.HasFlag(FigureFlags.Partial) ?? false;
                rolledUp = own?.Flags.HasFlag(FigureFlags.RolledUp) ?? false;
                from = own?.From ?? [];
            }
            var status = Planning.Judge(kind, target.Direction, target.Value, actual, elapsed, length);
            var ratio = actual is { } a ? ExactDecimal.Quotient(a, target.Value, Planning.RatioPlaces) : null;
            items.Add(new TargetProgress(orgUnitId, target, actual, status, ratio, atLeast, partial, rolledUp, from, villages));
        }
        return new ProgressAnswer(TownshipId, query.Period, query.AsOf, ExactDecimal.Quotient(elapsed, length, Planning.RatioPlaces)!.Value, items, Version);
    }
}
