using System.Globalization;
using Dongming.Contracts.V1;

namespace Dongming.Server.Tests;

/// <summary>
/// A township of its own per test (registered on the shared demo server), so its totals, comparisons, record highs and
/// targets depend on nothing another test writes; and the clients these tests use.
/// </summary>
public sealed class PlannedTown
{
    private PlannedTown(ServerProcess server, string townshipId, IReadOnlyList<string> villages)
    {
        Server = server;
        TownshipId = townshipId;
        Villages = villages;
    }

    public ServerProcess Server { get; }
    public string TownshipId { get; }
    public IReadOnlyList<string> Villages { get; }

    public TownshipService.TownshipServiceClient Township => new(Server.Channel);
    public ReportingService.ReportingServiceClient Reporting => new(Server.Channel);
    public PlanningService.PlanningServiceClient Planning => new(Server.Channel);

    /// <summary>Registers a fresh township with <paramref name="villages"/> villages (ids "pl…-v1", "pl…-v2", …).</summary>
    public static async Task<PlannedTown> CreateAsync(ServerProcess server, int villages = 2)
    {
        var id = "pl" + Rpc.Id()[..12];
        await new TownshipService.TownshipServiceClient(server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest
        {
            Township = new Township { TownshipId = id, Name = "规划测试镇", StatisticalCode = "", CodeSystem = "" },
        });
        var ids = new List<string>();
        for (var i = 1; i <= villages; i++)
        {
            var village = $"{id}-v{i}";
            await new VillageService.VillageServiceClient(server.Channel).RegisterVillageAsync(new RegisterVillageRequest
            {
                VillageId = village,
                Name = $"规划测试村{i}",
                Kind = VillageKind.Village,
                TownshipId = id,
            });
            ids.Add(village);
        }
        return new PlannedTown(server, id, ids);
    }

    public Task Report(string orgUnit, string period, params (string Indicator, string Value)[] values) =>
        Reporting.ReportValuesAsync(Rpc.Report(orgUnit, period, values)).ResponseAsync;

    /// <summary>The totals of a period by indicator (compared with <paramref name="compare"/> when given).</summary>
    public async Task<Dictionary<string, Total>> TotalsAsync(string period, string? compare = null, params string[] indicators)
    {
        var request = new GetTotalsRequest { TownshipId = TownshipId, Period = period, ComparePeriod = compare ?? "" };
        request.Indicators.AddRange(indicators);
        return (await Township.GetTotalsAsync(request)).Totals.ToDictionary(t => t.Indicator, StringComparer.Ordinal);
    }

    public static SetTargetRequest Target(string orgUnit, string indicator, string period, string target, TargetDirection direction = TargetDirection.AtLeast, string note = "") =>
        new() { OrgUnitId = orgUnit, Indicator = indicator, Period = period, Target = target, Direction = direction, RequestId = Rpc.Id(), Note = note };

    public Task<SetTargetResponse> SetTarget(string orgUnit, string indicator, string period, string target, TargetDirection direction = TargetDirection.AtLeast) =>
        Planning.SetTargetAsync(Target(orgUnit, indicator, period, target, direction)).ResponseAsync;

    public async Task<GetProgressResponse> ProgressAsync(string period, string asOf, string orgUnit = "") =>
        await Planning.GetProgressAsync(new GetProgressRequest { TownshipId = TownshipId, Period = period, AsOf = asOf, OrgUnitId = orgUnit });

    public static decimal D(string value) => decimal.Parse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
}
