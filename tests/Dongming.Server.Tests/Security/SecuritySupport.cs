using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Grpc.Core;

namespace Dongming.Server.Tests.Security;

/// <summary>The callers of the access tests: one per role, and none.</summary>
public enum Who
{
    Admin,
    Staff,
    Reporter,
    Viewer,
    BannerStaff,
    Anonymous,
}

/// <summary>Tokens signed with a server's own key (its <c>signing.key</c>), and the typed clients of a caller.</summary>
public static class SecurityTestSupport
{
    /// <summary>A second township with one village, so scope tests have a foreign township that exists.</summary>
    public const string OtherTownship = "qita";
    public const string OtherVillage = "qita-cun";

    /// <summary>A case type only these tests open, so the shared server's other counts stay put.</summary>
    public const string TestCaseType = "access_check";

    /// <summary>A monthly data set of datai (livestock_sheep) only these tests submit and approve, in fresh months.</summary>
    public const string TestDataSet = "access_check_monthly";

    /// <summary>A banner (旗) holding dongming, for the banner staff of these tests.</summary>
    public const string TestBanner = "access-banner";

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly HashSet<ServerProcess> Prepared = [];

    public static TokenIssuer Issuer(ServerProcess server, AuthOptions? options = null)
    {
        var key = Convert.FromBase64String(File.ReadAllText(Path.Combine(server.DataDirectory, SigningKeys.KeyFileName)).Trim());
        return new TokenIssuer(key, options ?? new AuthOptions());
    }

    public static string Token(ServerProcess server, Who who, string? subject = null, string? name = null) => who switch
    {
        Who.Admin => Issuer(server).Issue(new TokenRequest(subject ?? "t-admin", name ?? "Test Admin", Roles.Admin, null, [], TimeSpan.FromHours(1))),
        Who.Staff => Issuer(server).Issue(new TokenRequest(subject ?? "t-staff", name ?? "镇干部", Roles.TownshipStaff, "dongming", [], TimeSpan.FromHours(1))),
        Who.Reporter => Issuer(server).Issue(new TokenRequest(subject ?? "t-reporter", name ?? "大台村报账员", Roles.VillageReporter, null, ["datai"], TimeSpan.FromHours(1))),
        Who.Viewer => Issuer(server).Issue(new TokenRequest(subject ?? "t-viewer", name ?? "Viewer", Roles.Viewer, null, [], TimeSpan.FromHours(1))),
        Who.BannerStaff => Issuer(server).Issue(new TokenRequest(subject ?? "t-banner", name ?? "旗干部", Roles.BannerStaff, null, [], TimeSpan.FromHours(1), TestBanner)),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    public static CallInvoker Invoker(ServerProcess server, Who who, string? subject = null) =>
        who == Who.Anonymous ? server.Anonymous.CreateCallInvoker() : server.As(Token(server, who, subject));

    /// <summary>Registers the other township, its village and the test case type (once per server).</summary>
    public static async Task PrepareAsync(ServerProcess server)
    {
        await Once.WaitAsync();
        try
        {
            if (!Prepared.Add(server)) return;
            await new TownshipService.TownshipServiceClient(server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest
            {
                Township = new Township { TownshipId = OtherTownship, Name = "其他镇", StatisticalCode = "", CodeSystem = "" },
            });
            await new VillageService.VillageServiceClient(server.Channel).RegisterVillageAsync(new RegisterVillageRequest
            {
                VillageId = OtherVillage,
                Name = "其他村",
                Kind = VillageKind.Village,
                TownshipId = OtherTownship,
            });
            await new CatalogService.CatalogServiceClient(server.Channel).DefineCaseTypeAsync(new DefineCaseTypeRequest
            {
                RequestId = "access-check-type",
                CaseType = new CaseType { Code = TestCaseType, NameZh = "权限测试", NameEn = "Access check" },
            });
            await new QualityService.QualityServiceClient(server.Channel).DefineDataSetAsync(new DefineDataSetRequest
            {
                TownshipId = "dongming",
                RequestId = "access-check-data-set",
                DataSet = new DataSet { Code = TestDataSet, NameZh = "权限测试月报", PeriodType = PeriodType.Month, Indicators = { "livestock_sheep" }, OrgUnitIds = { "datai" }, DueDays = 5 },
            });
            var banners = new BannerService.BannerServiceClient(server.Channel);
            await banners.RegisterBannerAsync(new RegisterBannerRequest { BannerId = TestBanner, Name = "权限测试旗" });
            await banners.AddTownshipAsync(new AddTownshipRequest { BannerId = TestBanner, TownshipId = "dongming" });
        }
        finally
        {
            Once.Release();
        }
    }

    /// <summary>Opens a case of the test type in <paramref name="village"/> as admin.</summary>
    public static async Task<Case> OpenCaseAsync(ServerProcess server, string village = "datai") =>
        (await new CaseService.CaseServiceClient(server.Channel).OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = village,
            CaseType = TestCaseType,
            Batch = "2026",
            Title = "权限测试案件",
            Deadline = "2099-12-31",
            RequestId = Rpc.Id(),
        })).Case;

    /// <summary>
    /// A fresh month in which datai (as admin) holds livestock_sheep and its test data set has gone through
    /// <paramref name="steps"/> (as admin): ready for the next step as any caller.
    /// </summary>
    public static async Task<string> ApprovalAtAsync(ServerProcess server, params string[] steps)
    {
        var period = Rpc.FreshPeriod();
        await new ReportingService.ReportingServiceClient(server.Channel).ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "12")));
        var approvals = new ApprovalService.ApprovalServiceClient(server.Channel);
        foreach (var step in steps)
        {
            switch (step)
            {
                case "submit": await approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "datai", DataSet = TestDataSet, Period = period, RequestId = Rpc.Id() }); break;
                case "approve": await approvals.ApproveAsync(new ApproveRequest { OrgUnitId = "datai", DataSet = TestDataSet, Period = period, RequestId = Rpc.Id() }); break;
                default: throw new ArgumentOutOfRangeException(nameof(steps), step, "submit or approve");
            }
        }
        return period;
    }

    /// <summary>The status of a call: OK, or the RpcException's code.</summary>
    public static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
