using System.Collections.Concurrent;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains;

/// <summary>
/// Grain references of the hot paths, kept: resolving one costs a reflection lookup in Orleans on every
/// GetGrain, which showed in profiles of GetTotals and ReportValues. Bounded so ids from callers cannot grow it
/// without limit (beyond the bound references are simply not kept).
/// </summary>
public sealed class GrainRefs(IGrainFactory grains)
{
    private const int MaxKept = 100_000;
    private readonly ConcurrentDictionary<string, ILedgerGrain> _ledgers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ITownshipGrain> _townships = new(StringComparer.Ordinal);

    /// <summary>The one roster.</summary>
    public IRosterGrain Roster { get; } = grains.GetGrain<IRosterGrain>(GrainKeys.Roster);

    /// <summary>The one catalog.</summary>
    public ICatalogGrain Catalog { get; } = grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog);

    /// <summary>The one case registry.</summary>
    public ICaseRegistryGrain CaseRegistry { get; } = grains.GetGrain<ICaseRegistryGrain>(GrainKeys.CaseRegistry);

    public ILedgerGrain Ledger(string orgUnitId) => Get(_ledgers, orgUnitId, id => grains.GetGrain<ILedgerGrain>(GrainKeys.Ledger(id)));

    public ITownshipGrain Township(string townshipId) => Get(_townships, townshipId, id => grains.GetGrain<ITownshipGrain>(GrainKeys.Township(id)));

    private static T Get<T>(ConcurrentDictionary<string, T> kept, string id, Func<string, T> resolve) =>
        kept.TryGetValue(id, out var grain) ? grain : kept.Count < MaxKept ? kept.GetOrAdd(id, resolve) : resolve(id);
}
