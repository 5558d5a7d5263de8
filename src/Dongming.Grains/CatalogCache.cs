using Dongming.Domain;

namespace Dongming.Grains;

/// <summary>
/// The indicator catalog and case types as this silo last read them from the catalog grain, shared by every
/// ledger and township of the silo. Definitions only ever get added, so a stale copy can only miss a code:
/// callers refresh when they meet an unknown one.
/// </summary>
public sealed class CatalogCache(IGrainFactory grains)
{
    private volatile IndicatorCatalog? _indicators;
    private volatile IReadOnlyDictionary<string, CaseTypeDefinition>? _caseTypes;
    private long _version = -1;

    public async ValueTask<IndicatorCatalog> GetAsync() => _indicators ?? await RefreshAsync();

    public async Task<IndicatorCatalog> RefreshAsync()
    {
        var snapshot = await grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog).GetIndicators();
        if (snapshot.Version >= Interlocked.Read(ref _version) || _indicators is null)
        {
            _indicators = new IndicatorCatalog(snapshot.Indicators);
            Interlocked.Exchange(ref _version, snapshot.Version);
        }
        return _indicators!;
    }

    /// <summary>The case type, refreshing once when unknown; null if it does not exist.</summary>
    public async ValueTask<CaseTypeDefinition?> GetCaseTypeAsync(string code)
    {
        if (_caseTypes is { } known && known.TryGetValue(code, out var type)) return type;
        var all = await grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog).GetCaseTypes();
        _caseTypes = all.ToDictionary(t => t.Code, StringComparer.Ordinal);
        return _caseTypes.GetValueOrDefault(code);
    }
}
