using Dongming.Contracts.V1;
using Grpc.Core;
using static Dongming.Server.Tests.QualitySupport;

namespace Dongming.Server.Tests;

/// <summary>
/// Case KPIs that cannot be gamed, each tried as a new user would: through the real gRPC surface, on the shared demo
/// server, every test with a case type of its own (so the summary counts only its cases).
/// </summary>
public sealed class CaseKpiEndToEndTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;
    private CaseService.CaseServiceClient Cases => new(Server.Channel);
    private TownshipService.TownshipServiceClient Township => new(Server.Channel);

    private async Task<string> FreshCaseTypeAsync()
    {
        var code = "kpi_" + Rpc.Id()[..12];
        await new CatalogService.CatalogServiceClient(Server.Channel).DefineCaseTypeAsync(new DefineCaseTypeRequest
        {
            RequestId = Rpc.Id(),
            CaseType = new CaseType { Code = code, NameZh = "考核测试", NameEn = "KPI check" },
        });
        return code;
    }

    private async Task<Case> OpenAsync(string type, DateOnly openedOn, DateOnly deadline, string village = "datai", CaseService.CaseServiceClient? client = null) =>
        (await (client ?? Cases).OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = village,
            CaseType = type,
            Title = "考核测试案件",
            OpenedOn = Date(openedOn),
            Deadline = Date(deadline),
            RequestId = Rpc.Id(),
        })).Case;

    private async Task<Case> MoveAsync(Case c, CaseStatus to, DateOnly on) =>
        (await Cases.TransitionCaseAsync(new TransitionCaseRequest { CaseId = c.CaseId, ToStatus = to, ExpectedVersion = c.Version, RequestId = Rpc.Id(), EffectiveOn = Date(on) })).Case;

    private async Task<GetCaseSummaryResponse> SummaryAsync(string type, DateOnly? asOf = null, bool breakdown = false, int dueWithin = 0) =>
        await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest
        {
            TownshipId = "dongming",
            CaseType = type,
            AsOf = asOf is { } d ? Date(d) : "",
            IncludeBreakdown = breakdown,
            DueWithinDays = dueWithin,
        });

    [Fact]
    public async Task ClosedCaseRectifiedLate_DeadlineMovedAfterwards_KeepsItsLateOutcome()
    {
        var type = await FreshCaseTypeAsync();
        var opened = Today.AddDays(-60);
        var c = await OpenAsync(type, opened, opened.AddDays(10));
        c = await MoveAsync(c, CaseStatus.Rectifying, opened.AddDays(2));
        c = await MoveAsync(c, CaseStatus.Rectified, opened.AddDays(30)); // 20 days late
        c = await MoveAsync(c, CaseStatus.Closed, opened.AddDays(35));
        Assert.False(c.OnTime);
        Assert.Equal("0", (await SummaryAsync(type)).OnTimeRate);

        var moved = (await Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            CaseId = c.CaseId,
            ExpectedVersion = c.Version,
            Deadline = Date(opened.AddDays(90)),
            Note = "补办延期",
            RequestId = Rpc.Id(),
        })).Case;
        Assert.Equal(Date(opened.AddDays(90)), moved.Deadline);
        Assert.False(moved.OnTime); // fixed when the work was done
        Assert.Equal(0, moved.DeadlineExtensions); // not an extension: the case was no longer open
        var summary = await SummaryAsync(type);
        Assert.Equal((1, 0, 1, "0"), (summary.Closed, summary.ClosedOnTime, summary.Completed, summary.OnTimeRate));
        Assert.Equal(0, summary.Extended);
    }

    [Fact]
    public async Task Reporter_CannotExtendItsOwnOverdueCase_StaffExtendsWithAReason_AndTheSummaryShowsIt()
    {
        var type = await FreshCaseTypeAsync();
        var reporter = new CaseService.CaseServiceClient(Reporter(Server, "datai"));
        var opened = Today.AddDays(-40);
        var c = await OpenAsync(type, opened, opened.AddDays(20), client: reporter); // overdue for 20 days
        Assert.True(c.Overdue);

        var denied = await Rpc.Fails(() => reporter.UpdateCaseAsync(new UpdateCaseRequest
        {
            CaseId = c.CaseId,
            ExpectedVersion = c.Version,
            Deadline = Date(Today.AddDays(30)),
            Note = "申请延期",
            RequestId = Rpc.Id(),
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.Code);
        // Nothing changed: still overdue, in the list and the summary.
        var listed = await Cases.ListCasesAsync(new ListCasesRequest { CaseType = type, OverdueAsOf = Date(Today) });
        Assert.Equal(c.CaseId, Assert.Single(listed.Cases).CaseId);
        Assert.Equal(1, (await SummaryAsync(type)).Overdue);
        // The reporter still manages the case otherwise.
        c = (await reporter.UpdateCaseAsync(new UpdateCaseRequest { CaseId = c.CaseId, ExpectedVersion = c.Version, Assignee = "包村干部", RequestId = Rpc.Id() })).Case;

        var staff = new CaseService.CaseServiceClient(Staff(Server));
        var noReason = await Rpc.Fails(() => staff.UpdateCaseAsync(new UpdateCaseRequest { CaseId = c.CaseId, ExpectedVersion = c.Version, Deadline = Date(Today.AddDays(30)), RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noReason.Code);
        Assert.Equal(["note"], noReason.Fields);
        var extended = (await staff.UpdateCaseAsync(new UpdateCaseRequest
        {
            CaseId = c.CaseId,
            ExpectedVersion = c.Version,
            Deadline = Date(Today.AddDays(30)),
            Note = "雨季无法施工，镇里批准延期",
            RequestId = Rpc.Id(),
        })).Case;
        Assert.Equal((1, false), (extended.DeadlineExtensions, extended.Overdue));

        var summary = await SummaryAsync(type, breakdown: true);
        Assert.Equal((0, 1, 1), (summary.Overdue, summary.Extended, summary.Open));
        Assert.Equal(1, summary.Rows.Single().Extended);
        Assert.Equal(1, summary.Breakdown.Single(b => b.OrgUnitId == "datai").Extended);
        // As of yesterday it was overdue, with the deadline then in force.
        Assert.Equal((1, 0), ((await SummaryAsync(type, Today.AddDays(-1))).Overdue, (await SummaryAsync(type, Today.AddDays(-1))).Extended));
        var history = await Cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = c.CaseId });
        var entry = history.Entries.Last();
        Assert.Equal("雨季无法施工，镇里批准延期", entry.Note);
        Assert.Contains(entry.Changes, ch => ch.StartsWith("deadline ", StringComparison.Ordinal));
        Assert.Equal("镇干部", entry.ActorName);
    }

    [Fact]
    public async Task CaseSummary_AsOf2023_ExcludesACaseOpenedIn2026_AndCountsTheStatusesThenInForce()
    {
        var type = await FreshCaseTypeAsync();
        var today = await OpenAsync(type, Today, Today.AddDays(30));
        Assert.Equal(0, (await SummaryAsync(type, new DateOnly(2023, 12, 31))).Total);
        Assert.Equal(1, (await SummaryAsync(type)).Total);

        // The demo's cases are the 2023 summary: opened by 2023's end, counted as they stood then.
        var all = await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", AsOf = "2023-12-31" });
        Assert.Equal(1095, all.Total);

        // A case of 2023 closed only now was open — and overdue — at 2023's end.
        var old = await OpenAsync(type, new DateOnly(2023, 6, 1), new DateOnly(2023, 6, 30), village: "xiaotai");
        old = await MoveAsync(old, CaseStatus.Investigating, Today);
        old = await MoveAsync(old, CaseStatus.Closed, Today);
        var then = await SummaryAsync(type, new DateOnly(2023, 12, 31), breakdown: true);
        Assert.Equal((1, 1, 1, 0), (then.Total, then.Open, then.Overdue, then.Closed));
        Assert.Equal(CaseStatus.Reported, then.Rows.Single().Status);
        Assert.Equal((1, 1), (then.Breakdown.Single(b => b.OrgUnitId == "xiaotai").Open, then.Breakdown.Single(b => b.OrgUnitId == "xiaotai").Overdue));
        var now = await SummaryAsync(type);
        Assert.Equal((2, 1, 1, 0), (now.Total, now.Open, now.Closed, now.ClosedOnTime));
        Assert.Equal("0", now.OnTimeRate);
    }

    [Fact]
    public async Task DueSoon_ListCasesAndSummary_CountOpenCasesDueWithinNDays_PerVillage()
    {
        var type = await FreshCaseTypeAsync();
        var soon = await OpenAsync(type, Today.AddDays(-5), Today.AddDays(3));
        await OpenAsync(type, Today.AddDays(-5), Today.AddDays(40));
        await OpenAsync(type, Today.AddDays(-10), Today.AddDays(-1), village: "taiji"); // overdue
        var done = await OpenAsync(type, Today.AddDays(-5), Today.AddDays(2));
        await MoveAsync(await MoveAsync(done, CaseStatus.Rectifying, Today), CaseStatus.Rectified, Today);

        var listed = await Cases.ListCasesAsync(new ListCasesRequest { CaseType = type, DueWithinDays = 7 });
        Assert.Equal([soon.CaseId], listed.Cases.Select(c => c.CaseId));
        var summary = await SummaryAsync(type, breakdown: true);
        Assert.Equal((7, 1, 1, 3), (summary.DueWithinDays, summary.DueSoon, summary.Overdue, summary.Open));
        Assert.Equal((1, 0), (summary.Breakdown.Single(b => b.OrgUnitId == "datai").DueSoon, summary.Breakdown.Single(b => b.OrgUnitId == "datai").Overdue));
        Assert.Equal((0, 1), (summary.Breakdown.Single(b => b.OrgUnitId == "taiji").DueSoon, summary.Breakdown.Single(b => b.OrgUnitId == "taiji").Overdue));
        Assert.Equal(2, (await SummaryAsync(type, dueWithin: 60)).DueSoon);

        var bad = await Rpc.Fails(() => Cases.ListCasesAsync(new ListCasesRequest { CaseType = type, DueWithinDays = 400, OverdueAsOf = "2023-02-30" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.Code);
        Assert.Equal(["overdue_as_of", "due_within_days"], bad.Fields);
        var badSummary = await Rpc.Fails(() => Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", AsOf = "yesterday", DueWithinDays = -1 }).ResponseAsync);
        Assert.Equal(["as_of", "due_within_days"], badSummary.Fields);
    }

    [Fact]
    public async Task TransitionCase_DatedBeforeTheCasesLastChange_IsInvalidArgument()
    {
        var type = await FreshCaseTypeAsync();
        var c = await OpenAsync(type, Today.AddDays(-30), Today.AddDays(30));
        c = await MoveAsync(c, CaseStatus.Investigating, Today.AddDays(-10));
        var backdated = await Rpc.Fails(() => Cases.TransitionCaseAsync(new TransitionCaseRequest
        {
            CaseId = c.CaseId,
            ToStatus = CaseStatus.Rectifying,
            ExpectedVersion = c.Version,
            RequestId = Rpc.Id(),
            EffectiveOn = Date(Today.AddDays(-20)),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, backdated.Code);
        Assert.Equal(["effective_on"], backdated.Fields);
        Assert.Equal(c.Version, (await Cases.GetCaseAsync(new GetCaseRequest { CaseId = c.CaseId })).Case.Version);
    }
}
