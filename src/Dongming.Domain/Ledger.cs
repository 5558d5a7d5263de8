using System.Text.Json.Serialization;

namespace Dongming.Domain;

/// <summary>Who, when and under which request id a ledger event was recorded: the audit trail.</summary>
public sealed record EventMeta(string Actor, string ActorName, DateTimeOffset At, string RequestId)
{
    public static EventMeta Of(Actor actor, DateTimeOffset at, string requestId) => new(actor.Subject, actor.DisplayName, at, requestId);
}

/// <summary>An event of an org unit's ledger (台账). The journal holds these; state is their fold.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(OrgUnitRegistered), "org_unit_registered")]
[JsonDerivedType(typeof(OrgUnitRetired), "org_unit_retired")]
[JsonDerivedType(typeof(ValuesReported), "values_reported")]
[JsonDerivedType(typeof(ValuesCleared), "values_cleared")]
[JsonDerivedType(typeof(CaseOpened), "case_opened")]
[JsonDerivedType(typeof(CaseTransitioned), "case_transitioned")]
[JsonDerivedType(typeof(CaseUpdated), "case_updated")]
[JsonDerivedType(typeof(TargetSet), "target_set")]
[JsonDerivedType(typeof(DataSetSubmitted), "data_set_submitted")]
[JsonDerivedType(typeof(DataSetApproved), "data_set_approved")]
[JsonDerivedType(typeof(DataSetRejected), "data_set_rejected")]
[JsonDerivedType(typeof(DataSetUnapproved), "data_set_unapproved")]
public abstract record LedgerEvent(EventMeta Meta);

/// <summary>The ledger was put on the roster as a village or as a township's own ledger.</summary>
public sealed record OrgUnitRegistered(EventMeta Meta, OrgUnitLevel Level, string TownshipId, string Name, VillageKind Kind) : LedgerEvent(Meta);

/// <summary>The village was retired: its figures of periods from <paramref name="FromPeriod"/> on leave the totals.</summary>
public sealed record OrgUnitRetired(EventMeta Meta, string FromPeriod, string Reason) : LedgerEvent(Meta);

/// <summary>
/// A report: values of one period (computed parents and roll-ups follow from them), and the validation warnings it
/// was answered with (kept so a retry gets the same answer, and so the history shows what the clerk was warned of).
/// </summary>
public sealed record ValuesReported(EventMeta Meta, string Period, IReadOnlyList<ReportedFigure> Figures, string? Comment, IReadOnlyList<ValidationWarning>? Warnings = null) : LedgerEvent(Meta);

/// <summary>Values of one period revised to "no value", with the reason.</summary>
public sealed record ValuesCleared(EventMeta Meta, string Period, IReadOnlyList<string> Indicators, string Reason) : LedgerEvent(Meta);

/// <summary>A case was opened.</summary>
public sealed record CaseOpened(EventMeta Meta, RemediationCase Case, string? Note) : LedgerEvent(Meta);

/// <summary>A case moved to another status.</summary>
public sealed record CaseTransitioned(EventMeta Meta, string CaseId, CaseStatus From, CaseStatus To, DateOnly EffectiveOn, string? Note) : LedgerEvent(Meta);

/// <summary>
/// A case's deadline, assignee or flags changed. An update that changed nothing is recorded too (empty
/// <paramref name="Description"/>, case version unchanged), so its request id keeps its first answer.
/// </summary>
public sealed record CaseUpdated(EventMeta Meta, string CaseId, CaseChanges Changes, IReadOnlyList<string> Description, string? Note) : LedgerEvent(Meta);

/// <summary>What qualifies a figure.</summary>
[Flags]
public enum FigureFlags
{
    None = 0,
    /// <summary>A lower bound: the true amount is at least the value (台账 "30余次"); a sum with such a part is one too.</summary>
    AtLeast = 1,
    /// <summary>Computed as the sum of its parts (never entered).</summary>
    Computed = 2,
    /// <summary>Computed from only some of its parts: the others have no value.</summary>
    Partial = 4,
    /// <summary>Rolled up from finer periods (flows summed, stocks the latest) instead of entered for the period.</summary>
    RolledUp = 8,
}

/// <summary>
/// A figure as an org unit contributes it to its township: value, qualifiers, since when it has been held (for
/// timeliness) and, when rolled up, the entered periods it came from.
/// </summary>
public sealed record Contributed(decimal Value, FigureFlags Flags, DateTimeOffset Since, IReadOnlyList<string>? From = null);

/// <summary>A figure of a ledger: what it contributes, and who last changed it (for a computed or rolled-up figure: its latest source).</summary>
public sealed record LedgerFigure(decimal Value, FigureFlags Flags, DateTimeOffset Since, IReadOnlyList<string>? From, string Actor, string ActorName, DateTimeOffset At, long Version)
{
    public Contributed ToContribution() => new(Value, Flags, Since, From);
}

/// <summary>An entered value: what the ledger holds for one (period, indicator).</summary>
public sealed record EnteredFigure(decimal Value, bool AtLeast, DateTimeOffset Since, string Actor, string ActorName, DateTimeOffset At, long Version);

/// <summary>
/// A case as the township's summary sees it: as it stands, and as it stood on any date since it was opened
/// (<see cref="Steps"/>, for a summary "as of" a past date).
/// </summary>
public sealed record CaseTally(string CaseType, string? Batch, CaseStatus Status, DateOnly Deadline, bool OnTime, DateOnly OpenedOn = default,
    bool Extended = false, IReadOnlyList<CaseStep>? Steps = null)
{
    /// <summary>
    /// The case as it stood at the end of <paramref name="date"/>: the status, deadline and outcome of its last step on
    /// or before that day; null when it was opened after it.
    /// </summary>
    public CaseTally? On(DateOnly date)
    {
        if (OpenedOn > date) return null;
        CaseStep? last = null;
        foreach (var step in Steps ?? [])
        {
            if (step.On <= date) last = step;
        }
        return last is null ? this : this with { Status = last.Status, Deadline = last.Deadline, OnTime = last.OnTime, Extended = last.Extended };
    }

    public bool Equals(CaseTally? other) =>
        other is not null && CaseType == other.CaseType && Batch == other.Batch && Status == other.Status && Deadline == other.Deadline
        && OnTime == other.OnTime && OpenedOn == other.OpenedOn && Extended == other.Extended && (Steps ?? []).SequenceEqual(other.Steps ?? []);

    public override int GetHashCode() => HashCode.Combine(CaseType, Batch, Status, Deadline, OnTime, OpenedOn, Extended);
}

/// <summary>
/// What one event does to a ledger, computed before it is appended (<see cref="LedgerState.Prepare"/>) and applied
/// after (<see cref="LedgerState.Commit"/>): an event that cannot fold is refused before anything is written, and the
/// state in memory is always the persisted one. It also carries the change of the org unit's contribution to its
/// township (null = removed).
/// </summary>
public sealed partial class LedgerEffect
{
    internal LedgerEvent Event { get; init; } = null!;
    internal long Version { get; init; }
    internal Dictionary<string, EnteredFigure?> Entered { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, LedgerFigure?> Effective { get; } = new(StringComparer.Ordinal);
    internal RemediationCase? Case { get; set; }

    /// <summary>Figures of the contribution that changed (null = removed), by <see cref="FigureKey"/>.</summary>
    public Dictionary<string, Contributed?> Figures { get; } = new(StringComparer.Ordinal);

    /// <summary>Cases of the contribution that changed (null = removed), by case id.</summary>
    public Dictionary<string, CaseTally?> Cases { get; } = new(StringComparer.Ordinal);

    /// <summary>Approvals of the contribution that changed, by <see cref="ApprovalState.KeyOf"/>.</summary>
    public Dictionary<string, ApprovalState?> Approvals { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Figures.Count == 0 && Cases.Count == 0 && Targets.Count == 0 && Approvals.Count == 0;

    /// <summary>
    /// The contribution change of several effects committed in this order (one journal append of a batch): for each
    /// key, the last effect's value — each holds the value after it, never a difference.
    /// </summary>
    public static LedgerEffect Merge(IReadOnlyList<LedgerEffect> effects)
    {
        if (effects.Count == 1) return effects[0];
        var merged = new LedgerEffect { Event = effects[^1].Event, Version = effects[^1].Version };
        foreach (var e in effects)
        {
            foreach (var (k, v) in e.Figures) merged.Figures[k] = v;
            foreach (var (k, v) in e.Cases) merged.Cases[k] = v;
            foreach (var (k, v) in e.Targets) merged.Targets[k] = v;
            foreach (var (k, v) in e.Approvals) merged.Approvals[k] = v;
        }
        return merged;
    }
}

/// <summary>What a tentative <see cref="LedgerState.CommitTentatively"/> replaced, to be put back by <see cref="LedgerState.Revert"/>.</summary>
public sealed class LedgerUndo
{
    internal List<Action> Steps { get; } = [];
}

/// <summary>
/// The state of one org unit's ledger: its registration, its entered figures, the figures that follow from them
/// (computed parents, roll-ups to quarters and years), its cases, and the journal versions of the events behind each
/// figure and case (so histories and replays read only those events). A pure fold of <see cref="LedgerEvent"/>s;
/// every change is O(size of the event), never O(size of the ledger).
/// </summary>
public sealed partial class LedgerState
{
    /// <summary>Registration; null until the org unit is on the roster.</summary>
    public OrgUnitRegistered? Registration { get; set; }

    /// <summary>The period from which a retired village no longer counts (text), or null.</summary>
    public string? RetiredFrom { get; set; }

    /// <summary>Entered figures by <see cref="FigureKey"/>.</summary>
    public Dictionary<string, EnteredFigure> Entered { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Journal versions of the events that set or cleared each entered figure, oldest first.</summary>
    public Dictionary<string, List<long>> FigureEvents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Cases by id.</summary>
    public Dictionary<string, RemediationCase> Cases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Journal versions of each case's events, oldest first.</summary>
    public Dictionary<string, List<long>> CaseEvents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every figure held, by key: entered, computed and rolled up. Derived (rebuilt after a snapshot load).</summary>
    [JsonIgnore]
    public Dictionary<string, LedgerFigure> Figures { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The org unit as registered (with its retirement), or null.</summary>
    public OrgUnitInfo? Info(string orgUnitId) => Registration is { } r
        ? new OrgUnitInfo(orgUnitId, r.Level, r.TownshipId, r.Name, r.Kind, RetiredFrom is null ? null : Period.Parse(RetiredFrom))
        : null;

    private bool Counts(string key)
    {
        if (RetiredFrom is null) return true;
        var (period, _) = FigureKey.Split(key);
        return Period.Parse(period).Start < Period.Parse(RetiredFrom).Start;
    }

    /// <summary>Applies an event at journal version <paramref name="version"/> (loading: the event is already durable).</summary>
    public LedgerEffect Apply(LedgerEvent e, long version, IndicatorCatalog catalog)
    {
        var effect = Prepare(e, version, catalog);
        Commit(effect);
        return effect;
    }

    /// <summary>
    /// Computes what <paramref name="e"/> would do at <paramref name="version"/>, without changing the state.
    /// Throws <see cref="DomainException"/> when it cannot fold (e.g. a transition the lifecycle forbids).
    /// </summary>
    public LedgerEffect Prepare(LedgerEvent e, long version, IndicatorCatalog catalog)
    {
        var effect = new LedgerEffect { Event = e, Version = version };
        switch (e)
        {
            case ValuesReported r:
                {
                    var period = Period.Parse(r.Period);
                    foreach (var f in r.Figures)
                    {
                        var key = FigureKey.Of(period, f.Indicator);
                        var since = Entered.TryGetValue(key, out var old) ? old.Since : r.Meta.At;
                        effect.Entered[key] = new EnteredFigure(f.Value, f.AtLeast, since, r.Meta.Actor, r.Meta.ActorName, r.Meta.At, version);
                    }
                    Derive(effect, period, r.Figures.Select(f => f.Indicator), catalog);
                    break;
                }
            case ValuesCleared c:
                {
                    var period = Period.Parse(c.Period);
                    foreach (var code in c.Indicators) effect.Entered[FigureKey.Of(period, code)] = null;
                    Derive(effect, period, c.Indicators, catalog);
                    break;
                }
            case OrgUnitRetired t:
                {
                    var from = Period.Parse(t.FromPeriod);
                    foreach (var (key, _) in Figures)
                    {
                        if (Period.Parse(FigureKey.Split(key).Period).Start >= from.Start && Counts(key)) effect.Figures[key] = null;
                    }
                    RetireTargets(effect, from);
                    break;
                }
            case TargetSet s:
                PrepareTarget(effect, s, version, catalog);
                break;
            case CaseOpened o:
                effect.Case = o.Case;
                break;
            case CaseTransitioned t:
                effect.Case = FindCase(t.CaseId).MoveTo(t.To, t.EffectiveOn, t.Note, t.Meta.At);
                break;
            case CaseUpdated u:
                effect.Case = FindCase(u.CaseId).With(u.Changes, u.Description.Count > 0, u.Meta.At);
                break;
            case ApprovalEvent a:
                PrepareApproval(effect, a);
                break;
        }
        if (effect.Case is { } changed) effect.Cases[changed.CaseId] = Tally(changed);
        return effect;
    }

    private RemediationCase FindCase(string caseId) =>
        Cases.TryGetValue(caseId, out var c) ? c : throw DomainException.NotFound($"case {caseId} not found");

    /// <summary>Applies a prepared effect. Never fails: everything that could was checked by <see cref="Prepare"/>.</summary>
    public void Commit(LedgerEffect effect)
    {
        switch (effect.Event)
        {
            case OrgUnitRegistered r:
                Registration = r;
                break;
            case OrgUnitRetired t:
                RetiredFrom = t.FromPeriod;
                break;
        }
        foreach (var (key, entered) in effect.Entered)
        {
            if (entered is null) Entered.Remove(key);
            else Entered[key] = entered;
            Index(FigureEvents, key, effect.Version);
        }
        foreach (var (key, figure) in effect.Effective)
        {
            if (figure is null) Figures.Remove(key);
            else Figures[key] = figure;
        }
        if (effect.Case is { } c)
        {
            Cases[c.CaseId] = c;
            Index(CaseEvents, c.CaseId, effect.Version);
        }
        CommitTarget(effect);
        CommitApprovals(effect);
    }

    /// <summary>
    /// Commits an effect so that the next one of a batch is prepared against it, and returns how to take it back: a
    /// ledger prepares a batch of writes in one turn, one after the other, and reverts them all before the append is
    /// awaited — reads between its awaits see only durable state (see LedgerGrain.Batching.cs).
    /// </summary>
    public LedgerUndo CommitTentatively(LedgerEffect effect)
    {
        var undo = new LedgerUndo();
        var (registration, retiredFrom) = (Registration, RetiredFrom);
        undo.Steps.Add(() => (Registration, RetiredFrom) = (registration, retiredFrom));
        foreach (var key in effect.Entered.Keys)
        {
            Keep(undo, Entered, key);
            KeepIndex(undo, FigureEvents, key);
        }
        foreach (var key in effect.Effective.Keys) Keep(undo, Figures, key);
        if (effect.Case is { } c)
        {
            Keep(undo, Cases, c.CaseId);
            KeepIndex(undo, CaseEvents, c.CaseId);
        }
        if (effect.SetTarget is { } t)
        {
            Keep(undo, Targets, t.Key);
            KeepIndex(undo, TargetEvents, t.Key);
        }
        foreach (var key in effect.Approvals.Keys) Keep(undo, Approvals, key);
        Commit(effect);
        return undo;
    }

    /// <summary>Takes back tentative commits, the last first.</summary>
    public static void Revert(IReadOnlyList<LedgerUndo> undos)
    {
        for (var u = undos.Count - 1; u >= 0; u--)
        {
            var steps = undos[u].Steps;
            for (var i = steps.Count - 1; i >= 0; i--) steps[i]();
        }
    }

    private static void Keep<T>(LedgerUndo undo, Dictionary<string, T> map, string key)
    {
        if (map.TryGetValue(key, out var old)) undo.Steps.Add(() => map[key] = old);
        else undo.Steps.Add(() => map.Remove(key));
    }

    private static void KeepIndex(LedgerUndo undo, Dictionary<string, List<long>> index, string key)
    {
        if (index.TryGetValue(key, out var versions))
        {
            var count = versions.Count;
            undo.Steps.Add(() => versions.RemoveRange(count, versions.Count - count));
        }
        else
        {
            undo.Steps.Add(() => index.Remove(key));
        }
    }

    private static void Index(Dictionary<string, List<long>> index, string key, long version)
    {
        if (!index.TryGetValue(key, out var versions)) index[key] = versions = [];
        if (versions.Count == 0 || versions[^1] != version) versions.Add(version);
    }

    /// <summary>Recomputes every derived figure from the entered ones (after loading a snapshot, which holds only those).</summary>
    public void Rebuild(IndicatorCatalog catalog)
    {
        Figures = new Dictionary<string, LedgerFigure>(StringComparer.Ordinal);
        foreach (var group in Entered.Keys.Select(FigureKey.Split).GroupBy(k => k.Period, StringComparer.Ordinal))
        {
            var effect = new LedgerEffect();
            Derive(effect, Period.Parse(group.Key), group.Select(k => k.Indicator).Distinct(StringComparer.Ordinal), catalog);
            foreach (var (key, figure) in effect.Effective)
            {
                if (figure is not null) Figures[key] = figure;
            }
        }
    }

    /// <summary>
    /// Recomputes the figures that entered values of <paramref name="indicators"/> in <paramref name="period"/> feed:
    /// the same indicators in the enclosing quarter and year (roll-ups), and the computed parents of all of them, and
    /// records in the effect those that changed (and the contribution change).
    /// </summary>
    private void Derive(LedgerEffect effect, Period period, IEnumerable<string> indicators, IndicatorCatalog catalog)
    {
        var leaves = indicators.Distinct(StringComparer.Ordinal).ToList();
        var parents = leaves.SelectMany(catalog.AncestorsOf).Distinct(StringComparer.Ordinal)
            .OrderByDescending(p => catalog.AncestorsOf(p).Count()).ToList(); // deepest first: parts before their parents
        for (Period? p = period; p is { } at; p = at.Parent)
        {
            foreach (var code in leaves) Set(effect, FigureKey.Of(at, code), Leaf(effect, at, code, catalog));
            foreach (var code in parents) Set(effect, FigureKey.Of(at, code), Parent(effect, at, code, catalog));
        }
    }

    private void Set(LedgerEffect effect, string key, LedgerFigure? figure)
    {
        var current = Figures.GetValueOrDefault(key);
        effect.Effective[key] = figure;
        if (Same(current, figure)) return;
        if (Counts(key)) effect.Figures[key] = figure?.ToContribution();
    }

    private static bool Same(LedgerFigure? a, LedgerFigure? b) =>
        a is null ? b is null : b is not null && a.Value == b.Value && a.Flags == b.Flags && a.Since == b.Since
            && (a.From ?? []).SequenceEqual(b.From ?? [], StringComparer.Ordinal);

    private EnteredFigure? EnteredAt(LedgerEffect effect, string key) =>
        effect.Entered.TryGetValue(key, out var pending) ? pending : Entered.GetValueOrDefault(key);

    private LedgerFigure? FigureAt(LedgerEffect effect, string key) =>
        effect.Effective.TryGetValue(key, out var pending) ? pending : Figures.GetValueOrDefault(key);

    /// <summary>
    /// An entered indicator in a period: its own entry if it has one; otherwise rolled up from the finer periods —
    /// a flow is the sum of them, a stock the latest that has a value; a ratio is never rolled up.
    /// </summary>
    private LedgerFigure? Leaf(LedgerEffect effect, Period period, string code, IndicatorCatalog catalog)
    {
        if (EnteredAt(effect, FigureKey.Of(period, code)) is { } e)
            return new LedgerFigure(e.Value, e.AtLeast ? FigureFlags.AtLeast : FigureFlags.None, e.Since, null, e.Actor, e.ActorName, e.At, e.Version);
        if (!catalog.TryGet(code, out var indicator) || indicator.Kind == IndicatorKind.Ratio) return null;
        var children = period.Children.Select(c => (Period: c, Figure: FigureAt(effect, FigureKey.Of(c, code)))).Where(x => x.Figure is not null).ToList();
        if (children.Count == 0) return null;
        if (indicator.Kind == IndicatorKind.Stock)
        {
            var (latest, f) = children[^1];
            return f! with { Flags = f.Flags | FigureFlags.RolledUp, From = f.From ?? [latest.ToString()] };
        }
        return Combine(children.Select(x => ((Period?)x.Period, x.Figure!)), FigureFlags.RolledUp);
    }

    /// <summary>A computed indicator in a period: the sum of its parts that have a value (partial when some have none).</summary>
    private LedgerFigure? Parent(LedgerEffect effect, Period period, string code, IndicatorCatalog catalog)
    {
        var parts = catalog.PartsOf(code);
        var present = parts.Select(p => FigureAt(effect, FigureKey.Of(period, p))).OfType<LedgerFigure>().ToList();
        if (present.Count == 0) return null;
        var sum = Combine(present.Select(f => ((Period?)null, f)), FigureFlags.Computed);
        return present.Count < parts.Count ? sum with { Flags = sum.Flags | FigureFlags.Partial } : sum;
    }

    /// <summary>The sum of figures: qualifiers carried over, held since the latest of them, attributed to the latest change.</summary>
    private static LedgerFigure Combine(IEnumerable<(Period? Period, LedgerFigure Figure)> figures, FigureFlags flags)
    {
        decimal sum = 0;
        var since = DateTimeOffset.MinValue;
        LedgerFigure? latest = null;
        SortedSet<string>? from = null;
        foreach (var (period, f) in figures)
        {
            sum += f.Value;
            flags |= f.Flags & (FigureFlags.AtLeast | FigureFlags.Partial | FigureFlags.RolledUp);
            if (f.Since > since) since = f.Since;
            if (latest is null || f.At > latest.At || (f.At == latest.At && f.Version > latest.Version)) latest = f;
            if (f.From is not null || period is not null) (from ??= new SortedSet<string>(StringComparer.Ordinal)).UnionWith(f.From ?? [period!.Value.ToString()]);
        }
        return new LedgerFigure(sum, flags, since, from?.ToList(), latest!.Actor, latest.ActorName, latest.At, latest.Version);
    }

    public static CaseTally Tally(RemediationCase c) => new(c.CaseType, c.Batch, c.Status, c.Deadline, c.OnTime, c.OpenedOn, c.Extensions > 0, c.Timeline);

    /// <summary>The org unit's whole contribution to its township.</summary>
    public (Dictionary<string, Contributed> Figures, Dictionary<string, CaseTally> Cases, Dictionary<string, ApprovalState> Approvals) Contribution() =>
        (Figures.Where(kv => Counts(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value.ToContribution(), StringComparer.Ordinal),
         Cases.ToDictionary(kv => kv.Key, kv => Tally(kv.Value), StringComparer.Ordinal),
         new Dictionary<string, ApprovalState>(Approvals, StringComparer.Ordinal));

    /// <summary>
    /// The figures of <paramref name="period"/> as they would be after <paramref name="effect"/> (for the warnings a report
    /// is answered with, computed before it is appended): indicator code → value, null where none is held.
    /// </summary>
    public Func<string, decimal?> ValuesAfter(LedgerEffect effect, Period period) => code =>
        FigureAt(effect, FigureKey.Of(period, code)) is { } f && Counts(FigureKey.Of(period, code)) ? f.Value : null;

    /// <summary>Refuses a write of figures into a period the org unit no longer counts in.</summary>
    public void CheckCounts(string orgUnitId, Period period)
    {
        if (RetiredFrom is { } from && period.Start >= Period.Parse(from).Start)
            throw DomainException.Precondition($"{orgUnitId} is retired from {from}: its figures of {period} no longer count");
    }
}

/// <summary>A figure of a ledger as read: the indicator, its unit, and the figure.</summary>
public sealed record ValueView(string Indicator, string Unit, LedgerFigure Figure);

/// <summary>An org unit's figures of one period, at one version of its journal.</summary>
public sealed record LedgerValues(string OrgUnitId, Period Period, IReadOnlyList<ValueView> Values, long Version);

/// <summary>One revision of an entered figure: the value it set (null: cleared), the one before, who, when and why.</summary>
public sealed record ValueRevision(
    decimal? Value, bool AtLeast, decimal? Previous, string Actor, string ActorName, DateTimeOffset At, string RequestId, string? Comment, long Version);

/// <summary>The revisions of one entered figure, from the ledger events that set or cleared it.</summary>
public static class ValueHistory
{
    public static IReadOnlyList<ValueRevision> Project(Period period, string indicator, IEnumerable<(long Version, LedgerEvent Event)> events)
    {
        var p = period.ToString();
        var revisions = new List<ValueRevision>();
        decimal? previous = null;
        foreach (var (version, e) in events)
        {
            switch (e)
            {
                case ValuesReported r when r.Period == p:
                    foreach (var f in r.Figures.Where(f => f.Indicator == indicator))
                    {
                        revisions.Add(new ValueRevision(f.Value, f.AtLeast, previous, r.Meta.Actor, r.Meta.ActorName, r.Meta.At, r.Meta.RequestId, r.Comment, version));
                        previous = f.Value;
                    }
                    break;
                case ValuesCleared c when c.Period == p && c.Indicators.Contains(indicator):
                    revisions.Add(new ValueRevision(null, false, previous, c.Meta.Actor, c.Meta.ActorName, c.Meta.At, c.Meta.RequestId, c.Reason, version));
                    previous = null;
                    break;
            }
        }
        return revisions;
    }
}
