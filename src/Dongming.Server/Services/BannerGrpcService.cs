using Dongming.Contracts.V1;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.BannerService: banners (旗), their townships and their totals.</summary>
public sealed class BannerGrpcService(BannerRefs refs) : BannerService.BannerServiceBase
{
    public override async Task<Banner> RegisterBanner(RegisterBannerRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Directory.RegisterBanner(request.BannerId, request.Name, Mappers.Actor(context)));

    public override async Task<Banner> AddTownship(AddTownshipRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Directory.AddTownship(request.BannerId, request.TownshipId, Mappers.Actor(context)));

    public override async Task<Banner> GetBanner(GetBannerRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Directory.GetBanner(Mappers.Route(request.BannerId, "banner_id")));

    public override async Task<GetBannerTotalsResponse> GetBannerTotals(GetBannerTotalsRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Banner(Mappers.Route(request.BannerId, "banner_id")).GetTotals(request.Period, [.. request.Indicators], request.IncludeBreakdown));

    public override async Task<RepairBannerTotalsResponse> RepairBannerTotals(RepairBannerTotalsRequest request, ServerCallContext context) =>
        BannerMappers.ToWire(await refs.Banner(Mappers.Route(request.BannerId, "banner_id")).Repair(context.CancellationToken));
}
