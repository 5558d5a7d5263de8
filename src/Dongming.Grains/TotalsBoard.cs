using System.Collections.Concurrent;
using Dongming.Domain;

namespace Dongming.Grains;

/// <summary>
/// The totals answers of the townships active in this silo, for the gRPC service of the same process: a GetTotals that
/// the township has already answered at its current totals version is served from here without a grain call.
/// Read-your-writes holds: a ledger acknowledges a write only after the township applied it, and applying it moves the
/// version (<see cref="TownshipAggregate.Version"/>) the answer is checked against, so a read that starts after the
/// acknowledgement sees the old answer as stale and asks the township. Only the township's activation puts answers
/// here and only while it is active (attached when loaded, detached when it deactivates): a township active on
/// another silo has no slot here, and its reads go to the grain as before.
/// </summary>
public sealed class TotalsBoard() : AnswerBoard<TotalsAnswer>(static a => a.Version)
{
    /// <summary>What a GetTotals answer depends on besides the totals version: the request.</summary>
    public readonly record struct Key(string Period, string Indicators, bool Breakdown, string Compare)
    {
        public static Key Of(string period, IReadOnlyList<string> indicators, bool breakdown, string? compare) =>
            new(period, indicators.Count == 0 ? string.Empty : string.Join(',', indicators), breakdown, compare ?? string.Empty);
    }
}

/// <summary>The same for banners (旗): a banner's answers while its activation is here and its totals unmoved.</summary>
public sealed class BannerTotalsBoard() : AnswerBoard<BannerTotalsAnswer>(static a => a.Version);

/// <summary>
/// Answers kept per grain activation and request, each served while the activation's version is the one it was built
/// at (<see cref="TotalsBoard"/>).
/// </summary>
public abstract class AnswerBoard<TAnswer>(Func<TAnswer, long> versionOf)
    where TAnswer : class
{
    /// <summary>Answers kept per grain; beyond it the slot starts empty again (bounded whatever callers ask).</summary>
    public const int AnswersPerGrain = 256;

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>One activation's answers, and how to read its version now.</summary>
    public sealed class Slot(Func<long> currentVersion)
    {
        internal readonly ConcurrentDictionary<TotalsBoard.Key, TAnswer> Answers = new();
        internal readonly Func<long> CurrentVersion = currentVersion;
    }

    /// <summary>Called by the activation once loaded; <paramref name="currentVersion"/> reads its kept totals' version.</summary>
    public Slot Attach(string id, Func<long> currentVersion)
    {
        var slot = new Slot(currentVersion);
        _slots[id] = slot;
        return slot;
    }

    /// <summary>Called when the activation deactivates: its answers are no longer served (another may take over elsewhere).</summary>
    public void Detach(string id, Slot slot) => _slots.TryRemove(KeyValuePair.Create(id, slot));

    /// <summary>Keeps an answer the activation built at its current version.</summary>
    public static void Put(Slot slot, TotalsBoard.Key key, TAnswer answer)
    {
        if (slot.Answers.Count >= AnswersPerGrain) slot.Answers.Clear();
        slot.Answers[key] = answer;
    }

    /// <summary>
    /// The answer to this request if its grain is active here and its totals have not changed since it was built. The
    /// version is read from the activation's aggregate on this thread: a 64-bit read, and the acknowledgement of any
    /// write this caller saw completed after the grain's turn that moved it (a task completion, a full fence).
    /// </summary>
    public bool TryGet(string id, TotalsBoard.Key key, out TAnswer answer)
    {
        answer = null!;
        return _slots.TryGetValue(id, out var slot) && TryGet(slot, key, out answer);
    }

    /// <summary>The same for the activation itself: its slot is also its own cache of answers.</summary>
    public bool TryGet(Slot? slot, TotalsBoard.Key key, out TAnswer answer)
    {
        answer = null!;
        if (slot is null || !slot.Answers.TryGetValue(key, out var kept) || versionOf(kept) != slot.CurrentVersion()) return false;
        answer = kept;
        return true;
    }
}
