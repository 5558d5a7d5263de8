using Dongming.Domain;
using Orleans.Concurrency;

namespace Dongming.Grains.Abstractions;

/// <summary>
/// The targets of one org unit's ledger (the same grain as <see cref="ILedgerGrain"/>, key <see cref="GrainKeys.Ledger"/>):
/// a target is an event of the org unit's journal, audited and replayed like a report, and reaches the township with
/// the ledger's contribution.
/// </summary>
[Alias("Dongming.ILedgerTargets")]
public interface ILedgerTargets : IGrainWithStringKey
{
    /// <summary>Sets (or revises) a target; validated here; a retried request id gets its first answer.</summary>
    [Alias("SetTarget")] Task<TargetReceipt> SetTarget(SetTargetCommand command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Every revision of one target, oldest first; the period and code are validated here.</summary>
    [Alias("GetTargetHistory"), AlwaysInterleave] Task<IReadOnlyList<TargetRevision>> GetTargetHistory(string period, string indicator, CancellationToken cancellationToken = default);
}

/// <summary>
/// A township's targets and their progress (the same grain as <see cref="ITownshipGrain"/>, key
/// <see cref="GrainKeys.Township"/>): read from the kept totals and targets, never from the ledgers.
/// </summary>
[Alias("Dongming.ITownshipPlanning")]
public interface ITownshipPlanning : IGrainWithStringKey
{
    /// <summary>The township's targets matching the query.</summary>
    [Alias("ListTargets"), ReadOnly] Task<TargetList> ListTargets(TargetQuery query);

    /// <summary>The progress of the township's targets of a period as of a date.</summary>
    [Alias("GetProgress"), ReadOnly] Task<ProgressAnswer> GetProgress(ProgressQuery query);
}
