using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.TownshipService: kept totals, their changes and case summaries.</summary>
public sealed class TownshipGrpcService(GrainRefs refs, TimeProvider clock) : TownshipService.TownshipServiceBase
{
    public override async Task<Township> GetTownship(GetTownshipRequest request, ServerCallContext context) =>
        Mappers.ToWire(await refs.Roster.DescribeTownship(Mappers.Route(request.TownshipId, "township_id")));

    public override async Task<Township> RegisterTownship(RegisterTownshipRequest request, ServerCallContext context)
    {
        var t = request.Township ?? throw DomainException.Invalid("township", "is required");
        var info = await refs.Roster.RegisterTownship(new TownshipInfo(t.TownshipId, t.Name, t.StatisticalCode, t.CodeSystem), Mappers.Actor(context));
        return Mappers.ToWire(await refs.Roster.DescribeTownship(info.TownshipId));
    }

    public override async Task<GetTotalsResponse> GetTotals(GetTotalsRequest request, ServerCallContext context) =>
        ToWire(await refs.Township(Mappers.Route(request.TownshipId, "township_id")).GetTotals(request.Period, [.. request.Indicators], request.IncludeBreakdown));

    private static GetTotalsResponse ToWire(TotalsAnswer answer)
    {
        var response = new GetTotalsResponse { TownshipId = answer.TownshipId, Period = answer.Period.ToString(), AsOf = Mappers.Ts(answer.AsOf), Version = answer.Version };
        response.Totals.AddRange(answer.Totals.Select(Mappers.ToWire));
        return response;
    }

    public override async Task WatchTotals(WatchTotalsRequest request, IServerStreamWriter<WatchTotalsResponse> responseStream, ServerCallContext context)
    {
        var township = refs.Township(Mappers.Route(request.TownshipId, "township_id"));
        var sent = new Dictionary<string, Total>(StringComparer.Ordinal);
        var initial = true;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var answer = await township.GetTotals(request.Period, [.. request.Indicators], request.IncludeBreakdown);
            var message = new WatchTotalsResponse { Initial = initial, Version = answer.Version, AsOf = Mappers.Ts(answer.AsOf) };
            var now = answer.Totals.Select(Mappers.ToWire).ToDictionary(t => t.Indicator, StringComparer.Ordinal);
            message.Totals.AddRange(now.Values.Where(t => initial || !sent.TryGetValue(t.Indicator, out var old) || !old.Equals(t)));
            message.Removed.AddRange(sent.Keys.Where(k => !now.ContainsKey(k)).Order(StringComparer.Ordinal));
            if (initial || message.Totals.Count > 0 || message.Removed.Count > 0) await responseStream.WriteAsync(message, context.CancellationToken);
            sent = now;
            initial = false;
            // Long-poll the township grain; the timeout keeps the loop noticing cancellation and membership changes.
            await township.WaitForChange(answer.Version, TimeSpan.FromSeconds(20)).WaitAsync(context.CancellationToken);
        }
    }

    public override async Task<GetCaseSummaryResponse> GetCaseSummary(GetCaseSummaryRequest request, ServerCallContext context)
    {
        var query = CaseSummaryQuery.Validate(Mappers.Opt(request.CaseType), Mappers.Opt(request.Batch), Mappers.Opt(request.AsOf), request.IncludeBreakdown, CaseDates.Today(clock),
            request.DueWithinDays);
        return Mappers.ToWire(await refs.Township(Mappers.Route(request.TownshipId, "township_id")).GetCaseSummary(query));
    }

    public override async Task<RepairTotalsResponse> RepairTotals(RepairTotalsRequest request, ServerCallContext context)
    {
        var repaired = await refs.Township(Mappers.Route(request.TownshipId, "township_id")).Repair(context.CancellationToken);
        var response = new RepairTotalsResponse { Version = repaired.Version };
        response.CorrectedOrgUnits.AddRange(repaired.CorrectedOrgUnits);
        response.RecountedTotals.AddRange(repaired.RecountedTotals);
        return response;
    }
}
