namespace Dongming.Storage;

/// <summary>
/// The append-only journal every event-sourced grain writes to. A stream is one grain's history
/// (e.g. <c>ledger/datai</c>, the ledger of an org unit); its events are numbered 1, 2, 3 … without gaps. Backends: SQLite (one
/// machine) and PostgreSQL (cluster). Both guarantee: a completed <see cref="AppendAsync"/> is durable
/// (fsync / synchronous commit), appends are all-or-nothing, and concurrent appends from many streams
/// share one transaction (group commit). Storage failures are thrown as <see cref="JournalException"/>
/// (unavailable, full, corrupt), whatever the backend.
/// </summary>
public interface IJournalStore
{
    /// <summary>
    /// Appends <see cref="AppendRequest.Events"/> to a stream whose current version must be
    /// <see cref="AppendRequest.ExpectedVersion"/> (optimistic concurrency on (stream, version)).
    /// Returns <see cref="AppendOutcome.Appended"/> once durable, <see cref="AppendOutcome.VersionConflict"/>
    /// when the stream has moved on, <see cref="AppendOutcome.DuplicateRequest"/> when one of the request ids
    /// is already in the stream; in the last two cases nothing is written.
    /// </summary>
    /// <remarks>
    /// When both apply, <see cref="AppendOutcome.DuplicateRequest"/> wins: a retry of an append that was written but
    /// whose acknowledgement was lost carries a stale expected version, and must learn it is already done. A request
    /// cancelled before the backend's writer takes it up is not written (the task is cancelled); once taken up it
    /// completes with its real outcome. Malformed requests (no events, negative version, one request id twice) throw
    /// <see cref="ArgumentException"/>.
    /// </remarks>
    Task<AppendOutcome> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default);

    /// <summary>The latest snapshot of a stream, or null.</summary>
    Task<Snapshot?> ReadSnapshotAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>Events with version &gt; <paramref name="afterVersion"/>, in version order.</summary>
    IAsyncEnumerable<JournalEvent> ReadAsync(string stream, long afterVersion, CancellationToken cancellationToken = default);

    /// <summary>The events of a stream with the given versions, in version order (point lookups; versions not held are skipped).</summary>
    Task<IReadOnlyList<JournalEvent>> ReadEventsAsync(string stream, IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a snapshot of a stream's state at <see cref="Snapshot.Version"/>, taken after those events were durable;
    /// an older snapshot never replaces a newer one. A grain writes it beside its appends, not with them, so its
    /// state in memory is never ahead of the journal.
    /// </summary>
    Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The event that carried <paramref name="requestId"/> in this stream, or null (indexed lookup).</summary>
    Task<JournalEvent?> FindByRequestIdAsync(string stream, string requestId, CancellationToken cancellationToken = default);

    /// <summary>Current versions (0 for a stream never written) of the given streams, in one query.</summary>
    Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a checkpoint of state derived from other streams (e.g. township totals): replaces the previous
    /// one, no events and no concurrency check. Durable when the task completes.
    /// </summary>
    Task SaveCheckpointAsync(Snapshot checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint saved by <see cref="SaveCheckpointAsync"/>, or null.</summary>
    Task<Snapshot?> ReadCheckpointAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores several checkpoints in one transaction (all or none), each replacing the previous one of its stream, as
    /// <see cref="SaveCheckpointAsync"/> does: e.g. the parts of a township's totals that changed, with its header.
    /// An empty list writes nothing; a stream named twice throws <see cref="ArgumentException"/>.
    /// </summary>
    Task SaveCheckpointsAsync(IReadOnlyList<Snapshot> checkpoints, CancellationToken cancellationToken = default);

    /// <summary>
    /// The checkpoints whose stream names start with <paramref name="prefix"/> (ordinal, non-empty), in stream order
    /// (one query).
    /// </summary>
    Task<IReadOnlyList<Snapshot>> ReadCheckpointsAsync(string prefix, CancellationToken cancellationToken = default);
}

/// <summary>One append: events for one stream, optionally with a snapshot of the state after them.</summary>
/// <param name="Stream">Stream name, e.g. <c>ledger/datai</c>.</param>
/// <param name="ExpectedVersion">The stream's version before this append (0 for a new stream).</param>
/// <param name="Events">At least one event; they get versions ExpectedVersion+1, +2, …</param>
/// <param name="Snapshot">Optional snapshot at version ExpectedVersion+Events.Count, written in the same transaction.</param>
public sealed record AppendRequest(string Stream, long ExpectedVersion, IReadOnlyList<NewEvent> Events, byte[]? Snapshot = null);

/// <summary>An event to append.</summary>
/// <param name="Type">Event type name (for readers and operators; the payload is opaque to storage).</param>
/// <param name="Payload">Serialized event.</param>
/// <param name="RequestId">Client request id (unique per stream when set), for applying a retried request once.</param>
/// <param name="RequestHash">Fingerprint of the request body, so a reused request id with a different body is detected.</param>
public sealed record NewEvent(string Type, byte[] Payload, string? RequestId = null, string? RequestHash = null);

/// <summary>A stored event.</summary>
public sealed record JournalEvent(string Stream, long Version, string Type, byte[] Payload, string? RequestId, string? RequestHash, DateTimeOffset RecordedAt);

/// <summary>A stored snapshot or checkpoint: the state of a stream after <paramref name="Version"/> events.</summary>
public sealed record Snapshot(string Stream, long Version, byte[] Payload);

/// <summary>The result of an append.</summary>
public enum AppendOutcome
{
    /// <summary>Durably written.</summary>
    Appended,
    /// <summary>The stream's version was not the expected one; nothing written.</summary>
    VersionConflict,
    /// <summary>A request id of the batch already exists in the stream; nothing written.</summary>
    DuplicateRequest,
}
