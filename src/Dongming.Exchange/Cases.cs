using Dongming.Domain;

namespace Dongming.Exchange;

/// <summary>
/// What a case list import needs: the township and its villages, the case types, the day it is read
/// (opening dates must not be in the future), and the case type of a list that has no type column (a list
/// of forestry patches handed down by batch names its type in its title only).
/// </summary>
public sealed record CasesContext(TownshipInfo Township, IReadOnlyList<VillageInfo> Villages, IReadOnlyList<CaseTypeDefinition> CaseTypes, DateOnly Today)
{
    public string? DefaultCaseType { get; init; }
}

/// <summary>
/// A remediation case read from a sheet and checked with the domain's rules for opening a case
/// (<see cref="CaseRules.ValidateOpen"/>), with the status it has reached and the row it came from.
/// </summary>
public sealed record ImportedCase
{
    public required int Row { get; init; }

    /// <summary>The case id when the sheet has one (an exported list); null for a new case.</summary>
    public string? CaseId { get; init; }

    public required string OrgUnitId { get; init; }

    public required OrgUnitLevel Level { get; init; }

    public required string CaseType { get; init; }

    public string? Batch { get; init; }

    /// <summary>The patch number (图斑编号) or other number of the case on its list.</summary>
    public string? PatchNumber { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>The day it was found or handed down; null for "today" when opened.</summary>
    public DateOnly? OpenedOn { get; init; }

    public required DateOnly Deadline { get; init; }

    public required CaseStatus Status { get; init; }

    public DateOnly? RectifiedOn { get; init; }

    public DateOnly? ClosedOn { get; init; }

    public decimal? AreaMu { get; init; }

    public GeoPoint? Location { get; init; }

    public string? Category { get; init; }

    public CaseSource Source { get; init; }

    public string? Assignee { get; init; }

    public bool Repeat { get; init; }

    public bool Returned { get; init; }

    public string? Note { get; init; }

    /// <summary>The transitions from REPORTED to <see cref="Status"/> (through RECTIFIED when a rectification date is given).</summary>
    public IReadOnlyList<CaseStatus> Transitions => CasePaths.From(CaseStatus.Reported, Status, CaseType, through: RectifiedOn is not null && Status == CaseStatus.Closed ? CaseStatus.Rectified : null);

    /// <summary>The OpenCase request for this row.</summary>
    public OpenCaseCommand ToOpenCommand(string requestId) => new(
        OrgUnitId, CaseType, Batch, Title, Description, CaseDates.Format(Deadline), Category, Source, Assignee, requestId, CaseDates.Format(OpenedOn),
        Location is { } l ? ExactDecimal.Format(l.Longitude) : null, Location is { } m ? ExactDecimal.Format(m.Latitude) : null,
        AreaMu is { } a ? ExactDecimal.Format(a) : null, Repeat, Returned, Note);
}

/// <summary>Shortest walks through the case lifecycle (<see cref="CaseLifecycle"/>).</summary>
public static class CasePaths
{
    /// <summary>The statuses after <paramref name="from"/> on a shortest way to <paramref name="to"/>, optionally through a status; empty when none.</summary>
    public static IReadOnlyList<CaseStatus> From(CaseStatus from, CaseStatus to, string caseType, CaseStatus? through = null)
    {
        if (through is { } via && via != from && via != to)
        {
            var first = From(from, via, caseType);
            var second = From(via, to, caseType);
            if (first.Count > 0 && second.Count > 0) return [.. first, .. second];
        }
        if (from == to) return [];
        var previous = new Dictionary<CaseStatus, CaseStatus>();
        var queue = new Queue<CaseStatus>([from]);
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            foreach (var next in CaseLifecycle.NextStatuses(s, caseType))
            {
                if (next == from || previous.ContainsKey(next)) continue;
                previous[next] = s;
                if (next == to)
                {
                    var path = new List<CaseStatus> { to };
                    while (previous[path[0]] != from) path.Insert(0, previous[path[0]]);
                    return path;
                }
                queue.Enqueue(next);
            }
        }
        return [];
    }
}

/// <summary>A case list read from a sheet.</summary>
public sealed record CasesRead(IReadOnlyList<SheetInfo> Sheets, int RowsRead, IReadOnlyList<ImportedCase> Cases, IReadOnlyList<SheetError> Errors, int ErrorCount) : ISheetRead
{
    public bool Ok => ErrorCount == 0;
}
