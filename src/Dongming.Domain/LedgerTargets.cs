namespace Dongming.Domain;

/// <summary>A target set (or revised) for one indicator and period of the org unit (目标任务下达).</summary>
public sealed record TargetSet(EventMeta Meta, string Period, string Indicator, decimal Value, TargetDirection Direction, string? Note) : LedgerEvent(Meta);

public sealed partial class LedgerEffect
{
    /// <summary>The target a <see cref="TargetSet"/> event sets, by <see cref="FigureKey"/>.</summary>
    internal KeyValuePair<string, Target>? SetTarget { get; set; }

    /// <summary>Targets of the contribution that changed (null = removed), by <see cref="FigureKey"/>.</summary>
    public Dictionary<string, Target?> Targets { get; } = new(StringComparer.Ordinal);
}

/// <summary>The targets of an org unit's ledger: kept like entered figures, audited by the events that set them.</summary>
public sealed partial class LedgerState
{
    /// <summary>Targets by <see cref="FigureKey"/>, as last set.</summary>
    public Dictionary<string, Target> Targets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Journal versions of the events that set each target, oldest first.</summary>
    public Dictionary<string, List<long>> TargetEvents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The target an event sets (also how a replayed request's first answer is rebuilt).</summary>
    public static Target TargetOf(TargetSet e, long version, IndicatorCatalog catalog) =>
        new(e.Indicator, Period.Parse(e.Period), e.Value, catalog.TryGet(e.Indicator, out var d) ? d.Unit : string.Empty, e.Direction, e.Note,
            e.Meta.Actor, e.Meta.ActorName, e.Meta.At, e.Meta.RequestId, version);

    private void PrepareTarget(LedgerEffect effect, TargetSet e, long version, IndicatorCatalog catalog)
    {
        var key = FigureKey.Of(e.Period, e.Indicator);
        var target = TargetOf(e, version, catalog);
        effect.SetTarget = new(key, target);
        if (Counts(key)) effect.Targets[key] = target;
    }

    /// <summary>A retired village's targets of periods from its retirement on leave the township, like its figures.</summary>
    private void RetireTargets(LedgerEffect effect, Period from)
    {
        foreach (var (key, target) in Targets)
        {
            if (target.Period.Start >= from.Start && Counts(key)) effect.Targets[key] = null;
        }
    }

    private void CommitTarget(LedgerEffect effect)
    {
        if (effect.SetTarget is not { } set) return;
        Targets[set.Key] = set.Value;
        Index(TargetEvents, set.Key, effect.Version);
    }

    /// <summary>The org unit's targets as its township counts them.</summary>
    public Dictionary<string, Target> TargetContribution() =>
        Targets.Where(kv => Counts(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
