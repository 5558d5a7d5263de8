using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.PlanningService: targets (in the org units' ledgers) and their progress (from the township's kept totals).</summary>
public sealed class PlanningGrpcService(IGrainFactory grains, TimeProvider clock) : PlanningService.PlanningServiceBase
{
    private ILedgerTargets Ledger(string orgUnitId) => grains.GetGrain<ILedgerTargets>(GrainKeys.Ledger(Mappers.Route(orgUnitId, "org_unit_id")));

    private ITownshipPlanning Township(string townshipId) => grains.GetGrain<ITownshipPlanning>(GrainKeys.Township(Mappers.Route(townshipId, "township_id")));

    public override async Task<SetTargetResponse> SetTarget(SetTargetRequest request, ServerCallContext context)
    {
        var command = new SetTargetCommand(request.OrgUnitId, request.Indicator, request.Period, request.Target, Mappers.ToDomain(request.Direction),
            request.RequestId, Mappers.Opt(request.Note));
        var receipt = await Ledger(request.OrgUnitId).SetTarget(command, Mappers.Actor(context), context.CancellationToken);
        return new SetTargetResponse { Target = Mappers.ToWire(receipt.OrgUnitId, receipt.Target), Replayed = receipt.Replayed };
    }

    public override async Task<ListTargetsResponse> ListTargets(ListTargetsRequest request, ServerCallContext context)
    {
        var query = TargetQuery.Validate(Mappers.Opt(request.Period), Mappers.Opt(request.OrgUnitId));
        var list = await Township(request.TownshipId).ListTargets(query);
        var response = new ListTargetsResponse { TownshipId = list.TownshipId, Version = list.Version };
        response.Targets.AddRange(list.Targets.Select(t => Mappers.ToWire(t.OrgUnitId, t.Target)));
        return response;
    }

    public override async Task<GetTargetHistoryResponse> GetTargetHistory(GetTargetHistoryRequest request, ServerCallContext context)
    {
        var revisions = await Ledger(request.OrgUnitId).GetTargetHistory(request.Period, request.Indicator, context.CancellationToken);
        var response = new GetTargetHistoryResponse();
        response.Revisions.AddRange(revisions.Select(Mappers.ToWire));
        return response;
    }

    public override async Task<GetProgressResponse> GetProgress(GetProgressRequest request, ServerCallContext context)
    {
        var query = ProgressQuery.Validate(request.Period, Mappers.Opt(request.AsOf), Mappers.Opt(request.OrgUnitId), CaseDates.Today(clock));
        return Mappers.ToWire(await Township(request.TownshipId).GetProgress(query));
    }
}
