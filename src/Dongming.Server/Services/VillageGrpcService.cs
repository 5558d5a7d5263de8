using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.VillageService: the roster.</summary>
public sealed class VillageGrpcService(GrainRefs refs) : VillageService.VillageServiceBase
{
    public override async Task<ListVillagesResponse> ListVillages(ListVillagesRequest request, ServerCallContext context)
    {
        var page = await refs.Roster.ListVillages(Mappers.Route(request.TownshipId, "township_id"), request.PageSize, Mappers.Opt(request.PageToken));
        var response = new ListVillagesResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Villages.AddRange(page.Villages.Select(Mappers.ToWire));
        return response;
    }

    public override async Task<Village> GetVillage(GetVillageRequest request, ServerCallContext context)
    {
        var unit = await refs.Ledger(Mappers.Route(request.VillageId, "village_id")).GetInfo();
        return unit.Level == OrgUnitLevel.Village ? Mappers.ToWire(unit) : throw DomainException.NotFound($"village {request.VillageId} not found");
    }

    public override async Task<Village> RegisterVillage(RegisterVillageRequest request, ServerCallContext context)
    {
        var village = new VillageInfo(request.VillageId, request.Name, Mappers.ToDomain(request.Kind), request.TownshipId, ActiveFrom: Mappers.Opt(request.ActiveFrom));
        return Mappers.ToWire(await refs.Roster.RegisterVillage(village, Mappers.Actor(context)));
    }

    public override async Task<Village> RetireVillage(RetireVillageRequest request, ServerCallContext context)
    {
        var command = new RetireCommand(request.VillageId, request.FromPeriod, request.RequestId, Mappers.Opt(request.Reason));
        return Mappers.ToWire(await refs.Roster.RetireVillage(command, Mappers.Actor(context), context.CancellationToken));
    }
}
