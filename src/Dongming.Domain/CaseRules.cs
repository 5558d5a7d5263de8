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

/// <summary>A change of deadline, assignee or flags; null fields stay as they are.</summary>
public sealed record CaseChanges(DateOnly? Deadline, string? Assignee, bool? Repeat, bool? Returned);

/// <summary>Validation of case requests (the state machine itself is <see cref="CaseLifecycle"/>).</summary>
public static class CaseRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 2000;

    /// <summary>Validates an OpenCase request; returns the case fields that do not depend on the ledger.</summary>
    public static RemediationCase ValidateOpen(OpenCaseCommand c, DateOnly today, Actor actor, DateTimeOffset at)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", c.OrgUnitId);
        Text.CheckCode(v, "case_type", c.CaseType);
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
        $"{caseType}-{batch ?? openedOn.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Validates the common fields of a transition or update: id, version, note, request id.</summary>
    public static void CheckChangeRequest(Violations v, string? caseId, long expectedVersion, string? note, string? requestId)
    {
        if (string.IsNullOrEmpty(caseId)) v.Add("case_id", "is required");
        else if (caseId.Length > 128 || !Text.IsCleanText(caseId, false)) v.Add("case_id", "is not a valid case id");
        if (expectedVersion <= 0) v.Add("expected_version", "is required: the case version you last read");
        Text.CheckText(v, "note", note, Text.MaxNoteLength, allowNewLines: true);
        Text.CheckRequestId(v, "request_id", requestId);
    }
}
