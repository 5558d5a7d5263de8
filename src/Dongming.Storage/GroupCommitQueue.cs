using System.Diagnostics;
using System.Threading.Channels;

namespace Dongming.Storage;

/// <summary>One queued write: an append, or a checkpoint to store. The backend sets <see cref="Outcome"/>.</summary>
public sealed class JournalWrite
{
    private const int Queued = 0, Taken = 1, Cancelled = 2;
    private int _state;

    private JournalWrite(AppendRequest? append, Snapshot? checkpoint, Snapshot? snapshot = null, IReadOnlyList<Snapshot>? checkpoints = null)
    {
        Append = append;
        Checkpoint = checkpoint;
        Snapshot = snapshot;
        Checkpoints = checkpoints;
    }

    /// <summary>The append, or null for a checkpoint or snapshot.</summary>
    public AppendRequest? Append { get; }

    /// <summary>The checkpoint to store, or null.</summary>
    public Snapshot? Checkpoint { get; }

    /// <summary>Checkpoints to store together (in stream order), or null.</summary>
    public IReadOnlyList<Snapshot>? Checkpoints { get; }

    /// <summary>The stream snapshot to store (kept only when newer than the one stored), or null.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Set by the backend while committing; only meaningful once the batch has committed.</summary>
    public AppendOutcome Outcome { get; set; }

    internal TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CancellationTokenRegistration Registration { get; set; }

    /// <summary>Creates an append write.</summary>
    public static JournalWrite ForAppend(AppendRequest request) => new(request, null);

    /// <summary>Creates a checkpoint write.</summary>
    public static JournalWrite ForCheckpoint(Snapshot checkpoint) => new(null, checkpoint);

    /// <summary>Creates one write of several checkpoints, stored in stream order in the same transaction.</summary>
    public static JournalWrite ForCheckpoints(IReadOnlyList<Snapshot> checkpoints) =>
        new(null, null, null, [.. checkpoints.OrderBy(c => c.Stream, StringComparer.Ordinal)]);

    /// <summary>The stream this write locks first (backends order a batch's rows by it).</summary>
    public string FirstStream => Append?.Stream ?? (Checkpoint ?? Snapshot ?? Checkpoints![0]).Stream;

    /// <summary>Creates a snapshot write.</summary>
    public static JournalWrite ForSnapshot(Snapshot snapshot) => new(null, null, snapshot);

    /// <summary>The writer claims the write; false when the caller cancelled it first.</summary>
    internal bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>The caller cancels the write; false when the writer has already claimed it.</summary>
    internal bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

    internal long PayloadBytes()
    {
        if ((Checkpoint ?? Snapshot) is { } stored)
        {
            return stored.Payload.LongLength;
        }

        if (Checkpoints is { } many)
        {
            long sum = 0;
            foreach (var c in many)
            {
                sum += c.Payload.LongLength;
            }

            return sum;
        }

        long bytes = Append!.Snapshot?.LongLength ?? 0;
        foreach (var e in Append.Events)
        {
            bytes += e.Payload.LongLength;
        }

        return bytes;
    }
}

/// <summary>
/// Group commit shared by the journal backends. Callers enqueue writes on a channel; ONE writer task drains
/// everything pending (up to the batch size) and hands it to the backend, which writes it in ONE transaction, so
/// one flush to disk (fsync / synchronous commit) acknowledges many appends. A single writer also means a backend
/// never races with itself: requests of one batch are applied in order, so a later request for the same stream sees
/// the head an earlier one wrote.
/// </summary>
/// <remarks>
/// Cancellation: a write cancelled before the writer claims it is never written (its task is cancelled); once
/// claimed it completes with its real outcome, because its fate is tied to the batch's commit. If the backend throws
/// (e.g. the commit fails), every write of that batch faults with that exception — none of them is acknowledged.
/// </remarks>
public sealed class GroupCommitQueue : IAsyncDisposable
{
    private readonly Channel<JournalWrite> _channel = Channel.CreateUnbounded<JournalWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<JournalWrite>, Task> _commitBatch;
    private readonly int _maxBatchSize;
    private readonly KeyValuePair<string, object?> _backendTag;
    private readonly Task _writer;
    private readonly JournalHealth? _health;
    private long _commitCount;

    /// <param name="commitBatch">Writes the batch in one transaction, setting each write's <see cref="JournalWrite.Outcome"/>; throws to fail the whole batch.</param>
    /// <param name="maxBatchSize">Most writes per transaction.</param>
    /// <param name="backend">Backend name for the metrics' <c>dongming.journal.backend</c> tag.</param>
    /// <param name="health">Told whether each commit succeeded (readiness reads it).</param>
    public GroupCommitQueue(Func<IReadOnlyList<JournalWrite>, Task> commitBatch, int maxBatchSize, string backend, JournalHealth? health = null)
    {
        _health = health;
        ArgumentNullException.ThrowIfNull(commitBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _commitBatch = commitBatch;
        _maxBatchSize = maxBatchSize;
        _backendTag = new("dongming.journal.backend", backend);
        _writer = Task.Run(WriterLoopAsync);
    }

    /// <summary>Transactions committed so far (fewer than appends when group commit batches them).</summary>
    public long CommitCount => Interlocked.Read(ref _commitCount);

    /// <summary>Queues a write and completes once its batch is durable.</summary>
    /// <exception cref="ObjectDisposedException">The queue is shutting down.</exception>
    public Task<AppendOutcome> EnqueueAsync(JournalWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        if (cancellationToken.CanBeCanceled)
        {
            write.Registration = cancellationToken.Register(static state =>
            {
                var (w, token) = ((JournalWrite, CancellationToken))state!;
                if (w.TryCancel())
                {
                    w.Completion.TrySetCanceled(token);
                }
            }, (write, cancellationToken));
        }

        if (!_channel.Writer.TryWrite(write))
        {
            write.Registration.Dispose();
            throw new ObjectDisposedException(nameof(GroupCommitQueue), "The journal is shutting down.");
        }

        return write.Completion.Task;
    }

    private async Task WriterLoopAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<JournalWrite>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatchSize && reader.TryRead(out var write))
            {
                if (write.TryTake())
                {
                    write.Registration.Dispose();
                    batch.Add(write);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await _commitBatch(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _health?.CommitFailed(ex as JournalException ?? new JournalException(JournalFault.Unavailable, ex.Message, ex));
                foreach (var write in batch)
                {
                    write.Completion.TrySetException(ex);
                }

                continue;
            }

            Interlocked.Increment(ref _commitCount);
            _health?.CommitSucceeded();
            JournalMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _backendTag);
            JournalMetrics.CommitBatchSize.Record(batch.Count, _backendTag);
            long bytes = 0;
            foreach (var write in batch)
            {
                if (write.Outcome == AppendOutcome.Appended)
                {
                    bytes += write.PayloadBytes();
                }
            }

            JournalMetrics.BytesWritten.Add(bytes, _backendTag);
            foreach (var write in batch)
            {
                write.Completion.TrySetResult(write.Outcome);
            }
        }
    }

    /// <summary>Stops accepting writes, commits everything already queued, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}

/// <summary>Argument checks shared by the backends.</summary>
public static class JournalValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> for a malformed append (no events, negative version, an id twice).</summary>
    public static void Validate(AppendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Stream, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegative(request.ExpectedVersion, nameof(request));
        if (request.Events is null || request.Events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(request));
        }

        HashSet<string>? ids = null;
        foreach (var e in request.Events)
        {
            if (e is null || e.Type is null || e.Payload is null)
            {
                throw new ArgumentException("Events need a type and a payload.", nameof(request));
            }

            if (e.RequestId is not null && !(ids ??= new(StringComparer.Ordinal)).Add(e.RequestId))
            {
                throw new ArgumentException($"Request id '{e.RequestId}' appears twice in one append; request ids are unique per stream.", nameof(request));
            }
        }
    }

    /// <summary>Throws for a malformed checkpoint.</summary>
    public static void Validate(Snapshot checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(checkpoint.Stream, nameof(checkpoint));
        ArgumentOutOfRangeException.ThrowIfNegative(checkpoint.Version, nameof(checkpoint));
        ArgumentNullException.ThrowIfNull(checkpoint.Payload, nameof(checkpoint));
    }

    /// <summary>Throws for a malformed checkpoint of the list, or a stream named twice.</summary>
    public static void Validate(IReadOnlyList<Snapshot> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        var streams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var checkpoint in checkpoints)
        {
            Validate(checkpoint);
            if (!streams.Add(checkpoint.Stream))
            {
                throw new ArgumentException($"Checkpoint '{checkpoint.Stream}' appears twice in one write.", nameof(checkpoints));
            }
        }
    }

    /// <summary>Throws for a prefix of checkpoint streams that is null or empty.</summary>
    public static void ValidatePrefix(string prefix) => ArgumentException.ThrowIfNullOrEmpty(prefix, nameof(prefix));
}
