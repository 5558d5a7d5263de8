using System.Collections.Immutable;
using System.Text.Json;
using Dongming.Domain;
using Dongming.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <summary>The checkpoint of a township's kept totals: every org unit's part with the version it reflects.</summary>
public sealed class TownshipCheckpoint
{
    public long Version { get; set; }
    public DateTimeOffset AsOf { get; set; }
    public Dictionary<string, OrgUnitPart> Units { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="ITownshipGrain"/>
public sealed class TownshipGrain(IJournalStore store, CatalogCache catalogs, TimeProvider clock, ILogger<TownshipGrain> logger)
    : Grain, ITownshipGrain
{
    /// <summary>How often changed totals are checkpointed; after a crash the repair on load covers the gap.</summary>
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(5);

    private TownshipAggregate _aggregate = null!;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _checkpointedVersion;
    private readonly Dictionary<(string Period, string Indicators, bool Breakdown), TotalsView> _cache = [];
    private long _cacheVersion = -1;

    private string TownshipId => this.GetPrimaryKeyString()["township/".Length..];

    private string CheckpointStream => "totals/" + TownshipId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _aggregate = new TownshipAggregate(TownshipId);
        var checkpoint = await store.ReadCheckpointAsync(CheckpointStream, cancellationToken);
        if (checkpoint is not null)
        {
            var saved = JsonSerializer.Deserialize<TownshipCheckpoint>(checkpoint.Payload, EventSourcedGrain<LedgerState, LedgerEvent>.Json)!;
            foreach (var (id, part) in saved.Units) _aggregate.Replace(id, part.Level, part.Version, part.Figures, part.Cases, saved.AsOf);
        }
        _checkpointedVersion = _aggregate.Version;
        // Bounded: while a silo shuts down, a ledger there may be deactivating while it waits for this township
        // (its Apply is held until this activation completes); waiting for it here would deadlock until timeouts.
        var repair = RepairAsync(onlyChanged: true, CancellationToken.None);
        try
        {
            var corrected = await repair.WaitAsync(RepairOnLoadWait, cancellationToken);
            if (corrected.Count > 0) logger.LogInformation("Township {Township}: totals of {Count} org units caught up from their journals on load", TownshipId, corrected.Count);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Township {Township}: org units slow to answer on load; catching up in the background", TownshipId);
            _ = repair.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _repairPending = true;
        }
        _deadSilosSeen = DeadSilos();
        this.RegisterGrainTimer(TickAsync, CheckpointEvery, CheckpointEvery);
        await base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await CheckpointAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private static readonly TimeSpan RepairOnLoadWait = TimeSpan.FromSeconds(5);
    private int _deadSilosSeen;
    private bool _repairPending;

    private int DeadSilos() => ServiceProvider.GetService<IClusterMembershipService>()?.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead) ?? 0;

    /// <summary>
    /// Checkpoints; and after a silo died, catches up from the journals: a ledger that lived there may have written
    /// an event (durable, unacknowledged) and died before sending the change here.
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var dead = DeadSilos();
        if (dead > _deadSilosSeen || _repairPending)
        {
            var corrected = await RepairAsync(onlyChanged: true, cancellationToken); // on failure: again at the next tick
            if (corrected.Count > 0) logger.LogInformation("Township {Township}: totals of {Count} org units caught up from their journals after a silo left", TownshipId, corrected.Count);
        }
        _deadSilosSeen = dead; // old entries leave the table after a while
        _repairPending = false;
        await CheckpointAsync(cancellationToken);
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_aggregate.Version == _checkpointedVersion) return;
        var version = _aggregate.Version;
        var saved = new TownshipCheckpoint { Version = version, AsOf = _aggregate.AsOf, Units = _aggregate.Units.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) };
        var payload = JsonSerializer.SerializeToUtf8Bytes(saved, EventSourcedGrain<LedgerState, LedgerEvent>.Json);
        await store.SaveCheckpointAsync(new Snapshot(CheckpointStream, version, payload), cancellationToken);
        _checkpointedVersion = version;
    }

    /// <summary>
    /// Compares every org unit's journal version with the version its part reflects and re-reads the parts that
    /// differ (all of them when <paramref name="onlyChanged"/> is false).
    /// </summary>
    private async Task<IReadOnlyList<string>> RepairAsync(bool onlyChanged, CancellationToken cancellationToken)
    {
        var units = await GrainFactory.GetGrain<IRosterGrain>(GrainKeys.Roster).OrgUnitsOf(TownshipId);
        IEnumerable<string> stale = units;
        if (onlyChanged)
        {
            var versions = await store.GetVersionsAsync([.. units.Select(GrainKeys.Ledger)], cancellationToken);
            stale = units.Where(u => versions.GetValueOrDefault(GrainKeys.Ledger(u)) != _aggregate.VersionOf(u));
        }
        var corrected = new List<string>();
        foreach (var batch in stale.Chunk(64))
        {
            var parts = await Task.WhenAll(batch.Select(u => GrainFactory.GetGrain<ILedgerGrain>(GrainKeys.Ledger(u)).GetContribution()));
            foreach (var part in parts)
            {
                if (part is not null && ApplyFullCore(part)) corrected.Add(part.OrgUnitId);
            }
        }
        return corrected;
    }

    private bool ApplyFullCore(FullContribution c)
    {
        var changed = _aggregate.Replace(c.OrgUnitId, c.Level, c.Version, c.Figures,
            c.Cases.ToDictionary(kv => kv.Key, kv => kv.Value.ToDomain(), StringComparer.Ordinal), c.At);
        if (changed) Changed();
        return changed;
    }

    private void Changed()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    public Task<bool> Apply(ContributionChange change)
    {
        var delta = new ContributionDelta();
        foreach (var (k, v) in change.Figures) delta.Figures[k] = v;
        foreach (var (k, v) in change.Cases) delta.Cases[k] = v?.ToDomain();
        var outcome = _aggregate.Apply(change.OrgUnitId, change.Level, change.BaseVersion, change.NewVersion, delta, change.At);
        if (outcome == ChangeOutcome.Applied)
        {
            Changed();
            ServiceMetrics.TotalsUpdateLag.Record(Math.Max(0, (clock.GetUtcNow() - change.At).TotalSeconds));
        }
        return Task.FromResult(outcome != ChangeOutcome.NeedsFullContribution);
    }

    public Task ApplyFull(FullContribution contribution)
    {
        ApplyFullCore(contribution);
        return Task.CompletedTask;
    }

    private bool _registered;

    /// <summary>Unknown townships are NotFound; the roster is asked again until the township exists.</summary>
    private async Task EnsureRegisteredAsync()
    {
        if (_registered) return;
        _registered = await GrainFactory.GetGrain<IRosterGrain>(GrainKeys.Roster).GetTownship(TownshipId) is not null;
        if (!_registered) throw DomainException.NotFound($"township {TownshipId} not found");
    }

    public async Task<TotalsView> GetTotals(string period, ImmutableArray<string> indicators, bool includeBreakdown)
    {
        await EnsureRegisteredAsync();
        var key = (period, indicators.Length == 0 ? string.Empty : string.Join(',', indicators), includeBreakdown);
        if (_cacheVersion != _aggregate.Version) { _cache.Clear(); _cacheVersion = _aggregate.Version; }
        if (_cache.TryGetValue(key, out var cached)) return cached; // same immutable object: no rebuild, no copy
        var catalog = await catalogs.GetAsync();
        var totals = _aggregate.Totals(period, catalog, indicators).Select(t => new TotalView(t.Indicator, t.Value, t.VillagesReporting,
            includeBreakdown ? [.. _aggregate.Breakdown(period, t.Indicator).Select(b => new ContributionView(b.OrgUnitId, b.Value))] : null)).ToList();
        var view = new TotalsView(TownshipId, period, totals, _aggregate.AsOf, _aggregate.Version);
        if (_cache.Count < 256 && _cacheVersion == _aggregate.Version) _cache[key] = view;
        return view;
    }

    public Task<CaseSummaryView> GetCaseSummary(string? caseType, string? batch, DateOnly asOf, bool includeBreakdown)
    {
        var s = _aggregate.Summary(caseType, batch, asOf, includeBreakdown);
        return Task.FromResult(new CaseSummaryView(
            [.. s.Rows.Select(r => new CaseSummaryRowMessage(r.CaseType, r.Batch, r.Status, r.Count, r.Overdue, r.ClosedOnTime))],
            s.Total, s.Open, s.Overdue, s.Closed, s.Transferred, s.ClosedOnTime, s.ClosureRate, s.OnTimeRate,
            [.. s.Breakdown.Select(u => new CaseSummaryUnitMessage(u.OrgUnitId, u.Total, u.Open, u.Overdue, u.Closed, u.ClosedOnTime))], asOf));
    }

    public Task<IReadOnlyList<CaseLocation>> FindCases(CaseFilter f)
    {
        var found = _aggregate.Cases(f.CaseType, f.Status, f.Batch, f.OverdueAsOf)
            .Where(c => f.AfterDeadline is not { } ad || c.Tally.Deadline > ad || (c.Tally.Deadline == ad && string.CompareOrdinal(c.CaseId, f.AfterCaseId) > 0))
            .Take(f.Limit)
            .Select(c => new CaseLocation(c.CaseId, c.OrgUnitId))
            .ToList();
        return Task.FromResult<IReadOnlyList<CaseLocation>>(found);
    }

    public async Task<long> WaitForChange(long knownVersion, TimeSpan timeout)
    {
        if (_aggregate.Version != knownVersion) return _aggregate.Version;
        await _changed.Task.WaitAsync(timeout, clock).ContinueWith(_ => { }, TaskScheduler.Current);
        return _aggregate.Version;
    }

    public async Task<RepairResult> Repair(CancellationToken cancellationToken = default)
    {
        var corrected = await RepairAsync(onlyChanged: false, cancellationToken);
        await CheckpointAsync(CancellationToken.None);
        return new RepairResult(corrected, _aggregate.Version);
    }
}
