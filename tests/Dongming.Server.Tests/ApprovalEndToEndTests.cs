using System.Globalization;
using Dongming.Contracts.V1;
using Grpc.Core;
using static Dongming.Server.Tests.QualitySupport;

namespace Dongming.Server.Tests;

/// <summary>
/// A demo server of its own, for tests that change what the shared one's other tests read: approving the demo's 2023
/// (which locks its figures) and redefining built-in rules. It also serves /metrics, for the service's gauges.
/// </summary>
public sealed class OwnDemoServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public int MetricsPort { get; } = ServerProcess.FreePort();

    public async ValueTask InitializeAsync() => Server = await ServerProcess.StartAsync(null, true, $"--Dongming:Metrics:Port={MetricsPort}");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Approval and period locking through the real gRPC surface.</summary>
public sealed class ApprovalEndToEndTests(OwnDemoServerFixture fixture) : IClassFixture<OwnDemoServerFixture>
{
    private const string Yearly = "village_ledger_yearly";

    private ServerProcess Server => fixture.Server;
    private ApprovalService.ApprovalServiceClient Approvals => new(Server.Channel);
    private ReportingService.ReportingServiceClient Reporting => new(Server.Channel);
    private QualityService.QualityServiceClient Quality => new(Server.Channel);

    private static IReadOnlyList<string> DemoVillages => [.. Tsv.Read("villages.tsv").Select(r => r["id"]).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Township2023_Approved_LocksTheYearAndItsQuarters_UnapproveReopens()
    {
        var staff = new ApprovalService.ApprovalServiceClient(Staff(Server));
        var reporter = new ApprovalService.ApprovalServiceClient(Reporter(Server, "datai"));
        // A report applied before the lock, retried after it, keeps its first answer.
        var before = Rpc.Report("datai", "2023Q3", ("livestock_breeding_cows", "5"));
        var applied = await Reporting.ReportValuesAsync(before);

        // The township's own approval needs every village approved first.
        var early = await Rpc.Fails(() => staff.SubmitAsync(new SubmitRequest { OrgUnitId = "dongming", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, early.Code);
        Assert.Contains("33 of 33 are not", early.Message, StringComparison.Ordinal);

        foreach (var village in DemoVillages)
        {
            var submitted = village == "datai"
                ? await reporter.SubmitAsync(new SubmitRequest { OrgUnitId = village, DataSet = Yearly, Period = "2023", RequestId = Rpc.Id(), Reason = "台账已核" })
                : await Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = village, DataSet = Yearly, Period = "2023", RequestId = Rpc.Id() });
            Assert.Equal(ApprovalStatus.Submitted, submitted.Status);
            var approved = await staff.ApproveAsync(new ApproveRequest { OrgUnitId = village, DataSet = Yearly, Period = "2023", RequestId = Rpc.Id() });
            Assert.Equal(ApprovalStatus.Approved, approved.Status);
        }
        var status = await staff.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = Yearly, Period = "2023" });
        Assert.Equal((33, 33, true, false), (status.Expected, status.VillagesApproved, status.AllVillagesApproved, status.Approved));
        await staff.SubmitAsync(new SubmitRequest { OrgUnitId = "dongming", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id() });
        var township = await staff.ApproveAsync(new ApproveRequest { OrgUnitId = "dongming", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id(), Reason = "报告依据" });
        Assert.Equal(ApprovalStatus.Approved, township.Status);
        Assert.Contains("livestock_sheep", township.LockedIndicators);

        status = await staff.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = Yearly, Period = "2023" });
        Assert.True(status.Approved);
        Assert.Equal(DemoVillages, status.Villages.Select(v => v.OrgUnitId));
        var datai = status.Villages.Single(v => v.OrgUnitId == "datai");
        Assert.Equal([ApprovalAction.Submit, ApprovalAction.Approve], datai.History.Select(h => h.Action));
        Assert.Equal(("村报账员", "台账已核", ApprovalStatus.Open, ApprovalStatus.Submitted), (datai.History[0].ActorName, datai.History[0].Reason, datai.History[0].FromStatus, datai.History[0].ToStatus));
        Assert.Equal("镇干部", datai.History[1].ActorName);

        // Locked: the year, and a quarter within it (its roll-up would change behind the approval). Nothing changes.
        var valuesBefore = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2023" });
        var totalsBefore = await new TownshipService.TownshipServiceClient(Server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" });
        foreach (var period in new[] { "2023", "2023Q2", "2023-11" })
        {
            var locked = await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "1"))).ResponseAsync);
            Assert.Equal(StatusCode.FailedPrecondition, locked.Code);
            Assert.Contains("locked: data set village_ledger_yearly of 2023 is approved for datai", locked.Message, StringComparison.Ordinal);
        }
        var clear = await Rpc.Fails(() => Reporting.ClearValuesAsync(new ClearValuesRequest { OrgUnitId = "datai", Period = "2023", Indicators = { "livestock_sheep" }, RequestId = Rpc.Id(), Reason = "误报" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, clear.Code);
        Assert.Equal(valuesBefore.Values, (await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2023" })).Values);
        Assert.Equal(valuesBefore.Version, (await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2023" })).Version);
        Assert.Equal(totalsBefore.Totals, (await new TownshipService.TownshipServiceClient(Server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" })).Totals);
        var replay = await Reporting.ReportValuesAsync(before);
        Assert.Equal((true, applied.Version), (replay.Replayed, replay.Version));
        // Indicators outside the data set stay open (a figure of named villages only).
        await Reporting.ReportValuesAsync(Rpc.Report("yingtu", "2023", ("water_saving_area", "12000")));

        // A village's approval stands while the township's does; unapproving the township's reopens the way.
        var blocked = await Rpc.Fails(() => staff.UnapproveAsync(new UnapproveRequest { OrgUnitId = "datai", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id(), Reason = "更正" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, blocked.Code);
        var noReason = await Rpc.Fails(() => staff.UnapproveAsync(new UnapproveRequest { OrgUnitId = "dongming", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noReason.Code);
        Assert.Equal(["reason"], noReason.Fields);
        var reopened = await staff.UnapproveAsync(new UnapproveRequest { OrgUnitId = "dongming", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id(), Reason = "需更正大台数据" });
        Assert.Equal(ApprovalStatus.Open, reopened.Status);
        Assert.False((await staff.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = Yearly, Period = "2023" })).Approved);
        await staff.UnapproveAsync(new UnapproveRequest { OrgUnitId = "datai", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id(), Reason = "需更正" });
        var written = await Reporting.ReportValuesAsync(Rpc.Report("datai", "2023", ("livestock_sheep", "2700")));
        Assert.False(written.Replayed);
        Assert.Equal("2700", (await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2023", Indicators = { "livestock_sheep" } })).Values.Single().Value);
        var history = (await staff.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = Yearly, Period = "2023", OrgUnitId = "datai" })).Villages.Single().History;
        Assert.Equal([ApprovalAction.Submit, ApprovalAction.Approve, ApprovalAction.Unapprove], history.Select(h => h.Action));
        Assert.Equal("需更正", history[^1].Reason);
    }

    [Fact]
    public async Task Approval_StateMachine_RejectResubmitApprove_ReplaysApplyOnce()
    {
        var set = await MonthlySetAsync();
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", period, ("livestock_sheep", "80")));
        var notSubmitted = await Rpc.Fails(() => Approvals.ApproveAsync(new ApproveRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, notSubmitted.Code);
        Assert.Contains("APPROVAL_STATUS_OPEN", notSubmitted.Message, StringComparison.Ordinal);
        Assert.Contains("APPROVAL_STATUS_SUBMITTED", notSubmitted.Message, StringComparison.Ordinal);

        var submit = new SubmitRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = Rpc.Id() };
        var first = await Approvals.SubmitAsync(submit);
        Assert.Equal(first, await Approvals.SubmitAsync(submit)); // a retry: the first answer, nothing applied
        var reused = await Rpc.Fails(() => Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = submit.RequestId, Reason = "别的" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, reused.Code);
        var twice = await Rpc.Fails(() => Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, twice.Code);

        var rejectWithout = await Rpc.Fails(() => Approvals.RejectAsync(new RejectRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(["reason"], rejectWithout.Fields);
        var rejected = await Approvals.RejectAsync(new RejectRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = Rpc.Id(), Reason = "羊存栏与上季不符" });
        Assert.Equal(ApprovalStatus.Rejected, rejected.Status);
        // Rejected: still open for corrections, then submitted again and approved.
        await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", period, ("livestock_sheep", "82")));
        await Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = Rpc.Id() });
        var approve = new ApproveRequest { OrgUnitId = "xiaotai", DataSet = set, Period = period, RequestId = Rpc.Id() };
        var approved = await Approvals.ApproveAsync(approve);
        var again = await Approvals.ApproveAsync(approve);
        Assert.Equal(approved, again);
        Assert.Equal([ApprovalAction.Submit, ApprovalAction.Reject, ApprovalAction.Submit, ApprovalAction.Approve], approved.History.Select(h => h.Action));
        Assert.Equal("羊存栏与上季不符", approved.History[1].Reason);
        // The replay of the first submission still answers as it did then.
        var replayed = await Approvals.SubmitAsync(submit);
        Assert.Equal((ApprovalStatus.Submitted, 1), (replayed.Status, replayed.History.Count));
    }

    [Fact]
    public async Task Submit_IncompleteReport_IsRefusedNamingWhatIsMissing()
    {
        var refused = await Rpc.Fails(() => new ApprovalService.ApprovalServiceClient(Reporter(Server, "datai")).SubmitAsync(new SubmitRequest
        {
            OrgUnitId = "datai",
            DataSet = "poverty_monitoring_quarterly",
            Period = "2023Q1",
            RequestId = Rpc.Id(),
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.Code);
        Assert.Contains("monitored_new_households", refused.Message, StringComparison.Ordinal);
        var status = await Approvals.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = "poverty_monitoring_quarterly", Period = "2023Q1", OrgUnitId = "datai" });
        Assert.Equal(ApprovalStatus.Open, status.Villages.Single().Status);
    }

    [Fact]
    public async Task Approval_BadInput_NamesEveryField_UnknownDataSetIsNotFound()
    {
        var (code, _, fields) = await Rpc.Fails(() => Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "datai", DataSet = "", Period = "2023Q5", RequestId = "" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["data_set", "period", "request_id"], fields);
        var kind = await Rpc.Fails(() => Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "datai", DataSet = Yearly, Period = "2023Q4", RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, kind.Code);
        Assert.Equal(["period"], kind.Fields);
        var unknown = await Rpc.Fails(() => Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "datai", DataSet = "no_such_set", Period = "2023", RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.Code);
        var village = await Rpc.Fails(() => Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "Bad Id", DataSet = Yearly, Period = "2023", RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(["org_unit_id"], village.Fields);
        var status = await Rpc.Fails(() => Approvals.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = "Bad", Period = "x", OrgUnitId = "Bad Id" }).ResponseAsync);
        Assert.Equal(["data_set", "period", "org_unit_id"], status.Fields);
    }

    [Fact]
    public async Task Approval_Scope_ReportersSubmitOnlyTheirVillages_StaffApproveOnlyTheirTownship()
    {
        var set = await MonthlySetAsync();
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("taiji", period, ("livestock_sheep", "5")));
        var reporter = new ApprovalService.ApprovalServiceClient(Reporter(Server, "datai"));
        var other = await Rpc.Fails(() => reporter.SubmitAsync(new SubmitRequest { OrgUnitId = "taiji", DataSet = set, Period = period, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, other.Code);
        await new ApprovalService.ApprovalServiceClient(Reporter(Server, "taiji")).SubmitAsync(new SubmitRequest { OrgUnitId = "taiji", DataSet = set, Period = period, RequestId = Rpc.Id() });
        var ownApproval = await Rpc.Fails(() => new ApprovalService.ApprovalServiceClient(Reporter(Server, "taiji")).ApproveAsync(new ApproveRequest { OrgUnitId = "taiji", DataSet = set, Period = period, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, ownApproval.Code);
        var foreignStaff = await Rpc.Fails(() => new ApprovalService.ApprovalServiceClient(Staff(Server, "qita")).ApproveAsync(new ApproveRequest { OrgUnitId = "taiji", DataSet = set, Period = period, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, foreignStaff.Code);
        var staffSubmitsVillage = await Rpc.Fails(() => new ApprovalService.ApprovalServiceClient(Staff(Server)).SubmitAsync(new SubmitRequest { OrgUnitId = "datai", DataSet = set, Period = period, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, staffSubmitsVillage.Code);
        // A reporter reads its own village's approval, not every village's.
        var own = await new ApprovalService.ApprovalServiceClient(Reporter(Server, "taiji")).GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = set, Period = period, OrgUnitId = "taiji" });
        Assert.Equal(ApprovalStatus.Submitted, own.Villages.Single().Status);
        var all = await Rpc.Fails(() => new ApprovalService.ApprovalServiceClient(Reporter(Server, "taiji")).GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = set, Period = period }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, all.Code);
    }

    [Fact]
    public async Task Approval_LocksTheIndicatorsOfItsTime_ARedefinedDataSetUnlocksNothing()
    {
        var set = await MonthlySetAsync();
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("nanta", period, ("livestock_sheep", "30")));
        await Approvals.SubmitAsync(new SubmitRequest { OrgUnitId = "nanta", DataSet = set, Period = period, RequestId = Rpc.Id() });
        await Approvals.ApproveAsync(new ApproveRequest { OrgUnitId = "nanta", DataSet = set, Period = period, RequestId = Rpc.Id() });
        await DefineDataSetAsync(Server, "dongming", set, PeriodType.Month, ["livestock_breeding_cows"]);
        var locked = await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("nanta", period, ("livestock_sheep", "31"))).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, locked.Code);
        // What the data set now holds was not approved: it stays open.
        await Reporting.ReportValuesAsync(Rpc.Report("nanta", period, ("livestock_breeding_cows", "3")));
    }

    [Fact]
    public async Task DefineValidationRule_ChangesABuiltInBound_ListShowsItRedefined_AndRunsWithIt()
    {
        var quality = Quality;
        Assert.Contains((await quality.RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = "2023", OrgUnitIds = { "dongming" } })).Violations,
            v => v.Rule == "pension_paid_per_recipient_max");
        var redefined = await quality.DefineValidationRuleAsync(new DefineValidationRuleRequest
        {
            RequestId = Rpc.Id(),
            Rule = new ValidationRule
            {
                Code = "pension_paid_per_recipient_max",
                NameZh = "人均养老金发放不高于25000元/人·年",
                Left = "pension_paid ÷ pension_recipients",
                Operator = RuleOperator.LessOrEqual,
                Right = "25000",
                Importance = Importance.Medium,
                PeriodType = PeriodType.Year,
                Scope = RuleScope.Both,
                Description = "本镇含被征地农民养老金，上限调整",
            },
        });
        Assert.Equal(RuleSource.Redefined, redefined.Source);
        var listed = (await quality.ListValidationRulesAsync(new ListValidationRulesRequest())).Rules.Single(r => r.Code == "pension_paid_per_recipient_max");
        Assert.Equal(("25000", RuleSource.Redefined), (listed.Right, listed.Source));
        Assert.NotEmpty(listed.DefinedBy);
        Assert.DoesNotContain((await quality.RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = "2023", OrgUnitIds = { "dongming" } })).Violations,
            v => v.Rule == "pension_paid_per_recipient_max");
    }

    [Fact]
    public async Task Metrics_ExportCaseGaugesAndValidationWarnings()
    {
        var warned = await Reporting.ReportValuesAsync(Rpc.Report("harula", FreshYear().ToString(CultureInfo.InvariantCulture), ("dibao_paid", "999999"), ("dibao_persons", "1")));
        Assert.Contains(warned.Warnings, w => w.Rule == "dibao_paid_per_person_max");
        using var http = new HttpClient();
        var lines = (await http.GetStringAsync($"http://127.0.0.1:{fixture.MetricsPort}/metrics")).Split('\n');
        // Lines are "name{labels} value [timestamp]".
        static long Value(string line) => long.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
        var open = lines.Single(l => l.StartsWith("dongming_cases_open{", StringComparison.Ordinal) && l.Contains("township=\"dongming\"", StringComparison.Ordinal));
        Assert.True(Value(open) >= 9, open); // the demo's 7 open patches of 2023-3 and 2 sealed-off houses
        var overdue = lines.Single(l => l.StartsWith("dongming_cases_overdue{", StringComparison.Ordinal) && l.Contains("township=\"dongming\"", StringComparison.Ordinal));
        Assert.True(Value(overdue) >= 7, overdue); // their deadlines (2024) have passed
        Assert.Contains(lines, l => l.StartsWith("dongming_validation_warnings", StringComparison.Ordinal) && l.Contains("importance=\"medium\"", StringComparison.Ordinal));
    }

    /// <summary>A fresh monthly data set of every dongming village over livestock_sheep.</summary>
    private async Task<string> MonthlySetAsync()
    {
        var code = "monthly_" + Rpc.Id()[..10];
        await DefineDataSetAsync(Server, "dongming", code, PeriodType.Month, ["livestock_sheep"]);
        return code;
    }
}
