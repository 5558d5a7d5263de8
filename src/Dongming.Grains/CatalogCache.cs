using Dongming.Domain;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains;

/// <summary>
/// The indicator catalog and case types as this silo last read them from the catalog grain, shared by every grain of
/// the silo. Definitions only ever get added, so a stale copy can only miss a code: a caller that meets an unknown
/// code asks for <see cref="ForCodesAsync"/>, which asks the catalog grain for its version (a cheap call) and reloads
/// only when it moved — an unknown code in every request costs one small call, never a rebuilt catalog.
/// </summary>
public sealed class CatalogCache(IGrainFactory grains)
{
    private sealed record Cached(long Version, IndicatorCatalog Indicators, IReadOnlyDictionary<string, CaseTypeDefinition> CaseTypes);

    private volatile Cached? _cached;
    private readonly SemaphoreSlim _reload = new(1, 1);

    private ICatalogGrain Catalog => grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog);

    /// <summary>The catalog as cached (loaded on first use).</summary>
    public async ValueTask<IndicatorCatalog> GetAsync() => (_cached ?? await ReloadAsync(-1)).Indicators;

    /// <summary>The catalog, brought up to date first when it lacks any of <paramref name="codes"/>.</summary>
    public async ValueTask<IndicatorCatalog> ForCodesAsync(IEnumerable<string> codes)
    {
        var cached = _cached ?? await ReloadAsync(-1);
        return codes.All(cached.Indicators.Contains) ? cached.Indicators : (await RefreshAsync()).Indicators;
    }

    /// <summary>The current catalog: reloaded when the catalog grain's version moved since it was cached.</summary>
    public async ValueTask<IndicatorCatalog> CurrentAsync() => (await RefreshAsync()).Indicators;

    /// <summary>The case type, brought up to date once when unknown; null if it does not exist.</summary>
    public async ValueTask<CaseTypeDefinition?> GetCaseTypeAsync(string code)
    {
        var cached = _cached ?? await ReloadAsync(-1);
        if (cached.CaseTypes.TryGetValue(code, out var type)) return type;
        return (await RefreshAsync()).CaseTypes.GetValueOrDefault(code);
    }

    private async ValueTask<Cached> RefreshAsync()
    {
        var cached = _cached;
        var version = await Catalog.GetVersion();
        return cached is not null && cached.Version >= version ? cached : await ReloadAsync(version);
    }

    private async Task<Cached> ReloadAsync(long atLeast)
    {
        await _reload.WaitAsync();
        try
        {
            if (_cached is { } current && current.Version >= atLeast) return current;
            var snapshot = await Catalog.GetIndicators();
            var types = await Catalog.GetCaseTypes();
            var fresh = new Cached(snapshot.Version, new IndicatorCatalog(snapshot.Indicators), types.ToDictionary(t => t.Code, StringComparer.Ordinal));
            if (_cached is null || fresh.Version >= _cached.Version) _cached = fresh;
            return _cached;
        }
        finally
        {
            _reload.Release();
        }
    }
}
