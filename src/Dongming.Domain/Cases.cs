using System.Globalization;
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

    /// <summary>When the work was done: rectified, or closed without a rectification step.</summary>
    public DateOnly? CompletedOn => RectifiedOn ?? ClosedOn;

    public bool IsOpen => CaseLifecycle.IsOpen(Status);

    /// <summary>Open and past its deadline as of <paramref name="asOf"/> (the deadline day itself is still in time).</summary>
    public bool IsOverdue(DateOnly asOf) => IsOpen && Deadline < asOf;

    /// <summary>Rectified or closed on or before its deadline.</summary>
    public bool OnTime => CaseLifecycle.IsCompleted(Status) && CompletedOn is { } done && done <= Deadline;

    /// <summary>Refuses a change made against another version than the current one (someone changed the case meanwhile).</summary>
    public void CheckVersion(long expected)
    {
        if (Version != expected)
            throw DomainException.Aborted($"case {CaseId} is at version {Version}, not {expected}: someone changed it; read it again");
    }

    /// <summary>The case with a deadline, assignee or flags changed; unchanged (same version) when <paramref name="changed"/> is false.</summary>
    public RemediationCase With(CaseChanges changes, bool changed, DateTimeOffset at) => !changed ? this : this with
    {
        Deadline = changes.Deadline ?? Deadline,
        Assignee = changes.Assignee is null ? Assignee : (changes.Assignee.Length == 0 ? null : changes.Assignee),
        Repeat = changes.Repeat ?? Repeat,
        Returned = changes.Returned ?? Returned,
        Version = Version + 1,
        UpdatedAt = at,
    };

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
        return this with
        {
            Status = to,
            Version = Version + 1,
            UpdatedAt = at,
            RectifiedOn = to switch
            {
                CaseStatus.Rectified => RectifiedOn ?? on,
                CaseStatus.Reopened or CaseStatus.Rectifying => null,
                _ => RectifiedOn,
            },
            ClosedOn = to switch
            {
                CaseStatus.Closed => on,
                CaseStatus.Reopened => null,
                _ => ClosedOn,
            },
        };
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
