using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Server.Tests;

/// <summary>Helpers of the quality, approval and case-KPI tests: fresh years and townships, typed clients.</summary>
public static class QualitySupport
{
    private static int _year;

    /// <summary>
    /// A year no other test writes to (2070–2099; <see cref="Rpc.FreshPeriod"/> hands out months of the 2040s), and the
    /// year after it free too, for year-over-year checks.
    /// </summary>
    public static int FreshYear()
    {
        var n = Interlocked.Add(ref _year, 2);
        if (n > 30) throw new InvalidOperationException("out of fresh years: give the tests more room");
        return 2068 + n;
    }

    /// <summary>Registers a fresh township with villages (ids "{township}-{suffix}"), the given ones active only from a period.</summary>
    public static async Task<(string Township, IReadOnlyList<string> Villages)> FreshTownshipAsync(ServerProcess server, int villages, params (int Index, string ActiveFrom)[] later)
    {
        var township = "t" + Rpc.Id()[..12];
        await new TownshipService.TownshipServiceClient(server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest
        {
            Township = new Township { TownshipId = township, Name = "测试镇", StatisticalCode = "", CodeSystem = "" },
        });
        var ids = new List<string>();
        for (var i = 0; i < villages; i++)
        {
            var id = $"{township}-v{i}";
            await new VillageService.VillageServiceClient(server.Channel).RegisterVillageAsync(new RegisterVillageRequest
            {
                VillageId = id,
                Name = $"测试村{i}",
                Kind = VillageKind.Village,
                TownshipId = township,
                ActiveFrom = later.FirstOrDefault(l => l.Index == i).ActiveFrom ?? "",
            });
            ids.Add(id);
        }
        return (township, ids);
    }

    /// <summary>Defines a data set of a township as admin.</summary>
    public static async Task<DataSet> DefineDataSetAsync(ServerProcess server, string township, string code, PeriodType type, string[] indicators, string[]? villages = null, int dueDays = 10) =>
        await new QualityService.QualityServiceClient(server.Channel).DefineDataSetAsync(new DefineDataSetRequest
        {
            TownshipId = township,
            RequestId = Rpc.Id(),
            DataSet = new DataSet { Code = code, NameZh = "测试数据集", PeriodType = type, Indicators = { indicators }, OrgUnitIds = { villages ?? [] }, DueDays = dueDays },
        });

    /// <summary>A token of a village reporter for <paramref name="villages"/>.</summary>
    public static CallInvoker Reporter(ServerProcess server, params string[] villages) =>
        server.As(Security.SecurityTestSupport.Issuer(server).Issue(new Dongming.Server.Security.TokenRequest(
            "r-" + Rpc.Id()[..8], "村报账员", Dongming.Server.Security.Roles.VillageReporter, null, villages, TimeSpan.FromHours(1))));

    /// <summary>A token of township staff of <paramref name="township"/>.</summary>
    public static CallInvoker Staff(ServerProcess server, string township = "dongming") =>
        server.As(Security.SecurityTestSupport.Issuer(server).Issue(new Dongming.Server.Security.TokenRequest(
            "s-" + Rpc.Id()[..8], "镇干部", Dongming.Server.Security.Roles.TownshipStaff, township, [], TimeSpan.FromHours(1))));

    /// <summary>Today in the township (UTC+8), as the server counts it.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
