using System.Collections.Concurrent;
using System.Security.Claims;
using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Google.Protobuf;

namespace Dongming.Server.Security;

/// <summary>What an RPC does, for the role rules.</summary>
public enum Operation
{
    /// <summary>Reads (every role, within its scope).</summary>
    Read,
    /// <summary>Enters figures: admin; township staff for their township's own ledger; reporters for their villages.</summary>
    ReportValues,
    /// <summary>Opens, moves and updates cases: admin; township staff in their township; reporters in their villages.</summary>
    ManageCase,
    /// <summary>Repairs a township's totals: admin; township staff of that township.</summary>
    Repair,
    /// <summary>
    /// Sets targets (目标任务下达): admin; township staff for their township and its villages. Not village reporters:
    /// a village's target is handed down to it, not set by the one who reports against it.
    /// </summary>
    SetTarget,
    /// <summary>Roster, catalog, case-type and validation-rule definitions: admin only.</summary>
    Define,
    /// <summary>A township's data sets: admin; that township's staff.</summary>
    DefineDataSet,
    /// <summary>Submits a data set's period: admin; township staff for their township's own ledger; reporters for their villages.</summary>
    Submit,
    /// <summary>Approves, rejects and unapproves: admin; township staff in their township.</summary>
    Approve,
    /// <summary>Moves a case's deadline (UpdateCase with a deadline): admin; township staff in their township — not reporters.</summary>
    ChangeDeadline,
    /// <summary>
    /// Imports a township's values or cases from a sheet (ExchangeService): admin; township staff for their township. Not
    /// village reporters: a sheet may hold every village's rows, and a reporter enters their villages with ReportValues.
    /// </summary>
    Import,
}

/// <summary>What the request is about, read from its fields before anything is looked up.</summary>
public abstract record Target
{
    /// <summary>Nothing scoped (the catalog).</summary>
    public sealed record None : Target;

    /// <summary>An org unit (a village or a township's own ledger).</summary>
    public sealed record OrgUnit(string Id) : Target;

    /// <summary>A township as a whole (its totals, summary, roster).</summary>
    public sealed record Township(string Id) : Target;

    /// <summary>
    /// Every village's data of a township at once — its case list across villages, the per-village breakdown of its
    /// totals or case summary: not for reporters, who see their own villages' data and the township's totals.
    /// </summary>
    public sealed record TownshipDetail(string Id) : Target;

    /// <summary>A banner (旗) as a whole: its membership and totals.</summary>
    public sealed record Banner(string Id) : Target;

    /// <summary>A case, located through the case registry.</summary>
    public sealed record Case(string Id) : Target;

    /// <summary>Several targets at once: allowed only when every one of them is (e.g. a township and one org unit in it).</summary>
    public sealed record All(IReadOnlyList<Target> Parts) : Target;
}

/// <summary>
/// One row of the policy table: what the RPC does — fixed, or read from the request's fields where one RPC does two things
/// (<see cref="OperationOf"/>: an UpdateCase that sets a deadline changes it) — and what it is about.
/// </summary>
public sealed record Rule(Operation Operation, Func<IMessage, Target> TargetOf, Func<IMessage, Operation>? OperationOf = null)
{
    /// <summary>What the request does.</summary>
    public Operation OperationFor(IMessage request) => OperationOf?.Invoke(request) ?? Operation;
}

/// <summary>The bearer of a token: subject, roles and scope.</summary>
public sealed record CallerScope(string Subject, string Name, IReadOnlySet<string> Roles, string? Township, IReadOnlySet<string> Villages, string? Banner = null)
{
    public static CallerScope? From(ClaimsPrincipal user, string roleClaim)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var subject = user.FindFirst(Security.Roles.SubjectClaim)?.Value;
        if (string.IsNullOrEmpty(subject)) return null;
        return new CallerScope(
            subject,
            user.FindFirst(Security.Roles.NameClaim)?.Value ?? subject,
            user.FindAll(roleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindFirst(Security.Roles.TownshipClaim)?.Value,
            user.FindAll(Security.Roles.VillageClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindFirst(Security.Roles.BannerClaim)?.Value);
    }
}

/// <summary>
/// The one policy table: every RPC of dongming.v1 (full method name) → what it does and what it is about. A
/// method missing from the table is refused. Decisions are made before anything about the target's existence
/// is revealed (AIP-193): an unknown village, case or township outside the caller's scope is PERMISSION_DENIED
/// exactly like an existing one.
/// </summary>
public sealed class AccessPolicy(GrainRefs refs, BannerRefs banners)
{
    private static Rule R<T>(Operation op, Func<T, Target> target) where T : IMessage => new(op, m => target((T)m));

    /// <summary>A row whose operation depends on the request's fields.</summary>
    private static Rule R<T>(Func<T, Operation> op, Func<T, Target> target) where T : IMessage => new(Operation.ManageCase, m => target((T)m), m => op((T)m));

    /// <summary>One org unit's data when the request names exactly one, else every village of the township.</summary>
    private static Target OneOrAll(string townshipId, IReadOnlyList<string> orgUnitIds) =>
        orgUnitIds.Count == 1 ? new Target.OrgUnit(orgUnitIds[0]) : new Target.TownshipDetail(townshipId);

    private static readonly Target Nothing = new Target.None();

    /// <summary>A township as a whole, or every village of it when the request asks for the per-village breakdown.</summary>
    private static Target Township(string id, bool breakdown) => breakdown ? new Target.TownshipDetail(id) : new Target.Township(id);

    /// <summary>
    /// A township's targets: all of them are every village's data (<see cref="Target.TownshipDetail"/>); the township's
    /// own are the township's (like its totals); one village's need both the township and the village in scope.
    /// </summary>
    private static Target Planned(string townshipId, string orgUnitId) =>
        string.IsNullOrEmpty(orgUnitId) ? new Target.TownshipDetail(townshipId)
        : orgUnitId == townshipId ? new Target.Township(townshipId)
        : new Target.All([new Target.Township(townshipId), new Target.OrgUnit(orgUnitId)]);

    public static readonly IReadOnlyDictionary<string, Rule> Table = new Dictionary<string, Rule>(StringComparer.Ordinal)
    {
        ["/dongming.v1.VillageService/ListVillages"] = R<ListVillagesRequest>(Operation.Read, r => new Target.Township(r.TownshipId)),
        ["/dongming.v1.VillageService/GetVillage"] = R<GetVillageRequest>(Operation.Read, r => new Target.OrgUnit(r.VillageId)),
        ["/dongming.v1.VillageService/RegisterVillage"] = R<RegisterVillageRequest>(Operation.Define, _ => Nothing),
        ["/dongming.v1.VillageService/RetireVillage"] = R<RetireVillageRequest>(Operation.Define, _ => Nothing),

        ["/dongming.v1.CatalogService/ListIndicators"] = R<ListIndicatorsRequest>(Operation.Read, _ => Nothing),
        ["/dongming.v1.CatalogService/GetIndicator"] = R<GetIndicatorRequest>(Operation.Read, _ => Nothing),
        ["/dongming.v1.CatalogService/DefineIndicator"] = R<DefineIndicatorRequest>(Operation.Define, _ => Nothing),
        ["/dongming.v1.CatalogService/ListCaseTypes"] = R<ListCaseTypesRequest>(Operation.Read, _ => Nothing),
        ["/dongming.v1.CatalogService/DefineCaseType"] = R<DefineCaseTypeRequest>(Operation.Define, _ => Nothing),

        ["/dongming.v1.ReportingService/ReportValues"] = R<ReportValuesRequest>(Operation.ReportValues, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.ReportingService/ClearValues"] = R<ClearValuesRequest>(Operation.ReportValues, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.ReportingService/GetValues"] = R<GetValuesRequest>(Operation.Read, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.ReportingService/GetValueHistory"] = R<GetValueHistoryRequest>(Operation.Read, r => new Target.OrgUnit(r.OrgUnitId)),

        ["/dongming.v1.TownshipService/GetTownship"] = R<GetTownshipRequest>(Operation.Read, r => new Target.Township(r.TownshipId)),
        ["/dongming.v1.TownshipService/RegisterTownship"] = R<RegisterTownshipRequest>(Operation.Define, _ => Nothing),
        ["/dongming.v1.TownshipService/GetTotals"] = R<GetTotalsRequest>(Operation.Read, r => Township(r.TownshipId, r.IncludeBreakdown)),
        ["/dongming.v1.TownshipService/WatchTotals"] = R<WatchTotalsRequest>(Operation.Read, r => Township(r.TownshipId, r.IncludeBreakdown)),
        ["/dongming.v1.TownshipService/GetCaseSummary"] = R<GetCaseSummaryRequest>(Operation.Read, r => Township(r.TownshipId, r.IncludeBreakdown)),
        ["/dongming.v1.TownshipService/RepairTotals"] = R<RepairTotalsRequest>(Operation.Repair, r => new Target.Township(r.TownshipId)),

        ["/dongming.v1.CaseService/OpenCase"] = R<OpenCaseRequest>(Operation.ManageCase, r => new Target.OrgUnit(r.VillageId)),
        ["/dongming.v1.CaseService/GetCase"] = R<GetCaseRequest>(Operation.Read, r => new Target.Case(r.CaseId)),
        ["/dongming.v1.CaseService/TransitionCase"] = R<TransitionCaseRequest>(Operation.ManageCase, r => new Target.Case(r.CaseId)),
        // A deadline change is for staff and admins: the policy reads whether the request sets one.
        ["/dongming.v1.CaseService/UpdateCase"] = R<UpdateCaseRequest>(r => r.HasDeadline ? Operation.ChangeDeadline : Operation.ManageCase, r => new Target.Case(r.CaseId)),
        // ListCases reads one village's ledger when village_id is given, else the township's (default dongming).
        ["/dongming.v1.CaseService/ListCases"] = R<ListCasesRequest>(Operation.Read, r => string.IsNullOrEmpty(r.VillageId)
            ? new Target.TownshipDetail(string.IsNullOrEmpty(r.TownshipId) ? "dongming" : r.TownshipId)
            : new Target.OrgUnit(r.VillageId)),
        ["/dongming.v1.CaseService/GetCaseHistory"] = R<GetCaseHistoryRequest>(Operation.Read, r => new Target.Case(r.CaseId)),

        ["/dongming.v1.PlanningService/SetTarget"] = R<SetTargetRequest>(Operation.SetTarget, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.PlanningService/ListTargets"] = R<ListTargetsRequest>(Operation.Read, r => Planned(r.TownshipId, r.OrgUnitId)),
        ["/dongming.v1.PlanningService/GetTargetHistory"] = R<GetTargetHistoryRequest>(Operation.Read, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.PlanningService/GetProgress"] = R<GetProgressRequest>(Operation.Read, r => Planned(r.TownshipId, r.OrgUnitId)),
        ["/dongming.v1.QualityService/DefineValidationRule"] = R<DefineValidationRuleRequest>(Operation.Define, _ => Nothing),
        ["/dongming.v1.QualityService/ListValidationRules"] = R<ListValidationRulesRequest>(Operation.Read, _ => Nothing),
        // Every village's figures are checked unless exactly one org unit is named (a reporter's own village).
        ["/dongming.v1.QualityService/RunValidation"] = R<RunValidationRequest>(Operation.Read, r => OneOrAll(r.TownshipId, r.OrgUnitIds)),
        ["/dongming.v1.QualityService/FindOutliers"] = R<FindOutliersRequest>(Operation.Read, r => new Target.TownshipDetail(r.TownshipId)),
        ["/dongming.v1.QualityService/DefineDataSet"] = R<DefineDataSetRequest>(Operation.DefineDataSet, r => new Target.Township(r.TownshipId)),
        ["/dongming.v1.QualityService/ListDataSets"] = R<ListDataSetsRequest>(Operation.Read, r => new Target.Township(r.TownshipId)),
        ["/dongming.v1.QualityService/GetCompleteness"] = R<GetCompletenessRequest>(Operation.Read, r => new Target.TownshipDetail(r.TownshipId)),

        ["/dongming.v1.ApprovalService/Submit"] = R<SubmitRequest>(Operation.Submit, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.ApprovalService/Approve"] = R<ApproveRequest>(Operation.Approve, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.ApprovalService/Reject"] = R<RejectRequest>(Operation.Approve, r => new Target.OrgUnit(r.OrgUnitId)),
        ["/dongming.v1.ApprovalService/Unapprove"] = R<UnapproveRequest>(Operation.Approve, r => new Target.OrgUnit(r.OrgUnitId)),
        // One org unit's approval when named (a reporter's own village), else every village's.
        ["/dongming.v1.ApprovalService/GetApprovalStatus"] = R<GetApprovalStatusRequest>(Operation.Read, r => string.IsNullOrEmpty(r.OrgUnitId)
            ? new Target.TownshipDetail(r.TownshipId)
            : new Target.OrgUnit(r.OrgUnitId)),

        // Imports of a township's sheets: its staff and admins; the roster and catalog: admins (like their definitions).
        ["/dongming.v1.ExchangeService/ImportValues"] = R<ImportValuesRequest>(Operation.Import, r => new Target.Township(r.TownshipId)),
        ["/dongming.v1.ExchangeService/ImportCases"] = R<ImportCasesRequest>(Operation.Import, r => new Target.Township(r.TownshipId)),
        ["/dongming.v1.ExchangeService/ImportRoster"] = R<ImportRosterRequest>(Operation.Define, _ => Nothing),
        ["/dongming.v1.ExchangeService/ImportCatalog"] = R<ImportCatalogRequest>(Operation.Define, _ => Nothing),
        // A township's import is every village's data; the roster's and catalog's are not scoped (like the catalog).
        ["/dongming.v1.ExchangeService/GetImport"] = R<GetImportRequest>(Operation.Read, r => Grains.Abstractions.ImportIds.TownshipOf(r.ImportId) is { } t
            ? new Target.TownshipDetail(t)
            : Nothing),
        // Exports read what GetTotals and ListCases read, with the same scope.
        ["/dongming.v1.ExchangeService/ExportTotals"] = R<ExportTotalsRequest>(Operation.Read, r => Township(r.TownshipId, r.IncludeBreakdown)),
        ["/dongming.v1.ExchangeService/ExportCases"] = R<ExportCasesRequest>(Operation.Read, r => r.Filter is not { } f || string.IsNullOrEmpty(f.VillageId)
            ? new Target.TownshipDetail(string.IsNullOrEmpty(r.Filter?.TownshipId) ? "dongming" : r.Filter.TownshipId)
            : new Target.OrgUnit(f.VillageId)),
        // The review names every village's figures and their sources: the township's detail (staff of it, viewers, admins; not reporters).
        ["/dongming.v1.ReportService/RenderReview"] = R<RenderReviewRequest>(Operation.Read, r => new Target.TownshipDetail(r.TownshipId)),

        // Banners (旗): admins register them and their townships (and repair); banner staff and viewers read them.
        ["/dongming.v1.BannerService/RegisterBanner"] = R<RegisterBannerRequest>(Operation.Define, _ => Nothing),
        ["/dongming.v1.BannerService/AddTownship"] = R<AddTownshipRequest>(Operation.Define, _ => Nothing),
        ["/dongming.v1.BannerService/GetBanner"] = R<GetBannerRequest>(Operation.Read, r => new Target.Banner(r.BannerId)),
        ["/dongming.v1.BannerService/GetBannerTotals"] = R<GetBannerTotalsRequest>(Operation.Read, r => new Target.Banner(r.BannerId)),
        ["/dongming.v1.BannerService/RepairBannerTotals"] = R<RepairBannerTotalsRequest>(Operation.Repair, r => new Target.Banner(r.BannerId)),
    };

    /// <summary>Township of each org unit seen (a village never changes township), bounded.</summary>
    private readonly ConcurrentDictionary<string, string> _townshipOf = new(StringComparer.Ordinal);

    /// <summary>Org unit of each case seen (a case never moves), bounded.</summary>
    private readonly ConcurrentDictionary<string, string> _caseOrgUnit = new(StringComparer.Ordinal);

    private const int CacheLimit = 100_000;

    /// <summary>Null when allowed; otherwise the caller-safe reason (never depends on whether the target exists).</summary>
    public async Task<string?> Check(Rule rule, IMessage request, CallerScope caller, string method)
    {
        if (caller.Roles.Contains(Roles.Admin)) return null;
        var target = rule.TargetOf(request);
        var operation = rule.OperationFor(request);
        foreach (var role in caller.Roles)
        {
            if (await Allows(role, operation, target, caller)) return null;
        }
        var roles = caller.Roles.Count == 0 ? "no role" : "role " + string.Join(",", caller.Roles.Order(StringComparer.Ordinal));
        var what = target switch
        {
            Target.OrgUnit o => $" on org unit '{Safe(o.Id)}'",
            Target.Township t => $" on township '{Safe(t.Id)}'",
            Target.TownshipDetail t => $" on every village of township '{Safe(t.Id)}'",
            Target.Banner b => $" on banner '{Safe(b.Id)}'",
            Target.Case c => $" on case '{Safe(c.Id)}'",
            Target.All a => string.Concat(a.Parts.Select(p => p switch
            {
                Target.OrgUnit o => $" on org unit '{Safe(o.Id)}'",
                Target.Township t => $" on township '{Safe(t.Id)}'",
                _ => string.Empty,
            })),
            _ => string.Empty,
        };
        return $"the caller's token ({roles}) does not allow {method[(method.LastIndexOf('/') + 1)..]}{what}";
    }

    private static string Safe(string id) => id.Length <= 64 && Text.IsCleanText(id, false) ? id : "…";

    private async Task<bool> Allows(string role, Operation op, Target target, CallerScope caller)
    {
        if (target is Target.All all)
        {
            foreach (var part in all.Parts)
            {
                if (!await Allows(role, op, part, caller)) return false;
            }
            return all.Parts.Count > 0;
        }
        switch (role)
        {
            case Roles.Viewer:
                return op == Operation.Read;
            case Roles.TownshipStaff when !string.IsNullOrEmpty(caller.Township):
                return op switch
                {
                    Operation.Read or Operation.ManageCase => target switch
                    {
                        Target.None => op == Operation.Read,
                        Target.Township t => t.Id == caller.Township && op == Operation.Read,
                        Target.TownshipDetail t => t.Id == caller.Township && op == Operation.Read,
                        Target.OrgUnit o => await TownshipOf(o.Id) == caller.Township,
                        Target.Case c => await CaseOrgUnit(c.Id) is { } unit && await TownshipOf(unit) == caller.Township,
                        _ => false,
                    },
                    // Township-level values only: the township's own ledger (org_unit_id == the township).
                    Operation.ReportValues => target is Target.OrgUnit o && o.Id == caller.Township,
                    Operation.Repair => target is Target.Township t && t.Id == caller.Township,
                    // The township's own targets and its villages'.
                    Operation.SetTarget => target is Target.OrgUnit o && await TownshipOf(o.Id) == caller.Township,
                    Operation.DefineDataSet => target is Target.Township t && t.Id == caller.Township,
                    // Staff submit the township's own data sets; villages submit theirs.
                    Operation.Submit => target is Target.OrgUnit o && o.Id == caller.Township,
                    Operation.Approve => target is Target.OrgUnit o && await TownshipOf(o.Id) == caller.Township,
                    Operation.ChangeDeadline => target is Target.Case c && await CaseOrgUnit(c.Id) is { } unit && await TownshipOf(unit) == caller.Township,
                    Operation.Import => target is Target.Township t && t.Id == caller.Township,
                    _ => false,
                };
            case Roles.VillageReporter when caller.Villages.Count > 0:
                return op switch
                {
                    Operation.Read => target switch
                    {
                        Target.None => true,
                        Target.OrgUnit o => caller.Villages.Contains(o.Id),
                        Target.Case c => await CaseOrgUnit(c.Id) is { } unit && caller.Villages.Contains(unit),
                        // The township totals, summary and roster of the township their villages belong to.
                        Target.Township t => await ReporterTownships(caller) is var ts && ts.Contains(t.Id),
                        _ => false,
                    },
                    Operation.ReportValues or Operation.ManageCase or Operation.Submit => target switch
                    {
                        Target.OrgUnit o => caller.Villages.Contains(o.Id),
                        Target.Case c => await CaseOrgUnit(c.Id) is { } unit && caller.Villages.Contains(unit),
                        _ => false,
                    },
                    _ => false,
                };
            case Roles.BannerStaff when !string.IsNullOrEmpty(caller.Banner):
                // Read-only: the banner itself, and each of its townships as a whole (totals, summary, roster) — not
                // every village's detail, and nothing of another banner.
                return op == Operation.Read && target switch
                {
                    Target.None => true,
                    Target.Banner b => b.Id == caller.Banner,
                    Target.Township t => await BannerOf(t.Id) == caller.Banner,
                    _ => false,
                };
            default:
                return false;
        }
    }

    /// <summary>Banner of each township seen in one (a township never leaves its banner), bounded; non-members are not kept.</summary>
    private readonly ConcurrentDictionary<string, string> _bannerOf = new(StringComparer.Ordinal);

    /// <summary>The banner a township belongs to, or null when it is malformed or in none.</summary>
    private async Task<string?> BannerOf(string townshipId)
    {
        if (!Text.IsOrgUnitId(townshipId)) return null;
        if (_bannerOf.TryGetValue(townshipId, out var known)) return known;
        var banner = await banners.Directory.BannerOf(townshipId);
        if (banner is not null && _bannerOf.Count < CacheLimit) _bannerOf[townshipId] = banner;
        return banner;
    }

    private async Task<HashSet<string>> ReporterTownships(CallerScope caller)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(caller.Township)) set.Add(caller.Township);
        foreach (var village in caller.Villages.Take(64))
        {
            if (await TownshipOf(village) is { } t) set.Add(t);
        }
        return set;
    }

    /// <summary>The township an org unit belongs to, or null when it is malformed or not on the roster.</summary>
    private async Task<string?> TownshipOf(string orgUnitId)
    {
        if (!Text.IsOrgUnitId(orgUnitId)) return null;
        if (_townshipOf.TryGetValue(orgUnitId, out var known)) return known;
        try
        {
            var info = await refs.Ledger(orgUnitId).GetInfo();
            if (_townshipOf.Count < CacheLimit) _townshipOf[orgUnitId] = info.TownshipId;
            return info.TownshipId;
        }
        catch (DomainException)
        {
            return null;
        }
    }

    /// <summary>The org unit holding a case, or null when it is malformed or unknown.</summary>
    private async Task<string?> CaseOrgUnit(string caseId)
    {
        if (string.IsNullOrEmpty(caseId) || caseId.Length > 128 || !Text.IsCleanText(caseId, false)) return null;
        if (_caseOrgUnit.TryGetValue(caseId, out var known)) return known;
        var unit = await refs.CaseRegistry.Locate(caseId);
        if (unit is not null && _caseOrgUnit.Count < CacheLimit) _caseOrgUnit[caseId] = unit;
        return unit;
    }
}
