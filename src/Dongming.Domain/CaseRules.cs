using System.Globalization;

namespace Dongming.Domain;

/// <summary>What a clerk asks for when opening a case.</summary>
public sealed record OpenCaseCommand(
    string OrgUnitId,
    string CaseType,
    string? Batch,
    string Title,
    string? Description,
    string? Deadline,
    string? Category,
    CaseSource Source,
    string? Assignee,
    string? RequestId,
    string? OpenedOn,
    string? Longitude,
    string? Latitude,
    string? AreaMu,
    bool Repeat,
    bool Returned,
    string? Note);

/// <summary>Moving a case to another status, as the caller sent it (<paramref name="To"/> null when not given).</summary>
public sealed record TransitionCaseCommand(string CaseId, CaseStatus? To, long ExpectedVersion, string? Note, string? RequestId, string? EffectiveOn);

/// <summary>A transition that passed validation.</summary>
public sealed record ValidatedTransition(string CaseId, CaseStatus To, long ExpectedVersion, string? Note, string RequestId, DateOnly EffectiveOn, string? EffectiveOnText)
{
    public string Fingerprint => Reporting.Fingerprint("transition", CaseId, To.ToString(), ExpectedVersion.ToString(CultureInfo.InvariantCulture), Note, EffectiveOnText);
}

/// <summary>Changing a case's deadline, assignee or flags, as the caller sent it: null fields stay as they are.</summary>
public sealed record UpdateCaseCommand(string CaseId, long ExpectedVersion, string? Deadline, string? Assignee, bool? Repeat, bool? Returned, string? Note, string? RequestId);

/// <summary>An update that passed validation.</summary>
public sealed record ValidatedUpdate(string CaseId, long ExpectedVersion, CaseChanges Changes, string? Note, string RequestId, string Fingerprint);

/// <summary>A change of deadline, assignee or flags; null fields stay as they are.</summary>
public sealed record CaseChanges(DateOnly? Deadline, string? Assignee, bool? Repeat, bool? Returned);

/// <summary>Validation of case requests (the state machine itself is <see cref="CaseLifecycle"/>).</summary>
public static class CaseRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 2000;

    /// <summary>Validates an OpenCase request; returns the case fields that do not depend on the ledger.</summary>
    public static RemediationCase ValidateOpen(OpenCaseCommand c, DateOnly today, Actor actor, DateTimeOffset at, bool caseTypeKnown = true)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", c.OrgUnitId);
        Text.CheckCode(v, "case_type", c.CaseType);
        if (!caseTypeKnown && Text.IsCode(c.CaseType)) v.AddUnknown("case_type", $"case type {c.CaseType} is not in the catalog");
        Batches.Check(v, "batch", c.Batch);
        Text.CheckText(v, "title", c.Title, MaxTitleLength, required: true);
        Text.CheckText(v, "description", c.Description, MaxDescriptionLength, allowNewLines: true);
        Text.CheckText(v, "assignee", c.Assignee, 64);
        Text.CheckText(v, "note", c.Note, Text.MaxNoteLength, allowNewLines: true);
        if (!string.IsNullOrEmpty(c.Category)) Text.CheckCode(v, "category", c.Category);
        Text.CheckRequestId(v, "request_id", c.RequestId);
        if (!Enum.IsDefined(c.Source)) v.Add("source", "is not a known source");
        var deadline = CaseDates.Parse(v, "deadline", c.Deadline, required: true);
        var openedOn = CaseDates.Parse(v, "opened_on", c.OpenedOn, required: false) ?? today;
        if (openedOn > today) v.Add("opened_on", "must not be in the future");
        if (deadline is { } d && d < openedOn) v.Add("deadline", "must not be before opened_on");
        GeoPoint? location = null;
        if (!string.IsNullOrEmpty(c.Longitude) || !string.IsNullOrEmpty(c.Latitude))
        {
            var lon = ExactDecimal.Parse(v, "location.longitude", c.Longitude);
            var lat = ExactDecimal.Parse(v, "location.latitude", c.Latitude);
            if (lon is { } x && (x < -180 || x > 180)) v.Add("location.longitude", "must be between -180 and 180");
            if (lat is { } y && (y < -90 || y > 90)) v.Add("location.latitude", "must be between -90 and 90");
            if (lon is { } lo && lat is { } la) location = new GeoPoint(lo, la);
        }
        decimal? area = null;
        if (!string.IsNullOrEmpty(c.AreaMu))
        {
            area = ExactDecimal.Parse(v, "area_mu", c.AreaMu);
            if (area < 0) v.Add("area_mu", "must not be negative");
            else if (area is { } a) ValueRange.Check(v, "area_mu", a, ratio: false);
        }
        v.ThrowIfAny();
        return new RemediationCase
        {
            CaseId = string.Empty, // assigned by the registry
            OrgUnitId = c.OrgUnitId,
            TownshipId = string.Empty, // the ledger's township
            CaseType = c.CaseType,
            Batch = string.IsNullOrEmpty(c.Batch) ? null : c.Batch,
            Title = c.Title,
            Description = string.IsNullOrEmpty(c.Description) ? null : c.Description,
            Location = location,
            AreaMu = area,
            Category = string.IsNullOrEmpty(c.Category) ? null : c.Category,
            Source = c.Source,
            OpenedOn = openedOn,
            Deadline = deadline!.Value,
            Assignee = string.IsNullOrEmpty(c.Assignee) ? null : c.Assignee,
            Repeat = c.Repeat,
            Returned = c.Returned,
            OpenedBy = actor.Subject,
            UpdatedAt = at,
        };
    }

    /// <summary>The fingerprint of an OpenCase request, for replay detection.</summary>
    public static string Fingerprint(OpenCaseCommand c) => Reporting.Fingerprint(
        c.OrgUnitId, c.CaseType, c.Batch, c.Title, c.Description, c.Deadline, c.Category, c.Source.ToString(), c.Assignee,
        c.OpenedOn, c.Longitude, c.Latitude, c.AreaMu, c.Repeat.ToString(), c.Returned.ToString(), c.Note);

    /// <summary>Case ids are "{type}-{batch or year}-{seq:0000}", e.g. forest_violation_patch-2023-3-0007.</summary>
    public static string CaseIdPrefix(string caseType, string? batch, DateOnly openedOn) =>
        $"{caseType}-{batch ?? openedOn.Year.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A case id as this service issues them: printable, at most 128 characters.</summary>
    public static void CheckCaseId(Violations v, string? caseId)
    {
        if (string.IsNullOrEmpty(caseId)) v.Add("case_id", "is required");
        else if (!IsCaseId(caseId)) v.Add("case_id", "is not a valid case id");
    }

    public static bool IsCaseId(string? caseId) => !string.IsNullOrEmpty(caseId) && caseId.Length <= 128 && Text.IsCleanText(caseId, false);

    /// <summary>Validates the fields every change of a case carries: id, version, note, request id.</summary>
    private static void CheckChange(Violations v, string? caseId, long expectedVersion, string? note, string? requestId)
    {
        CheckCaseId(v, caseId);
        if (expectedVersion <= 0) v.Add("expected_version", "is required: the case version you last read");
        Text.CheckText(v, "note", note, Text.MaxNoteLength, allowNewLines: true);
        Text.CheckRequestId(v, "request_id", requestId);
    }

    public static ValidatedTransition Validate(TransitionCaseCommand m, DateOnly today)
    {
        var v = new Violations();
        CheckChange(v, m.CaseId, m.ExpectedVersion, m.Note, m.RequestId);
        if (m.To is not { } to || !Enum.IsDefined(to)) v.Add("to_status", "is required (CASE_STATUS_UNSPECIFIED is not a status)");
        var on = CaseDates.Parse(v, "effective_on", m.EffectiveOn, required: false) ?? today;
        if (on > today) v.Add("effective_on", "must not be in the future");
        v.ThrowIfAny();
        return new ValidatedTransition(m.CaseId, m.To!.Value, m.ExpectedVersion, string.IsNullOrEmpty(m.Note) ? null : m.Note, m.RequestId!, on,
            string.IsNullOrEmpty(m.EffectiveOn) ? null : m.EffectiveOn);
    }

    public static ValidatedUpdate Validate(UpdateCaseCommand m)
    {
        var v = new Violations();
        CheckChange(v, m.CaseId, m.ExpectedVersion, m.Note, m.RequestId);
        var deadline = CaseDates.Parse(v, "deadline", m.Deadline, required: false);
        if (m.Assignee is not null) Text.CheckText(v, "assignee", m.Assignee, 64);
        if (m.Deadline is null && m.Assignee is null && m.Repeat is null && m.Returned is null) v.Add("deadline", "nothing to change: set deadline, assignee, repeat or returned");
        if (m.Deadline is not null && string.IsNullOrWhiteSpace(m.Note)) v.Add("note", "a reason is required to change the deadline (it is kept in the case's history)");
        v.ThrowIfAny();
        var fingerprint = Reporting.Fingerprint("update", m.CaseId, m.ExpectedVersion.ToString(CultureInfo.InvariantCulture), m.Deadline, m.Assignee, m.Repeat?.ToString(), m.Returned?.ToString(), m.Note);
        return new ValidatedUpdate(m.CaseId, m.ExpectedVersion, new CaseChanges(deadline, m.Assignee, m.Repeat, m.Returned),
            string.IsNullOrEmpty(m.Note) ? null : m.Note, m.RequestId!, fingerprint);
    }

    /// <summary>The changes an update makes to <paramref name="current"/>, described for the history (empty: it changes nothing).</summary>
    public static IReadOnlyList<string> Describe(RemediationCase current, CaseChanges changes)
    {
        if (changes.Deadline is { } d && d < current.OpenedOn) throw DomainException.Invalid("deadline", "must not be before opened_on");
        var described = new List<string>();
        if (changes.Deadline is { } nd && nd != current.Deadline) described.Add($"deadline {CaseDates.Format(current.Deadline)} → {CaseDates.Format(nd)}");
        if (changes.Assignee is not null && changes.Assignee != (current.Assignee ?? string.Empty)) described.Add($"assignee {current.Assignee ?? "-"} → {(changes.Assignee.Length == 0 ? "-" : changes.Assignee)}");
        if (changes.Repeat is { } rep && rep != current.Repeat) described.Add($"repeat {current.Repeat} → {rep}");
        if (changes.Returned is { } ret && ret != current.Returned) described.Add($"returned {current.Returned} → {ret}");
        return described;
    }
}

/// <summary>
/// A listing of cases: filters combined with AND, sorted by deadline then case id, a page at a time (keyset paging:
/// the page token is the position of the last case of the previous page).
/// </summary>
/// <param name="DueFrom">With <paramref name="DueTo"/>: only open cases whose deadline lies in [DueFrom, DueTo] (due soon).</param>
public sealed record CaseQuery(string? CaseType, CaseStatus? Status, string? Batch, DateOnly? OverdueAsOf, DateOnly? AfterDeadline, string? AfterCaseId, int Limit,
    DateOnly? DueFrom = null, DateOnly? DueTo = null)
{
    public const int DefaultPageSize = 50, MaxPageSize = 500;

    /// <summary>The longest "due within" window, in days.</summary>
    public const int MaxDueWithinDays = 366;

    /// <summary>
    /// Validates the filters and the page token of a listing; <see cref="Limit"/> is the page size plus one (to know
    /// whether more follow). <paramref name="dueWithinDays"/> above 0 keeps only open cases due from
    /// <paramref name="today"/> to that many days later (not yet overdue).
    /// </summary>
    public static CaseQuery Validate(string? caseType, CaseStatus? status, bool statusUnknown, string? batch, string? overdueAsOf, int pageSize, string? pageToken,
        int dueWithinDays = 0, DateOnly today = default)
    {
        var v = new Violations();
        if (!string.IsNullOrEmpty(caseType)) Text.CheckCode(v, "case_type", caseType);
        if (statusUnknown) v.Add("status", "is not a known status");
        Batches.Check(v, "batch", batch);
        var asOf = CaseDates.Parse(v, "overdue_as_of", overdueAsOf, required: false);
        if (dueWithinDays is < 0 or > MaxDueWithinDays) v.Add("due_within_days", $"must be between 0 and {MaxDueWithinDays} (0: no due-soon filter)");
        var size = PageToken.Size(v, pageSize, DefaultPageSize, MaxPageSize);
        DateOnly? afterDeadline = null;
        string? afterId = null;
        if (PageToken.Decode(v, pageToken) is { } key)
        {
            var bar = key.IndexOf('|');
            if (bar == 10 && DateOnly.TryParseExact(key[..bar], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && CaseRules.IsCaseId(key[(bar + 1)..]))
            {
                afterDeadline = d;
                afterId = key[(bar + 1)..];
            }
            else
            {
                v.Add("page_token", "is not a token this service issued");
            }
        }
        v.ThrowIfAny();
        return new CaseQuery(string.IsNullOrEmpty(caseType) ? null : caseType, status, string.IsNullOrEmpty(batch) ? null : batch, asOf, afterDeadline, afterId, size + 1,
            dueWithinDays > 0 ? today : null, dueWithinDays > 0 ? today.AddDays(dueWithinDays) : null);
    }

    /// <summary>The page size asked for.</summary>
    public int PageSize => Limit - 1;

    public bool Matches(string caseId, CaseTally t) =>
        (CaseType is null || t.CaseType == CaseType)
        && (Status is null || t.Status == Status)
        && (Batch is null || t.Batch == Batch)
        && (OverdueAsOf is not { } asOf || (CaseLifecycle.IsOpen(t.Status) && t.Deadline < asOf))
        && (DueFrom is not { } from || (CaseLifecycle.IsOpen(t.Status) && t.Deadline >= from && t.Deadline <= DueTo))
        && After(t.Deadline, caseId);

    public bool Matches(RemediationCase c) => Matches(c.CaseId, LedgerState.Tally(c));

    private bool After(DateOnly deadline, string caseId) =>
        AfterDeadline is not { } ad || deadline > ad || (deadline == ad && string.CompareOrdinal(caseId, AfterCaseId) > 0);

    /// <summary>The first page of the matching cases among <paramref name="cases"/>, in listing order.</summary>
    public CasePage Page(IEnumerable<RemediationCase> cases)
    {
        var found = cases.Where(Matches).OrderBy(c => c.Deadline).ThenBy(c => c.CaseId, StringComparer.Ordinal).Take(Limit).ToList();
        return CasePage.Of(found, PageSize);
    }
}

/// <summary>One page of a case listing and the token of the next page (null on the last).</summary>
public sealed record CasePage(IReadOnlyList<RemediationCase> Cases, string? NextPageToken)
{
    /// <summary>A page from up to page size + 1 cases in listing order.</summary>
    public static CasePage Of(IReadOnlyList<RemediationCase> found, int pageSize)
    {
        if (found.Count <= pageSize) return new CasePage(found, null);
        var last = found[pageSize - 1];
        return new CasePage([.. found.Take(pageSize)], PageToken.Encode($"{CaseDates.Format(last.Deadline)}|{last.CaseId}"));
    }
}

/// <summary>One event in a case's history.</summary>
public sealed record CaseHistoryEntry(
    string Event, CaseStatus Status, CaseStatus? From, string Actor, string ActorName, DateTimeOffset At, string? Note, string RequestId,
    IReadOnlyList<string> Changes, DateOnly EffectiveOn, long Version);

/// <summary>A case's history and its state after any of its events, from the ledger events that concern it.</summary>
public static class CaseHistory
{
    /// <summary>The history entries of <paramref name="caseId"/>, oldest first (events of other cases are skipped).</summary>
    public static IReadOnlyList<CaseHistoryEntry> Project(string caseId, IEnumerable<LedgerEvent> events)
    {
        var entries = new List<CaseHistoryEntry>();
        RemediationCase? state = null;
        foreach (var e in events)
        {
            var before = state;
            state = Fold(state, caseId, e);
            if (state is null || ReferenceEquals(before, state) && e is not CaseUpdated) continue;
            switch (e)
            {
                case CaseOpened o:
                    entries.Add(new CaseHistoryEntry("opened", CaseStatus.Reported, null, o.Meta.Actor, o.Meta.ActorName, o.Meta.At, o.Note, o.Meta.RequestId, [], o.Case.OpenedOn, state.Version));
                    break;
                case CaseTransitioned t:
                    entries.Add(new CaseHistoryEntry("transitioned", t.To, t.From, t.Meta.Actor, t.Meta.ActorName, t.Meta.At, t.Note, t.Meta.RequestId, [], t.EffectiveOn, state.Version));
                    break;
                case CaseUpdated u when u.CaseId == caseId:
                    entries.Add(new CaseHistoryEntry("updated", state.Status, null, u.Meta.Actor, u.Meta.ActorName, u.Meta.At, u.Note, u.Meta.RequestId, u.Description,
                        DateOnly.FromDateTime(u.Meta.At.ToOffset(CaseDates.Offset).DateTime), state.Version));
                    break;
            }
        }
        return entries;
    }

    /// <summary>The case as it stood after the last of <paramref name="events"/> (the answer a replayed request gets).</summary>
    public static RemediationCase StateAfter(string caseId, IEnumerable<LedgerEvent> events)
    {
        RemediationCase? state = null;
        foreach (var e in events) state = Fold(state, caseId, e);
        return state ?? throw DomainException.NotFound($"case {caseId} not found");
    }

    private static RemediationCase? Fold(RemediationCase? state, string caseId, LedgerEvent e) => e switch
    {
        CaseOpened o when o.Case.CaseId == caseId => o.Case,
        CaseTransitioned t when t.CaseId == caseId && state is not null => state.MoveTo(t.To, t.EffectiveOn, t.Note, t.Meta.At),
        CaseUpdated u when u.CaseId == caseId && state is not null => state.With(u.Changes, u.Description.Count > 0, u.Meta.At),
        _ => state,
    };
}
