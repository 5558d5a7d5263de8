using System.Collections.Immutable;
using Dongming.Domain;
using Dongming.Quality;
using Orleans.Concurrency;

namespace Dongming.Grains.Abstractions;

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

// What crosses a grain call (README, design): domain records as they are (Dongming.Domain; immutable, shared without
// copying inside a silo, JSON between silos — see Serialization.cs); a message of this project only where the call's
// shape has no domain counterpart (CatalogSnapshot, RepairResult). Commands arrive as the caller sent them and the
// grain that owns the data validates them with the one domain function for that request.
//
// ReportValues and ClearValues are [AlwaysInterleave] too: they queue, and the ledger writes the queue in batches, one
// append at a time (src/Dongming.Grains/LedgerGrain.Batching.cs); its other writes run alone.
// Reads of committed state are [AlwaysInterleave]: a ledger applies an event to its state only after it is durable
// (LedgerState.Prepare/Commit), so a read between two awaits of a write sees persisted state — and reads never queue
// behind writes or deadlock with a township waiting on them. Calls that read the journal or write take the caller's
// CancellationToken: a request whose client gave up is not started, and a long history read stops.

/// <summary>
/// The ledger (台账) of one gacha/village — or of a township's own entries (镇本级): its figures, their history
/// and its remediation cases. Event-sourced; every change is persisted before the call returns.
/// </summary>
[Alias("Dongming.ILedgerGrain")]
public interface ILedgerGrain : IGrainWithStringKey
{
    /// <summary>Puts the org unit on the roster (idempotent).</summary>
    [Alias("Register")] Task<OrgUnitInfo> Register(OrgUnitInfo unit, Actor actor);

    /// <summary>Retires a village from a period on (idempotent for the same request).</summary>
    [Alias("Retire")] Task<OrgUnitInfo> Retire(ValidatedRetire retire, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>The registration, or NotFound.</summary>
    [Alias("GetInfo"), AlwaysInterleave] Task<OrgUnitInfo> GetInfo();

    /// <summary>
    /// Reports values, all or nothing; a retried request id applies once. Refused (FAILED_PRECONDITION) where an approval
    /// locks them; answered with the validation warnings of the org unit's figures after it (a village's).
    /// </summary>
    [Alias("ReportValues"), AlwaysInterleave] Task<ReportReceipt> ReportValues(ReportCommand command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks reports as <see cref="ReportValues"/> would (validation, retirement, approval locks) without writing any:
    /// for each, the entered figures it would replace, or why it would be refused. An unknown org unit is NotFound.
    /// </summary>
    [Alias("CheckReports"), AlwaysInterleave] Task<IReadOnlyList<ReportCheck>> CheckReports(IReadOnlyList<ReportCommand> commands);

    /// <summary>Revises values to "no value" (audited); a retried request id applies once.</summary>
    [Alias("ClearValues"), AlwaysInterleave] Task<ReportReceipt> ClearValues(ClearCommand command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Figures of a period (computed and rolled-up ones included); <paramref name="period"/> is validated here.</summary>
    [Alias("GetValues"), AlwaysInterleave] Task<LedgerValues> GetValues(string period, ImmutableArray<string> indicators);

    /// <summary>Every revision of one entered figure, oldest first.</summary>
    [Alias("GetValueHistory"), AlwaysInterleave] Task<IReadOnlyList<ValueRevision>> GetValueHistory(string period, string indicator, CancellationToken cancellationToken = default);

    /// <summary>Opens a case.</summary>
    [Alias("OpenCase")] Task<RemediationCase> OpenCase(OpenCaseCommand command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Moves a case.</summary>
    [Alias("TransitionCase")] Task<RemediationCase> TransitionCase(TransitionCaseCommand command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Changes a case's deadline, assignee or flags.</summary>
    [Alias("UpdateCase")] Task<RemediationCase> UpdateCase(UpdateCaseCommand command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>One case, or NotFound.</summary>
    [Alias("GetCase"), AlwaysInterleave] Task<RemediationCase> GetCase(string caseId);

    /// <summary>The cases with these ids that this ledger holds.</summary>
    [Alias("GetCases"), AlwaysInterleave] Task<IReadOnlyList<RemediationCase>> GetCases(ImmutableArray<string> caseIds);

    /// <summary>One page of this ledger's cases matching the query.</summary>
    [Alias("ListCases"), AlwaysInterleave] Task<CasePage> ListCases(CaseQuery query);

    /// <summary>Every event of one case, oldest first.</summary>
    [Alias("GetCaseHistory"), AlwaysInterleave] Task<IReadOnlyList<CaseHistoryEntry>> GetCaseHistory(string caseId, CancellationToken cancellationToken = default);

    /// <summary>The whole contribution to the township at the last persisted version (null before registration).</summary>
    [Alias("GetContribution"), AlwaysInterleave] Task<FullContribution?> GetContribution();

    /// <summary>
    /// Submits, approves, rejects or unapproves a (data set, period) of this org unit (validated here, journaled with
    /// actor, time and reason); a retried request id gets its first answer. Returns the approval after the step.
    /// </summary>
    [Alias("ChangeApproval")] Task<ApprovalState> ChangeApproval(ApprovalCommand command, Actor actor, CancellationToken cancellationToken = default);
}

/// <summary>
/// A township's kept totals and case summary (镇汇总), updated incrementally from its ledgers at every write.
/// Derived state: checkpointed now and then, and repaired from the ledgers' journals when loaded.
/// </summary>
[Alias("Dongming.ITownshipGrain")]
public interface ITownshipGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies one ledger change; returns false when the ledger must send its whole contribution. Interleaves: it runs
    /// in one synchronous step, and a ledger's write waits for it, so it must never queue behind the township's slow
    /// work (a repair waiting on ledgers, a checkpoint, a read waiting for the catch-up after a load) — a ledger
    /// deactivating with a write in flight would otherwise hold up the very repair that waits for it.
    /// </summary>
    [Alias("Apply"), AlwaysInterleave] Task<bool> Apply(ContributionChange change);

    /// <summary>Replaces one ledger's whole contribution (never with an older version). Interleaves, as Apply does.</summary>
    [Alias("ApplyFull"), AlwaysInterleave] Task ApplyFull(FullContribution contribution);

    /// <summary>
    /// Totals of one period (no indicators = all), each compared with <paramref name="comparePeriod"/>'s when given; the
    /// periods and codes are validated here.
    /// </summary>
    [Alias("GetTotals"), ReadOnly] Task<TotalsAnswer> GetTotals(string period, ImmutableArray<string> indicators, bool includeBreakdown, string? comparePeriod = null);

    /// <summary>Case counts as of the query's date (today's kept counts, or every case as it stood on a past date).</summary>
    [Alias("GetCaseSummary"), ReadOnly] Task<CaseSummary> GetCaseSummary(CaseSummaryQuery query);

    /// <summary>Runs the validation rules in force on the kept figures of a period (the period and ids are validated here).</summary>
    [Alias("RunValidation"), AlwaysInterleave] Task<ValidationRun> RunValidation(string period, ImmutableArray<string> orgUnitIds, bool includeSkipped);

    /// <summary>Values of the villages that stand out, across villages and year over year (validated here).</summary>
    [Alias("FindOutliers"), AlwaysInterleave] Task<TownshipOutliers> FindOutliers(OutlierCommand command);

    /// <summary>Completeness and timeliness of a data set's period (validated here; the roster's villages come from the roster).</summary>
    [Alias("GetCompleteness"), AlwaysInterleave] Task<CompletenessResult> GetCompleteness(string dataSet, string period);

    /// <summary>Each expected village's approval of a data set's period and the township's own (optionally one org unit's).</summary>
    [Alias("GetApprovalStatus"), AlwaysInterleave] Task<TownshipApproval> GetApprovalStatus(string dataSet, string period, string? orgUnitId);

    /// <summary>
    /// True when the township's (data set, period) is approved — its own approval stands and every expected village is
    /// approved: the state a report is generated from.
    /// </summary>
    [Alias("IsApproved"), AlwaysInterleave] Task<bool> IsApproved(string dataSet, string period);

    /// <summary>One page of the township's cases (all its ledgers) matching the query.</summary>
    [Alias("ListCases"), AlwaysInterleave] Task<CasePage> ListCases(CaseQuery query);

    /// <summary>
    /// Waits until the totals' version differs from <paramref name="knownVersion"/> or the timeout passes;
    /// returns the current version. Interleaves so waiting never blocks updates.
    /// </summary>
    [Alias("WaitForChange"), AlwaysInterleave] Task<long> WaitForChange(long knownVersion, TimeSpan timeout);

    /// <summary>
    /// Does nothing but activate the township (its checkpoint loaded, its parts caught up with the journals, or the
    /// catch-up's wait bound passed): the server's start-up calls it for every township, so that the first read after a
    /// restart does not wait for the load.
    /// </summary>
    [Alias("Load"), AlwaysInterleave] Task Load();

    /// <summary>Re-reads every ledger's contribution, recounts every kept total, and corrects what differs.</summary>
    [Alias("Repair")] Task<RepairResult> Repair(CancellationToken cancellationToken = default);

    /// <summary>
    /// The township's totals as a part of <paramref name="bannerId"/> (its banner, which asks when it loads or counts a
    /// new member); from then on the township forwards its changes there. Null for an unknown township.
    /// </summary>
    [Alias("GetBannerPart"), AlwaysInterleave] Task<BannerPartFull?> GetBannerPart(string bannerId);
}

/// <summary>What a repair of a township's totals corrected, and the totals' version afterwards.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.RepairResult")]
public sealed record RepairResult([property: Id(0)] IReadOnlyList<string> CorrectedOrgUnits, [property: Id(1)] long Version, [property: Id(2)] IReadOnlyList<string> RecountedTotals);

/// <summary>The roster of townships and villages (花名册). Reads interleave with registrations: a registration
/// calls the new ledger, whose township may read the roster while loading.</summary>
[Alias("Dongming.IRosterGrain")]
public interface IRosterGrain : IGrainWithStringKey
{
    [Alias("RegisterTownship")] Task<TownshipInfo> RegisterTownship(TownshipInfo township, Actor actor);

    [Alias("RegisterVillage")] Task<VillageInfo> RegisterVillage(VillageInfo village, Actor actor);

    /// <summary>Retires a village: the roster records it, then the village's ledger (both on every retry).</summary>
    [Alias("RetireVillage")] Task<VillageInfo> RetireVillage(RetireCommand command, Actor actor, CancellationToken cancellationToken = default);

    [Alias("GetTownship"), AlwaysInterleave] Task<TownshipInfo?> GetTownship(string townshipId);

    /// <summary>The township with its number of villages on the roster, or NotFound.</summary>
    [Alias("DescribeTownship"), AlwaysInterleave] Task<TownshipRoster> DescribeTownship(string townshipId);

    /// <summary>One page of the villages of a township, ordered by id (the page token is validated here).</summary>
    [Alias("ListVillages"), AlwaysInterleave] Task<VillagePage> ListVillages(string townshipId, int pageSize, string? pageToken);

    /// <summary>Every org unit of a township: its own ledger first, then its villages.</summary>
    [Alias("OrgUnitsOf"), AlwaysInterleave] Task<IReadOnlyList<string>> OrgUnitsOf(string townshipId);

    /// <summary>Every village of a township, with the periods it exists in (active from, retired from); null for an unknown township.</summary>
    [Alias("VillagesOf"), AlwaysInterleave] Task<IReadOnlyList<VillageInfo>?> VillagesOf(string townshipId);

    /// <summary>The ids of every registered township, ordered.</summary>
    [Alias("TownshipIds"), AlwaysInterleave] Task<IReadOnlyList<string>> TownshipIds();
}

/// <summary>The catalog of indicators and case types.</summary>
[Alias("Dongming.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithStringKey
{
    /// <summary>Defines indicators (a batch may define a parent and its parts together).</summary>
    [Alias("DefineIndicators")] Task<IReadOnlyList<IndicatorDefinition>> DefineIndicators(IReadOnlyList<IndicatorDefinition> indicators, string requestId, Actor actor);

    [Alias("DefineCaseType")] Task<CaseTypeDefinition> DefineCaseType(CaseTypeDefinition caseType, string requestId, Actor actor);

    /// <summary>The whole catalog with its version (silos cache it and refresh when the version moved).</summary>
    [Alias("GetIndicators"), ReadOnly] Task<CatalogSnapshot> GetIndicators();

    /// <summary>The catalog's version: cheap, for checking a cached copy is current.</summary>
    [Alias("GetVersion"), ReadOnly] Task<long> GetVersion();

    [Alias("GetCaseTypes"), ReadOnly] Task<IReadOnlyList<CaseTypeDefinition>> GetCaseTypes();

    /// <summary>
    /// Defines a validation rule (admins), replacing the rule of the same code — a built-in one too (a changed bound).
    /// Idempotent for the definition in force.
    /// </summary>
    [Alias("DefineValidationRule")] Task<DefinedRule> DefineValidationRule(RuleDraft rule, string requestId, Actor actor);

    /// <summary>Defines a township's data set, replacing the one of the same code. Idempotent for the definition in force.</summary>
    [Alias("DefineDataSet")] Task<DataSetDefinition> DefineDataSet(string townshipId, DataSet dataSet, string requestId, Actor actor);
}

/// <summary>
/// The catalog at one version: indicators (the domain's <see cref="IndicatorCatalog"/> is built from them), the validation
/// rules defined (built-in ones follow from the indicators) and the townships' data sets.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dongming.CatalogSnapshot")]
public sealed record CatalogSnapshot(
    [property: Id(0)] long Version, [property: Id(1)] IReadOnlyList<IndicatorDefinition> Indicators,
    [property: Id(2)] IReadOnlyList<DefinedRule> Rules, [property: Id(3)] IReadOnlyList<DataSetDefinition> DataSets);

/// <summary>Assigns case ids and knows which ledger holds each case.</summary>
[Alias("Dongming.ICaseRegistryGrain")]
public interface ICaseRegistryGrain : IGrainWithStringKey
{
    /// <summary>Assigns the next id of a prefix to a case of <paramref name="orgUnitId"/>; the same request key gets the same id.</summary>
    [Alias("Assign")] Task<string> Assign(string prefix, string orgUnitId, string requestKey);

    /// <summary>The ledger holding a case, or null.</summary>
    [Alias("Locate"), AlwaysInterleave] Task<string?> Locate(string caseId);
}
