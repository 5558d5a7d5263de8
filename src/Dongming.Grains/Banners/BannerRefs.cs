using System.Collections.Concurrent;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains;

/// <summary>Grain references of banners, kept like <see cref="GrainRefs"/> (bounded).</summary>
public sealed class BannerRefs(IGrainFactory grains)
{
    private const int MaxKept = 10_000;
    private readonly ConcurrentDictionary<string, IBannerGrain> _banners = new(StringComparer.Ordinal);

    /// <summary>The one banner directory.</summary>
    public IBannerDirectoryGrain Directory { get; } = grains.GetGrain<IBannerDirectoryGrain>(BannerKeys.Directory);

    public IBannerGrain Banner(string bannerId) =>
        _banners.TryGetValue(bannerId, out var grain) ? grain
        : _banners.Count < MaxKept ? _banners.GetOrAdd(bannerId, id => grains.GetGrain<IBannerGrain>(BannerKeys.Banner(id)))
        : grains.GetGrain<IBannerGrain>(BannerKeys.Banner(bannerId));
}
