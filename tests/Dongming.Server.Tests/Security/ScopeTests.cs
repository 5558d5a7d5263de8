using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Grpc.Core;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Security;

/// <summary>Scope is checked before existence (AIP-193), and the audit trail names the token's subject.</summary>
public sealed class ScopeTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    [Theory]
    [InlineData("xiaotai")]          // another village of the same township: exists
    [InlineData("no-such-village")]  // does not exist
    [InlineData(OtherVillage)]       // a village of another township
    [InlineData("dongming")]         // the township's own ledger
    public async Task Reporter_OutsideTheirVillages_IsDenied_WhetherOrNotItExists(string orgUnit)
    {
        await PrepareAsync(Server);
        var reporter = Invoker(Server, Who.Reporter);
        var reporting = new ReportingService.ReportingServiceClient(reporter);
        var cases = new CaseService.CaseServiceClient(reporter);
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporting.ReportValuesAsync(Rpc.Report(orgUnit, "2025", ("livestock_sheep", "1"))).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = orgUnit, Period = "2023" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => new VillageService.VillageServiceClient(reporter).GetVillageAsync(new GetVillageRequest { VillageId = orgUnit }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => cases.ListCasesAsync(new ListCasesRequest { VillageId = orgUnit }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => cases.OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = orgUnit,
            CaseType = TestCaseType,
            Batch = "2026",
            Title = "越权",
            Deadline = "2099-12-31",
            RequestId = Rpc.Id(),
        }).ResponseAsync));
    }

    [Fact]
    public async Task Reporter_AskingForAPerVillageBreakdown_IsDenied_WhileTheTotalsThemselvesAreOpen()
    {
        await PrepareAsync(Server);
        var reporter = new TownshipService.TownshipServiceClient(Invoker(Server, Who.Reporter));
        var staff = new TownshipService.TownshipServiceClient(Invoker(Server, Who.Staff));
        var totals = new GetTotalsRequest { TownshipId = "dongming", Period = "2023", Indicators = { "livestock_sheep" } };

        Assert.Equal(StatusCode.OK, await StatusOf(() => reporter.GetTotalsAsync(totals).ResponseAsync));
        var withBreakdown = totals.Clone();
        withBreakdown.IncludeBreakdown = true;
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporter.GetTotalsAsync(withBreakdown).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(async () =>
        {
            using var watch = reporter.WatchTotals(new WatchTotalsRequest { TownshipId = "dongming", Period = "2023", IncludeBreakdown = true }, deadline: DateTime.UtcNow.AddSeconds(30));
            await watch.ResponseStream.MoveNext(CancellationToken.None);
        }));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporter.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", IncludeBreakdown = true }).ResponseAsync));

        // Township staff read every village's part of their township.
        var breakdown = (await staff.GetTotalsAsync(withBreakdown)).Totals.Single().Breakdown;
        Assert.Contains(breakdown, b => b.OrgUnitId == "xiaotai");
        Assert.Equal(StatusCode.OK, await StatusOf(() => staff.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", IncludeBreakdown = true }).ResponseAsync));
    }

    [Fact]
    public async Task Reporter_OnAForeignOrUnknownCase_IsDenied_TheSameWay()
    {
        await PrepareAsync(Server);
        var foreign = await OpenCaseAsync(Server, "xiaotai");
        var cases = new CaseService.CaseServiceClient(Invoker(Server, Who.Reporter));
        foreach (var id in new[] { foreign.CaseId, "access_check-2026-9999", "x" })
        {
            var (code, message, _) = await Rpc.Fails(() => cases.GetCaseAsync(new GetCaseRequest { CaseId = id }).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, code);
            Assert.DoesNotContain("xiaotai", message, StringComparison.Ordinal); // the case's village is not revealed
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => cases.TransitionCaseAsync(new TransitionCaseRequest
            {
                CaseId = id,
                ToStatus = CaseStatus.Investigating,
                ExpectedVersion = 1,
                RequestId = Rpc.Id(),
            }).ResponseAsync));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = id }).ResponseAsync));
        }
        // An admin learns what exists.
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => new CaseService.CaseServiceClient(Server.Channel).GetCaseAsync(new GetCaseRequest { CaseId = "access_check-2026-9999" }).ResponseAsync));
    }

    [Fact]
    public async Task Reporter_ReadsTheirTownshipsTotals_ButNotAnotherTownship()
    {
        await PrepareAsync(Server);
        var township = new TownshipService.TownshipServiceClient(Invoker(Server, Who.Reporter));
        Assert.Equal(StatusCode.OK, await StatusOf(() => township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => township.GetTotalsAsync(new GetTotalsRequest { TownshipId = OtherTownship, Period = "2023" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "no-such-township", Period = "2023" }).ResponseAsync));
    }

    [Fact]
    public async Task Staff_ReadsAndManagesTheirTownshipOnly_AndEntersOnlyTownshipLevelValues()
    {
        await PrepareAsync(Server);
        var staff = Invoker(Server, Who.Staff);
        var reporting = new ReportingService.ReportingServiceClient(staff);
        var township = new TownshipService.TownshipServiceClient(staff);
        var cases = new CaseService.CaseServiceClient(staff);
        // township-level values: org_unit_id = the township
        Assert.Equal(StatusCode.OK, await StatusOf(() => reporting.ReportValuesAsync(Rpc.Report("dongming", Rpc.FreshPeriod(), ("regional_epidemics", "0"))).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporting.ReportValuesAsync(Rpc.Report("datai", Rpc.FreshPeriod(), ("livestock_sheep", "1"))).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporting.ReportValuesAsync(Rpc.Report(OtherTownship, Rpc.FreshPeriod(), ("regional_epidemics", "0"))).ResponseAsync));
        Assert.Equal(StatusCode.OK, await StatusOf(() => reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "xiaotai", Period = "2023" }).ResponseAsync));
        foreach (var foreign in new[] { OtherVillage, "no-such-village" })
        {
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = foreign, Period = "2023" }).ResponseAsync));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => cases.OpenCaseAsync(new OpenCaseRequest
            {
                VillageId = foreign,
                CaseType = TestCaseType,
                Batch = "2026",
                Title = "越权",
                Deadline = "2099-12-31",
                RequestId = Rpc.Id(),
            }).ResponseAsync));
        }
        foreach (var foreign in new[] { OtherTownship, "no-such-township" })
        {
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => township.GetTotalsAsync(new GetTotalsRequest { TownshipId = foreign, Period = "2023" }).ResponseAsync));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => township.RepairTotalsAsync(new RepairTotalsRequest { TownshipId = foreign }).ResponseAsync));
        }
        var foreignCase = await OpenCaseAsync(Server, OtherVillage);
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => cases.GetCaseAsync(new GetCaseRequest { CaseId = foreignCase.CaseId }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => cases.GetCaseAsync(new GetCaseRequest { CaseId = "access_check-2026-9999" }).ResponseAsync));
        var homeCase = await OpenCaseAsync(Server, "xiaotai");
        Assert.Equal(StatusCode.OK, await StatusOf(() => cases.TransitionCaseAsync(new TransitionCaseRequest
        {
            CaseId = homeCase.CaseId,
            ToStatus = CaseStatus.Investigating,
            ExpectedVersion = homeCase.Version,
            RequestId = Rpc.Id(),
        }).ResponseAsync));
    }

    [Fact]
    public async Task AuditTrail_NamesTheTokensSubject_NotAClientSuppliedString()
    {
        await PrepareAsync(Server);
        var subject = "u" + Rpc.Id()[..8];
        var reporter = Server.As(Issuer(Server).Issue(new TokenRequest(subject, "张三", Roles.VillageReporter, null, ["datai"], TimeSpan.FromHours(1))));
        var period = Rpc.FreshPeriod();
        await new ReportingService.ReportingServiceClient(reporter).ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "2650")));
        var history = await new ReportingService.ReportingServiceClient(Server.Channel).GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "datai", Period = period, Indicator = "livestock_sheep" });
        var revision = Assert.Single(history.Revisions);
        Assert.Equal(subject, revision.Actor);
        Assert.Equal("张三", revision.ActorName);
        var values = await new ReportingService.ReportingServiceClient(reporter).GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period });
        Assert.Equal(subject, values.Values.Single(v => v.Indicator == "livestock_sheep").ReportedBy);

        var cases = new CaseService.CaseServiceClient(reporter);
        var opened = (await cases.OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = "datai",
            CaseType = TestCaseType,
            Batch = "2026",
            Title = "审计测试",
            Deadline = "2099-12-31",
            RequestId = Rpc.Id(),
        })).Case;
        Assert.Equal(subject, opened.OpenedBy);
        var staff = Server.As(Issuer(Server).Issue(new TokenRequest("s" + subject, "李四", Roles.TownshipStaff, "dongming", [], TimeSpan.FromHours(1))));
        await new CaseService.CaseServiceClient(staff).TransitionCaseAsync(new TransitionCaseRequest
        {
            CaseId = opened.CaseId,
            ToStatus = CaseStatus.Investigating,
            ExpectedVersion = opened.Version,
            RequestId = Rpc.Id(),
        });
        var entries = (await cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = opened.CaseId })).Entries;
        Assert.Equal([subject, "s" + subject], entries.Select(e => e.Actor));
        Assert.Equal(["张三", "李四"], entries.Select(e => e.ActorName));
    }
}
