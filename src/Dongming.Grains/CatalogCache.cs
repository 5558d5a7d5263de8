using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Quality;

namespace Dongming.Grains;

/// <summary>
/// The indicator catalog, case types, validation rules and data sets as this silo last read them from the catalog
/// grain (one catalog version), shared by every grain of the silo. Indicators only ever get added, so a stale copy can
/// only miss a code: a caller that meets an unknown code asks for <see cref="ForCodesAsync"/>, which asks the catalog
/// grain for its version (a cheap call) and reloads only when it moved — an unknown code in every request costs one
/// small call, never a rebuilt catalog. Rules and data sets can be redefined, so reads that must see the latest
/// (validation runs, completeness, approvals) use <see cref="CurrentQualityAsync"/>; a report's warnings use
/// <see cref="QualityAsync"/>, at most <see cref="RuleRefreshInterval"/> old.
/// </summary>
public sealed class CatalogCache(IGrainFactory grains, TimeProvider clock)
{
    /// <summary>How stale the rules a report's warnings are checked with may be: a rule defined on another silo applies to reports within this.</summary>
    public static readonly TimeSpan RuleRefreshInterval = TimeSpan.FromSeconds(5);

    private sealed record Cached(long Version, IndicatorCatalog Indicators, IReadOnlyDictionary<string, CaseTypeDefinition> CaseTypes, QualityCatalog Quality);

    private volatile Cached? _cached;
    private long _checkedAt; // ticks of the clock when the version was last compared
    private readonly SemaphoreSlim _reload = new(1, 1);

    private long _loads;

    /// <summary>How many times this silo has loaded the catalog from the catalog grain (a load rebuilds the indexes of every indicator).</summary>
    public long Loads => Interlocked.Read(ref _loads);

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

    /// <summary>The rules and data sets in force now (the catalog grain's version is checked first).</summary>
    public async ValueTask<QualityCatalog> CurrentQualityAsync() => (await RefreshAsync()).Quality;

    /// <summary>The rules and data sets, checked against the catalog grain's version at most every <see cref="RuleRefreshInterval"/>.</summary>
    public async ValueTask<QualityCatalog> QualityAsync()
    {
        var cached = _cached;
        if (cached is not null && clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _checkedAt) < RuleRefreshInterval.Ticks) return cached.Quality;
        return (await RefreshAsync()).Quality;
    }

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
        Interlocked.Exchange(ref _checkedAt, clock.GetUtcNow().UtcTicks);
        return cached is not null && cached.Version >= version ? cached : await ReloadAsync(version);
    }

    private async Task<Cached> ReloadAsync(long atLeast)
    {
        await _reload.WaitAsync();
        try
        {
            if (_cached is { } current && current.Version >= atLeast) return current;
            Interlocked.Increment(ref _loads);
            var snapshot = await Catalog.GetIndicators();
            var types = await Catalog.GetCaseTypes();
            var indicators = new IndicatorCatalog(snapshot.Indicators);
            var fresh = new Cached(snapshot.Version, indicators, types.ToDictionary(t => t.Code, StringComparer.Ordinal),
                new QualityCatalog(indicators, snapshot.Rules ?? [], snapshot.DataSets ?? []));
            if (_cached is null || fresh.Version >= _cached.Version) _cached = fresh;
            Interlocked.Exchange(ref _checkedAt, clock.GetUtcNow().UtcTicks);
            return _cached;
        }
        finally
        {
            _reload.Release();
        }
    }
}
