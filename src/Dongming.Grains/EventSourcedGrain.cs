using System.Text.Json;
using Dongming.Domain;
using Dongming.Storage;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <summary>
/// An event-sourced grain over <see cref="IJournalStore"/>: state is the fold of the stream's events, loaded
/// from the latest snapshot plus the events after it. Written by hand instead of Orleans' JournaledGrain because
/// JournaledGrain deep-copies the whole state on every write (a cost that grows with the ledger) and its
/// custom-storage adaptor retries a failing store forever instead of failing the call; here a write costs
/// O(event) and a store error reaches the caller.
/// </summary>
/// <remarks>
/// A write is checked before it is appended and applied only after the append is durable (the grain passes a
/// <c>commit</c> step that cannot fail): the state in memory is always the persisted state, so a failed append leaves
/// nothing to undo and reads that interleave with a write see only what is durable. Snapshots are written after the
/// events they cover, beside the appends (<see cref="IJournalStore.SaveSnapshotAsync"/>), never with them.
/// </remarks>
public abstract class EventSourcedGrain<TState, TEvent> : Grain
    where TState : class, new()
    where TEvent : class
{
    /// <summary>A snapshot is written when the events since the last one outweigh it (and this much at least):
    /// writes then cost O(event) amortised and loading reads at most about twice the state.</summary>
    private const long MinSnapshotBytes = 16 * 1024;

    /// <summary>The JSON of journal events, snapshots and checkpoints (readable by operators, tolerant of added fields).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IJournalStore _store;
    private long _bytesSinceSnapshot;
    private long _snapshotBytes;

    protected EventSourcedGrain(IJournalStore store, ILogger logger)
    {
        _store = store;
        Logger = logger;
    }

    protected ILogger Logger { get; }

    protected IJournalStore Store => _store;

    /// <summary>The stream name of this grain.</summary>
    protected string Stream => this.GetPrimaryKeyString();

    /// <summary>The state after every persisted event.</summary>
    protected TState State { get; private set; } = new();

    /// <summary>Number of persisted events.</summary>
    protected long Version { get; private set; }

    /// <summary>The shape of <typeparamref name="TState"/> in snapshots; raised when it changes incompatibly.</summary>
    protected virtual int StateFormat => 1;

    /// <summary>A snapshot as stored: the state and the format it was written in.</summary>
    private sealed record SnapshotEnvelope(int Format, TState? State);

    /// <summary>Applies one persisted event to the state while loading (it was checked before it was appended).</summary>
    protected abstract void Apply(TEvent e, long version);

    /// <summary>Runs after a snapshot was loaded, before the events after it (e.g. to rebuild derived state).</summary>
    protected virtual void AfterSnapshot()
    {
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await BeforeLoadAsync(cancellationToken);
        var snapshot = await _store.ReadSnapshotAsync(Stream, cancellationToken);
        // A snapshot of another state format (an older version of the code) is ignored: the events are replayed. So is
        // one that cannot be read (damaged, or written by a faulty version): a snapshot only shortens loading.
        if (snapshot is not null)
        {
            try
            {
                if (JsonSerializer.Deserialize<SnapshotEnvelope>(snapshot.Payload, Json) is { Format: var format, State: { } state } && format == StateFormat)
                {
                    State = state;
                    Version = snapshot.Version;
                    _snapshotBytes = snapshot.Payload.Length;
                    AfterSnapshot();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException) // whatever fails in it, the events are the truth
            {
                Logger.LogError(e, "Snapshot of {Stream} at version {Version} cannot be read; loading from its events", Stream, snapshot.Version);
                State = new();
                Version = 0;
                _snapshotBytes = 0;
            }
        }
        await foreach (var e in _store.ReadAsync(Stream, Version, cancellationToken))
        {
            Apply(Deserialize(e.Payload), e.Version);
            Version = e.Version;
            _bytesSinceSnapshot += e.Payload.Length;
        }
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>Runs before the stream is read (e.g. to load the catalog the fold needs).</summary>
    protected virtual Task BeforeLoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected static TEvent Deserialize(byte[] payload) => JsonSerializer.Deserialize<TEvent>(payload, Json)!;

    /// <summary>
    /// Returns the event already recorded under <paramref name="requestId"/>, or null. A recorded id with another
    /// fingerprint is a different request reusing an id: FailedPrecondition.
    /// </summary>
    protected async Task<JournalEvent?> FindReplayAsync(string requestId, string fingerprint)
    {
        var existing = await _store.FindByRequestIdAsync(Stream, requestId);
        if (existing is null) return null;
        if (existing.RequestHash != fingerprint)
            throw DomainException.Precondition($"request_id {requestId} was already used for a different request");
        return existing;
    }

    /// <summary>
    /// Persists one event (durable when this returns), then runs <paramref name="commit"/> with its version to apply
    /// it — a step that must not fail: everything that could was checked before. Returns the new version, or the
    /// recorded event when the request id was already applied (nothing is applied again).
    /// </summary>
    protected async Task<(long Version, JournalEvent? Replay)> PersistAsync(TEvent e, string requestId, string fingerprint, Action<long> commit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var next = Version + 1;
        return await PersistBatchAsync([(e, requestId, fingerprint)], () => commit(next), cancellationToken) == AppendOutcome.Appended
            ? (next, null)
            : (Version, await FindReplayAsync(requestId, fingerprint) ?? throw new InvalidOperationException("duplicate request id not found"));
    }

    /// <summary>
    /// Persists several events in one append (one durable commit for all; all or nothing), then runs
    /// <paramref name="commit"/> to apply them — a step that must not fail. Returns
    /// <see cref="AppendOutcome.DuplicateRequest"/> (nothing written) when one of their request ids was already applied.
    /// </summary>
    protected async Task<AppendOutcome> PersistBatchAsync(IReadOnlyList<(TEvent Event, string RequestId, string Fingerprint)> events, Action commit, CancellationToken cancellationToken = default)
    {
        var payloads = events.Select(e => JsonSerializer.SerializeToUtf8Bytes(e.Event, Json)).ToList();
        var appended = events.Select((e, i) => new NewEvent(typeof(TEvent).Name, payloads[i], e.RequestId, e.Fingerprint)).ToList();
        var outcome = await _store.AppendAsync(new AppendRequest(Stream, Version, appended), cancellationToken);
        switch (outcome)
        {
            case AppendOutcome.Appended:
                Version += events.Count;
                commit();
                _bytesSinceSnapshot += payloads.Sum(p => (long)p.Length);
                SnapshotIfDue();
                return outcome;
            case AppendOutcome.DuplicateRequest:
                return outcome;
            default:
                // Another activation wrote to this stream (possible for a moment in a cluster): reload.
                DeactivateOnIdle();
                throw DomainException.Aborted($"{Stream} was changed concurrently; retry the request");
        }
    }

    /// <summary>Persists an event whose fold is the grain's <see cref="Apply"/> (it cannot fail once checked).</summary>
    protected Task<(long Version, JournalEvent? Replay)> PersistAsync(TEvent e, string requestId, string fingerprint, CancellationToken cancellationToken = default) =>
        PersistAsync(e, requestId, fingerprint, version => Apply(e, version), cancellationToken);

    /// <summary>
    /// Takes a snapshot when due. It runs after the events are durable and folded, so nothing it throws may fail the
    /// write: a snapshot that cannot be made (a large state's buffer refused by a silo at its memory limit) is skipped,
    /// logged, and taken again once as many bytes more are written.
    /// </summary>
    private void SnapshotIfDue()
    {
        if (_bytesSinceSnapshot < Math.Max(_snapshotBytes, MinSnapshotBytes)) return;
        _bytesSinceSnapshot = 0;
        byte[] snapshot;
        try
        {
            snapshot = JsonSerializer.SerializeToUtf8Bytes(new SnapshotEnvelope(StateFormat, State), Json); // now, while the state is this version's
        }
        catch (Exception e) when (e is OutOfMemoryException or NotSupportedException or InvalidOperationException or JsonException)
        {
            Logger.LogWarning(e, "Snapshot of {Stream} not taken", Stream);
            return;
        }
        _snapshotBytes = snapshot.Length;
        var write = _store.SaveSnapshotAsync(new Snapshot(Stream, Version, snapshot));
        // Not awaited by the caller's write: a snapshot only shortens loading, and a lost one is taken again later.
        _ = write.ContinueWith(t => Logger.LogWarning(t.Exception, "Snapshot of {Stream} not written", Stream),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The events of the stream with these versions, in order (history and replays read only what they need).</summary>
    protected async Task<IReadOnlyList<(long Version, TEvent Event)>> ReadEventsAsync(IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default)
    {
        var events = await _store.ReadEventsAsync(Stream, versions, cancellationToken);
        return [.. events.Select(e => (e.Version, Deserialize(e.Payload)))];
    }
}
