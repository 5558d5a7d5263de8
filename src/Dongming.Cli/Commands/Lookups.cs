using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Cli.Commands;

/// <summary>Chinese names for the tables (indicators, villages); a table still prints with ids when a lookup is refused.</summary>
internal static class Lookups
{
    public static async Task<Dictionary<string, Indicator>> IndicatorsAsync(Session s)
    {
        if (s.Format == OutputFormat.Json) return [];
        try
        {
            var answer = await s.Catalog.ListIndicatorsAsync(new ListIndicatorsRequest(), s.Call());
            return answer.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.NotFound)
        {
            return [];
        }
    }

    /// <summary>Every village of the township (all pages), with the township itself as 镇本级 when known.</summary>
    public static async Task<List<Village>> VillagesAsync(Session s, string township)
    {
        var villages = new List<Village>();
        var request = new ListVillagesRequest { TownshipId = township, PageSize = 1000 };
        do
        {
            var page = await s.Villages.ListVillagesAsync(request, s.Call());
            villages.AddRange(page.Villages);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return villages;
    }

    public static async Task<Dictionary<string, string>> OrgUnitNamesAsync(Session s, string township)
    {
        if (s.Format == OutputFormat.Json) return [];
        try
        {
            var names = (await VillagesAsync(s, township)).ToDictionary(v => v.VillageId, v => v.Name, StringComparer.Ordinal);
            names.TryAdd(township, "镇本级");
            return names;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.NotFound)
        {
            return [];
        }
    }

    public static string Name(this Dictionary<string, Indicator> indicators, string code) =>
        indicators.TryGetValue(code, out var i) ? i.NameZh : "";

    public static string Name(this Dictionary<string, string> names, string id) => names.TryGetValue(id, out var n) ? n : "";
}
