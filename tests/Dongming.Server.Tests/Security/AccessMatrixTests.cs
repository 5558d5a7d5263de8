using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Grpc.Core;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Security;

/// <summary>
/// Every RPC × every role, end to end: one test case each, generated from the policy table. The expected
/// outcomes are written out here independently of the server's table (O = OK, D = PERMISSION_DENIED), for the
/// callers admin, township staff of dongming, reporter of datai, viewer and banner staff of the banner holding dongming;
/// no token is always UNAUTHENTICATED. Each sample targets the caller's home scope (township dongming, village datai,
/// that banner).
/// </summary>
public sealed class AccessMatrixTests(DemoServerFixture fixture)
{
    /// <summary>Codes of the indicators this matrix defines on the shared server (other tests tell them apart).</summary>
    public const string MatrixIndicatorPrefix = "matrix_";

    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        //                                                  admin staff reporter viewer banner-staff
        ["/dongming.v1.VillageService/ListVillages"] = "OOOOO",
        ["/dongming.v1.VillageService/GetVillage"] = "OOOOD",
        ["/dongming.v1.VillageService/RegisterVillage"] = "ODDDD",
        ["/dongming.v1.VillageService/RetireVillage"] = "ODDDD",
        ["/dongming.v1.CatalogService/ListIndicators"] = "OOOOO",
        ["/dongming.v1.CatalogService/GetIndicator"] = "OOOOO",
        ["/dongming.v1.CatalogService/DefineIndicator"] = "ODDDD",
        ["/dongming.v1.CatalogService/ListCaseTypes"] = "OOOOO",
        ["/dongming.v1.CatalogService/DefineCaseType"] = "ODDDD",
        ["/dongming.v1.ReportingService/ReportValues"] = "ODODD",
        ["/dongming.v1.ReportingService/ClearValues"] = "ODODD",
        ["/dongming.v1.ReportingService/GetValues"] = "OOOOD",
        ["/dongming.v1.ReportingService/GetValueHistory"] = "OOOOD",
        ["/dongming.v1.TownshipService/GetTownship"] = "OOOOO",
        ["/dongming.v1.TownshipService/RegisterTownship"] = "ODDDD",
        ["/dongming.v1.TownshipService/GetTotals"] = "OOOOO",
        ["/dongming.v1.TownshipService/WatchTotals"] = "OOOOO",
        ["/dongming.v1.TownshipService/GetCaseSummary"] = "OOOOO",
        ["/dongming.v1.TownshipService/RepairTotals"] = "OODDD",
        ["/dongming.v1.CaseService/OpenCase"] = "OOODD",
        ["/dongming.v1.CaseService/GetCase"] = "OOOOD",
        ["/dongming.v1.CaseService/TransitionCase"] = "OOODD",
        ["/dongming.v1.CaseService/UpdateCase"] = "OOODD",
        ["/dongming.v1.CaseService/ListCases"] = "OODOD",
        ["/dongming.v1.CaseService/GetCaseHistory"] = "OOOOD",
        ["/dongming.v1.PlanningService/SetTarget"] = "OODDD",
        ["/dongming.v1.PlanningService/ListTargets"] = "OOOOO",
        ["/dongming.v1.PlanningService/GetTargetHistory"] = "OOOOD",
        ["/dongming.v1.PlanningService/GetProgress"] = "OOOOO",
        ["/dongming.v1.QualityService/DefineValidationRule"] = "ODDDD",
        ["/dongming.v1.QualityService/ListValidationRules"] = "OOOOO",
        ["/dongming.v1.QualityService/RunValidation"] = "OODOD",
        ["/dongming.v1.QualityService/FindOutliers"] = "OODOD",
        ["/dongming.v1.QualityService/DefineDataSet"] = "OODDD",
        ["/dongming.v1.QualityService/ListDataSets"] = "OOOOO",
        ["/dongming.v1.QualityService/GetCompleteness"] = "OODOD",
        ["/dongming.v1.ApprovalService/Submit"] = "ODODD",
        ["/dongming.v1.ApprovalService/Approve"] = "OODDD",
        ["/dongming.v1.ApprovalService/Reject"] = "OODDD",
        ["/dongming.v1.ApprovalService/Unapprove"] = "OODDD",
        ["/dongming.v1.ApprovalService/GetApprovalStatus"] = "OODOD",
        ["/dongming.v1.ExchangeService/ImportValues"] = "OODDD",
        ["/dongming.v1.ExchangeService/ImportRoster"] = "ODDDD",
        ["/dongming.v1.ExchangeService/ImportCatalog"] = "ODDDD",
        ["/dongming.v1.ExchangeService/ImportCases"] = "OODDD",
        ["/dongming.v1.ExchangeService/GetImport"] = "OODOD",
        ["/dongming.v1.ExchangeService/ExportTotals"] = "OOOOO",
        ["/dongming.v1.ExchangeService/ExportCases"] = "OODOD",
        ["/dongming.v1.ReportService/RenderReview"] = "OODOD",
        ["/dongming.v1.BannerService/RegisterBanner"] = "ODDDD",
        ["/dongming.v1.BannerService/AddTownship"] = "ODDDD",
        ["/dongming.v1.BannerService/GetBanner"] = "ODDOO",
        ["/dongming.v1.BannerService/GetBannerTotals"] = "ODDOO",
        ["/dongming.v1.BannerService/RepairBannerTotals"] = "ODDDD",
    };

    /// <summary>One sample call per RPC, valid in the home scope (so an admitted call answers OK).</summary>
    private static readonly Dictionary<string, Func<ServerProcess, CallInvoker, Task>> Samples = new(StringComparer.Ordinal)
    {
        ["/dongming.v1.VillageService/ListVillages"] = (_, c) => new VillageService.VillageServiceClient(c).ListVillagesAsync(new ListVillagesRequest { TownshipId = "dongming", PageSize = 5 }).ResponseAsync,
        ["/dongming.v1.VillageService/GetVillage"] = (_, c) => new VillageService.VillageServiceClient(c).GetVillageAsync(new GetVillageRequest { VillageId = "datai" }).ResponseAsync,
        ["/dongming.v1.VillageService/RegisterVillage"] = (_, c) => new VillageService.VillageServiceClient(c).RegisterVillageAsync(new RegisterVillageRequest
        {
            VillageId = "v" + Rpc.Id(),
            Name = "新村",
            Kind = VillageKind.Village,
            TownshipId = OtherTownship,
        }).ResponseAsync,
        ["/dongming.v1.VillageService/RetireVillage"] = async (s, c) =>
        {
            var village = "v" + Rpc.Id();
            await new VillageService.VillageServiceClient(s.Channel).RegisterVillageAsync(new RegisterVillageRequest { VillageId = village, Name = "撤并村", Kind = VillageKind.Village, TownshipId = OtherTownship });
            await new VillageService.VillageServiceClient(c).RetireVillageAsync(new RetireVillageRequest { VillageId = village, FromPeriod = "2030", RequestId = Rpc.Id(), Reason = "撤并" });
        },
        ["/dongming.v1.CatalogService/ListIndicators"] = (_, c) => new CatalogService.CatalogServiceClient(c).ListIndicatorsAsync(new ListIndicatorsRequest { Category = "livestock" }).ResponseAsync,
        ["/dongming.v1.CatalogService/GetIndicator"] = (_, c) => new CatalogService.CatalogServiceClient(c).GetIndicatorAsync(new GetIndicatorRequest { Code = "livestock_sheep" }).ResponseAsync,
        ["/dongming.v1.CatalogService/DefineIndicator"] = (_, c) => new CatalogService.CatalogServiceClient(c).DefineIndicatorAsync(new DefineIndicatorRequest
        {
            RequestId = Rpc.Id(),
            Indicator = new Indicator { Code = MatrixIndicatorPrefix + Rpc.Id(), NameZh = "测试", NameEn = "Test", Unit = "mu", Category = "agriculture", Kind = IndicatorKind.Flow, EnteredAt = EnteredAt.Village },
        }).ResponseAsync,
        ["/dongming.v1.CatalogService/ListCaseTypes"] = (_, c) => new CatalogService.CatalogServiceClient(c).ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync,
        ["/dongming.v1.CatalogService/DefineCaseType"] = (_, c) => new CatalogService.CatalogServiceClient(c).DefineCaseTypeAsync(new DefineCaseTypeRequest
        {
            RequestId = Rpc.Id(),
            CaseType = new CaseType { Code = "t" + Rpc.Id(), NameZh = "测试", NameEn = "Test" },
        }).ResponseAsync,
        ["/dongming.v1.ReportingService/ReportValues"] = (_, c) => new ReportingService.ReportingServiceClient(c).ReportValuesAsync(Rpc.Report("datai", Rpc.FreshPeriod(), ("livestock_sheep", "10"))).ResponseAsync,
        ["/dongming.v1.ReportingService/ClearValues"] = (_, c) => new ReportingService.ReportingServiceClient(c).ClearValuesAsync(new ClearValuesRequest
        {
            OrgUnitId = "datai",
            Period = Rpc.FreshPeriod(),
            Indicators = { "livestock_sheep" },
            RequestId = Rpc.Id(),
            Reason = "误报",
        }).ResponseAsync,
        ["/dongming.v1.ReportingService/GetValues"] = (_, c) => new ReportingService.ReportingServiceClient(c).GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2023" }).ResponseAsync,
        ["/dongming.v1.ReportingService/GetValueHistory"] = (_, c) => new ReportingService.ReportingServiceClient(c).GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "datai", Period = "2023", Indicator = "livestock_sheep" }).ResponseAsync,
        ["/dongming.v1.TownshipService/GetTownship"] = (_, c) => new TownshipService.TownshipServiceClient(c).GetTownshipAsync(new GetTownshipRequest { TownshipId = "dongming" }).ResponseAsync,
        ["/dongming.v1.TownshipService/RegisterTownship"] = (_, c) => new TownshipService.TownshipServiceClient(c).RegisterTownshipAsync(new RegisterTownshipRequest
        {
            Township = new Township { TownshipId = "t" + Rpc.Id(), Name = "测试镇", StatisticalCode = "", CodeSystem = "" },
        }).ResponseAsync,
        ["/dongming.v1.TownshipService/GetTotals"] = (_, c) => new TownshipService.TownshipServiceClient(c).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023", Indicators = { "livestock_sheep" } }).ResponseAsync,
        ["/dongming.v1.TownshipService/WatchTotals"] = async (_, c) =>
        {
            using var call = new TownshipService.TownshipServiceClient(c).WatchTotals(new WatchTotalsRequest { TownshipId = "dongming", Period = "2023", Indicators = { "livestock_sheep" } },
                deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        },
        ["/dongming.v1.TownshipService/GetCaseSummary"] = (_, c) => new TownshipService.TownshipServiceClient(c).GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", CaseType = TestCaseType }).ResponseAsync,
        ["/dongming.v1.TownshipService/RepairTotals"] = (_, c) => new TownshipService.TownshipServiceClient(c).RepairTotalsAsync(new RepairTotalsRequest { TownshipId = "dongming" }).ResponseAsync,
        ["/dongming.v1.CaseService/OpenCase"] = (_, c) => new CaseService.CaseServiceClient(c).OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = "datai",
            CaseType = TestCaseType,
            Batch = "2026",
            Title = "矩阵测试",
            Deadline = "2099-12-31",
            RequestId = Rpc.Id(),
        }).ResponseAsync,
        ["/dongming.v1.CaseService/GetCase"] = async (s, c) =>
        {
            var opened = await OpenCaseAsync(s);
            await new CaseService.CaseServiceClient(c).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId });
        },
        ["/dongming.v1.CaseService/TransitionCase"] = async (s, c) =>
        {
            var opened = await OpenCaseAsync(s);
            await new CaseService.CaseServiceClient(c).TransitionCaseAsync(new TransitionCaseRequest
            {
                CaseId = opened.CaseId,
                ToStatus = CaseStatus.Investigating,
                ExpectedVersion = opened.Version,
                RequestId = Rpc.Id(),
            });
        },
        ["/dongming.v1.CaseService/UpdateCase"] = async (s, c) =>
        {
            var opened = await OpenCaseAsync(s);
            await new CaseService.CaseServiceClient(c).UpdateCaseAsync(new UpdateCaseRequest
            {
                CaseId = opened.CaseId,
                ExpectedVersion = opened.Version,
                Assignee = "包村干部",
                Note = "指派",
                RequestId = Rpc.Id(),
            });
        },
        ["/dongming.v1.CaseService/ListCases"] = (_, c) => new CaseService.CaseServiceClient(c).ListCasesAsync(new ListCasesRequest { TownshipId = "dongming", CaseType = TestCaseType, PageSize = 5 }).ResponseAsync,
        ["/dongming.v1.CaseService/GetCaseHistory"] = async (s, c) =>
        {
            var opened = await OpenCaseAsync(s);
            await new CaseService.CaseServiceClient(c).GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = opened.CaseId });
        },
        // Targets of the township itself (staff set them; a reporter reads them like the township's totals).
        ["/dongming.v1.PlanningService/SetTarget"] = (_, c) => new PlanningService.PlanningServiceClient(c).SetTargetAsync(new SetTargetRequest
        {
            OrgUnitId = "dongming",
            Indicator = "fire_drills",
            Period = Rpc.FreshPeriod(),
            Target = "1",
            Direction = TargetDirection.AtLeast,
            RequestId = Rpc.Id(),
        }).ResponseAsync,
        ["/dongming.v1.PlanningService/ListTargets"] = (_, c) => new PlanningService.PlanningServiceClient(c).ListTargetsAsync(new ListTargetsRequest { TownshipId = "dongming", OrgUnitId = "dongming", Period = "2024" }).ResponseAsync,
        ["/dongming.v1.PlanningService/GetTargetHistory"] = (_, c) => new PlanningService.PlanningServiceClient(c).GetTargetHistoryAsync(new GetTargetHistoryRequest { OrgUnitId = "datai", Indicator = "livestock_sheep", Period = "2024" }).ResponseAsync,
        ["/dongming.v1.PlanningService/GetProgress"] = (_, c) => new PlanningService.PlanningServiceClient(c).GetProgressAsync(new GetProgressRequest { TownshipId = "dongming", OrgUnitId = "dongming", Period = "2024", AsOf = "2024-06-30" }).ResponseAsync,
        ["/dongming.v1.QualityService/DefineValidationRule"] = (_, c) => new QualityService.QualityServiceClient(c).DefineValidationRuleAsync(new DefineValidationRuleRequest
        {
            RequestId = Rpc.Id(),
            Rule = new ValidationRule
            {
                Code = MatrixIndicatorPrefix + Rpc.Id(),
                NameZh = "羊存栏不为负",
                Left = "livestock_sheep",
                Operator = RuleOperator.GreaterOrEqual,
                Right = "0",
                Importance = Importance.Low,
                Scope = RuleScope.Both,
            },
        }).ResponseAsync,
        ["/dongming.v1.QualityService/ListValidationRules"] = (_, c) => new QualityService.QualityServiceClient(c).ListValidationRulesAsync(new ListValidationRulesRequest()).ResponseAsync,
        ["/dongming.v1.QualityService/RunValidation"] = (_, c) => new QualityService.QualityServiceClient(c).RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = "2023" }).ResponseAsync,
        ["/dongming.v1.QualityService/FindOutliers"] = (_, c) => new QualityService.QualityServiceClient(c).FindOutliersAsync(new FindOutliersRequest
        {
            TownshipId = "dongming",
            Period = "2023",
            Indicator = "livestock_sheep",
            Method = OutlierMethod.ModifiedZScore,
        }).ResponseAsync,
        ["/dongming.v1.QualityService/DefineDataSet"] = (_, c) => new QualityService.QualityServiceClient(c).DefineDataSetAsync(new DefineDataSetRequest
        {
            TownshipId = "dongming",
            RequestId = Rpc.Id(),
            DataSet = new DataSet { Code = MatrixIndicatorPrefix + Rpc.Id(), NameZh = "矩阵测试", PeriodType = PeriodType.Month, Indicators = { "livestock_sheep" }, DueDays = 5 },
        }).ResponseAsync,
        ["/dongming.v1.QualityService/ListDataSets"] = (_, c) => new QualityService.QualityServiceClient(c).ListDataSetsAsync(new ListDataSetsRequest { TownshipId = "dongming" }).ResponseAsync,
        ["/dongming.v1.QualityService/GetCompleteness"] = (_, c) => new QualityService.QualityServiceClient(c).GetCompletenessAsync(new GetCompletenessRequest
        {
            TownshipId = "dongming",
            DataSet = "village_ledger_yearly",
            Period = "2023",
        }).ResponseAsync,
        ["/dongming.v1.ApprovalService/Submit"] = async (s, c) =>
        {
            var period = await ApprovalAtAsync(s);
            await new ApprovalService.ApprovalServiceClient(c).SubmitAsync(new SubmitRequest { OrgUnitId = "datai", DataSet = TestDataSet, Period = period, RequestId = Rpc.Id() });
        },
        ["/dongming.v1.ApprovalService/Approve"] = async (s, c) =>
        {
            var period = await ApprovalAtAsync(s, "submit");
            await new ApprovalService.ApprovalServiceClient(c).ApproveAsync(new ApproveRequest { OrgUnitId = "datai", DataSet = TestDataSet, Period = period, RequestId = Rpc.Id() });
        },
        ["/dongming.v1.ApprovalService/Reject"] = async (s, c) =>
        {
            var period = await ApprovalAtAsync(s, "submit");
            await new ApprovalService.ApprovalServiceClient(c).RejectAsync(new RejectRequest { OrgUnitId = "datai", DataSet = TestDataSet, Period = period, RequestId = Rpc.Id(), Reason = "数据有误" });
        },
        ["/dongming.v1.ApprovalService/Unapprove"] = async (s, c) =>
        {
            var period = await ApprovalAtAsync(s, "submit", "approve");
            await new ApprovalService.ApprovalServiceClient(c).UnapproveAsync(new UnapproveRequest { OrgUnitId = "datai", DataSet = TestDataSet, Period = period, RequestId = Rpc.Id(), Reason = "需更正" });
        },
        ["/dongming.v1.ApprovalService/GetApprovalStatus"] = (_, c) => new ApprovalService.ApprovalServiceClient(c).GetApprovalStatusAsync(new GetApprovalStatusRequest
        {
            TownshipId = "dongming",
            DataSet = TestDataSet,
            Period = Rpc.FreshPeriod(),
        }).ResponseAsync,
        ["/dongming.v1.ExchangeService/ImportValues"] = (_, c) => new ExchangeService.ExchangeServiceClient(c).ImportValuesAsync(
            Exchange.Sheets.Values(Exchange.Sheets.LongCsv(("datai", Rpc.FreshPeriod(), "livestock_sheep", "10")))).ResponseAsync,
        ["/dongming.v1.ExchangeService/ImportRoster"] = (_, c) => new ExchangeService.ExchangeServiceClient(c).ImportRosterAsync(new ImportRosterRequest
        {
            FileName = "roster.csv",
            Content = Google.Protobuf.ByteString.CopyFromUtf8($"id,name_zh,kind\r\nt{Rpc.Id()},矩阵镇,township\r\nv{Rpc.Id()},矩阵村,village\r\n"),
        }).ResponseAsync,
        ["/dongming.v1.ExchangeService/ImportCatalog"] = (_, c) => new ExchangeService.ExchangeServiceClient(c).ImportCatalogAsync(new ImportCatalogRequest
        {
            FileName = "catalog.csv",
            Content = Google.Protobuf.ByteString.CopyFromUtf8($"code,category,name_zh,name_en,unit,kind,entered_at\r\n{MatrixIndicatorPrefix}{Rpc.Id()},agriculture,测试,Test,mu,flow,village\r\n"),
        }).ResponseAsync,
        ["/dongming.v1.ExchangeService/ImportCases"] = (_, c) => new ExchangeService.ExchangeServiceClient(c).ImportCasesAsync(new ImportCasesRequest
        {
            TownshipId = "dongming",
            FileName = "cases.csv",
            Content = Google.Protobuf.ByteString.CopyFromUtf8($"案件类型,标题,村编号,整改期限,状态\r\n{TestCaseType},矩阵导入{Rpc.Id()},datai,2099-12-31,已交办\r\n"),
        }).ResponseAsync,
        ["/dongming.v1.ExchangeService/GetImport"] = async (s, c) =>
        {
            var import = await new ExchangeService.ExchangeServiceClient(s.Channel).ImportValuesAsync(
                Exchange.Sheets.Values(Exchange.Sheets.LongCsv(("datai", Rpc.FreshPeriod(), "livestock_sheep", "10"))));
            await new ExchangeService.ExchangeServiceClient(c).GetImportAsync(new GetImportRequest { ImportId = import.ImportId });
        },
        ["/dongming.v1.ExchangeService/ExportTotals"] = (_, c) => new ExchangeService.ExchangeServiceClient(c).ExportTotalsAsync(new ExportTotalsRequest { TownshipId = "dongming", Period = "2023" }).ResponseAsync,
        ["/dongming.v1.ExchangeService/ExportCases"] = (_, c) => new ExchangeService.ExchangeServiceClient(c).ExportCasesAsync(new ExportCasesRequest
        {
            Filter = new ListCasesRequest { TownshipId = "dongming", CaseType = TestCaseType },
        }).ResponseAsync,
        // A template of one sentence: the matrix is about access, not about writing the whole review.
        ["/dongming.v1.BannerService/RegisterBanner"] = (_, c) => new BannerService.BannerServiceClient(c).RegisterBannerAsync(new RegisterBannerRequest { BannerId = "b" + Rpc.Id(), Name = "矩阵旗" }).ResponseAsync,
        ["/dongming.v1.BannerService/AddTownship"] = async (s, c) =>
        {
            var township = "t" + Rpc.Id();
            await new TownshipService.TownshipServiceClient(s.Channel).RegisterTownshipAsync(new RegisterTownshipRequest { Township = new Township { TownshipId = township, Name = "矩阵镇" } });
            await new BannerService.BannerServiceClient(c).AddTownshipAsync(new AddTownshipRequest { BannerId = TestBanner, TownshipId = township });
        },
        ["/dongming.v1.BannerService/GetBanner"] = (_, c) => new BannerService.BannerServiceClient(c).GetBannerAsync(new GetBannerRequest { BannerId = TestBanner }).ResponseAsync,
        ["/dongming.v1.BannerService/GetBannerTotals"] = (_, c) => new BannerService.BannerServiceClient(c).GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = TestBanner, Period = "2023", IncludeBreakdown = true }).ResponseAsync,
        ["/dongming.v1.BannerService/RepairBannerTotals"] = (_, c) => new BannerService.BannerServiceClient(c).RepairBannerTotalsAsync(new RepairBannerTotalsRequest { BannerId = TestBanner }).ResponseAsync,
        ["/dongming.v1.ReportService/RenderReview"] = (_, c) => new ReportService.ReportServiceClient(c).RenderReviewAsync(new RenderReviewRequest
        {
            TownshipId = "dongming",
            Year = 2023,
            Format = ReviewFormat.Markdown,
            Template = "羊{{ f.livestock_sheep | num: \"只\" }}。",
        }).ResponseAsync,
    };

    public static TheoryData<string, Who> Matrix()
    {
        var data = new TheoryData<string, Who>();
        foreach (var method in AccessPolicy.Table.Keys.Order(StringComparer.Ordinal))
            foreach (var who in Enum.GetValues<Who>())
                data.Add(method, who);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Rpc_AsRole_IsAllowedOrRefusedByThePolicy(string method, Who who)
    {
        await PrepareAsync(fixture.Server);
        var expected = who == Who.Anonymous ? StatusCode.Unauthenticated : Expected[method][(int)who] switch
        {
            'O' => StatusCode.OK,
            'D' => StatusCode.PermissionDenied,
            var x => throw new InvalidOperationException($"bad expectation {x}"),
        };
        var status = await StatusOf(() => Samples[method](fixture.Server, Invoker(fixture.Server, who)));
        Assert.Equal(expected, status);
    }

    [Fact]
    public void PolicyTable_CoversEveryRpcOfTheContract_AndTheTestsCoverTheTable()
    {
        var contract = new[]
            {
                VillageService.Descriptor, CatalogService.Descriptor, ReportingService.Descriptor, TownshipService.Descriptor, CaseService.Descriptor,
                PlanningService.Descriptor, QualityService.Descriptor, ApprovalService.Descriptor, ExchangeService.Descriptor, ReportService.Descriptor,
                BannerService.Descriptor,
            }
            .SelectMany(s => s.Methods.Select(m => $"/{s.FullName}/{m.Name}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(contract, AccessPolicy.Table.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(contract, Expected.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(contract, Samples.Keys.Order(StringComparer.Ordinal));
    }
}
