using System.Collections.Concurrent;
using System.Reflection;
using Dongming.Domain;
using Dongming.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Dongming.Grains;

/// <summary>
/// Writes that batch within a ledger. ReportValues and ClearValues interleave (ILedgerGrain marks them): each is
/// validated, then queued; while one journal append of the ledger is in flight, the writes that arrive wait in the
/// queue and go into the next append together — one durable commit for many — and each is answered only when its own
/// event is durable and the township has it.
/// </summary>
/// <remarks>
/// <para>A batch is prepared in one turn: each write is checked and prepared against the state after the writes before
/// it in the batch, committed tentatively, and all of them are taken back before the append is awaited — so reads in
/// between see only durable state. A write refused against writes that are not durable yet is not answered: it goes
/// to the head of the next batch and is checked again against durable state (a refusal never rests on anything that
/// may not be made durable). A batch whose append fails fails every write in it; one that finds a request id already
/// applied is written again one write per append, so each retry gets its first answer.</para>
/// <para>Every other call (registration, cases, approvals, targets) runs alone, as before: the call filter below lets it
/// start only when no batch is in flight, and holds batches back until it has finished. Journal order, replay and the
/// township's view of versions are those of writing one event at a time.</para>
/// </remarks>
public sealed partial class LedgerGrain : IIncomingGrainCallFilter
{
    /// <summary>At most this many events per append (a bound on one transaction and on a batch's tentative work).</summary>
    private const int MaxBatch = 64;

    private static readonly ConcurrentDictionary<MethodInfo, bool> Interleaves = new();

    private readonly List<PendingWrite> _queue = [];
    private bool _flushing;
    private int _exclusive;
    private TaskCompletionSource? _idle;

    /// <summary>A write waiting for its append: how to prepare it at a version, and its answer.</summary>
    private sealed class PendingWrite(string requestId, string fingerprint, Func<long, (LedgerEvent Event, LedgerEffect Effect)> prepare)
    {
        public string RequestId { get; } = requestId;
        public string Fingerprint { get; } = fingerprint;
        public Func<long, (LedgerEvent Event, LedgerEffect Effect)> Prepare { get; } = prepare;

        /// <summary>Written in an append of its own (after a batch found a request id already applied).</summary>
        public bool Alone { get; set; }

        public TaskCompletionSource<WriteOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A write's answer: its version and event, or the event its request id was first written with.</summary>
    private readonly record struct WriteOutcome(long Version, LedgerEvent? Event, JournalEvent? Replay);

    private readonly record struct Prepared(PendingWrite Write, LedgerEvent Event, LedgerEffect Effect);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod is { } method && Interleaves.GetOrAdd(method, static m => m.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null))
        {
            await context.Invoke();
            return;
        }
        _exclusive++;
        try
        {
            while (_flushing) await (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            await context.Invoke();
        }
        finally
        {
            _exclusive--;
            Kick();
        }
    }

    /// <summary>Queues a batched write; answered when its event is durable and the township has it.</summary>
    private Task<WriteOutcome> EnqueueAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _queue.Add(write);
        Kick();
        return write.Done.Task;
    }

    /// <summary>Writes one event of a call that runs alone (no batch is in flight while it runs).</summary>
    private async Task<(long Version, JournalEvent? Replay)> WriteAloneAsync(LedgerEvent e, string requestId, string fingerprint, CancellationToken cancellationToken)
    {
        if (_exclusive == 0 || _flushing) throw new InvalidOperationException("a write outside the batches must run alone");
        // The catalog the request was validated with (the silo's copy, refreshed for its codes): an indicator defined
        // after this ledger was loaded must roll up to quarters and years and sum into its parents like the others.
        _catalog = await catalogs.GetAsync();
        var effect = State.Prepare(e, Version + 1, _catalog);
        var write = new PendingWrite(requestId, fingerprint, _ => (e, effect));
        await WriteBatchAsync([new Prepared(write, e, effect)], cancellationToken);
        var outcome = await write.Done.Task;
        return (outcome.Version, outcome.Replay);
    }

    private void Kick()
    {
        if (_flushing || _exclusive > 0 || _queue.Count == 0) return;
        _flushing = true;
        _ = FlushAsync();
    }

    private async Task FlushAsync()
    {
        try
        {
            while (_exclusive == 0 && _queue.Count > 0)
            {
                var batch = TakeBatch();
                if (batch.Count > 0) await WriteBatchAsync(batch, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            // Not expected (every write's failure goes to its caller); the writes left in the queue are answered.
            logger.LogError(e, "Ledger {OrgUnit}: a batch of writes failed unexpectedly", OrgUnitId);
            foreach (var w in _queue) w.Done.TrySetException(DomainException.Aborted("the write was not applied; retry the request"));
            _queue.Clear();
        }
        finally
        {
            _flushing = false;
            var idle = _idle;
            _idle = null;
            idle?.TrySetResult();
        }
    }

    /// <summary>Takes the next batch off the queue, each write prepared against the ones before it (see the remarks).</summary>
    private List<Prepared> TakeBatch()
    {
        var taken = new List<Prepared>();
        var undos = new List<LedgerUndo>();
        var again = new List<PendingWrite>();
        var requestIds = new HashSet<string>(StringComparer.Ordinal);
        var consumed = 0;
        try
        {
            foreach (var write in _queue)
            {
                if (taken.Count >= MaxBatch || (write.Alone && consumed > 0)) break;
                consumed++;
                if (!requestIds.Add(write.RequestId))
                {
                    again.Add(write); // the same request twice: the second learns the first's answer from the journal
                    continue;
                }
                try
                {
                    var (e, effect) = write.Prepare(Version + 1 + taken.Count);
                    undos.Add(State.CommitTentatively(effect));
                    taken.Add(new Prepared(write, e, effect));
                }
                catch (DomainException) when (taken.Count > 0)
                {
                    requestIds.Remove(write.RequestId);
                    again.Add(write); // refused against writes not yet durable: checked again at the head of the next batch
                }
                catch (Exception e)
                {
                    write.Done.TrySetException(e); // refused against durable state
                }
                if (write.Alone) break;
            }
        }
        finally
        {
            LedgerState.Revert(undos);
        }
        _queue.RemoveRange(0, consumed);
        _queue.InsertRange(0, again);
        return taken;
    }

    /// <summary>Appends a prepared batch in one append, applies it, brings the township up to date, then answers each write.</summary>
    private async Task WriteBatchAsync(IReadOnlyList<Prepared> batch, CancellationToken cancellationToken)
    {
        var baseVersion = Version;
        AppendOutcome outcome;
        try
        {
            outcome = await PersistBatchAsync([.. batch.Select(b => (b.Event, b.Write.RequestId, b.Write.Fingerprint))],
                () => { foreach (var b in batch) State.Commit(b.Effect); }, cancellationToken);
        }
        catch (Exception e)
        {
            foreach (var b in batch) b.Write.Done.TrySetException(e);
            return;
        }
        if (outcome == AppendOutcome.DuplicateRequest)
        {
            if (batch.Count > 1)
            {
                // One of them was applied before (a retry whose answer was lost): each on its own, to learn which.
                foreach (var b in batch) b.Write.Alone = true;
                _queue.InsertRange(0, batch.Select(b => b.Write));
                return;
            }
            var write = batch[0].Write;
            try
            {
                var first = await FindReplayAsync(write.RequestId, write.Fingerprint) ?? throw new InvalidOperationException("duplicate request id not found");
                write.Done.TrySetResult(new WriteOutcome(first.Version, null, first));
            }
            catch (Exception e)
            {
                write.Done.TrySetException(e);
            }
            return;
        }
        ServiceMetrics.LedgerBatchEvents.Record(batch.Count);
        await NotifyTownshipAsync(baseVersion, LedgerEffect.Merge([.. batch.Select(b => b.Effect)]));
        for (var i = 0; i < batch.Count; i++) batch[i].Write.Done.TrySetResult(new WriteOutcome(baseVersion + 1 + i, batch[i].Event, null));
    }
}
