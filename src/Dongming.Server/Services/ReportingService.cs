using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.ReportingService: entering and reading an org unit's figures.</summary>
public sealed class ReportingGrpcService(GrainRefs refs, CatalogCache catalogs) : ReportingService.ReportingServiceBase
{
    private ILedgerGrain Ledger(string orgUnitId, string field = "org_unit_id")
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, field, orgUnitId);
        v.ThrowIfAny();
        return refs.Ledger(orgUnitId);
    }

    public override async Task<ReportValuesResponse> ReportValues(ReportValuesRequest request, ServerCallContext context)
    {
        var ledger = Ledger(request.OrgUnitId);
        if (request.Values.Count > Reporting.MaxBatchSize) throw DomainException.Invalid("values", $"must hold at most {Reporting.MaxBatchSize} values");
        var command = new ReportCommand(request.Period, [.. request.Values.Select(v => new ReportLineMessage(v.Indicator, v.Value))],
            request.RequestId, Mappers.Opt(request.Comment), Mappers.Caller(context));
        var result = await ledger.ReportValues(command, context.CancellationToken);
        return new ReportValuesResponse { OrgUnitId = result.OrgUnitId, Version = result.Version, Replayed = result.Replayed };
    }

    public override async Task<GetValuesResponse> GetValues(GetValuesRequest request, ServerCallContext context)
    {
        var ledger = Ledger(request.OrgUnitId);
        var v = new Violations();
        Period.Parse(v, "period", request.Period);
        for (var i = 0; i < request.Indicators.Count; i++) Text.CheckCode(v, $"indicators[{i}]", request.Indicators[i]);
        if (request.Indicators.Count > 500) v.Add("indicators", "must name at most 500 indicators");
        v.ThrowIfAny();
        var catalog = await catalogs.GetAsync();
        var view = await ledger.GetValues(request.Period, [.. request.Indicators]);
        var response = new GetValuesResponse { OrgUnitId = view.OrgUnitId, Period = view.Period, Version = view.Version };
        response.Values.AddRange(view.Figures.Select(f => new ReportedValue
        {
            Indicator = f.Indicator,
            Value = Mappers.Dec(f.Value),
            Unit = catalog.TryGet(f.Indicator, out var d) ? d.Unit : string.Empty,
            ReportedBy = f.Actor,
            ReportedByName = f.ActorName,
            ReportedAt = Mappers.Ts(f.At),
            Computed = f.Computed,
        }));
        return response;
    }

    public override async Task<GetValueHistoryResponse> GetValueHistory(GetValueHistoryRequest request, ServerCallContext context)
    {
        var ledger = Ledger(request.OrgUnitId);
        var v = new Violations();
        Period.Parse(v, "period", request.Period);
        Text.CheckCode(v, "indicator", request.Indicator);
        v.ThrowIfAny();
        var catalog = await catalogs.GetAsync();
        if (!catalog.Contains(request.Indicator) && !(await catalogs.RefreshAsync()).Contains(request.Indicator))
            throw DomainException.NotFound($"indicator {request.Indicator} not found");
        var response = new GetValueHistoryResponse();
        response.Revisions.AddRange((await ledger.GetValueHistory(request.Period, request.Indicator, context.CancellationToken)).Select(r => new ValueRevision
        {
            Value = Mappers.Dec(r.Value),
            PreviousValue = r.Previous is { } p ? Mappers.Dec(p) : string.Empty,
            Actor = r.Actor,
            ActorName = r.ActorName,
            At = Mappers.Ts(r.At),
            RequestId = r.RequestId,
            Comment = r.Comment ?? string.Empty,
            Version = r.Version,
        }));
        return response;
    }
}
