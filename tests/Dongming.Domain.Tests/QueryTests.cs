using System.Text;
using static Dongming.Domain.Tests.CaseFixtures;

namespace Dongming.Domain.Tests;

public class PageTokenTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("datai")]
    [InlineData("2023-06-30|forest_violation_patch-2023-3-0001")]
    [InlineData("嘎查|村")]
    public void EncodeThenDecode_GivesTheKeyBack(string key)
    {
        var v = new Violations();
        Assert.Equal(key, PageToken.Decode(v, PageToken.Encode(key)));
        Assert.False(v.Any);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Decode_NoToken_IsTheFirstPage(string? token)
    {
        var v = new Violations();
        Assert.Null(PageToken.Decode(v, token));
        Assert.False(v.Any);
    }

    public static TheoryData<string> Forged => new()
    {
        "not base64!",
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v2|datai")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("datai")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1|bell\u0007")),
        Convert.ToBase64String([(byte)'v', (byte)'1', (byte)'|', 0xff, 0xfe]),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1|" + new string('a', 400))),
    };

    [Theory]
    [MemberData(nameof(Forged))]
    public void Decode_TokenThisServiceDidNotIssue_IsAViolationOfPageToken(string token)
    {
        var v = new Violations();
        Assert.Null(PageToken.Decode(v, token));
        Assert.Equal("page_token", Assert.Single(v.Items).Field);
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 1)]
    [InlineData(500, 500)]
    public void Size_InRange_IsTheSizeAskedFor(int requested, int expected)
    {
        var v = new Violations();
        Assert.Equal(expected, PageToken.Size(v, requested, 50, 500));
        Assert.False(v.Any);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(501)]
    public void Size_OutOfRange_IsAViolation(int requested)
    {
        var v = new Violations();
        PageToken.Size(v, requested, 50, 500);
        Assert.Equal("page_size", Assert.Single(v.Items).Field);
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("djF8")] // base64 of "v1|": well formed, but no position in a listing of cases
    public void CaseQuery_ForgedToken_IsInvalidArgument(string token)
    {
        var e = TestData.Throws(() => CaseQuery.Validate(null, null, false, null, null, 10, token));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("page_token", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("v1|2023-13-01|c-1")]
    [InlineData("v1|2023-06-30c-1")]
    [InlineData("v1|2023-6-30|c-1")]
    [InlineData("v1|2023-06-30|")]
    [InlineData("v1|2023-06-30|bad\u0001id")]
    public void CaseQuery_WellEncodedTokenOfNoPosition_IsInvalidArgument(string text)
    {
        var e = TestData.Throws(() => CaseQuery.Validate(null, null, false, null, null, 10, B64(text)));
        Assert.Equal("page_token", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void CaseQuery_EveryProblem_IsReportedTogether()
    {
        var e = TestData.Throws(() => CaseQuery.Validate("Bad Type", null, statusUnknown: true, "23-3", "2023/01/01", 501, "forged"));
        Assert.Equal(["batch", "case_type", "overdue_as_of", "page_size", "page_token", "status"], TestData.Fields(e).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CasePages_FollowedByTheirTokens_ListEveryCaseOnceInOrder()
    {
        var cases = Enumerable.Range(1, 23)
            .Select(i => New(id: $"c-{i:D2}", deadline: new DateOnly(2023, 6, 1 + i % 5)) with { Status = i % 4 == 0 ? CaseStatus.Closed : CaseStatus.Reported })
            .ToList();
        var listed = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = CaseQuery.Validate(null, CaseStatus.Reported, false, null, null, 4, token);
            var page = query.Page(cases);
            Assert.InRange(page.Cases.Count, 1, 4);
            listed.AddRange(page.Cases.Select(c => c.CaseId));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 20);

        var expected = cases.Where(c => c.Status == CaseStatus.Reported).OrderBy(c => c.Deadline).ThenBy(c => c.CaseId, StringComparer.Ordinal).Select(c => c.CaseId).ToList();
        Assert.Equal(expected, listed);
        Assert.Equal((expected.Count + 3) / 4, pages);
    }
}

public class RequestValidationTests
{
    private static readonly DateOnly Today = new(2023, 7, 1);

    [Fact]
    public void TotalsQuery_BadPeriodMalformedAndUnknownCodes_AreReportedTogether()
    {
        var e = TestData.Throws(() => TotalsQuery.Validate(TestData.Catalog, "2023Q5", ["livestock_sheep", "Bad", "no_such_thing"], false));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["indicators[1]", "indicators[2]", "period"], TestData.Fields(e).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TotalsQuery_OnlyUnknownCodes_IsNotFound()
    {
        var e = TestData.Throws(() => TotalsQuery.Validate(TestData.Catalog, "2023", ["no_such_thing", "nor_this"], false));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Equal(["indicators[0]", "indicators[1]"], TestData.Fields(e));
    }

    [Fact]
    public void TotalsQuery_Valid_DropsRepeatedCodes()
    {
        var q = TotalsQuery.Validate(TestData.Catalog, "2023Q4", ["livestock_sheep", "livestock_total", "livestock_sheep"], true);
        Assert.Equal((Period.Parse("2023Q4"), true), (q.Period, q.IncludeBreakdown));
        Assert.Equal(["livestock_sheep", "livestock_total"], q.Indicators);
    }

    [Fact]
    public void TotalsQuery_TooManyCodes_IsRejected()
    {
        var codes = Enumerable.Repeat("livestock_sheep", TotalsQuery.MaxIndicators + 1).ToList();
        var e = TestData.Throws(() => TotalsQuery.Validate(TestData.Catalog, "2023", codes, false));
        Assert.Equal("indicators", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void CaseSummaryQuery_EveryProblem_IsReportedTogether()
    {
        var e = TestData.Throws(() => CaseSummaryQuery.Validate("Bad Type", "2023_3", "yesterday", false, Today));
        Assert.Equal(["as_of", "batch", "case_type"], TestData.Fields(e).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CaseSummaryQuery_NoDate_IsAsOfToday_EmptyFiltersAreNone()
    {
        Assert.Equal(new CaseSummaryQuery(null, null, Today, true), CaseSummaryQuery.Validate("", "", null, true, Today));
        Assert.Equal(new CaseSummaryQuery(Forest, "2023-3", D("2023-05-01"), false), CaseSummaryQuery.Validate(Forest, "2023-3", "2023-05-01", false, Today));
    }

    [Fact]
    public void RetireCommand_EveryProblem_IsReportedTogether()
    {
        var e = TestData.Throws(() => Roster.Validate(new RetireCommand("Datai", "2023Q5", " ", "")));
        Assert.Equal(["from_period", "reason", "request_id", "village_id"], TestData.Fields(e).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RetireCommand_Valid_AndItsFingerprint()
    {
        var r = Roster.Validate(new RetireCommand("datai", "2024-07", "req-1", "并入大台村"));
        Assert.Equal((Period.Parse("2024-07"), "req-1", "并入大台村"), (r.FromPeriod, r.RequestId, r.Reason));
        Assert.Equal(r.Fingerprint, Roster.Validate(new RetireCommand("datai", "2024-07", "req-other", "并入大台村")).Fingerprint);
        Assert.NotEqual(r.Fingerprint, Roster.Validate(new RetireCommand("datai", "2024-08", "req-1", "并入大台村")).Fingerprint);
    }
}

public class CaseChangeTests
{
    private static readonly DateOnly Today = new(2023, 7, 1);

    [Fact]
    public void ValidateTransition_EveryProblem_IsReportedTogether()
    {
        var e = TestData.Throws(() => CaseRules.Validate(new TransitionCaseCommand("", null, 0, "bad\u0001note", null, "2023-07-02"), Today));
        Assert.Equal(["case_id", "effective_on", "expected_version", "note", "request_id", "to_status"], TestData.Fields(e).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ValidateTransition_UndefinedStatus_IsRejected()
    {
        var e = TestData.Throws(() => CaseRules.Validate(new TransitionCaseCommand("c-1", (CaseStatus)0, 1, null, "req", null), Today));
        Assert.Equal("to_status", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void ValidateTransition_NoDate_IsEffectiveToday_AndTheDateIsPartOfTheFingerprint()
    {
        var today = CaseRules.Validate(new TransitionCaseCommand("c-1", CaseStatus.Investigating, 1, null, "req", null), Today);
        var dated = CaseRules.Validate(new TransitionCaseCommand("c-1", CaseStatus.Investigating, 1, null, "req", "2023-07-01"), Today);
        Assert.Equal(Today, today.EffectiveOn);
        Assert.Equal(Today, dated.EffectiveOn);
        Assert.NotEqual(today.Fingerprint, dated.Fingerprint);
        Assert.NotEqual(today.Fingerprint, CaseRules.Validate(new TransitionCaseCommand("c-1", CaseStatus.Controlled, 1, null, "req", null), Today).Fingerprint);
    }

    [Fact]
    public void ValidateUpdate_NothingToChange_IsRejected()
    {
        var e = TestData.Throws(() => CaseRules.Validate(new UpdateCaseCommand("c-1", 1, null, null, null, null, "note", "req")));
        Assert.Equal("deadline", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void ValidateUpdate_EveryBodyFieldCountsInTheFingerprint()
    {
        var baseline = CaseRules.Validate(new UpdateCaseCommand("c-1", 1, "2023-09-30", "李四", true, null, "延期", "req")).Fingerprint;
        Assert.Equal(baseline, CaseRules.Validate(new UpdateCaseCommand("c-1", 1, "2023-09-30", "李四", true, null, "延期", "req-2")).Fingerprint);
        Assert.NotEqual(baseline, CaseRules.Validate(new UpdateCaseCommand("c-1", 1, "2023-09-30", "李四", false, null, "延期", "req")).Fingerprint);
        Assert.NotEqual(baseline, CaseRules.Validate(new UpdateCaseCommand("c-1", 1, "2023-09-30", "李四", true, null, "延期两周", "req")).Fingerprint);
        Assert.NotEqual(baseline, CaseRules.Validate(new UpdateCaseCommand("c-1", 2, "2023-09-30", "李四", true, null, "延期", "req")).Fingerprint);
    }

    [Fact]
    public void Describe_NoChange_IsEmpty_ChangesAreNamed()
    {
        var c = New() with { Assignee = "张三" };
        Assert.Empty(CaseRules.Describe(c, new CaseChanges(c.Deadline, "张三", false, false)));
        Assert.Equal(["deadline 2023-06-30 → 2023-07-15", "assignee 张三 → -", "returned False → True"], CaseRules.Describe(c, new CaseChanges(D("2023-07-15"), "", null, true)));
        Assert.Equal(ErrorKind.InvalidArgument, TestData.Throws(() => CaseRules.Describe(c, new CaseChanges(D("2023-02-01"), null, null, null))).Kind);
    }

    [Fact]
    public void CheckVersion_Stale_IsAborted()
    {
        Assert.Equal(ErrorKind.Aborted, TestData.Throws(() => New().CheckVersion(2)).Kind);
        New().CheckVersion(1);
    }
}

public class HistoryTests
{
    private static EventMeta Meta(string requestId, int minute = 0) => new("clerk-7", "王会计", At.AddMinutes(minute), requestId);

    [Fact]
    public void ValueHistory_ShowsEveryRevisionOfTheFigure_ClearedAsNoValue()
    {
        (long, LedgerEvent)[] events =
        [
            (1, new ValuesReported(Meta("r1"), "2023-11", [new ReportedFigure("livestock_sheep", 800), new ReportedFigure("labour_export_persons", 3)], "首报")),
            (2, new ValuesReported(Meta("r2", 1), "2023-11", [new ReportedFigure("livestock_sheep", 840, AtLeast: true)], null)),
            (3, new ValuesReported(Meta("r3", 2), "2023-12", [new ReportedFigure("livestock_sheep", 1)], null)),
            (4, new ValuesCleared(Meta("r4", 3), "2023-11", ["livestock_sheep"], "重复统计")),
            (5, new ValuesReported(Meta("r5", 4), "2023-11", [new ReportedFigure("livestock_sheep", 820)], null)),
        ];

        var history = ValueHistory.Project(Period.Parse("2023-11"), "livestock_sheep", events);

        Assert.Equal([800m, 840m, null, 820m], history.Select(h => h.Value));
        Assert.Equal([null, 800m, 840m, null], history.Select(h => h.Previous));
        Assert.Equal([false, true, false, false], history.Select(h => h.AtLeast));
        Assert.Equal(["r1", "r2", "r4", "r5"], history.Select(h => h.RequestId));
        Assert.Equal([1L, 2, 4, 5], history.Select(h => h.Version));
        Assert.Equal(["首报", null, "重复统计", null], history.Select(h => h.Comment));
        Assert.All(history, h => Assert.Equal(("clerk-7", "王会计"), (h.Actor, h.ActorName)));
    }

    [Fact]
    public void CaseHistory_ProjectsTheCasesEvents_AndStateAfterAnyPrefix()
    {
        var opened = New(id: "c-1") with { Assignee = "张三" };
        LedgerEvent[] events =
        [
            new CaseOpened(Meta("o"), opened, "立案"),
            new CaseOpened(Meta("other"), New(id: "c-2"), null),
            new CaseTransitioned(Meta("t1", 1), "c-1", CaseStatus.Reported, CaseStatus.Investigating, D("2023-03-02"), null),
            new CaseUpdated(Meta("u0", 2), "c-1", new CaseChanges(null, "张三", null, null), [], "核对"),
            new CaseUpdated(Meta("u1", 3), "c-1", new CaseChanges(D("2023-07-31"), null, null, null), ["deadline 2023-06-30 → 2023-07-31"], "延期"),
            new CaseTransitioned(Meta("t2", 4), "c-2", CaseStatus.Reported, CaseStatus.Rectifying, D("2023-03-02"), null),
        ];

        var history = CaseHistory.Project("c-1", events);
        Assert.Equal(["opened", "transitioned", "updated", "updated"], history.Select(h => h.Event));
        Assert.Equal(["o", "t1", "u0", "u1"], history.Select(h => h.RequestId));
        Assert.Equal([1L, 2, 2, 3], history.Select(h => h.Version)); // the no-op update is recorded, the case version stays
        Assert.Empty(history[2].Changes);
        Assert.Equal(CaseStatus.Investigating, history[3].Status);

        // The answer each request got: the case right after its event.
        Assert.Equal(opened, CaseHistory.StateAfter("c-1", events.Take(1)));
        var afterMove = CaseHistory.StateAfter("c-1", events.Take(3));
        Assert.Equal((CaseStatus.Investigating, 2L, opened.Deadline), (afterMove.Status, afterMove.Version, afterMove.Deadline));
        Assert.Equal(afterMove, CaseHistory.StateAfter("c-1", events.Take(4)));
        var last = CaseHistory.StateAfter("c-1", events);
        Assert.Equal((D("2023-07-31"), 3L, At.AddMinutes(3)), (last.Deadline, last.Version, last.UpdatedAt));
        Assert.Equal(ErrorKind.NotFound, TestData.Throws(() => CaseHistory.StateAfter("c-9", events)).Kind);
    }
}
