using System.Globalization;

namespace Dongming.Domain;

/// <summary>
/// Where the approval (审核) of one (org unit, data set, period) stands. The one state machine is
/// <see cref="ApprovalLifecycle"/>; the README draws it.
/// </summary>
public enum ApprovalStatus
{
    /// <summary>Nothing submitted (or reopened by an unapproval): the figures may be changed.</summary>
    Open,
    /// <summary>Submitted by the org unit (上报): awaiting the township's decision.</summary>
    Submitted,
    /// <summary>Approved (审核通过): the data set's figures of the period are locked.</summary>
    Approved,
    /// <summary>Sent back with a reason (退回): to be corrected and submitted again.</summary>
    Rejected,
}

/// <summary>A step of an approval.</summary>
public enum ApprovalAction
{
    Submit,
    Approve,
    Reject,
    Unapprove,
}

/// <summary>One journaled step of an approval: what was done, from which state to which, by whom, when and why.</summary>
public sealed record ApprovalStep(
    ApprovalAction Action, ApprovalStatus From, ApprovalStatus To, string Actor, string ActorName, DateTimeOffset At, string? Reason, string RequestId);

/// <summary>
/// The approval of one (data set, period) of one org unit: its status, the indicators an approval locks (fixed when it
/// was approved, so redefining the data set later never unlocks them silently), and every step so far.
/// </summary>
public sealed record ApprovalState(string DataSet, string Period, ApprovalStatus Status, IReadOnlyList<string> LockedIndicators, IReadOnlyList<ApprovalStep> History)
{
    /// <summary>The key of an approval in a ledger and a contribution: "data set|period".</summary>
    public static string KeyOf(string dataSet, string period) => $"{dataSet}|{period}";

    public string Key => KeyOf(DataSet, Period);

    /// <summary>True when this approval locks <paramref name="indicator"/> in <paramref name="period"/>: approved for a period containing it.</summary>
    public bool Locks(Period period, string indicator) =>
        Status == ApprovalStatus.Approved && global::Dongming.Domain.Period.Parse(Period).Contains(period) && LockedIndicators.Contains(indicator, StringComparer.Ordinal);

    /// <summary>The state as it stood right after the step recorded under <paramref name="requestId"/> (the answer that step got).</summary>
    public ApprovalState AsAfter(string requestId, IReadOnlyList<string> lockedThen)
    {
        var index = History.Select((s, i) => (s, i)).Where(x => x.s.RequestId == requestId).Select(x => x.i).DefaultIfEmpty(History.Count - 1).First();
        var history = History.Take(index + 1).ToList();
        var status = history.Count == 0 ? ApprovalStatus.Open : history[^1].To;
        return new ApprovalState(DataSet, Period, status, status == ApprovalStatus.Approved ? lockedThen : [], history);
    }

    public bool Equals(ApprovalState? other) =>
        other is not null && DataSet == other.DataSet && Period == other.Period && Status == other.Status
        && LockedIndicators.SequenceEqual(other.LockedIndicators, StringComparer.Ordinal) && History.SequenceEqual(other.History);

    public override int GetHashCode() => HashCode.Combine(DataSet, Period, Status, History.Count);
}

/// <summary>An approval step as the caller sent it.</summary>
public sealed record ApprovalCommand(ApprovalAction Action, string OrgUnitId, string? DataSet, string? Period, string? RequestId, string? Reason);

/// <summary>An approval step that passed validation.</summary>
public sealed record ValidatedApproval(ApprovalAction Action, string OrgUnitId, string DataSet, Period Period, string RequestId, string? Reason)
{
    public string Fingerprint => Reporting.Fingerprint("approval", Action.ToString(), OrgUnitId, DataSet, Period.ToString(), Reason);
}

/// <summary>
/// The state machine of approvals: open → submitted → approved | rejected; rejected → submitted; approved → open
/// (unapproved, with a reason). Figures are locked only while approved.
/// </summary>
public static class ApprovalLifecycle
{
    private static readonly Dictionary<ApprovalAction, (ApprovalStatus[] From, ApprovalStatus To)> Moves = new()
    {
        [ApprovalAction.Submit] = ([ApprovalStatus.Open, ApprovalStatus.Rejected], ApprovalStatus.Submitted),
        [ApprovalAction.Approve] = ([ApprovalStatus.Submitted], ApprovalStatus.Approved),
        [ApprovalAction.Reject] = ([ApprovalStatus.Submitted], ApprovalStatus.Rejected),
        [ApprovalAction.Unapprove] = ([ApprovalStatus.Approved], ApprovalStatus.Open),
    };

    /// <summary>The status <paramref name="action"/> leads to from <paramref name="from"/>, or FAILED_PRECONDITION naming both.</summary>
    public static ApprovalStatus Next(ApprovalStatus from, ApprovalAction action, string what)
    {
        var (allowed, to) = Moves[action];
        if (allowed.Contains(from)) return to;
        throw DomainException.Precondition(
            $"{what} is {Name(from)}: {Verb(action)} needs it {string.Join(" or ", allowed.Select(Name))}");
    }

    /// <summary>The API name of a status (APPROVAL_STATUS_…).</summary>
    public static string Name(ApprovalStatus status) => "APPROVAL_STATUS_" + status.ToString().ToUpperInvariant();

    private static string Verb(ApprovalAction action) => action.ToString().ToLower(CultureInfo.InvariantCulture);

    /// <summary>Reject and unapprove say why; submit and approve may.</summary>
    public static bool NeedsReason(ApprovalAction action) => action is ApprovalAction.Reject or ApprovalAction.Unapprove;

    /// <summary>
    /// Validates an approval step: data set code, period, request id and reason (required to reject or unapprove). The
    /// data set must be defined for the org unit's township (<paramref name="periodKind"/> null: it is not; NOT_FOUND when
    /// that is the only problem) and the period of its kind.
    /// </summary>
    public static ValidatedApproval Validate(ApprovalCommand command, string townshipId, PeriodKind? periodKind)
    {
        var v = new Violations();
        if (!Enum.IsDefined(command.Action)) v.Add("action", "is not a known approval step");
        Text.CheckCode(v, "data_set", command.DataSet);
        var period = Period.Parse(v, "period", command.Period);
        Text.CheckRequestId(v, "request_id", command.RequestId);
        Text.CheckText(v, "reason", command.Reason, Text.MaxNoteLength, required: NeedsReason(command.Action), allowNewLines: true);
        if (Text.IsCode(command.DataSet))
        {
            if (periodKind is not { } kind) v.AddUnknown("data_set", $"data set {command.DataSet} is not defined for township {townshipId}");
            else if (period is { } p) Period.CheckKind(v, "period", p, kind, command.DataSet!);
        }
        v.ThrowIfAny();
        return new ValidatedApproval(command.Action, command.OrgUnitId, command.DataSet!, period!.Value, command.RequestId!,
            string.IsNullOrEmpty(command.Reason) ? null : command.Reason);
    }
}

/// <summary>An approval step as journaled in the org unit's ledger.</summary>
public abstract record ApprovalEvent(EventMeta Meta, string DataSet, string Period, string? Reason) : LedgerEvent(Meta)
{
    public abstract ApprovalAction Action { get; }
}

/// <summary>The org unit submitted the data set's figures of the period (上报).</summary>
public sealed record DataSetSubmitted(EventMeta Meta, string DataSet, string Period, string? Reason) : ApprovalEvent(Meta, DataSet, Period, Reason)
{
    public override ApprovalAction Action => ApprovalAction.Submit;
}

/// <summary>The township approved them; <paramref name="Indicators"/> (the data set's at that time) are locked.</summary>
public sealed record DataSetApproved(EventMeta Meta, string DataSet, string Period, string? Reason, IReadOnlyList<string> Indicators) : ApprovalEvent(Meta, DataSet, Period, Reason)
{
    public override ApprovalAction Action => ApprovalAction.Approve;
}

/// <summary>The township sent them back, with the reason.</summary>
public sealed record DataSetRejected(EventMeta Meta, string DataSet, string Period, string? Reason) : ApprovalEvent(Meta, DataSet, Period, Reason)
{
    public override ApprovalAction Action => ApprovalAction.Reject;
}

/// <summary>An approval was withdrawn, with the reason: the figures are open again.</summary>
public sealed record DataSetUnapproved(EventMeta Meta, string DataSet, string Period, string? Reason) : ApprovalEvent(Meta, DataSet, Period, Reason)
{
    public override ApprovalAction Action => ApprovalAction.Unapprove;
}

/// <summary>The approvals of a ledger: their fold, and the lock they put on figures.</summary>
public sealed partial class LedgerState
{
    /// <summary>Approvals by <see cref="ApprovalState.KeyOf"/>.</summary>
    public Dictionary<string, ApprovalState> Approvals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The approval of (data set, period), or null when nothing was ever submitted.</summary>
    public ApprovalState? ApprovalOf(string dataSet, Period period) => Approvals.GetValueOrDefault(ApprovalState.KeyOf(dataSet, period.ToString()));

    private void PrepareApproval(LedgerEffect effect, ApprovalEvent e)
    {
        var key = ApprovalState.KeyOf(e.DataSet, e.Period);
        var current = Approvals.GetValueOrDefault(key);
        var from = current?.Status ?? ApprovalStatus.Open;
        var to = ApprovalLifecycle.Next(from, e.Action, $"data set {e.DataSet} of {e.Period}");
        var step = new ApprovalStep(e.Action, from, to, e.Meta.Actor, e.Meta.ActorName, e.Meta.At, e.Reason, e.Meta.RequestId);
        IReadOnlyList<string> locked = e is DataSetApproved a ? a.Indicators : [];
        effect.Approvals[key] = new ApprovalState(e.DataSet, e.Period, to, locked, [.. current?.History ?? [], step]);
    }

    private void CommitApprovals(LedgerEffect effect)
    {
        foreach (var (key, state) in effect.Approvals)
        {
            if (state is null) Approvals.Remove(key);
            else Approvals[key] = state;
        }
    }

    /// <summary>
    /// Refuses a write of <paramref name="indicators"/> in <paramref name="period"/> that an approval locks: approved for
    /// that period or one containing it (a quarter of an approved year: its roll-up would change behind the approval).
    /// </summary>
    public void CheckUnlocked(string orgUnitId, Period period, IEnumerable<string> indicators)
    {
        if (Approvals.Count == 0) return;
        var codes = indicators.ToList();
        foreach (var approval in Approvals.Values.Where(a => a.Status == ApprovalStatus.Approved).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var locked = codes.Where(c => approval.Locks(period, c)).ToList();
            if (locked.Count == 0) continue;
            var by = approval.History.LastOrDefault(s => s.To == ApprovalStatus.Approved);
            throw DomainException.Precondition(
                $"locked: data set {approval.DataSet} of {approval.Period} is approved for {orgUnitId}" +
                (by is null ? "" : $" (by {by.ActorName} on {CaseDates.Format(DateOnly.FromDateTime(by.At.ToOffset(CaseDates.Offset).DateTime))})") +
                $", so {string.Join(", ", locked.Take(10))}{(locked.Count > 10 ? ", …" : "")} of {period} cannot change; unapprove it first");
        }
    }
}
