namespace Dongming.Domain;

/// <summary>Which side of a target a figure must end on.</summary>
public enum TargetDirection
{
    /// <summary>At least the target (完成 3100 亩, 4 轮排查).</summary>
    AtLeast = 1,
    /// <summary>At most the target: a ceiling (不发生重大安全事故: at most 0).</summary>
    AtMost = 2,
    /// <summary>Exactly the target.</summary>
    Exactly = 3,
}

/// <summary>Where a figure stands against its target, as of a date.</summary>
public enum ProgressStatus
{
    /// <summary>The figure is on the right side of the target (for a ceiling: the period is over and it was kept).</summary>
    Met = 1,
    /// <summary>Not met yet, but where it should be by now.</summary>
    OnTrack = 2,
    /// <summary>Not where it should be by now: short of the share of the period elapsed, past a ceiling, or the period ended unmet.</summary>
    Behind = 3,
    /// <summary>No figure is held for the period yet: nothing to judge (a flow with nothing reported is not taken as 0).</summary>
    NoValue = 4,
}

/// <summary>
/// A target (目标任务) of one org unit's figure in one period, as it stands: the value and direction, the note
/// (e.g. the plan's wording), and who set it, when, under which request id and at which journal version of the
/// org unit's ledger. Setting it again revises it; every revision stays in the ledger's journal.
/// </summary>
public sealed record Target(
    string Indicator, Period Period, decimal Value, string Unit, TargetDirection Direction, string? Note,
    string Actor, string ActorName, DateTimeOffset At, string RequestId, long Version);

/// <summary>A target with the org unit it was set for (a village, or the township itself).</summary>
public sealed record OrgUnitTarget(string OrgUnitId, Target Target);

/// <summary>The answer to setting a target: the target as set (the first answer again on a replay).</summary>
public sealed record TargetReceipt(string OrgUnitId, Target Target, bool Replayed);

/// <summary>Setting a target, as the caller sent it.</summary>
public sealed record SetTargetCommand(string OrgUnitId, string? Indicator, string? Period, string? Target, TargetDirection? Direction, string? RequestId, string? Note);

/// <summary>A target that passed validation.</summary>
public sealed record ValidatedTarget(string OrgUnitId, IndicatorDefinition Indicator, Period Period, decimal Value, TargetDirection Direction, string RequestId, string? Note)
{
    /// <summary>Fingerprint of the body, stored with the request id.</summary>
    public string Fingerprint => Reporting.Fingerprint("target", OrgUnitId, Period.ToString(), Indicator.Code, ExactDecimal.Format(Value), Direction.ToString(), Note);
}

/// <summary>One revision of a target: the value and direction it set, the value before, who, when and why.</summary>
public sealed record TargetRevision(
    decimal Value, TargetDirection Direction, decimal? Previous, string? Note, string Actor, string ActorName, DateTimeOffset At, string RequestId, long Version);

/// <summary>Which targets of a township to list.</summary>
public sealed record TargetQuery(Period? Period, string? OrgUnitId)
{
    /// <summary>Validates the filters of a target listing (both optional).</summary>
    public static TargetQuery Validate(string? period, string? orgUnitId)
    {
        var v = new Violations();
        var p = string.IsNullOrEmpty(period) ? null : Dongming.Domain.Period.Parse(v, "period", period);
        if (!string.IsNullOrEmpty(orgUnitId)) Text.CheckOrgUnitId(v, "org_unit_id", orgUnitId);
        v.ThrowIfAny();
        return new TargetQuery(p, string.IsNullOrEmpty(orgUnitId) ? null : orgUnitId);
    }

    public bool Matches(string orgUnitId, Target target) =>
        (Period is not { } p || target.Period == p) && (OrgUnitId is null || OrgUnitId == orgUnitId);
}

/// <summary>A township's targets, at one version of its kept totals.</summary>
public sealed record TargetList(string TownshipId, IReadOnlyList<OrgUnitTarget> Targets, long Version);

/// <summary>What progress to judge: the targets of a period (optionally of one org unit), as of a date.</summary>
public sealed record ProgressQuery(Period Period, DateOnly AsOf, string? OrgUnitId)
{
    /// <summary>Validates a progress request; <paramref name="asOf"/> defaults to <paramref name="today"/>.</summary>
    public static ProgressQuery Validate(string? period, string? asOf, string? orgUnitId, DateOnly today)
    {
        var v = new Violations();
        var p = Dongming.Domain.Period.Parse(v, "period", period);
        var date = CaseDates.Parse(v, "as_of", asOf, required: false) ?? today;
        if (!string.IsNullOrEmpty(orgUnitId)) Text.CheckOrgUnitId(v, "org_unit_id", orgUnitId);
        v.ThrowIfAny();
        return new ProgressQuery(p!.Value, date, string.IsNullOrEmpty(orgUnitId) ? null : orgUnitId);
    }
}

/// <summary>
/// One target with the figure it is judged on. <see cref="Actual"/> is the township total for a target of the
/// township itself, the org unit's own value otherwise — rolled up like every figure (a year from its quarters), null
/// when there is none. The qualifiers are those of that figure: a lower bound, computed from only some parts, rolled
/// up (from which periods); <see cref="VillagesReporting"/> only for a township total.
/// </summary>
public sealed record TargetProgress(
    string OrgUnitId, Target Target, decimal? Actual, ProgressStatus Status, decimal? Ratio,
    bool AtLeast, bool Partial, bool RolledUp, IReadOnlyList<string> From, int? VillagesReporting);

/// <summary>The progress of a township's targets of one period as of a date, at one version of its kept totals.</summary>
public sealed record ProgressAnswer(string TownshipId, Period Period, DateOnly AsOf, decimal ElapsedShare, IReadOnlyList<TargetProgress> Items, long Version);

/// <summary>The rules of targets and progress (目标任务与进度).</summary>
public static class Planning
{
    /// <summary>Decimals of a progress ratio, a change ratio and an elapsed share (rounded half to even).</summary>
    public const int RatioPlaces = 4;

    /// <summary>
    /// Validates a target for an org unit of <paramref name="level"/>: an indicator of the catalog (computed ones
    /// included: a target of a sum is a target like any; township-only indicators not on a village), a period, the
    /// value by the indicator's unit rules (<see cref="Units.CheckValue"/>), a direction, the request id and the note.
    /// Every problem is collected; an unknown indicator alone is NOT_FOUND.
    /// </summary>
    public static ValidatedTarget Validate(IndicatorCatalog catalog, OrgUnitLevel level, SetTargetCommand command)
    {
        var v = new Violations();
        IndicatorDefinition? indicator = null;
        if (!Text.IsCode(command.Indicator)) v.Add("indicator", string.IsNullOrEmpty(command.Indicator) ? "is required" : "is not a valid indicator code");
        else if (!catalog.TryGet(command.Indicator!, out var found)) v.AddUnknown("indicator", $"indicator {command.Indicator} is not in the catalog");
        else if (Reporting.CheckLevel(v, "indicator", level, found)) indicator = found;
        var period = Period.Parse(v, "period", command.Period);
        var value = ExactDecimal.Parse(v, "target", command.Target);
        if (value is { } d && indicator is not null) Units.CheckValue(v, "target", indicator, d);
        if (command.Direction is not { } direction || !Enum.IsDefined(direction))
            v.Add("direction", "is required: TARGET_DIRECTION_AT_LEAST, TARGET_DIRECTION_AT_MOST or TARGET_DIRECTION_EXACTLY");
        Text.CheckRequestId(v, "request_id", command.RequestId);
        Text.CheckText(v, "note", command.Note, Text.MaxNoteLength, allowNewLines: true);
        v.ThrowIfAny();
        return new ValidatedTarget(command.OrgUnitId, indicator!, period!.Value, value!.Value, command.Direction!.Value, command.RequestId!,
            string.IsNullOrEmpty(command.Note) ? null : command.Note);
    }

    /// <summary>
    /// Days of <paramref name="period"/> elapsed by the end of <paramref name="asOf"/> (0 before it starts, all of them
    /// once it has ended), and its length in days.
    /// </summary>
    public static (long Days, long Of) Elapsed(Period period, DateOnly asOf)
    {
        long length = period.End.DayNumber - period.Start.DayNumber + 1;
        long days = asOf.DayNumber - period.Start.DayNumber + 1;
        return (Math.Clamp(days, 0, length), length);
    }

    /// <summary>
    /// Judges a figure against its target with <paramref name="elapsed"/> of <paramref name="length"/> days of the period
    /// gone, exactly (no rounded share is compared):
    /// <list type="bullet">
    /// <item>no figure: <see cref="ProgressStatus.NoValue"/>;</item>
    /// <item>at least, flow: met once the figure reaches the target; on track while it is at least the target × the
    /// share elapsed; behind otherwise (so, once the period has ended, when it was missed);</item>
    /// <item>at least, stock or ratio (a level, not accumulated over the period, so no share applies): met when the
    /// level reaches the target; on track until the period ends; behind once it ended below;</item>
    /// <item>at most, any kind: behind as soon as the figure exceeds the ceiling; met once the period ended within it;
    /// on track before that (a ceiling is not paced);</item>
    /// <item>exactly, flow: met when equal; behind when past it (a flow does not come back down) or short of the
    /// target × the share elapsed; on track otherwise;</item>
    /// <item>exactly, stock or ratio: met when equal; on track until the period ends; behind once it ended unequal.</item>
    /// </list>
    /// </summary>
    public static ProgressStatus Judge(IndicatorKind kind, TargetDirection direction, decimal target, decimal? actual, long elapsed, long length)
    {
        if (actual is not { } a) return ProgressStatus.NoValue;
        var ended = elapsed >= length;
        var paced = ExactDecimal.CompareProducts(a, length, target, elapsed) >= 0; // a ≥ target × elapsed / length
        var flow = kind == IndicatorKind.Flow;
        return direction switch
        {
            TargetDirection.AtLeast when a >= target => ProgressStatus.Met,
            TargetDirection.AtLeast when flow => paced ? ProgressStatus.OnTrack : ProgressStatus.Behind,
            TargetDirection.AtMost when a > target => ProgressStatus.Behind,
            TargetDirection.AtMost => ended ? ProgressStatus.Met : ProgressStatus.OnTrack,
            TargetDirection.Exactly when a == target => ProgressStatus.Met,
            TargetDirection.Exactly when flow => a < target && paced ? ProgressStatus.OnTrack : ProgressStatus.Behind,
            _ => ended ? ProgressStatus.Behind : ProgressStatus.OnTrack,
        };
    }
}

/// <summary>The revisions of one target, from the ledger events that set it.</summary>
public static class TargetHistory
{
    public static IReadOnlyList<TargetRevision> Project(Period period, string indicator, IEnumerable<(long Version, LedgerEvent Event)> events)
    {
        var p = period.ToString();
        var revisions = new List<TargetRevision>();
        decimal? previous = null;
        foreach (var (version, e) in events)
        {
            if (e is not TargetSet s || s.Period != p || s.Indicator != indicator) continue;
            revisions.Add(new TargetRevision(s.Value, s.Direction, previous, s.Note, s.Meta.Actor, s.Meta.ActorName, s.Meta.At, s.Meta.RequestId, version));
            previous = s.Value;
        }
        return revisions;
    }
}
