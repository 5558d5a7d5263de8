using Dongming.Domain;

namespace Dongming.Grains;

/// <summary>The township's part of its banner's totals (see <see cref="BannerForwarder"/>).</summary>
public sealed partial class TownshipGrain
{
    private BannerForwarder? _banner;

    public Task<BannerPartFull?> GetBannerPart(string bannerId) =>
        Task.FromResult(_registered && _banner is not null ? _banner.PartFor(bannerId) : null);
}
