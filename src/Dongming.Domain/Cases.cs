using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Dongming.Domain;

/// <summary>The lifecycle of a remediation case (see README: the case lifecycle).</summary>
public enum CaseStatus
{
    /// <summary>发现/受理/交办: found, received or assigned.</summary>
    Reported = 1,
    /// <summary>查处: under investigation.</summary>
    Investigating = 2,
    /// <summary>整改中: being rectified.</summary>
    Rectifying = 3,
    /// <summary>已整改: rectified, awaiting verification.</summary>
    Rectified = 4,
    /// <summary>销号/办结: verified and struck off.</summary>
    Closed = 5,
    /// <summary>封控管理: sealed off, not removed; still open.</summary>
    Controlled = 6,
    /// <summary>导入诉仲程序: sent to litigation or arbitration; out of the township's workflow.</summary>
    Transferred = 7,
    /// <summary>Reopened after closing; back in work.</summary>
    Reopened = 8,
}

/// <summary>Where a case came from.</summary>
public enum CaseSource
{
    /// <summary>Not recorded.</summary>
    Unspecified = 0,
    /// <summary>上级交办.</summary>
    AssignedFromAbove = 1,
    /// <summary>排查.</summary>
    Screening = 2,
    /// <summary>12345 热线.</summary>
    Hotline = 3,
    /// <summary>检查/执法.</summary>
    Inspection = 4,
}

/// <summary>A kind of case (林业违法图斑, 12345热线工单, …).</summary>
public sealed record CaseTypeDefinition(string Code, string NameZh, string NameEn)
{
    /// <summary>12345 hotline tickets may be closed straight from REPORTED (办结 on the first answer).</summary>
    public const string HotlineTicket = "hotline_ticket";

    public static void Check(CaseTypeDefinition type)
    {
        var v = new Violations();
        Text.CheckCode(v, "case_type.code", type.Code);
        Text.CheckText(v, "case_type.name_zh", type.NameZh, 100, required: true);
        Text.CheckText(v, "case_type.name_en", type.NameEn, 200, required: true);
        v.ThrowIfAny();
    }
}

/// <summary>The one state machine of cases.</summary>
public static class CaseLifecycle
{
    private static readonly Dictionary<CaseStatus, CaseStatus[]> Allowed = new()
    {
        [CaseStatus.Reported] = [CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Controlled, CaseStatus.Transferred],
        [CaseStatus.Investigating] = [CaseStatus.Rectifying, CaseStatus.Controlled, CaseStatus.Transferred, CaseStatus.Closed],
        [CaseStatus.Rectifying] = [CaseStatus.Rectified, CaseStatus.Controlled, CaseStatus.Transferred],
        [CaseStatus.Rectified] = [CaseStatus.Closed, CaseStatus.Rectifying],
        [CaseStatus.Controlled] = [CaseStatus.Rectifying, CaseStatus.Rectified, CaseStatus.Transferred],
        [CaseStatus.Closed] = [CaseStatus.Reopened],
        [CaseStatus.Transferred] = [],
        [CaseStatus.Reopened] = [CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Controlled, CaseStatus.Transferred],
    };

    /// <summary>The statuses a case of <paramref name="caseType"/> may move to from <paramref name="from"/>.</summary>
    public static IReadOnlyList<CaseStatus> NextStatuses(CaseStatus from, string caseType)
    {
        var next = Allowed[from];
        return from == CaseStatus.Reported && caseType == CaseTypeDefinition.HotlineTicket ? [.. next, CaseStatus.Closed] : next;
    }

    public static bool CanMove(CaseStatus from, CaseStatus to, string caseType) => NextStatuses(from, caseType).Contains(to);

    /// <summary>Still needs work: everything but rectified, closed and transferred.</summary>
    public static bool IsOpen(CaseStatus status) => status is CaseStatus.Reported or CaseStatus.Investigating or CaseStatus.Rectifying or CaseStatus.Controlled or CaseStatus.Reopened;

    /// <summary>Work done: rectified or closed.</summary>
    public static bool IsCompleted(CaseStatus status) => status is CaseStatus.Rectified or CaseStatus.Closed;

    /// <summary>The API name of a status (CASE_STATUS_…).</summary>
    public static string Name(CaseStatus status) => "CASE_STATUS_" + status.ToString().ToUpperInvariant();
}

/// <summary>
/// A case's status, deadline, on-time outcome and whether it was ever extended, in force from <paramref name="On"/>
/// (until the next step): what "as of a date" reads.
/// </summary>
public sealed record CaseStep(DateOnly On, CaseStatus Status, DateOnly Deadline, bool OnTime, bool Extended);

/// <summary>A point on the map (WGS84).</summary>
public sealed record GeoPoint(decimal Longitude, decimal Latitude);

/// <summary>A remediation case (整改事项) as it stands.</summary>
public sealed record RemediationCase
{
    public required string CaseId { get; init; }
    public required string OrgUnitId { get; init; }
    public required string TownshipId { get; init; }
    public required string CaseType { get; init; }
    public string? Batch { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public GeoPoint? Location { get; init; }
    public decimal? AreaMu { get; init; }
    public string? Category { get; init; }
    public CaseSource Source { get; init; }
    public required DateOnly OpenedOn { get; init; }
    public required DateOnly Deadline { get; init; }
    public string? Assignee { get; init; }
    public bool Repeat { get; init; }
    public bool Returned { get; init; }
    public CaseStatus Status { get; init; } = CaseStatus.Reported;
    /// <summary>Increases with every change; callers pass it back as expected_version.</summary>
    public long Version { get; init; } = 1;
    public DateOnly? RectifiedOn { get; init; }
    public DateOnly? ClosedOn { get; init; }
    public required string OpenedBy { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Whether the work was done on or before the deadline then in force — fixed on the day it was done (rectified, or
    /// closed without a rectification step) and never changed by a later deadline change; cleared when the case goes
    /// back into work (rectifying again, reopened). Null while not completed.
    /// </summary>
    public bool? CompletedOnTime { get; init; }

    /// <summary>How often the deadline was moved later while the case was open (延期).</summary>
    public int Extensions { get; init; }

    /// <summary>
    /// The case's status and deadline from each date on: its opening, then every transition (on its effective date)
    /// and deadline change (on the day it was recorded), in order. Empty in cases journaled before it was kept (read
    /// <see cref="Timeline"/>).
    /// </summary>
    public ValueList<CaseStep> Steps { get; init; } = [];

    /// <summary><see cref="Steps"/>, or the opening alone for a case that has none recorded.</summary>
    [JsonIgnore] // derived: not stored or sent
    public IReadOnlyList<CaseStep> Timeline => Steps.Count > 0 ? Steps : [new CaseStep(OpenedOn, Status, Deadline, OnTime, Extensions > 0)];

    /// <summary>When the work was done: rectified, or closed without a rectification step.</summary>
    [JsonIgnore] // derived: not stored or sent
    public DateOnly? CompletedOn => RectifiedOn ?? ClosedOn;

    [JsonIgnore] // derived: not stored or sent
    public bool IsOpen => CaseLifecycle.IsOpen(Status);

    /// <summary>Open and past its deadline as of <paramref name="asOf"/> (the deadline day itself is still in time).</summary>
    public bool IsOverdue(DateOnly asOf) => IsOpen && Deadline < asOf;

    /// <summary>Rectified or closed, and the work was done on time (<see cref="CompletedOnTime"/>, fixed when it was done).</summary>
    [JsonIgnore] // derived: not stored or sent
    public bool OnTime => CaseLifecycle.IsCompleted(Status) && CompletedOnTime == true;

    /// <summary>The case with its current status and deadline recorded as in force from <paramref name="on"/>, after <paramref name="before"/>.</summary>
    private RemediationCase Stepped(IReadOnlyList<CaseStep> before, DateOnly on) => this with
    {
        Steps = [.. before, new CaseStep(on, Status, Deadline, OnTime, Extensions > 0)],
    };

    /// <summary>The steps so far, the opening included (cases journaled before steps were kept start with it).</summary>
    private IReadOnlyList<CaseStep> StepsBefore => Steps.Count > 0 ? Steps : [new CaseStep(OpenedOn, CaseStatus.Reported, Deadline, false, false)];

    /// <summary>Refuses a change made against another version than the current one (someone changed the case meanwhile).</summary>
    public void CheckVersion(long expected)
    {
        if (Version != expected)
            throw DomainException.Aborted($"case {CaseId} is at version {Version}, not {expected}: someone changed it; read it again");
    }

    /// <summary>The case with a deadline, assignee or flags changed; unchanged (same version) when <paramref name="changed"/> is false.</summary>
    /// <remarks>A deadline moved later while the case is open counts as an extension; the on-time outcome of a completed case stays as it was fixed.</remarks>
    public RemediationCase With(CaseChanges changes, bool changed, DateTimeOffset at)
    {
        if (!changed) return this;
        var deadline = changes.Deadline ?? Deadline;
        var next = this with
        {
            Deadline = deadline,
            Assignee = changes.Assignee is null ? Assignee : (changes.Assignee.Length == 0 ? null : changes.Assignee),
            Repeat = changes.Repeat ?? Repeat,
            Returned = changes.Returned ?? Returned,
            Extensions = Extensions + (IsOpen && deadline > Deadline ? 1 : 0),
            Version = Version + 1,
            UpdatedAt = at,
        };
        return deadline == Deadline ? next : next.Stepped(StepsBefore, DateOnly.FromDateTime(at.ToOffset(CaseDates.Offset).DateTime));
    }

    /// <summary>The last date the case changed status or deadline (its opening date at first).</summary>
    [JsonIgnore] // derived: not stored or sent
    public DateOnly LastChangeOn => StepsBefore[^1].On;

    /// <summary>
    /// Refuses a transition dated before the case's last change: a case's history is kept in the order of its dates, so
    /// "the status in force on a date" has one answer. (Checked on new requests only: events journaled before the rule
    /// still fold.)
    /// </summary>
    public void CheckChronology(DateOnly effectiveOn)
    {
        if (effectiveOn < LastChangeOn)
            throw DomainException.Invalid("effective_on", $"must not be before the case's last change ({CaseDates.Format(LastChangeOn)})");
    }

    /// <summary>The transition to <paramref name="to"/> effective on <paramref name="on"/>, or a refusal.</summary>
    public RemediationCase MoveTo(CaseStatus to, DateOnly on, string? note, DateTimeOffset at)
    {
        if (!CaseLifecycle.CanMove(Status, to, CaseType))
        {
            var allowed = CaseLifecycle.NextStatuses(Status, CaseType);
            throw DomainException.Precondition(
                $"case {CaseId} cannot move from {CaseLifecycle.Name(Status)} to {CaseLifecycle.Name(to)}" +
                (allowed.Count == 0 ? " (no further transitions)" : $"; allowed: {string.Join(", ", allowed.Select(CaseLifecycle.Name))}"));
        }
        if (to == CaseStatus.Reopened && string.IsNullOrWhiteSpace(note))
            throw DomainException.Invalid("note", "a reason is required to reopen a case");
        if (on < OpenedOn)
            throw DomainException.Invalid("effective_on", $"must not be before the case was opened ({CaseDates.Format(OpenedOn)})");
        var rectifiedOn = to switch
        {
            CaseStatus.Rectified => RectifiedOn ?? on,
            CaseStatus.Reopened or CaseStatus.Rectifying => null,
            _ => RectifiedOn,
        };
        return (this with
        {
            Status = to,
            Version = Version + 1,
            UpdatedAt = at,
            RectifiedOn = rectifiedOn,
            ClosedOn = to switch
            {
                CaseStatus.Closed => on,
                CaseStatus.Reopened => null,
                _ => ClosedOn,
            },
            // Fixed on the day the work is done, against the deadline in force that day.
            CompletedOnTime = to switch
            {
                CaseStatus.Rectified => rectifiedOn!.Value <= Deadline,
                CaseStatus.Closed => CaseLifecycle.IsCompleted(Status) && CompletedOnTime is { } kept ? kept : on <= Deadline,
                _ => null,
            },
        }).Stepped(StepsBefore, on);
    }
}

/// <summary>Dates of cases: YYYY-MM-DD, and "today" in the township's time zone.</summary>
public static partial class CaseDates
{
    /// <summary>The township's clock: Inner Mongolia keeps China Standard Time (UTC+8, no DST).</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Format(DateOnly? date) => date is { } d ? Format(d) : null;

    /// <summary>Parses YYYY-MM-DD (years 2000..2100) or records a violation.</summary>
    public static DateOnly? Parse(Violations v, string field, string? text, bool required)
    {
        if (string.IsNullOrEmpty(text)) { if (required) v.Add(field, "is required (YYYY-MM-DD)"); return null; }
        if (Pattern().IsMatch(text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100)
            return d;
        v.Add(field, "must be a date YYYY-MM-DD between 2000 and 2100");
        return null;
    }
}

/// <summary>Batches (期) of cases handed down: "2023-3" is 2023年三期.</summary>
public static partial class Batches
{
    [GeneratedRegex("^[0-9]{4}(-[0-9]{1,2})?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static void Check(Violations v, string field, string? batch)
    {
        if (string.IsNullOrEmpty(batch)) return;
        if (!Pattern().IsMatch(batch)) v.Add(field, "must be YYYY or YYYY-N (e.g. \"2023-3\" for 2023年三期)");
    }
}
