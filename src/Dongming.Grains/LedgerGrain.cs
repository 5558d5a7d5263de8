using System.Collections.Immutable;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Quality;
using Dongming.Storage;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <inheritdoc cref="ILedgerGrain"/>
public sealed partial class LedgerGrain(IJournalStore store, CatalogCache catalogs, TimeProvider clock, ILogger<LedgerGrain> logger)
    : EventSourcedGrain<LedgerState, LedgerEvent>(store, logger), ILedgerGrain
{
    private IndicatorCatalog _catalog = IndicatorCatalog.Empty;
    private bool _townshipStale;
    private IGrainTimer? _retry;
    private ITownshipGrain? _township;

    private string OrgUnitId => this.GetPrimaryKeyString()["ledger/".Length..];

    private DateOnly Today => CaseDates.Today(clock);

    // The current catalog, not the silo's copy as it happens to be: the fold (roll-ups, computed parents) needs every
    // indicator the events name, and one defined through another silo may be missing from this silo's copy.
    protected override async Task BeforeLoadAsync(CancellationToken cancellationToken) => _catalog = await catalogs.CurrentAsync();

    /// <summary>
    /// 4: targets, approvals, and cases with their steps, extensions and fixed on-time outcome (3 lacked one or the
    /// other; 2 lacked both; 1 held the figures only).
    /// </summary>
    protected override int StateFormat => 4;

    protected override void AfterSnapshot() => State.Rebuild(_catalog);

    protected override void Apply(LedgerEvent e, long version) => State.Apply(e, version, _catalog);

    /// <summary>The org unit as registered; an unknown one is NotFound and its activation does not stay.</summary>
    private OrgUnitInfo Info()
    {
        if (State.Info(OrgUnitId) is { } info) return info;
        DeactivateOnIdle();
        throw DomainException.NotFound($"org unit {OrgUnitId} not found");
    }

    private EventMeta Meta(Actor actor, string requestId) => EventMeta.Of(actor, clock.GetUtcNow(), requestId);

    public async Task<OrgUnitInfo> Register(OrgUnitInfo unit, Actor actor)
    {
        if (State.Info(OrgUnitId) is { } existing)
        {
            if (existing with { RetiredFrom = null } == unit with { RetiredFrom = null }) return existing;
            throw DomainException.Precondition($"{OrgUnitId} is registered differently");
        }
        var requestId = "register/" + unit.OrgUnitId;
        await WriteAsync(new OrgUnitRegistered(Meta(actor, requestId), unit.Level, unit.TownshipId, unit.Name, unit.Kind), requestId,
            Reporting.Fingerprint(unit.Level.ToString(), unit.TownshipId, unit.Name, unit.Kind.ToString()), CancellationToken.None);
        return Info();
    }

    public async Task<OrgUnitInfo> Retire(ValidatedRetire retire, Actor actor, CancellationToken cancellationToken = default)
    {
        var info = Info();
        if (info.Level != OrgUnitLevel.Village) throw DomainException.Precondition($"{OrgUnitId} is a township's own ledger, not a village");
        if (info.RetiredFrom is { } from)
        {
            if (from == retire.FromPeriod) return info; // the roster's retry, or the same request again
            throw DomainException.Precondition($"{OrgUnitId} is already retired from {from}");
        }
        await WriteAsync(new OrgUnitRetired(Meta(actor, retire.RequestId), retire.FromPeriod.ToString(), retire.Reason), retire.RequestId, retire.Fingerprint, cancellationToken);
        return Info();
    }

    public Task<OrgUnitInfo> GetInfo() => Task.FromResult(Info());

    public async Task<ReportReceipt> ReportValues(ReportCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var info = Info();
        var report = Reporting.Validate(await catalogs.ForCodesAsync(command.Lines.Select(l => l.Indicator)), info.Level, command with { OrgUnitId = OrgUnitId });
        // A village's report is answered with the warnings of the village-scope rules it breaks (kept with its event).
        var quality = info.Level == OrgUnitLevel.Village ? await catalogs.QualityAsync() : null;
        return await WriteValuesAsync(report.Period, [.. report.Figures.Select(f => f.Indicator)],
            new ValuesReported(Meta(actor, report.RequestId), report.Period.ToString(), report.Figures, report.Comment),
            quality, report.RequestId, report.Fingerprint, report.Figures.Count, cancellationToken);
    }

    public async Task<ReportReceipt> ClearValues(ClearCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var info = Info();
        var clear = Reporting.Validate(await catalogs.ForCodesAsync(command.Indicators), info.Level, command with { OrgUnitId = OrgUnitId });
        return await WriteValuesAsync(clear.Period, clear.Indicators, new ValuesCleared(Meta(actor, clear.RequestId), clear.Period.ToString(), clear.Indicators, clear.Reason),
            null, clear.RequestId, clear.Fingerprint, 0, cancellationToken);
    }

    /// <summary>
    /// Writes a change of figures, batched with the writes that arrive while an append is in flight
    /// (LedgerGrain.Batching.cs): refused when the org unit no longer counts in the period or an approval locks any of
    /// <paramref name="indicators"/> there — unless it is a retry of a request already applied, which keeps its first
    /// answer. A village's report is answered with the validation warnings of its figures after it.
    /// </summary>
    private async Task<ReportReceipt> WriteValuesAsync(Period period, IReadOnlyList<string> indicators, LedgerEvent e, QualityCatalog? quality, string requestId, string fingerprint,
        int values, CancellationToken cancellationToken)
    {
        // The catalog the request was validated with (the silo's copy, refreshed for its codes): an indicator defined
        // after this ledger was loaded must roll up to quarters and years and sum into its parents like the others.
        _catalog = await catalogs.GetAsync();
        var write = new PendingWrite(requestId, fingerprint, version =>
        {
            State.CheckCounts(OrgUnitId, period);
            State.CheckUnlocked(OrgUnitId, period, indicators);
            var effect = State.Prepare(e, version, _catalog);
            return e is ValuesReported report && quality is not null
                ? (report with { Warnings = WarningsAfter(quality, report, period, effect) }, effect)
                : (e, effect);
        });
        WriteOutcome outcome;
        try
        {
            outcome = await EnqueueAsync(write, cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind == ErrorKind.FailedPrecondition)
        {
            if (await FindReplayAsync(requestId, fingerprint) is { } first) return Receipt(first);
            throw;
        }
        if (outcome.Replay is not null) return Receipt(outcome.Replay);
        ServiceMetrics.ValuesReported.Add(values);
        var warnings = (outcome.Event as ValuesReported)?.Warnings ?? [];
        foreach (var w in warnings) ServiceMetrics.ValidationWarnings.Add(1, new KeyValuePair<string, object?>("importance", w.Importance));
        return new ReportReceipt(OrgUnitId, outcome.Version, false, warnings);
    }

    /// <summary>
    /// The warnings of a report: the village-scope rules naming its indicators that the org unit's figures of the period
    /// break once <paramref name="effect"/> (the report's, prepared) is applied.
    /// </summary>
    private IReadOnlyList<ValidationWarning> WarningsAfter(QualityCatalog quality, ValuesReported report, Period period, LedgerEffect effect) =>
        TownshipQuality.Warnings(quality, OrgUnitId, period, report.Figures.Select(f => f.Indicator), State.ValuesAfter(effect, period));

    /// <summary>The first answer of a write of values: its version, and the warnings its report was answered with.</summary>
    private ReportReceipt Receipt(JournalEvent first) =>
        new(OrgUnitId, first.Version, true, Deserialize(first.Payload) is ValuesReported r ? r.Warnings ?? [] : []);

    /// <summary>
    /// Checks what the event does (it must fold), appends it, applies it, and brings the township's totals up to date
    /// before answering — for the calls that run alone (LedgerGrain.Batching.cs). A replayed request id applies
    /// nothing and sends nothing.
    /// </summary>
    private Task<(long Version, JournalEvent? Replay)> WriteAsync(LedgerEvent e, string requestId, string fingerprint, CancellationToken cancellationToken) =>
        WriteAloneAsync(e, requestId, fingerprint, cancellationToken);

    private async Task NotifyTownshipAsync(long baseVersion, LedgerEffect effect)
    {
        if (State.Info(OrgUnitId) is not { } info) return;
        var township = _township ??= GrainFactory.GetGrain<ITownshipGrain>(GrainKeys.Township(info.TownshipId));
        try
        {
            if (_townshipStale || !await township.Apply(new ContributionChange(OrgUnitId, info.Level, baseVersion, Version, effect.Figures, effect.Cases, clock.GetUtcNow(), effect.Targets, effect.Approvals)))
                await township.ApplyFull(Contribution()!);
            _townshipStale = false;
        }
        catch (Exception ex)
        {
            // The write is durable in this ledger's journal; the township catches up from it (retry below, or its
            // repair when it next loads). The caller's write succeeded, so this is not an error for the caller.
            logger.LogWarning(ex, "Township {Township} not updated from {OrgUnit}; retrying", info.TownshipId, OrgUnitId);
            _townshipStale = true;
            _retry ??= this.RegisterGrainTimer(RetryTownshipAsync, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        }
    }

    private async Task RetryTownshipAsync(CancellationToken cancellationToken)
    {
        if (!_townshipStale || State.Info(OrgUnitId) is not { } info) { _retry?.Dispose(); _retry = null; return; }
        await (_township ??= GrainFactory.GetGrain<ITownshipGrain>(GrainKeys.Township(info.TownshipId))).ApplyFull(Contribution()!);
        _townshipStale = false;
    }

    public async Task<LedgerValues> GetValues(string period, ImmutableArray<string> indicators)
    {
        _ = Info();
        var catalog = await catalogs.ForCodesAsync(indicators);
        var v = new Violations();
        var p = Period.Parse(v, "period", period);
        TotalsQuery.CheckIndicators(v, catalog, indicators);
        v.ThrowIfAny();
        var at = p!.Value.ToString();
        var codes = indicators.Length > 0
            ? indicators.Distinct(StringComparer.Ordinal)
            : State.Figures.Keys.Select(FigureKey.Split).Where(k => k.Period == at).Select(k => k.Indicator);
        var values = codes.Order(StringComparer.Ordinal)
            .Select(code => (code, figure: State.Figures.GetValueOrDefault(FigureKey.Of(at, code))))
            .Where(x => x.figure is not null)
            .Select(x => new ValueView(x.code, catalog.TryGet(x.code, out var d) ? d.Unit : string.Empty, x.figure!))
            .ToList();
        return new LedgerValues(OrgUnitId, p.Value, values, Version);
    }

    public async Task<IReadOnlyList<ValueRevision>> GetValueHistory(string period, string indicator, CancellationToken cancellationToken = default)
    {
        _ = Info();
        var catalog = await catalogs.ForCodesAsync([indicator]);
        var p = TotalsQuery.ValidateFigure(catalog, period, indicator);
        // The versions are read now (synchronously); the journal reads after that never touch the grain's state.
        var versions = State.FigureEvents.TryGetValue(FigureKey.Of(p, indicator), out var list) ? [.. list] : Array.Empty<long>();
        return ValueHistory.Project(p, indicator, await ReadEventsAsync(versions, cancellationToken));
    }

    // ----- remediation cases -----

    public async Task<RemediationCase> OpenCase(OpenCaseCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var info = Info();
        var draft = CaseRules.ValidateOpen(command with { OrgUnitId = OrgUnitId }, Today, actor, clock.GetUtcNow(), await catalogs.GetCaseTypeAsync(command.CaseType) is not null);
        var fingerprint = CaseRules.Fingerprint(command with { OrgUnitId = OrgUnitId });
        if (await FindReplayAsync(command.RequestId!, fingerprint) is { } replay) return ((CaseOpened)Deserialize(replay.Payload)).Case;
        var caseId = await GrainFactory.GetGrain<ICaseRegistryGrain>(GrainKeys.CaseRegistry)
            .Assign(CaseRules.CaseIdPrefix(draft.CaseType, draft.Batch, draft.OpenedOn), OrgUnitId, $"{OrgUnitId}/{command.RequestId}");
        var opened = draft with { CaseId = caseId, TownshipId = info.TownshipId };
        var (_, again) = await WriteAsync(new CaseOpened(Meta(actor, command.RequestId!), opened, string.IsNullOrEmpty(command.Note) ? null : command.Note), command.RequestId!, fingerprint, cancellationToken);
        if (again is not null) return ((CaseOpened)Deserialize(again.Payload)).Case;
        ServiceMetrics.CasesOpened.Add(1);
        return opened;
    }

    public async Task<RemediationCase> TransitionCase(TransitionCaseCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var m = CaseRules.Validate(command, Today);
        if (await FirstAnswerAsync(m.CaseId, m.RequestId, m.Fingerprint, cancellationToken) is { } first) return first;
        var current = FindCase(m.CaseId);
        current.CheckVersion(m.ExpectedVersion);
        current.CheckChronology(m.EffectiveOn);
        var e = new CaseTransitioned(Meta(actor, m.RequestId), m.CaseId, current.Status, m.To, m.EffectiveOn, m.Note);
        await WriteCaseAsync(e, m.CaseId, m.RequestId, m.Fingerprint, cancellationToken);
        if (m.To == CaseStatus.Closed) ServiceMetrics.CasesClosed.Add(1);
        return State.Cases[m.CaseId];
    }

    public async Task<RemediationCase> UpdateCase(UpdateCaseCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var m = CaseRules.Validate(command);
        if (await FirstAnswerAsync(m.CaseId, m.RequestId, m.Fingerprint, cancellationToken) is { } first) return first;
        var current = FindCase(m.CaseId);
        current.CheckVersion(m.ExpectedVersion);
        var e = new CaseUpdated(Meta(actor, m.RequestId), m.CaseId, m.Changes, CaseRules.Describe(current, m.Changes), m.Note);
        await WriteCaseAsync(e, m.CaseId, m.RequestId, m.Fingerprint, cancellationToken);
        return State.Cases[m.CaseId];
    }

    private async Task WriteCaseAsync(LedgerEvent e, string caseId, string requestId, string fingerprint, CancellationToken cancellationToken)
    {
        var (_, replay) = await WriteAsync(e, requestId, fingerprint, cancellationToken);
        if (replay is not null) throw DomainException.Aborted($"case {caseId} changed while the request was applied; read it again"); // not expected: replays are found first
    }

    /// <summary>The answer a request id got the first time — the case as it stood right after that event — or null.</summary>
    private async Task<RemediationCase?> FirstAnswerAsync(string caseId, string requestId, string fingerprint, CancellationToken cancellationToken)
    {
        if (await FindReplayAsync(requestId, fingerprint) is not { } replay) return null;
        var versions = State.CaseEvents.TryGetValue(caseId, out var list) ? list.Where(v => v <= replay.Version).ToList() : [];
        return CaseHistory.StateAfter(caseId, (await ReadEventsAsync(versions, cancellationToken)).Select(x => x.Event));
    }

    private RemediationCase FindCase(string caseId)
    {
        _ = Info();
        return State.Cases.TryGetValue(caseId, out var c) ? c : throw DomainException.NotFound($"case {caseId} not found");
    }

    public Task<RemediationCase> GetCase(string caseId) => Task.FromResult(FindCase(caseId));

    public Task<IReadOnlyList<RemediationCase>> GetCases(ImmutableArray<string> caseIds) =>
        Task.FromResult<IReadOnlyList<RemediationCase>>([.. caseIds.Where(State.Cases.ContainsKey).Select(id => State.Cases[id])]);

    public Task<CasePage> ListCases(CaseQuery query)
    {
        _ = Info();
        return Task.FromResult(query.Page(State.Cases.Values));
    }

    public async Task<IReadOnlyList<CaseHistoryEntry>> GetCaseHistory(string caseId, CancellationToken cancellationToken = default)
    {
        _ = FindCase(caseId);
        var versions = State.CaseEvents.TryGetValue(caseId, out var list) ? [.. list] : Array.Empty<long>();
        return CaseHistory.Project(caseId, (await ReadEventsAsync(versions, cancellationToken)).Select(x => x.Event));
    }

    public Task<FullContribution?> GetContribution() => Task.FromResult(Contribution());

    private FullContribution? Contribution()
    {
        if (State.Info(OrgUnitId) is not { } info) return null;
        var (figures, cases, approvals) = State.Contribution();
        return new FullContribution(OrgUnitId, info.Level, Version, figures, cases, clock.GetUtcNow(), State.TargetContribution(), approvals);
    }
}
