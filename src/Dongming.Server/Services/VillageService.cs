using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.VillageService: the roster.</summary>
public sealed class VillageGrpcService(GrainRefs refs) : VillageService.VillageServiceBase
{
    private IRosterGrain Roster => refs.Roster;

    public override async Task<ListVillagesResponse> ListVillages(ListVillagesRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township_id", request.TownshipId);
        var size = Paging.Size(request.PageSize, 100, 1000, v);
        var after = Paging.Key(request.PageToken, v);
        v.ThrowIfAny();
        _ = await Roster.GetTownship(request.TownshipId) ?? throw DomainException.NotFound($"township {request.TownshipId} not found");
        var page = await Roster.ListVillages(request.TownshipId, after, size + 1);
        var response = new ListVillagesResponse();
        response.Villages.AddRange(page.Take(size).Select(Mappers.ToWire));
        if (page.Count > size) response.NextPageToken = Paging.Token(page[size - 1].VillageId);
        return response;
    }

    public override async Task<Village> GetVillage(GetVillageRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", request.VillageId);
        v.ThrowIfAny();
        var unit = await refs.Ledger(request.VillageId).GetInfo();
        if (unit.Level != OrgUnitLevel.Village) throw DomainException.NotFound($"village {request.VillageId} not found");
        return Mappers.ToWire(new VillageInfo(unit.OrgUnitId, unit.Name, unit.Kind, unit.TownshipId));
    }

    public override async Task<Village> RegisterVillage(RegisterVillageRequest request, ServerCallContext context)
    {
        var village = new VillageInfo(request.VillageId, request.Name, Mappers.ToDomain(request.Kind), request.TownshipId);
        return Mappers.ToWire(await Roster.RegisterVillage(village, Mappers.Caller(context)));
    }
}
