using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Grains.Checkpoints;
using Dongming.Storage;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <summary>
/// The checkpoint of a township's kept totals, at <c>totals/&lt;township&gt;</c>: a header, with each org unit's part a
/// checkpoint of its own, <c>totals/&lt;township&gt;/&lt;unit&gt;</c>, rewritten only when that part changed. Format 5
/// (written now) stores the parts as protobuf (<see cref="Checkpoints.TownshipPartCodec"/>); format 4 stored them as
/// JSON, and format 3 held every part in the header's <see cref="Units"/>; both still load, and are rewritten as
/// format 5 at the next checkpoint.
/// </summary>
public sealed class TownshipCheckpoint
{
    /// <summary>The shape of the parts (3: cases with their steps, approvals and targets), all in <see cref="Units"/>.</summary>
    public const int WholeFormat = 3;

    /// <summary>Parts of format 3 as JSON, one checkpoint per org unit; the header's <see cref="Units"/> is empty.</summary>
    public const int PartsFormat = 4;

    /// <summary>Parts as protobuf (<see cref="Checkpoints.TownshipPartCodec"/>), one checkpoint per org unit; the header's <see cref="Units"/> is empty.</summary>
    public const int BinaryPartsFormat = 5;

    /// <summary>The format written. A checkpoint of a format other than these three is not loaded: the parts are re-read from the ledgers.</summary>
    public const int CurrentFormat = BinaryPartsFormat;

    public int Format { get; set; }
    public long Version { get; set; }
    public DateTimeOffset AsOf { get; set; }
    public Dictionary<string, OrgUnitPart> Units { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="ITownshipGrain"/>
/// <remarks>
/// Never collected, not even when the silo sheds activations under memory pressure (<c>[KeepAlive]</c>): a large
/// township costs seconds and its whole parts again to load, and every write of its villages passes through it. An
/// unknown township still leaves: every call it refuses asks for its deactivation.
/// </remarks>
[KeepAlive]
public sealed partial class TownshipGrain(IJournalStore store, CatalogCache catalogs, TotalsBoard board, TimeProvider clock, ILogger<TownshipGrain> logger)
    : Grain, ITownshipGrain, IIncomingGrainCallFilter
{
    /// <summary>How often changed totals are checkpointed; after a crash the repair on load covers the gap.</summary>
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(5);

    /// <summary>How long loading waits for the ledgers to answer before catching up in the background.</summary>
    private static readonly TimeSpan RepairOnLoadWait = TimeSpan.FromSeconds(5);

    private TownshipAggregate _aggregate = null!;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _checkpointedVersion;
    /// <summary>The version of each org unit's part as last checkpointed (missing: never written by this activation's checkpoints).</summary>
    private readonly Dictionary<string, long> _checkpointedParts = new(StringComparer.Ordinal);
    /// <summary>Parts replaced without a new version (a repair that found a part wrong): rewritten at the next checkpoint.</summary>
    private readonly HashSet<string> _rewriteParts = new(StringComparer.Ordinal);
    /// <summary>This activation's answers on the silo's board (null until loaded, and for an unknown township).</summary>
    private AnswerBoard<TotalsAnswer>.Slot? _boardSlot;
    private bool _registered;
    private int _deadSilosSeen;
    private bool _repairPending;
    /// <summary>Done when the catch-up after the load is, or when its wait bound passed (see <see cref="Invoke"/>).</summary>
    private Task _caughtUp = Task.CompletedTask;

    private string TownshipId => this.GetPrimaryKeyString()["township/".Length..];

    private string CheckpointStream => "totals/" + TownshipId;

    private string PartsPrefix => CheckpointStream + "/";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _aggregate = new TownshipAggregate(TownshipId);
        // An unknown township keeps nothing, loads nothing and runs no timer; its calls answer NotFound and it leaves.
        _registered = await GrainFactory.GetGrain<IRosterGrain>(GrainKeys.Roster).GetTownship(TownshipId) is not null;
        if (!_registered) return;
        _banner = new BannerForwarder(this, TownshipId, () => _aggregate, GrainFactory, clock, logger);
        await LoadCheckpointAsync(cancellationToken);
        // The catch-up with the journals runs after the activation, not in it: while a silo shuts down, a ledger there
        // may be deactivating with a write that waits for this township's Apply, which no call reaches before the
        // activation completes — waiting here for that ledger would hold both until the wait's bound. Apply and
        // ApplyFull interleave, so they go on during the catch-up; every other call waits for it (Invoke), bounded.
        var catchUp = CatchUpOnLoadAsync();
        _caughtUp = catchUp.IsCompleted ? Task.CompletedTask : Task.WhenAny(catchUp, Task.Delay(RepairOnLoadWait)); // real time, as the ledgers' answers take
        _deadSilosSeen = DeadSilos();
        // Kept alive by its timer: a township's totals are read all the time, and the case gauges (ServiceMetrics) are
        // exported only while it is active.
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(CheckpointEvery, CheckpointEvery) { KeepAlive = true });
        PublishCaseGauges();
        _boardSlot = board.Attach(TownshipId, () => _aggregate.Version);
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// Compares every part with its ledger's journal version and re-reads the ones behind (the checkpoint is up to
    /// <see cref="CheckpointEvery"/> old, and older after a crash). Never throws: a failure is retried at the next tick.
    /// </summary>
    private async Task CatchUpOnLoadAsync()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var corrected = await RepairAsync(onlyChanged: true, CancellationToken.None);
            if (corrected.Count > 0) logger.LogInformation("Township {Township}: totals of {Count} org units caught up from their journals on load", TownshipId, corrected.Count);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > RepairOnLoadWait)
                logger.LogWarning("Township {Township}: org units slow to answer on load; caught up after {Elapsed:F1} s (reads waited {Wait:F0} s at most)", TownshipId, elapsed.TotalSeconds, RepairOnLoadWait.TotalSeconds);
            else
                logger.LogInformation("Township {Township}: journal versions compared on load in {Elapsed:F0} ms", TownshipId, elapsed.TotalMilliseconds);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Township {Township}: catching up with the journals on load failed; retrying at the next tick", TownshipId);
            _repairPending = true;
        }
    }

    /// <summary>
    /// Every call but Apply and ApplyFull (which interleave, and take changes whatever the catch-up's progress) waits
    /// for the catch-up after the load, at most <see cref="RepairOnLoadWait"/> from the activation: reads right after
    /// a restart see every acknowledged write.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_caughtUp.IsCompleted && !TakesChanges(context.InterfaceMethod)) await _caughtUp;
        await context.Invoke();
    }

    private static bool TakesChanges(System.Reflection.MethodInfo? method) =>
        method?.DeclaringType == typeof(ITownshipGrain) && method.Name is nameof(ITownshipGrain.Apply) or nameof(ITownshipGrain.ApplyFull);

    /// <summary>
    /// Loads the last checkpoint: the header, then (format 4) every org unit's part in one read. One that cannot be read
    /// or replayed (written by a faulty version, or damaged) must never keep the township from loading: it is dropped,
    /// and the totals are rebuilt from the ledgers' journals. A part older than its ledger is caught up by the repair on
    /// load, which compares the versions.
    /// </summary>
    private async Task LoadCheckpointAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await store.ReadCheckpointAsync(CheckpointStream, cancellationToken);
        if (checkpoint is null) return;
        try
        {
            var saved = JsonSerializer.Deserialize<TownshipCheckpoint>(checkpoint.Payload, EventSourcedGrain<LedgerState, LedgerEvent>.Json);
            if (saved?.Units is null || saved.Units.Values.Any(p => !IsWhole(p)))
                throw new JsonException("the checkpoint lacks the parts of its org units");
            if (saved.Format is not (TownshipCheckpoint.WholeFormat or TownshipCheckpoint.PartsFormat or TownshipCheckpoint.BinaryPartsFormat))
            {
                // Parts of an older shape lack what later code keeps (a case's steps, approvals, targets); the ledgers have it.
                logger.LogInformation("Township {Township}: checkpoint of format {Format} not loaded; the totals are re-read from the ledgers", TownshipId, saved.Format);
                _checkpointedVersion = -1;
                return;
            }
            var sources = new SourcePeriods();
            var restored = new TownshipAggregate(TownshipId, sources);
            void Restore(string id, OrgUnitPart part) =>
                restored.Replace(new FullContribution(id, part.Level, part.Version, part.Figures, part.Cases, saved.AsOf, part.Targets, part.Approvals));
            var started = Stopwatch.GetTimestamp();
            TimeSpan read = default, parsed = default;
            if (saved.Format is TownshipCheckpoint.PartsFormat or TownshipCheckpoint.BinaryPartsFormat)
            {
                var rows = (await store.ReadCheckpointsAsync(PartsPrefix, cancellationToken)).ToArray();
                read = Stopwatch.GetElapsedTime(started);
                // Parsing is most of a large township's load: each chunk of parts is parsed on all cores (pure work on
                // byte arrays), then added to the totals. A chunk's bytes and parsed parts are garbage once it is
                // added, so a township of 100,000 villages never holds its parts twice while it loads.
                var binary = saved.Format == TownshipCheckpoint.BinaryPartsFormat;
                var json = EventSourcedGrain<LedgerState, LedgerEvent>.Json;
                const int Chunk = 1024;
                var parts = new OrgUnitPart?[Math.Min(Chunk, rows.Length)];
                for (var first = 0; first < rows.Length; first += Chunk)
                {
                    var count = Math.Min(Chunk, rows.Length - first);
                    var parsing = Stopwatch.GetTimestamp();
                    try
                    {
                        Parallel.For(0, count, i => parts[i] = binary
                            ? TownshipPartCodec.Decode(rows[first + i].Payload, json, sources)
                            : JsonSerializer.Deserialize<OrgUnitPart>(rows[first + i].Payload, json));
                    }
                    catch (AggregateException e)
                    {
                        ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); // a damaged part is handled as before
                    }
                    parsed += Stopwatch.GetElapsedTime(parsing);
                    for (var i = 0; i < count; i++)
                    {
                        var (row, part) = (rows[first + i], parts[i]);
                        if (!IsWhole(part)) throw new JsonException($"the checkpoint {row.Stream} lacks its part");
                        Restore(row.Stream[PartsPrefix.Length..], part!);
                        (rows[first + i], parts[i]) = (null!, null);
                    }
                }
            }
            else
            {
                foreach (var (id, part) in saved.Units) Restore(id, part);
            }
            _aggregate = restored;
            logger.LogInformation("Township {Township}: {Count} parts of format {Format} loaded from the checkpoint in {Total:F0} ms (read {Read:F0} ms, parsed {Parsed:F0} ms, totals rebuilt {Rebuilt:F0} ms)",
                TownshipId, restored.Units.Count, saved.Format, Stopwatch.GetElapsedTime(started).TotalMilliseconds, read.TotalMilliseconds, parsed.TotalMilliseconds, (Stopwatch.GetElapsedTime(started) - read - parsed).TotalMilliseconds);
            _checkpointedParts.Clear();
            if (saved.Format == TownshipCheckpoint.CurrentFormat)
            {
                foreach (var (id, part) in _aggregate.Units) _checkpointedParts[id] = part.Version;
                _checkpointedVersion = _aggregate.Version;
            }
            else
            {
                _checkpointedVersion = -1; // a checkpoint of a former format is rewritten, every part, at the next tick
            }
        }
        catch (Exception e) when (e is JsonException or InvalidProtocolBufferException or OverflowException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException or DomainException)
        {
            logger.LogError(e, "Township {Township}: checkpoint {Stream} cannot be replayed; rebuilding the totals from the ledgers' journals", TownshipId, CheckpointStream);
            _aggregate = new TownshipAggregate(TownshipId);
            _checkpointedParts.Clear();
            _checkpointedVersion = -1; // checkpoint the rebuilt totals at the next tick
        }
    }

    private static bool IsWhole(OrgUnitPart? part) => part?.Figures is not null && part.Cases is not null;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_boardSlot is not null) board.Detach(TownshipId, _boardSlot);
        if (_registered)
        {
            logger.LogInformation("Township {Township}: deactivating ({Reason})", TownshipId, reason);
            await CheckpointAsync(cancellationToken);
        }
        if (_banner is not null) await _banner.FlushAsync();
        ServiceMetrics.WithdrawCases(TownshipId);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

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
        PublishCaseGauges();
        await CheckpointAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the parts of the org units that changed since the last checkpoint, with the header, in one transaction:
    /// its cost follows what changed, not the number of org units and periods.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_aggregate.Version == _checkpointedVersion) return;
        var version = _aggregate.Version;
        var json = EventSourcedGrain<LedgerState, LedgerEvent>.Json;
        var written = new List<(string Id, long Version)>();
        var rows = new List<Snapshot>();
        foreach (var (id, part) in _aggregate.Units)
        {
            if (_checkpointedParts.TryGetValue(id, out var saved) && saved == part.Version && !_rewriteParts.Contains(id)) continue;
            rows.Add(new Snapshot(PartsPrefix + id, part.Version, TownshipPartCodec.Encode(part, json)));
            written.Add((id, part.Version));
        }
        var header = new TownshipCheckpoint { Format = TownshipCheckpoint.CurrentFormat, Version = version, AsOf = _aggregate.AsOf };
        rows.Add(new Snapshot(CheckpointStream, version, JsonSerializer.SerializeToUtf8Bytes(header, json)));
        // Apply and ApplyFull interleave with the write below: what they change meanwhile is written next time (a part
        // marked for rewriting now stays marked).
        var rewritten = _rewriteParts.ToList();
        _rewriteParts.Clear();
        try
        {
            await store.SaveCheckpointsAsync(rows, cancellationToken);
        }
        catch
        {
            _rewriteParts.UnionWith(rewritten);
            throw;
        }
        foreach (var (id, partVersion) in written) _checkpointedParts[id] = partVersion;
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
        var changed = _aggregate.Replace(c);
        if (changed)
        {
            _rewriteParts.Add(c.OrgUnitId);
            Changed();
            if (c.Cases.Count > 0) PublishCaseGauges();
        }
        return changed;
    }

    private void Changed(IEnumerable<string>? keys = null)
    {
        _banner?.Changed(keys);
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    /// <summary>Unknown townships are NotFound, and their activation does not stay.</summary>
    private void EnsureRegistered()
    {
        if (_registered) return;
        DeactivateOnIdle();
        throw DomainException.NotFound($"township {TownshipId} not found");
    }

    public Task<bool> Apply(ContributionChange change)
    {
        var outcome = _aggregate.Apply(change);
        if (outcome == ChangeOutcome.Applied)
        {
            Changed(change.Figures.Keys);
            if (change.Cases.Count > 0) PublishCaseGauges();
            ServiceMetrics.TotalsUpdateLag.Record(Math.Max(0, (clock.GetUtcNow() - change.At).TotalSeconds));
        }
        return Task.FromResult(outcome != ChangeOutcome.NeedsFullContribution);
    }

    public Task ApplyFull(FullContribution contribution)
    {
        ApplyFullCore(contribution);
        return Task.CompletedTask;
    }

    public async Task<TotalsAnswer> GetTotals(string period, ImmutableArray<string> indicators, bool includeBreakdown, string? comparePeriod = null)
    {
        EnsureRegistered();
        var key = TotalsBoard.Key.Of(period, indicators, includeBreakdown, comparePeriod);
        if (board.TryGet(_boardSlot, key, out var cached)) return cached; // the same immutable answer until the totals change
        var version = _aggregate.Version;
        var catalog = await catalogs.ForCodesAsync(indicators);
        var answer = _aggregate.Totals(TotalsQuery.Validate(catalog, period, indicators, includeBreakdown, comparePeriod), catalog);
        // Kept for this activation and for the gRPC service of this silo (the board), until the totals change.
        if (_boardSlot is not null && version == _aggregate.Version) TotalsBoard.Put(_boardSlot, key, answer);
        return answer;
    }

    public Task<CaseSummary> GetCaseSummary(CaseSummaryQuery query)
    {
        EnsureRegistered();
        return Task.FromResult(_aggregate.Summary(query, CaseDates.Today(clock)));
    }

    public async Task<CasePage> ListCases(CaseQuery query)
    {
        EnsureRegistered();
        var found = _aggregate.FindCases(query).ToList();
        var fetched = await Task.WhenAll(found.GroupBy(l => l.OrgUnitId)
            .Select(g => GrainFactory.GetGrain<ILedgerGrain>(GrainKeys.Ledger(g.Key)).GetCases([.. g.Select(l => l.CaseId)])));
        var byId = fetched.SelectMany(x => x).ToDictionary(c => c.CaseId, StringComparer.Ordinal);
        return CasePage.Of([.. found.Where(l => byId.ContainsKey(l.CaseId)).Select(l => byId[l.CaseId])], query.PageSize);
    }

    public Task Load()
    {
        if (!_registered) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<long> WaitForChange(long knownVersion, TimeSpan timeout)
    {
        EnsureRegistered();
        if (_aggregate.Version != knownVersion) return _aggregate.Version;
        await _changed.Task.WaitAsync(timeout, clock).ContinueWith(_ => { }, TaskScheduler.Current);
        return _aggregate.Version;
    }

    public async Task<RepairResult> Repair(CancellationToken cancellationToken = default)
    {
        EnsureRegistered();
        var corrected = await RepairAsync(onlyChanged: false, cancellationToken);
        var recounted = _aggregate.Recount();
        if (recounted.Count > 0)
        {
            logger.LogWarning("Township {Township}: {Count} kept totals differed from the sum of their parts and were recounted", TownshipId, recounted.Count);
            Changed();
        }
        await CheckpointAsync(CancellationToken.None);
        return new RepairResult(corrected, _aggregate.Version, recounted);
    }
}
