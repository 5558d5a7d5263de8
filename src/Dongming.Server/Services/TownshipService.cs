using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.TownshipService: kept totals, their changes and case summaries.</summary>
public sealed class TownshipGrpcService(GrainRefs refs, CatalogCache catalogs, TimeProvider clock) : TownshipService.TownshipServiceBase
{
    /// <summary>Responses built from an immutable totals view, reused while the view is (the grain caches views per version).</summary>
    private static readonly ConditionalWeakTable<TotalsView, GetTotalsResponse> Built = [];

    private IRosterGrain Roster => refs.Roster;

    public override async Task<Township> GetTownship(GetTownshipRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township_id", request.TownshipId);
        v.ThrowIfAny();
        var t = await Roster.GetTownship(request.TownshipId) ?? throw DomainException.NotFound($"township {request.TownshipId} not found");
        return Mappers.ToWire(t, await Roster.VillageCount(t.TownshipId));
    }

    public override async Task<Township> RegisterTownship(RegisterTownshipRequest request, ServerCallContext context)
    {
        var t = request.Township ?? throw DomainException.Invalid("township", "is required");
        var info = await Roster.RegisterTownship(new TownshipInfo(t.TownshipId, t.Name, t.StatisticalCode, t.CodeSystem), Mappers.Caller(context));
        return Mappers.ToWire(info, await Roster.VillageCount(info.TownshipId));
    }

    private async Task<(ITownshipGrain Grain, string Period, ImmutableArray<string> Indicators)> CheckTotalsRequest(string townshipId, string period, IList<string> indicators)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township_id", townshipId);
        var p = Period.Parse(v, "period", period);
        if (indicators.Count > 500) v.Add("indicators", "must name at most 500 indicators");
        for (var i = 0; i < indicators.Count && i < 500; i++) Text.CheckCode(v, $"indicators[{i}]", indicators[i]);
        v.ThrowIfAny();
        if (indicators.Count > 0)
        {
            var catalog = await catalogs.GetAsync();
            if (indicators.FirstOrDefault(c => !catalog.Contains(c)) is { } missing && !(await catalogs.RefreshAsync()).Contains(missing))
                throw DomainException.NotFound($"indicator {missing} not found");
        }
        return (refs.Township(townshipId), p!.Value.ToString(), indicators.Count == 0 ? [] : [.. indicators]);
    }

    public override async Task<GetTotalsResponse> GetTotals(GetTotalsRequest request, ServerCallContext context)
    {
        var (township, period, indicators) = await CheckTotalsRequest(request.TownshipId, request.Period, request.Indicators);
        var view = await township.GetTotals(period, indicators, request.IncludeBreakdown);
        if (Built.TryGetValue(view, out var built)) return built;
        var catalog = await catalogs.GetAsync();
        var response = new GetTotalsResponse { TownshipId = view.TownshipId, Period = view.Period, AsOf = Mappers.Ts(view.AsOf), Version = view.Version };
        response.Totals.AddRange(view.Totals.Select(t => ToWire(t, catalog)));
        Built.AddOrUpdate(view, response);
        return response;
    }

    private static Total ToWire(TotalView t, IndicatorCatalog catalog)
    {
        var total = new Total
        {
            Indicator = t.Indicator,
            Value = Mappers.Dec(t.Value),
            VillagesReporting = t.VillagesReporting,
            Unit = catalog.TryGet(t.Indicator, out var d) ? d.Unit : string.Empty,
            Computed = catalog.IsComputed(t.Indicator),
        };
        if (t.Breakdown is not null) total.Breakdown.AddRange(t.Breakdown.Select(b => new Contribution { OrgUnitId = b.OrgUnitId, Value = Mappers.Dec(b.Value) }));
        return total;
    }

    public override async Task WatchTotals(WatchTotalsRequest request, IServerStreamWriter<WatchTotalsResponse> responseStream, ServerCallContext context)
    {
        var (township, period, indicators) = await CheckTotalsRequest(request.TownshipId, request.Period, request.Indicators);
        var sent = new Dictionary<string, Total>(StringComparer.Ordinal);
        var initial = true;
        var version = -1L;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var view = await township.GetTotals(period, indicators, request.IncludeBreakdown);
            var catalog = await catalogs.GetAsync();
            var message = new WatchTotalsResponse { Initial = initial, Version = view.Version, AsOf = Mappers.Ts(view.AsOf) };
            var now = view.Totals.Select(t => ToWire(t, catalog)).ToDictionary(t => t.Indicator, StringComparer.Ordinal);
            message.Totals.AddRange(now.Values.Where(t => initial || !sent.TryGetValue(t.Indicator, out var old) || !old.Equals(t)));
            message.Removed.AddRange(sent.Keys.Where(k => !now.ContainsKey(k)).Order(StringComparer.Ordinal));
            if (initial || message.Totals.Count > 0 || message.Removed.Count > 0)
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
            }
            sent = now;
            initial = false;
            version = view.Version;
            // Long-poll the township grain; the timeout keeps the loop noticing cancellation and membership changes.
            await township.WaitForChange(version, TimeSpan.FromSeconds(20)).WaitAsync(context.CancellationToken);
        }
    }

    public override async Task<GetCaseSummaryResponse> GetCaseSummary(GetCaseSummaryRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township_id", request.TownshipId);
        if (!string.IsNullOrEmpty(request.CaseType)) Text.CheckCode(v, "case_type", request.CaseType);
        Batches.Check(v, "batch", request.Batch);
        var asOf = CaseDates.Parse(v, "as_of", request.AsOf, required: false) ?? CaseDates.Today(clock);
        v.ThrowIfAny();
        _ = await Roster.GetTownship(request.TownshipId) ?? throw DomainException.NotFound($"township {request.TownshipId} not found");
        var s = await refs.Township(request.TownshipId)
            .GetCaseSummary(Mappers.Opt(request.CaseType), Mappers.Opt(request.Batch), asOf, request.IncludeBreakdown);
        var response = new GetCaseSummaryResponse
        {
            ClosureRate = s.ClosureRate is { } c ? Mappers.Dec(c) : string.Empty,
            OnTimeRate = s.OnTimeRate is { } o ? Mappers.Dec(o) : string.Empty,
            Open = s.Open,
            Overdue = s.Overdue,
            AsOf = Mappers.Date(s.AsOf),
            Total = s.Total,
            Closed = s.Closed,
            Transferred = s.Transferred,
            ClosedOnTime = s.ClosedOnTime,
        };
        response.Rows.AddRange(s.Rows.Select(r => new Contracts.V1.CaseSummaryRow
        {
            CaseType = r.CaseType,
            Batch = r.Batch ?? string.Empty,
            Status = Mappers.ToWire(r.Status),
            Count = r.Count,
            Overdue = r.Overdue,
            ClosedOnTime = r.ClosedOnTime,
        }));
        response.Breakdown.AddRange(s.Breakdown.Select(u => new CaseSummaryVillage
        {
            OrgUnitId = u.OrgUnitId,
            Total = u.Total,
            Open = u.Open,
            Overdue = u.Overdue,
            Closed = u.Closed,
            ClosedOnTime = u.ClosedOnTime,
        }));
        return response;
    }

    public override async Task<RepairTotalsResponse> RepairTotals(RepairTotalsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township_id", request.TownshipId);
        v.ThrowIfAny();
        _ = await Roster.GetTownship(request.TownshipId) ?? throw DomainException.NotFound($"township {request.TownshipId} not found");
        var repaired = await refs.Township(request.TownshipId).Repair(context.CancellationToken);
        var response = new RepairTotalsResponse { Version = repaired.Version };
        response.CorrectedOrgUnits.AddRange(repaired.CorrectedOrgUnits);
        return response;
    }
}
