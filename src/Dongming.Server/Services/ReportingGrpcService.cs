using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.ReportingService: entering and reading an org unit's figures.</summary>
public sealed class ReportingGrpcService(GrainRefs refs) : ReportingService.ReportingServiceBase
{
    public override async Task<ReportValuesResponse> ReportValues(ReportValuesRequest request, ServerCallContext context)
    {
        var command = new ReportCommand(request.OrgUnitId, request.Period, [.. request.Values.Select(v => new ReportLine(v.Indicator, v.Value, v.AtLeast))],
            request.RequestId, Mappers.Opt(request.Comment));
        var receipt = await refs.Ledger(Mappers.Route(request.OrgUnitId, "org_unit_id")).ReportValues(command, Mappers.Actor(context), context.CancellationToken);
        var response = new ReportValuesResponse { OrgUnitId = receipt.OrgUnitId, Version = receipt.Version, Replayed = receipt.Replayed };
        response.Warnings.AddRange((receipt.Warnings ?? []).Select(QualityMappers.ToWire));
        return response;
    }

    public override async Task<ClearValuesResponse> ClearValues(ClearValuesRequest request, ServerCallContext context)
    {
        var command = new ClearCommand(request.OrgUnitId, request.Period, [.. request.Indicators], request.RequestId, Mappers.Opt(request.Reason));
        var receipt = await refs.Ledger(Mappers.Route(request.OrgUnitId, "org_unit_id")).ClearValues(command, Mappers.Actor(context), context.CancellationToken);
        return new ClearValuesResponse { OrgUnitId = receipt.OrgUnitId, Version = receipt.Version, Replayed = receipt.Replayed };
    }

    public override async Task<GetValuesResponse> GetValues(GetValuesRequest request, ServerCallContext context)
    {
        var values = await refs.Ledger(Mappers.Route(request.OrgUnitId, "org_unit_id")).GetValues(request.Period, [.. request.Indicators]);
        var response = new GetValuesResponse { OrgUnitId = values.OrgUnitId, Period = values.Period.ToString(), Version = values.Version };
        response.Values.AddRange(values.Values.Select(Mappers.ToWire));
        return response;
    }

    public override async Task<GetValueHistoryResponse> GetValueHistory(GetValueHistoryRequest request, ServerCallContext context)
    {
        var revisions = await refs.Ledger(Mappers.Route(request.OrgUnitId, "org_unit_id")).GetValueHistory(request.Period, request.Indicator, context.CancellationToken);
        var response = new GetValueHistoryResponse();
        response.Revisions.AddRange(revisions.Select(Mappers.ToWire));
        return response;
    }
}
