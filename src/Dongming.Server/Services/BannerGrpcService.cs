using Dongming.Contracts.V1;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.BannerService: banners (旗), their townships and their totals.</summary>
public sealed class BannerGrpcService(BannerRefs refs, BannerTotalsBoard board) : BannerService.BannerServiceBase
{
    public override async Task<Banner> RegisterBanner(RegisterBannerRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Directory.RegisterBanner(request.BannerId, request.Name, Mappers.Actor(context)));

    public override async Task<Banner> AddTownship(AddTownshipRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Directory.AddTownship(request.BannerId, request.TownshipId, Mappers.Actor(context)));

    public override async Task<Banner> GetBanner(GetBannerRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Directory.GetBanner(Mappers.Route(request.BannerId, "banner_id")));

    /// <summary>The banner's answer: from this silo's <see cref="BannerTotalsBoard"/> while it holds (as GetTotals does), else from the banner grain.</summary>
    public override Task<GetBannerTotalsResponse> GetBannerTotals(GetBannerTotalsRequest request, ServerCallContext context)
    {
        var bannerId = Mappers.Route(request.BannerId, "banner_id");
        if (board.TryGet(bannerId, TotalsBoard.Key.Of(request.Period, request.Indicators, request.IncludeBreakdown, null), out var kept))
            return Task.FromResult(BannerMappers.ToWire(kept));
        return Ask(request, bannerId);
    }

    private async Task<GetBannerTotalsResponse> Ask(GetBannerTotalsRequest request, string bannerId) =>
        BannerMappers.ToWire(await refs.Banner(bannerId).GetTotals(request.Period, [.. request.Indicators], request.IncludeBreakdown));

    public override async Task<RepairBannerTotalsResponse> RepairBannerTotals(RepairBannerTotalsRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Banner(Mappers.Route(request.BannerId, "banner_id")).Repair(context.CancellationToken));
}
