using Dongming.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;

namespace Dongming.Grains;

/// <summary>
/// What a silo needs to run the grains, in one place: the server's host and the grain tests' silo both call it. The
/// journal (<c>IJournalStore</c>) is the host's choice (SQLite or PostgreSQL) and registered by it.
/// </summary>
public static class GrainsHosting
{
    public static ISiloBuilder AddDongmingGrains(this ISiloBuilder silo)
    {
        silo.Services.AddDongmingGrainServices();
        silo.Services.AddSerializer(s => s.AddDongmingTypes());
        return silo;
    }

    /// <summary>The services grains and the host share: the clock, the silo's catalog cache, the townships' answers board, kept grain references.</summary>
    public static IServiceCollection AddDongmingGrainServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CatalogCache>();
        services.TryAddSingleton<TotalsBoard>();
        services.TryAddSingleton<BannerTotalsBoard>();
        services.TryAddSingleton<GrainRefs>();
        return services;
    }
}
