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
public abstract class EventSourcedGrain<TState, TEvent> : Grain
    where TState : class, new()
    where TEvent : class
{
    /// <summary>A snapshot is written when the events since the last one outweigh it (and this much at least):
    /// writes then cost O(event) amortised and loading reads at most about twice the state.</summary>
    private const long MinSnapshotBytes = 16 * 1024;

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

    /// <summary>Applies one event to the state (must not fail for an event that was validated).</summary>
    protected abstract void Apply(TEvent e, long version);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await BeforeLoadAsync(cancellationToken);
        var snapshot = await _store.ReadSnapshotAsync(Stream, cancellationToken);
        if (snapshot is not null)
        {
            State = JsonSerializer.Deserialize<TState>(snapshot.Payload, Json) ?? new TState();
            Version = snapshot.Version;
            _snapshotBytes = snapshot.Payload.Length;
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
    /// Persists one event (durable when this returns) and applies it. Returns the new version, or the recorded
    /// event when the request id was already applied (nothing is applied again).
    /// </summary>
    protected async Task<(long Version, JournalEvent? Replay)> PersistAsync(TEvent e, string requestId, string fingerprint, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var payload = JsonSerializer.SerializeToUtf8Bytes(e, Json);
        var next = Version + 1;
        var snapshotDue = _bytesSinceSnapshot + payload.Length >= Math.Max(_snapshotBytes, MinSnapshotBytes);
        if (!snapshotDue)
        {
            var outcome = await _store.AppendAsync(new AppendRequest(Stream, Version, [new NewEvent(typeof(TEvent).Name, payload, requestId, fingerprint)]), cancellationToken);
            switch (outcome)
            {
                case AppendOutcome.Appended:
                    Apply(e, next);
                    Version = next;
                    _bytesSinceSnapshot += payload.Length;
                    return (next, null);
                case AppendOutcome.DuplicateRequest:
                    return (Version, await FindReplayAsync(requestId, fingerprint) ?? throw new InvalidOperationException("duplicate request id not found"));
                default:
                    throw VersionLost();
            }
        }

        // A snapshot is due: it must hold the state after the event, so check the request id first, apply,
        // then write event and snapshot together. If that write fails the state in memory is ahead of storage,
        // so the activation is dropped and the next call reloads from the journal.
        if (await FindReplayAsync(requestId, fingerprint) is { } replay) return (Version, replay);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _unconfirmed = written.Task;
        Apply(e, next);
        try
        {
            var snapshot = JsonSerializer.SerializeToUtf8Bytes(State, Json);
            var outcome = await _store.AppendAsync(new AppendRequest(Stream, Version, [new NewEvent(typeof(TEvent).Name, payload, requestId, fingerprint)], snapshot));
            if (outcome != AppendOutcome.Appended) throw VersionLost();
            Version = next;
            _snapshotBytes = snapshot.Length;
            _bytesSinceSnapshot = 0;
            _unconfirmed = null;
            written.SetResult();
            return (next, null);
        }
        catch (Exception ex)
        {
            _broken = true;
            written.SetException(ex);
            DeactivateOnIdle();
            throw;
        }
    }

    private Exception VersionLost()
    {
        // Another activation wrote to this stream (possible for a moment in a cluster): reload.
        DeactivateOnIdle();
        return DomainException.Aborted($"{Stream} was changed concurrently; retry the request");
    }

    private Task? _unconfirmed;
    private bool _broken;

    /// <summary>
    /// For calls that interleave with a write (reads other grains make while this one waits): waits until the
    /// state in memory is the persisted one. While a snapshot is written the event is applied before the append
    /// completes; an interleaved reader must not see it, nor state whose write failed.
    /// </summary>
    protected async Task WaitUntilPersistedAsync()
    {
        if (_unconfirmed is { } pending)
        {
            try { await pending; }
            catch (Exception) { /* reported below */ }
        }
        if (_broken) throw new JournalException(JournalFault.Unavailable, $"{Stream}: the last write failed; the grain reloads from the journal");
    }

    /// <summary>Every event of the stream, for history queries (reads the journal, not the state).</summary>
    protected async IAsyncEnumerable<(JournalEvent Raw, TEvent Event)> ReadHistoryAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in _store.ReadAsync(Stream, 0, cancellationToken))
        {
            yield return (e, Deserialize(e.Payload));
        }
    }
}
