using System.Collections.Immutable;
using Dongming.Domain;
using Orleans.Concurrency;

namespace Dongming.Grains;

/// <summary>Grain keys. Prefixed, so never all digits (Orleans mis-parses all-digit string keys).</summary>
public static class GrainKeys
{
    /// <summary>An org unit's ledger: a village, or a township's own entries.</summary>
    public static string Ledger(string orgUnitId) => "ledger/" + orgUnitId;

    /// <summary>A township's kept totals and case summary.</summary>
    public static string Township(string townshipId) => "township/" + townshipId;

    /// <summary>The one roster of townships and villages.</summary>
    public const string Roster = "roster/main";

    /// <summary>The one catalog of indicators and case types.</summary>
    public const string Catalog = "catalog/main";

    /// <summary>The one registry of case ids.</summary>
    public const string CaseRegistry = "cases/main";
}

// Calls that read the journal or write take the caller's CancellationToken (Orleans passes cancellation to the
// grain): a request whose client gave up or whose deadline passed is not started, and a long history read stops.

/// <summary>
/// The ledger (台账) of one gacha/village — or of a township's own entries (镇本级): its figures, their history
/// and its remediation cases. Event-sourced; every change is persisted before the call returns.
/// </summary>
[Alias("Dongming.ILedgerGrain")]
public interface ILedgerGrain : IGrainWithStringKey
{
    /// <summary>Puts the org unit on the roster (idempotent).</summary>
    [Alias("Register")] Task<OrgUnitView> Register(OrgUnitView unit, Caller caller);

    /// <summary>The registration, or NotFound.</summary>
    [Alias("GetInfo"), ReadOnly] Task<OrgUnitView> GetInfo();

    /// <summary>Reports values, all or nothing; a retried request id applies once.</summary>
    [Alias("ReportValues")] Task<ReportResult> ReportValues(ReportCommand command, CancellationToken cancellationToken = default);

    /// <summary>Figures of a period (computed ones included).</summary>
    [Alias("GetValues"), ReadOnly] Task<ValuesView> GetValues(string period, IReadOnlyList<string> indicators);

    /// <summary>Every revision of one entered figure, oldest first.</summary>
    [Alias("GetValueHistory"), ReadOnly] Task<IReadOnlyList<RevisionView>> GetValueHistory(string period, string indicator, CancellationToken cancellationToken = default);

    /// <summary>Opens a case.</summary>
    [Alias("OpenCase")] Task<CaseData> OpenCase(OpenCaseMessage command, CancellationToken cancellationToken = default);

    /// <summary>Moves a case.</summary>
    [Alias("TransitionCase")] Task<CaseData> TransitionCase(TransitionCaseMessage command, CancellationToken cancellationToken = default);

    /// <summary>Changes a case's deadline, assignee or flags.</summary>
    [Alias("UpdateCase")] Task<CaseData> UpdateCase(UpdateCaseMessage command, CancellationToken cancellationToken = default);

    /// <summary>One case, or NotFound.</summary>
    [Alias("GetCase"), ReadOnly] Task<CaseData> GetCase(string caseId);

    /// <summary>The cases with these ids that this ledger holds.</summary>
    [Alias("GetCases"), ReadOnly] Task<IReadOnlyList<CaseData>> GetCases(IReadOnlyList<string> caseIds);

    /// <summary>Cases matching a filter, sorted by deadline then id, after the given position.</summary>
    [Alias("ListCases"), ReadOnly] Task<IReadOnlyList<CaseData>> ListCases(CaseFilter filter);

    /// <summary>Every event of one case, oldest first.</summary>
    [Alias("GetCaseHistory"), ReadOnly] Task<IReadOnlyList<CaseHistoryView>> GetCaseHistory(string caseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The whole contribution to the township at the last persisted version. Interleaves: the township asks for it
    /// while repairing, possibly while this ledger is waiting on the township.
    /// </summary>
    [Alias("GetContribution"), AlwaysInterleave] Task<FullContribution?> GetContribution();
}

/// <summary>
/// A township's kept totals and case summary (镇汇总), updated incrementally from its ledgers at every write.
/// Derived state: checkpointed now and then, and repaired from the ledgers' journals when loaded.
/// </summary>
[Alias("Dongming.ITownshipGrain")]
public interface ITownshipGrain : IGrainWithStringKey
{
    /// <summary>Applies one ledger change; returns false when the ledger must send its whole contribution.</summary>
    [Alias("Apply")] Task<bool> Apply(ContributionChange change);

    /// <summary>Replaces one ledger's whole contribution.</summary>
    [Alias("ApplyFull")] Task ApplyFull(FullContribution contribution);

    /// <summary>Totals of one period (empty indicators = all).</summary>
    [Alias("GetTotals"), ReadOnly] Task<TotalsView> GetTotals(string period, ImmutableArray<string> indicators, bool includeBreakdown);

    /// <summary>Case counts.</summary>
    [Alias("GetCaseSummary"), ReadOnly] Task<CaseSummaryView> GetCaseSummary(string? caseType, string? batch, DateOnly asOf, bool includeBreakdown);

    /// <summary>Locations of the cases matching a filter, sorted by deadline then id.</summary>
    [Alias("FindCases"), ReadOnly] Task<IReadOnlyList<CaseLocation>> FindCases(CaseFilter filter);

    /// <summary>
    /// Waits until the totals' version differs from <paramref name="knownVersion"/> or the timeout passes;
    /// returns the current version. Interleaves so waiting never blocks updates.
    /// </summary>
    [Alias("WaitForChange"), AlwaysInterleave] Task<long> WaitForChange(long knownVersion, TimeSpan timeout);

    /// <summary>Re-reads every ledger's contribution and corrects what differs; returns the corrected org units.</summary>
    [Alias("Repair")] Task<RepairResult> Repair(CancellationToken cancellationToken = default);
}

/// <summary>What a repair of a township's totals corrected, and the totals' version afterwards.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.RepairResult")]
public sealed record RepairResult([property: Id(0)] IReadOnlyList<string> CorrectedOrgUnits, [property: Id(1)] long Version);

/// <summary>The roster of townships and villages (花名册). Reads interleave with registrations: a registration
/// calls the new ledger, whose township may read the roster while loading.</summary>
[Alias("Dongming.IRosterGrain")]
public interface IRosterGrain : IGrainWithStringKey
{
    [Alias("RegisterTownship")] Task<TownshipInfo> RegisterTownship(TownshipInfo township, Caller caller);

    [Alias("RegisterVillage")] Task<VillageInfo> RegisterVillage(VillageInfo village, Caller caller);

    [Alias("GetTownship"), AlwaysInterleave] Task<TownshipInfo?> GetTownship(string townshipId);

    [Alias("VillageCount"), AlwaysInterleave] Task<int> VillageCount(string townshipId);

    /// <summary>Villages of a township after <paramref name="afterVillageId"/>, ordered by id.</summary>
    [Alias("ListVillages"), AlwaysInterleave] Task<IReadOnlyList<VillageInfo>> ListVillages(string townshipId, string? afterVillageId, int limit);

    /// <summary>Every org unit of a township: its own ledger first, then its villages.</summary>
    [Alias("OrgUnitsOf"), AlwaysInterleave] Task<IReadOnlyList<string>> OrgUnitsOf(string townshipId);
}

/// <summary>The catalog of indicators and case types.</summary>
[Alias("Dongming.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithStringKey
{
    /// <summary>Defines indicators (a batch may define a parent and its parts together).</summary>
    [Alias("DefineIndicators")] Task<IReadOnlyList<IndicatorDefinition>> DefineIndicators(IReadOnlyList<IndicatorDefinition> indicators, string requestId, Caller caller);

    [Alias("DefineCaseType")] Task<CaseTypeDefinition> DefineCaseType(CaseTypeDefinition caseType, string requestId, Caller caller);

    /// <summary>The whole catalog with its version (ledgers cache it and refresh on an unknown code).</summary>
    [Alias("GetIndicators"), ReadOnly] Task<CatalogSnapshot> GetIndicators();

    [Alias("GetCaseTypes"), ReadOnly] Task<IReadOnlyList<CaseTypeDefinition>> GetCaseTypes();
}

/// <summary>The indicator catalog at one version.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CatalogSnapshot")]
public sealed record CatalogSnapshot([property: Id(0)] long Version, [property: Id(1)] IReadOnlyList<IndicatorDefinition> Indicators);

/// <summary>Assigns case ids and knows which ledger holds each case.</summary>
[Alias("Dongming.ICaseRegistryGrain")]
public interface ICaseRegistryGrain : IGrainWithStringKey
{
    /// <summary>Assigns the next id of a prefix to a case of <paramref name="orgUnitId"/>; the same request key gets the same id.</summary>
    [Alias("Assign")] Task<string> Assign(string prefix, string orgUnitId, string requestKey);

    /// <summary>The ledger holding a case, or null.</summary>
    [Alias("Locate"), ReadOnly] Task<string?> Locate(string caseId);
}
