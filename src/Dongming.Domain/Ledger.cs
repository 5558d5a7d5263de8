using System.Text.Json.Serialization;

namespace Dongming.Domain;

/// <summary>Who, when and under which request id a ledger event was recorded: the audit trail.</summary>
public sealed record EventMeta(string Actor, string ActorName, DateTimeOffset At, string RequestId);

/// <summary>An event of an org unit's ledger (台账). The journal holds these; state is their fold.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(OrgUnitRegistered), "org_unit_registered")]
[JsonDerivedType(typeof(ValuesReported), "values_reported")]
[JsonDerivedType(typeof(CaseOpened), "case_opened")]
[JsonDerivedType(typeof(CaseTransitioned), "case_transitioned")]
[JsonDerivedType(typeof(CaseUpdated), "case_updated")]
public abstract record LedgerEvent(EventMeta Meta);

/// <summary>The ledger was put on the roster as a village or as a township's own ledger.</summary>
public sealed record OrgUnitRegistered(EventMeta Meta, OrgUnitLevel Level, string TownshipId, string Name, VillageKind Kind) : LedgerEvent(Meta);

/// <summary>A report: values of one period (computed parents follow from them).</summary>
public sealed record ValuesReported(EventMeta Meta, string Period, IReadOnlyList<ReportedFigure> Figures, string? Comment) : LedgerEvent(Meta);

/// <summary>A case was opened.</summary>
public sealed record CaseOpened(EventMeta Meta, RemediationCase Case, string? Note) : LedgerEvent(Meta);

/// <summary>A case moved to another status.</summary>
public sealed record CaseTransitioned(EventMeta Meta, string CaseId, CaseStatus From, CaseStatus To, DateOnly EffectiveOn, string? Note) : LedgerEvent(Meta);

/// <summary>A case's deadline, assignee or flags changed.</summary>
public sealed record CaseUpdated(EventMeta Meta, string CaseId, CaseChanges Changes, IReadOnlyList<string> Description, string? Note) : LedgerEvent(Meta);

/// <summary>A value as it stands in a ledger, with who set it.</summary>
public sealed record FigureRecord(decimal Value, string Actor, string ActorName, DateTimeOffset At, long Version, bool Computed);

/// <summary>A case as the township's summary sees it.</summary>
public sealed record CaseTally(string CaseType, string? Batch, CaseStatus Status, DateOnly Deadline, bool OnTime);

/// <summary>
/// The state of one org unit's ledger: its registration, its figures (entered and computed) and its cases.
/// Pure fold of <see cref="LedgerEvent"/>s; every change is O(size of the event), never O(size of the ledger).
/// </summary>
public sealed class LedgerState
{
    /// <summary>Registration; null until the org unit is on the roster.</summary>
    public OrgUnitRegistered? Registration { get; set; }

    /// <summary>Figures by <see cref="FigureKey"/>.</summary>
    public Dictionary<string, FigureRecord> Figures { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Cases by id.</summary>
    public Dictionary<string, RemediationCase> Cases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Applies an event at journal version <paramref name="version"/> and records in <paramref name="changes"/>
    /// what changed in the org unit's contribution to its township (null value = removed).
    /// </summary>
    public void Apply(LedgerEvent e, long version, IndicatorCatalog catalog, ContributionDelta? changes = null)
    {
        switch (e)
        {
            case OrgUnitRegistered r:
                Registration = r;
                break;
            case ValuesReported r:
                foreach (var f in r.Figures)
                {
                    var key = FigureKey.Of(r.Period, f.Indicator);
                    Figures[key] = new FigureRecord(f.Value, r.Meta.Actor, r.Meta.ActorName, r.Meta.At, version, false);
                    changes?.Figures[key] = f.Value;
                }
                // Parents are the sum of their parts: recompute only the chains touched by this report.
                var parents = r.Figures.SelectMany(f => catalog.AncestorsOf(f.Indicator)).Distinct().ToList();
                foreach (var parent in parents.OrderByDescending(p => catalog.AncestorsOf(p).Count()))
                {
                    Recompute(r.Period, parent, catalog, r.Meta, version, changes);
                }
                break;
            case CaseOpened o:
                Cases[o.Case.CaseId] = o.Case;
                changes?.Cases[o.Case.CaseId] = Tally(o.Case);
                break;
            case CaseTransitioned t:
                {
                    var c = Cases[t.CaseId].MoveTo(t.To, t.EffectiveOn, t.Note, t.Meta.At);
                    Cases[t.CaseId] = c;
                    changes?.Cases[c.CaseId] = Tally(c);
                    break;
                }
            case CaseUpdated u:
                {
                    var c = Cases[u.CaseId];
                    c = c with
                    {
                        Deadline = u.Changes.Deadline ?? c.Deadline,
                        Assignee = u.Changes.Assignee is null ? c.Assignee : (u.Changes.Assignee.Length == 0 ? null : u.Changes.Assignee),
                        Repeat = u.Changes.Repeat ?? c.Repeat,
                        Returned = u.Changes.Returned ?? c.Returned,
                        Version = c.Version + 1,
                        UpdatedAt = u.Meta.At,
                    };
                    Cases[u.CaseId] = c;
                    changes?.Cases[c.CaseId] = Tally(c);
                    break;
                }
        }
    }

    private void Recompute(string period, string parent, IndicatorCatalog catalog, EventMeta meta, long version, ContributionDelta? changes)
    {
        decimal sum = 0;
        var any = false;
        foreach (var part in catalog.PartsOf(parent))
        {
            if (Figures.TryGetValue(FigureKey.Of(period, part), out var f)) { sum += f.Value; any = true; }
        }
        var key = FigureKey.Of(period, parent);
        if (any) Figures[key] = new FigureRecord(sum, meta.Actor, meta.ActorName, meta.At, version, true);
        else Figures.Remove(key);
        changes?.Figures[key] = any ? sum : null;
    }

    public static CaseTally Tally(RemediationCase c) => new(c.CaseType, c.Batch, c.Status, c.Deadline, c.OnTime);

    /// <summary>The org unit's whole contribution to its township.</summary>
    public (Dictionary<string, decimal> Figures, Dictionary<string, CaseTally> Cases) Contribution() =>
        (Figures.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal),
         Cases.ToDictionary(kv => kv.Key, kv => Tally(kv.Value), StringComparer.Ordinal));
}

/// <summary>What changed in an org unit's contribution (null = removed).</summary>
public sealed class ContributionDelta
{
    public Dictionary<string, decimal?> Figures { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CaseTally?> Cases { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Figures.Count == 0 && Cases.Count == 0;
}
