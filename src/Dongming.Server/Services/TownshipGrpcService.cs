using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.TownshipService: kept totals, their changes and case summaries.</summary>
[BindServiceMethod(typeof(TownshipGrpcService), nameof(BindService))]
public sealed class TownshipGrpcService(GrainRefs refs, TotalsFeed feed, TotalsWire wire, TotalsBoard board, TimeProvider clock) : TownshipService.TownshipServiceBase
{
    /// <summary>The service's methods as generated, GetTotals and WatchTotals' changes sent as <see cref="TotalsWire"/>'s encoded bytes.</summary>
    public static void BindService(ServiceBinderBase binder, TownshipService.TownshipServiceBase? service) =>
        TownshipService.BindService(new TotalsWire.Binder(binder), service!);

    /// <summary>The generated service's descriptor (read by tools that find services through their bind method).</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => TownshipService.Descriptor;

    public override async Task<Township> GetTownship(GetTownshipRequest request, ServerCallContext context) =>
        Mappers.ToWire(await refs.Roster.DescribeTownship(Mappers.Route(request.TownshipId, "township_id")));

    public override async Task<Township> RegisterTownship(RegisterTownshipRequest request, ServerCallContext context)
    {
        var t = request.Township ?? throw DomainException.Invalid("township", "is required");
        var info = await refs.Roster.RegisterTownship(new TownshipInfo(t.TownshipId, t.Name, t.StatisticalCode, t.CodeSystem), Mappers.Actor(context));
        return Mappers.ToWire(await refs.Roster.DescribeTownship(info.TownshipId));
    }

    /// <summary>
    /// The township's answer: from this silo's <see cref="TotalsBoard"/> while the township is active here and its totals
    /// have not moved since it answered the same request (no grain call), else from the township grain.
    /// </summary>
    public override Task<GetTotalsResponse> GetTotals(GetTotalsRequest request, ServerCallContext context)
    {
        var townshipId = Mappers.Route(request.TownshipId, "township_id");
        var compare = Mappers.Opt(request.ComparePeriod);
        var key = TotalsBoard.Key.Of(request.Period, request.Indicators, request.IncludeBreakdown, compare);
        if (board.TryGet(townshipId, key, out var kept)) return Task.FromResult(wire.Response(townshipId, key, kept, ToWire));
        return Ask(request, townshipId, key, compare);
    }

    private async Task<GetTotalsResponse> Ask(GetTotalsRequest request, string townshipId, TotalsBoard.Key key, string? compare) =>
        wire.Response(townshipId, key, await refs.Township(townshipId).GetTotals(request.Period, [.. request.Indicators], request.IncludeBreakdown, compare), ToWire);

    private static GetTotalsResponse ToWire(TotalsAnswer answer)
    {
        var response = new GetTotalsResponse { TownshipId = answer.TownshipId, Period = answer.Period.ToString(), AsOf = Mappers.Ts(answer.AsOf), Version = answer.Version };
        response.ComparePeriod = answer.ComparePeriod?.ToString() ?? string.Empty;
        response.Totals.AddRange(answer.Totals.Select(Mappers.ToWire));
        return response;
    }

    public override async Task WatchTotals(WatchTotalsRequest request, IServerStreamWriter<WatchTotalsResponse> responseStream, ServerCallContext context)
    {
        var key = TotalsFeed.KeyOf(Mappers.Route(request.TownshipId, "township_id"), request.Period, request.Indicators, request.IncludeBreakdown, Mappers.Opt(request.ComparePeriod));
        using var admission = feed.Admit(Mappers.Actor(context).Subject);
        // The stream ends when the caller's token expires: a watch never outlives the right to read.
        using var expiry = new CancellationTokenSource(TokenLifetimeLeft(context));
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, expiry.Token);
        try
        {
            while (true)
            {
                var (subscription, from) = await feed.SubscribeAsync(key, both.Token);
                using (subscription)
                {
                    // The whole totals first — and again after the stream fell behind, instead of a backlog.
                    await responseStream.WriteAsync(Whole(from), both.Token);
                    await foreach (var change in subscription.Changes.ReadAllAsync(both.Token)) await responseStream.WriteAsync(change, both.Token);
                    if (!subscription.Lagged) return;
                }
            }
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the bearer token expired while the stream was open; reconnect with a fresh token"));
        }
    }

    private static WatchTotalsResponse Whole(TotalsAnswer answer)
    {
        var message = new WatchTotalsResponse { Initial = true, Version = answer.Version, AsOf = Mappers.Ts(answer.AsOf) };
        message.Totals.AddRange(answer.Totals.Select(Mappers.ToWire));
        return message;
    }

    /// <summary>Time until the caller's token expires (its <c>exp</c> claim); a day at most when it names none.</summary>
    private TimeSpan TokenLifetimeLeft(ServerCallContext context)
    {
        var exp = context.GetHttpContext().User.FindFirst("exp")?.Value;
        if (!long.TryParse(exp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromDays(1);
        var left = DateTimeOffset.FromUnixTimeSeconds(seconds) - clock.GetUtcNow();
        return left <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1);
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
