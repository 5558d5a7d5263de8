using Dongming.Domain;
using Dongming.Storage;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <inheritdoc cref="ILedgerGrain"/>
public sealed class LedgerGrain(IJournalStore store, CatalogCache catalogs, TimeProvider clock, ILogger<LedgerGrain> logger)
    : EventSourcedGrain<LedgerState, LedgerEvent>(store, logger), ILedgerGrain
{
    private IndicatorCatalog _catalog = IndicatorCatalog.Empty;
    private ContributionDelta? _delta;
    private bool _townshipStale;
    private IGrainTimer? _retry;

    private string OrgUnitId => this.GetPrimaryKeyString()["ledger/".Length..];

    protected override async Task BeforeLoadAsync(CancellationToken cancellationToken) => _catalog = await catalogs.GetAsync();

    protected override void Apply(LedgerEvent e, long version) => State.Apply(e, version, _catalog, _delta);

    private OrgUnitRegistered Registration => State.Registration ?? throw DomainException.NotFound($"org unit {OrgUnitId} not found");

    public async Task<OrgUnitView> Register(OrgUnitView unit, Caller caller)
    {
        if (State.Registration is { } r)
        {
            if (r.Level == unit.Level && r.TownshipId == unit.TownshipId && r.Name == unit.Name && r.Kind == unit.Kind) return View(r);
            throw DomainException.Precondition($"{OrgUnitId} is registered differently");
        }
        var requestId = "register/" + unit.OrgUnitId;
        var e = new OrgUnitRegistered(Meta.Of(caller, requestId), unit.Level, unit.TownshipId, unit.Name, unit.Kind);
        await PersistAndNotifyAsync(e, requestId, Reporting.Fingerprint(unit.ToString()));
        return View(State.Registration!);
    }

    private OrgUnitView View(OrgUnitRegistered r) => new(OrgUnitId, r.Level, r.TownshipId, r.Name, r.Kind);

    public Task<OrgUnitView> GetInfo() => Task.FromResult(View(Registration));

    public async Task<ReportResult> ReportValues(ReportCommand command, CancellationToken cancellationToken = default)
    {
        var registration = Registration;
        var lines = command.Values.Select(v => new ReportLine(v.Indicator, v.Value)).ToList();
        ValidatedReport report;
        try
        {
            report = Reporting.Validate(_catalog, registration.Level, command.Period, lines, command.RequestId, command.Comment);
        }
        catch (DomainException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            _catalog = await catalogs.RefreshAsync(); // an indicator defined since this ledger loaded
            report = Reporting.Validate(_catalog, registration.Level, command.Period, lines, command.RequestId, command.Comment);
        }
        var e = new ValuesReported(Meta.Of(command.Caller, command.RequestId), report.Period.ToString(), report.Figures, report.Comment);
        var (version, replay) = await PersistAndNotifyAsync(e, command.RequestId, Reporting.Fingerprint(OrgUnitId, report), cancellationToken);
        if (replay is null) ServiceMetrics.ValuesReported.Add(report.Figures.Count);
        return replay is null ? new ReportResult(OrgUnitId, version, false) : new ReportResult(OrgUnitId, replay.Version, true);
    }

    /// <summary>Persists, then brings the township's totals up to date before answering.</summary>
    private async Task<(long Version, JournalEvent? Replay)> PersistAndNotifyAsync(LedgerEvent e, string requestId, string fingerprint, CancellationToken cancellationToken = default)
    {
        var baseVersion = Version;
        var delta = _delta = new ContributionDelta(); // filled by Apply while the event is applied
        (long Version, JournalEvent? Replay) result;
        try
        {
            result = await PersistAsync(e, requestId, fingerprint, cancellationToken);
        }
        finally
        {
            _delta = null;
        }
        if (result.Replay is null) await NotifyTownshipAsync(baseVersion, delta);
        return result;
    }

    private ITownshipGrain? _township;

    private async Task NotifyTownshipAsync(long baseVersion, ContributionDelta delta)
    {
        if (State.Registration is not { } r) return;
        var township = _township ??= GrainFactory.GetGrain<ITownshipGrain>(GrainKeys.Township(r.TownshipId));
        try
        {
            if (_townshipStale || !await township.Apply(new ContributionChange(OrgUnitId, r.Level, baseVersion, Version,
                    delta.Figures, delta.Cases.ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : CaseTallyMessage.From(kv.Value)), clock.GetUtcNow())))
            {
                await township.ApplyFull(Contribution()!);
            }
            _townshipStale = false;
        }
        catch (Exception ex)
        {
            // The write is durable in this ledger's journal; the township catches up from it (retry below, or its
            // repair when it next loads). The caller's write succeeded, so this is not an error for the caller.
            logger.LogWarning(ex, "Township {Township} not updated from {OrgUnit}; retrying", r.TownshipId, OrgUnitId);
            _townshipStale = true;
            _retry ??= this.RegisterGrainTimer(RetryTownshipAsync, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        }
    }

    private async Task RetryTownshipAsync(CancellationToken cancellationToken)
    {
        if (!_townshipStale || State.Registration is not { } r) { _retry?.Dispose(); _retry = null; return; }
        await (_township ??= GrainFactory.GetGrain<ITownshipGrain>(GrainKeys.Township(r.TownshipId))).ApplyFull(Contribution()!);
        _townshipStale = false;
    }

    public Task<ValuesView> GetValues(string period, IReadOnlyList<string> indicators)
    {
        _ = Registration;
        var p = Period.Parse(period).ToString();
        var figures = new List<FigureView>();
        if (indicators.Count > 0)
        {
            foreach (var code in indicators.Distinct().Order(StringComparer.Ordinal))
            {
                if (State.Figures.TryGetValue(FigureKey.Of(p, code), out var f)) figures.Add(ToView(code, f));
            }
        }
        else
        {
            var prefix = p + "|";
            foreach (var (key, f) in State.Figures.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                figures.Add(ToView(key[prefix.Length..], f));
            }
        }
        return Task.FromResult(new ValuesView(OrgUnitId, p, figures, Version));
    }

    private static FigureView ToView(string code, FigureRecord f) => new(code, f.Value, f.Actor, f.ActorName, f.At, f.Computed);

    public async Task<IReadOnlyList<RevisionView>> GetValueHistory(string period, string indicator, CancellationToken cancellationToken = default)
    {
        _ = Registration;
        var p = Period.Parse(period).ToString();
        var revisions = new List<RevisionView>();
        decimal? previous = null;
        await foreach (var (raw, e) in ReadHistoryAsync(cancellationToken))
        {
            if (e is not ValuesReported r || r.Period != p) continue;
            foreach (var f in r.Figures.Where(f => f.Indicator == indicator))
            {
                revisions.Add(new RevisionView(f.Value, previous, r.Meta.Actor, r.Meta.ActorName, r.Meta.At, r.Meta.RequestId, r.Comment, raw.Version));
                previous = f.Value;
            }
        }
        return revisions;
    }

    // ----- remediation cases -----

    private DateOnly Today => CaseDates.Today(clock);

    public async Task<CaseData> OpenCase(OpenCaseMessage message, CancellationToken cancellationToken = default)
    {
        var registration = Registration;
        var command = message.Command;
        var draft = CaseRules.ValidateOpen(command, Today, message.Caller.ToActor(), clock.GetUtcNow());
        if (await catalogs.GetCaseTypeAsync(command.CaseType) is null) throw DomainException.NotFound($"case type {command.CaseType} not found");
        var fingerprint = CaseRules.Fingerprint(command);
        if (await FindReplayAsync(command.RequestId!, fingerprint) is { } replay)
            return CaseData.From(State.Cases[((CaseOpened)Deserialize(replay.Payload)).Case.CaseId]);
        var caseId = await GrainFactory.GetGrain<ICaseRegistryGrain>(GrainKeys.CaseRegistry)
            .Assign(CaseRules.CaseIdPrefix(draft.CaseType, draft.Batch, draft.OpenedOn), OrgUnitId, $"{OrgUnitId}/{command.RequestId}");
        var opened = draft with { CaseId = caseId, TownshipId = registration.TownshipId };
        await PersistAndNotifyAsync(new CaseOpened(Meta.Of(message.Caller, command.RequestId!), opened, string.IsNullOrEmpty(command.Note) ? null : command.Note), command.RequestId!, fingerprint, cancellationToken);
        ServiceMetrics.CasesOpened.Add(1);
        return CaseData.From(State.Cases[caseId]);
    }

    public async Task<CaseData> TransitionCase(TransitionCaseMessage m, CancellationToken cancellationToken = default)
    {
        var v = new Violations();
        CaseRules.CheckChangeRequest(v, m.CaseId, m.ExpectedVersion, m.Note, m.RequestId);
        if (!Enum.IsDefined(m.To)) v.Add("to_status", "is required (CASE_STATUS_UNSPECIFIED is not a status)");
        var on = CaseDates.Parse(v, "effective_on", m.EffectiveOn, required: false) ?? Today;
        if (on > Today) v.Add("effective_on", "must not be in the future");
        v.ThrowIfAny();
        var fingerprint = Reporting.Fingerprint(m.CaseId, m.To.ToString(), m.ExpectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Note, m.EffectiveOn);
        if (await FindReplayAsync(m.RequestId, fingerprint) is not null) return CaseData.From(State.Cases[m.CaseId]);
        var current = FindCase(m.CaseId);
        if (current.Version != m.ExpectedVersion)
            throw DomainException.Aborted($"case {m.CaseId} is at version {current.Version}, not {m.ExpectedVersion}: someone changed it; read it again");
        current.MoveTo(m.To, on, m.Note, clock.GetUtcNow()); // validates before anything is written
        await PersistAndNotifyAsync(new CaseTransitioned(Meta.Of(m.Caller, m.RequestId), m.CaseId, current.Status, m.To, on, string.IsNullOrEmpty(m.Note) ? null : m.Note), m.RequestId, fingerprint, cancellationToken);
        if (m.To == CaseStatus.Closed) ServiceMetrics.CasesClosed.Add(1);
        return CaseData.From(State.Cases[m.CaseId]);
    }

    public async Task<CaseData> UpdateCase(UpdateCaseMessage m, CancellationToken cancellationToken = default)
    {
        var v = new Violations();
        CaseRules.CheckChangeRequest(v, m.CaseId, m.ExpectedVersion, m.Note, m.RequestId);
        var deadline = CaseDates.Parse(v, "deadline", m.Deadline, required: false);
        if (m.Assignee is not null) Text.CheckText(v, "assignee", m.Assignee, 64);
        if (m.Deadline is null && m.Assignee is null && m.Repeat is null && m.Returned is null) v.Add("deadline", "nothing to change: set deadline, assignee, repeat or returned");
        v.ThrowIfAny();
        var fingerprint = Reporting.Fingerprint(m.CaseId, m.ExpectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Deadline, m.Assignee, m.Repeat?.ToString(), m.Returned?.ToString(), m.Note);
        if (await FindReplayAsync(m.RequestId, fingerprint) is not null) return CaseData.From(State.Cases[m.CaseId]);
        var current = FindCase(m.CaseId);
        if (current.Version != m.ExpectedVersion)
            throw DomainException.Aborted($"case {m.CaseId} is at version {current.Version}, not {m.ExpectedVersion}: someone changed it; read it again");
        if (deadline is { } d && d < current.OpenedOn) throw DomainException.Invalid("deadline", "must not be before opened_on");
        var changes = new List<string>();
        if (deadline is { } nd && nd != current.Deadline) changes.Add($"deadline {CaseDates.Format(current.Deadline)} → {CaseDates.Format(nd)}");
        if (m.Assignee is not null && m.Assignee != (current.Assignee ?? string.Empty)) changes.Add($"assignee {current.Assignee ?? "-"} → {(m.Assignee.Length == 0 ? "-" : m.Assignee)}");
        if (m.Repeat is { } rep && rep != current.Repeat) changes.Add($"repeat {current.Repeat} → {rep}");
        if (m.Returned is { } ret && ret != current.Returned) changes.Add($"returned {current.Returned} → {ret}");
        if (changes.Count == 0) return CaseData.From(current);
        var e = new CaseUpdated(Meta.Of(m.Caller, m.RequestId), m.CaseId, new CaseChanges(deadline, m.Assignee, m.Repeat, m.Returned), changes, string.IsNullOrEmpty(m.Note) ? null : m.Note);
        await PersistAndNotifyAsync(e, m.RequestId, fingerprint, cancellationToken);
        return CaseData.From(State.Cases[m.CaseId]);
    }

    private RemediationCase FindCase(string caseId)
    {
        _ = Registration;
        return State.Cases.TryGetValue(caseId, out var c) ? c : throw DomainException.NotFound($"case {caseId} not found");
    }

    public Task<CaseData> GetCase(string caseId) => Task.FromResult(CaseData.From(FindCase(caseId)));

    public Task<IReadOnlyList<CaseData>> GetCases(IReadOnlyList<string> caseIds) =>
        Task.FromResult<IReadOnlyList<CaseData>>([.. caseIds.Where(State.Cases.ContainsKey).Select(id => CaseData.From(State.Cases[id]))]);

    public Task<IReadOnlyList<CaseData>> ListCases(CaseFilter f)
    {
        _ = Registration;
        var cases = State.Cases.Values
            .Where(c => (string.IsNullOrEmpty(f.CaseType) || c.CaseType == f.CaseType)
                && (f.Status is null || c.Status == f.Status)
                && (string.IsNullOrEmpty(f.Batch) || c.Batch == f.Batch)
                && (f.OverdueAsOf is not { } asOf || c.IsOverdue(asOf))
                && (f.AfterDeadline is not { } ad || c.Deadline > ad || (c.Deadline == ad && string.CompareOrdinal(c.CaseId, f.AfterCaseId) > 0)))
            .OrderBy(c => c.Deadline).ThenBy(c => c.CaseId, StringComparer.Ordinal)
            .Take(f.Limit)
            .Select(CaseData.From)
            .ToList();
        return Task.FromResult<IReadOnlyList<CaseData>>(cases);
    }

    public async Task<IReadOnlyList<CaseHistoryView>> GetCaseHistory(string caseId, CancellationToken cancellationToken = default)
    {
        var current = FindCase(caseId);
        var entries = new List<CaseHistoryView>();
        long caseVersion = 0;
        await foreach (var (_, e) in ReadHistoryAsync(cancellationToken))
        {
            switch (e)
            {
                case CaseOpened o when o.Case.CaseId == caseId:
                    entries.Add(new CaseHistoryView("opened", CaseStatus.Reported, null, o.Meta.Actor, o.Meta.ActorName, o.Meta.At, o.Note, o.Meta.RequestId, [], o.Case.OpenedOn, ++caseVersion));
                    break;
                case CaseTransitioned t when t.CaseId == caseId:
                    entries.Add(new CaseHistoryView("transitioned", t.To, t.From, t.Meta.Actor, t.Meta.ActorName, t.Meta.At, t.Note, t.Meta.RequestId, [], t.EffectiveOn, ++caseVersion));
                    break;
                case CaseUpdated u when u.CaseId == caseId:
                    var status = entries.Count > 0 ? entries[^1].Status : current.Status;
                    entries.Add(new CaseHistoryView("updated", status, null, u.Meta.Actor, u.Meta.ActorName, u.Meta.At, u.Note, u.Meta.RequestId, u.Description, DateOnly.FromDateTime(u.Meta.At.ToOffset(CaseDates.Offset).DateTime), ++caseVersion));
                    break;
            }
        }
        return entries;
    }

    public async Task<FullContribution?> GetContribution()
    {
        await WaitUntilPersistedAsync();
        return Contribution();
    }

    private FullContribution? Contribution()
    {
        if (State.Registration is not { } r) return null;
        var (figures, cases) = State.Contribution();
        return new FullContribution(OrgUnitId, r.Level, Version, figures,
            cases.ToDictionary(kv => kv.Key, kv => CaseTallyMessage.From(kv.Value), StringComparer.Ordinal), clock.GetUtcNow());
    }
}
