using static Dongming.Domain.CaseStatus;
using static Dongming.Domain.Tests.CaseFixtures;

namespace Dongming.Domain.Tests;

public class CaseLifecycleTests
{
    /// <summary>The intended transitions, written out from the spec (not from the implementation).</summary>
    private static readonly Dictionary<CaseStatus, CaseStatus[]> Spec = new()
    {
        [Reported] = [Investigating, Rectifying, Controlled, Transferred],
        [Investigating] = [Rectifying, Controlled, Transferred, Closed],
        [Rectifying] = [Rectified, Controlled, Transferred],
        [Rectified] = [Closed, Rectifying],
        [Controlled] = [Rectifying, Rectified, Transferred],
        [Closed] = [Reopened],
        [Transferred] = [],
        [Reopened] = [Investigating, Rectifying, Controlled, Transferred],
    };

    private static bool Expected(CaseStatus from, CaseStatus to, string caseType) =>
        Spec[from].Contains(to) || (caseType == CaseTypeDefinition.HotlineTicket && from == Reported && to == Closed);

    [Theory]
    [InlineData(Forest)]
    [InlineData("illegal_building")]
    [InlineData(CaseTypeDefinition.HotlineTicket)]
    public void CanMove_EveryPairOfStatuses_MatchesSpec(string caseType)
    {
        var statuses = Enum.GetValues<CaseStatus>();
        Assert.Equal(8, statuses.Length);
        Assert.Equal(8, Spec.Count);
        var mismatches = new List<string>();
        var pairs = 0;
        foreach (var from in statuses)
        {
            foreach (var to in statuses)
            {
                pairs++;
                var expected = Expected(from, to, caseType);
                if (CaseLifecycle.CanMove(from, to, caseType) != expected) mismatches.Add($"{from}->{to}: expected {(expected ? "allowed" : "refused")}");
            }
        }
        Assert.Equal(64, pairs);
        Assert.Equal([], mismatches);
    }

    [Fact]
    public void CanMove_ReportedToClosed_OnlyForHotlineTickets()
    {
        Assert.True(CaseLifecycle.CanMove(Reported, Closed, CaseTypeDefinition.HotlineTicket));
        Assert.False(CaseLifecycle.CanMove(Reported, Closed, Forest));
        Assert.False(CaseLifecycle.CanMove(Reopened, Closed, CaseTypeDefinition.HotlineTicket));
    }

    [Theory]
    [InlineData(Forest)]
    [InlineData(CaseTypeDefinition.HotlineTicket)]
    public void NextStatuses_HasNoDuplicatesAndAgreesWithCanMove(string caseType)
    {
        foreach (var from in Enum.GetValues<CaseStatus>())
        {
            var next = CaseLifecycle.NextStatuses(from, caseType);
            Assert.Equal(next.Count, next.Distinct().Count());
            Assert.Equal(Enum.GetValues<CaseStatus>().Where(to => Expected(from, to, caseType)).Order(), next.Order());
        }
    }

    [Theory]
    [InlineData(Reported, true, false)]
    [InlineData(Investigating, true, false)]
    [InlineData(Rectifying, true, false)]
    [InlineData(Rectified, false, true)]
    [InlineData(Closed, false, true)]
    [InlineData(Controlled, true, false)]
    [InlineData(Transferred, false, false)]
    [InlineData(Reopened, true, false)]
    public void IsOpenAndIsCompleted(CaseStatus status, bool open, bool completed)
    {
        Assert.Equal(open, CaseLifecycle.IsOpen(status));
        Assert.Equal(completed, CaseLifecycle.IsCompleted(status));
    }

    [Theory]
    [InlineData(Reported, "CASE_STATUS_REPORTED")]
    [InlineData(Reopened, "CASE_STATUS_REOPENED")]
    [InlineData(Transferred, "CASE_STATUS_TRANSFERRED")]
    public void Name_IsApiEnumName(CaseStatus status, string name) => Assert.Equal(name, CaseLifecycle.Name(status));
}

public class RemediationCaseTests
{
    private static readonly DateOnly Deadline = new(2023, 6, 30);

    private static RemediationCase Walk(RemediationCase c, params (CaseStatus To, string On)[] steps)
    {
        foreach (var (to, on) in steps) c = c.MoveTo(to, D(on), to == Reopened ? "复查发现反弹" : null, At);
        return c;
    }

    [Theory]
    [InlineData(Reported, Closed, "CASE_STATUS_REPORTED", "CASE_STATUS_CLOSED")]
    [InlineData(Reported, Rectified, "CASE_STATUS_REPORTED", "CASE_STATUS_RECTIFIED")]
    [InlineData(Transferred, Reopened, "CASE_STATUS_TRANSFERRED", "CASE_STATUS_REOPENED")]
    [InlineData(Closed, Rectifying, "CASE_STATUS_CLOSED", "CASE_STATUS_RECTIFYING")]
    [InlineData(Rectifying, Rectifying, "CASE_STATUS_RECTIFYING", "CASE_STATUS_RECTIFYING")]
    public void MoveTo_InvalidTransition_IsFailedPreconditionNamingBothStates(CaseStatus from, CaseStatus to, string fromName, string toName)
    {
        var c = New() with { Status = from };
        var e = TestData.Throws(() => c.MoveTo(to, D("2023-05-01"), "note", At));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.Contains(fromName, e.Message, StringComparison.Ordinal);
        Assert.Contains(toName, e.Message, StringComparison.Ordinal);
        Assert.Contains(c.CaseId, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoveTo_ValidTransition_ReturnsNewCaseAndLeavesOriginal()
    {
        var c = New();
        var at = At.AddHours(3);
        var moved = c.MoveTo(Investigating, D("2023-03-02"), null, at);
        Assert.Equal(Investigating, moved.Status);
        Assert.Equal(2, moved.Version);
        Assert.Equal(at, moved.UpdatedAt);
        Assert.Equal(Reported, c.Status);
        Assert.Equal(1, c.Version);
    }

    [Fact]
    public void MoveTo_EveryStep_IncrementsVersionByOne()
    {
        var c = New();
        var path = new[] { (Investigating, "2023-03-02"), (Rectifying, "2023-03-10"), (Rectified, "2023-04-01"), (Closed, "2023-04-05"), (Reopened, "2023-05-01"), (Controlled, "2023-05-02"), (Transferred, "2023-05-03") };
        var expectedVersion = 1L;
        foreach (var step in path)
        {
            c = Walk(c, step);
            Assert.Equal(++expectedVersion, c.Version);
            Assert.Equal(step.Item1, c.Status);
        }
        Assert.Equal(8, c.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void MoveTo_ReopenWithoutNote_IsInvalidArgument(string? note)
    {
        var closed = Walk(New(), (Investigating, "2023-03-02"), (Closed, "2023-04-01"));
        var e = TestData.Throws(() => closed.MoveTo(Reopened, D("2023-05-01"), note, At));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("note", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void MoveTo_EffectiveBeforeOpened_IsInvalidArgument()
    {
        var c = New(openedOn: D("2023-03-01"));
        var e = TestData.Throws(() => c.MoveTo(Investigating, D("2023-02-28"), null, At));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("effective_on", Assert.Single(e.Violations).Field);
        Assert.Equal(Investigating, c.MoveTo(Investigating, D("2023-03-01"), null, At).Status);
    }

    [Fact]
    public void MoveTo_RectifiedAndClosed_SetDatesAndReopenClearsThem()
    {
        var rectified = Walk(New(), (Rectifying, "2023-03-05"), (Rectified, "2023-04-10"));
        Assert.Equal(D("2023-04-10"), rectified.RectifiedOn);
        Assert.Null(rectified.ClosedOn);

        var closed = Walk(rectified, (Closed, "2023-04-20"));
        Assert.Equal(D("2023-04-10"), closed.RectifiedOn);
        Assert.Equal(D("2023-04-20"), closed.ClosedOn);
        Assert.Equal(D("2023-04-10"), closed.CompletedOn);

        var reopened = closed.MoveTo(Reopened, D("2023-05-01"), "复查发现反弹", At);
        Assert.Null(reopened.RectifiedOn);
        Assert.Null(reopened.ClosedOn);
        Assert.Null(reopened.CompletedOn);
        Assert.False(reopened.OnTime);
        Assert.True(reopened.IsOpen);

        var again = Walk(reopened, (Rectifying, "2023-05-02"), (Rectified, "2023-05-20"));
        Assert.Equal(D("2023-05-20"), again.RectifiedOn);
    }

    [Fact]
    public void MoveTo_RectificationRejected_ClearsRectifiedOn()
    {
        var back = Walk(New(), (Rectifying, "2023-03-05"), (Rectified, "2023-04-10"), (Rectifying, "2023-04-12"));
        Assert.Null(back.RectifiedOn);
        Assert.False(back.OnTime);
        var redone = Walk(back, (Rectified, "2023-07-15"));
        Assert.Equal(D("2023-07-15"), redone.RectifiedOn);
        Assert.False(redone.OnTime);
    }

    [Theory]
    [InlineData(Reported, true)]
    [InlineData(Investigating, true)]
    [InlineData(Rectifying, true)]
    [InlineData(Controlled, true)]
    [InlineData(Reopened, true)]
    [InlineData(Rectified, false)]
    [InlineData(Closed, false)]
    [InlineData(Transferred, false)]
    public void IsOverdue_DayAfterDeadline_OnlyWhenOpen(CaseStatus status, bool open)
    {
        var c = New(deadline: Deadline) with { Status = status };
        Assert.Equal(open, c.IsOpen);
        Assert.False(c.IsOverdue(Deadline.AddDays(-1)));
        Assert.False(c.IsOverdue(Deadline));
        Assert.Equal(open, c.IsOverdue(Deadline.AddDays(1)));
        Assert.Equal(open, c.IsOverdue(Deadline.AddYears(1)));
    }

    [Theory]
    [InlineData("2023-06-29", true)]
    [InlineData("2023-06-30", true)]
    [InlineData("2023-07-01", false)]
    public void OnTime_Rectified_ByRectificationDate(string rectifiedOn, bool onTime)
    {
        var c = Walk(New(deadline: Deadline), (Rectifying, "2023-03-05"), (Rectified, rectifiedOn));
        Assert.Equal(onTime, c.OnTime);
        Assert.False(c.IsOverdue(D("2023-12-31")));
    }

    [Theory]
    [InlineData("2023-06-30", true)]
    [InlineData("2023-07-01", false)]
    public void OnTime_ClosedWithoutRectification_UsesClosedOn(string closedOn, bool onTime)
    {
        var c = Walk(New(deadline: Deadline), (Investigating, "2023-03-05"), (Closed, closedOn));
        Assert.Null(c.RectifiedOn);
        Assert.Equal(D(closedOn), c.CompletedOn);
        Assert.Equal(onTime, c.OnTime);
    }

    [Theory]
    [InlineData("2023-06-30", true)]
    [InlineData("2023-07-01", false)]
    public void OnTime_HotlineTicketClosedFromReported_UsesClosedOn(string closedOn, bool onTime)
    {
        var c = Walk(New(CaseTypeDefinition.HotlineTicket, deadline: Deadline), (Closed, closedOn));
        Assert.Equal(Closed, c.Status);
        Assert.Equal(onTime, c.OnTime);
    }

    [Fact]
    public void OnTime_RectifiedInTimeClosedLate_CountsRectification()
    {
        var c = Walk(New(deadline: Deadline), (Rectifying, "2023-03-05"), (Rectified, "2023-06-30"), (Closed, "2023-07-20"));
        Assert.True(c.OnTime);
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Rectifying)]
    [InlineData(Controlled)]
    [InlineData(Transferred)]
    public void OnTime_NotCompleted_IsFalse(CaseStatus status)
    {
        var c = New(deadline: Deadline) with { Status = status, RectifiedOn = D("2023-06-01") };
        Assert.False(c.OnTime);
    }

    [Fact]
    public void Transferred_HasNoWayOut()
    {
        var c = Walk(New(), (Transferred, "2023-03-02"));
        foreach (var to in Enum.GetValues<CaseStatus>())
        {
            var e = TestData.Throws(() => c.MoveTo(to, D("2023-04-01"), "note", At));
            Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        }
    }
}

public class CaseRulesTests
{
    private static readonly DateOnly Today = new(2023, 7, 1);
    private static readonly Actor Clerk = new("clerk-7", "王会计");

    private static OpenCaseCommand Valid() => new(
        OrgUnitId: "datai", CaseType: Forest, Batch: "2023-3", Title: "林业违法图斑 15号", Description: "占用林地\n建房",
        Deadline: "2023-09-30", Category: "forest_land", Source: CaseSource.AssignedFromAbove, Assignee: "李四", RequestId: "req-1",
        OpenedOn: "2023-06-15", Longitude: "121.5321", Latitude: "43.71", AreaMu: "2.35", Repeat: false, Returned: true, Note: null);

    private static IReadOnlyList<string> Violated(OpenCaseCommand c) =>
        TestData.Fields(TestData.Throws(() => CaseRules.ValidateOpen(c, Today, Clerk, At)));

    [Fact]
    public void ValidateOpen_Valid_BuildsReportedCase()
    {
        var c = CaseRules.ValidateOpen(Valid(), Today, Clerk, At);
        Assert.Equal(CaseStatus.Reported, c.Status);
        Assert.Equal(1, c.Version);
        Assert.Equal(D("2023-06-15"), c.OpenedOn);
        Assert.Equal(D("2023-09-30"), c.Deadline);
        Assert.Equal(new GeoPoint(121.5321m, 43.71m), c.Location);
        Assert.Equal(2.35m, c.AreaMu);
        Assert.Equal("clerk-7", c.OpenedBy);
        Assert.Equal("2023-3", c.Batch);
        Assert.True(c.Returned);
        Assert.False(c.Repeat);
    }

    [Fact]
    public void ValidateOpen_NoOpenedOn_DefaultsToToday()
    {
        var c = CaseRules.ValidateOpen(Valid() with { OpenedOn = null }, Today, Clerk, At);
        Assert.Equal(Today, c.OpenedOn);
    }

    [Fact]
    public void ValidateOpen_EmptyOptionals_BecomeNull()
    {
        var c = CaseRules.ValidateOpen(Valid() with { Batch = "", Description = "", Category = "", Assignee = "", Longitude = "", Latitude = "", AreaMu = "" }, Today, Clerk, At);
        Assert.Null(c.Batch);
        Assert.Null(c.Description);
        Assert.Null(c.Category);
        Assert.Null(c.Assignee);
        Assert.Null(c.Location);
        Assert.Null(c.AreaMu);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2023-6-30")]
    [InlineData("2023/06/30")]
    [InlineData("2023-02-30")]
    [InlineData("30-06-2023")]
    [InlineData("1999-12-31")]
    [InlineData("2023-06-30\n")]
    [InlineData("2023-06-14")]
    public void ValidateOpen_DeadlineMissingMalformedOrBeforeOpened_IsRejected(string? deadline) =>
        Assert.Equal(["deadline"], Violated(Valid() with { Deadline = deadline }));

    [Fact]
    public void ValidateOpen_DeadlineOnOpenedDay_IsAccepted() =>
        Assert.Equal(D("2023-06-15"), CaseRules.ValidateOpen(Valid() with { Deadline = "2023-06-15" }, Today, Clerk, At).Deadline);

    [Fact]
    public void ValidateOpen_DeadlineBeforeDefaultOpenedOn_IsRejected() =>
        Assert.Equal(["deadline"], Violated(Valid() with { OpenedOn = null, Deadline = "2023-06-30" }));

    [Theory]
    [InlineData("2023-07-02")]
    [InlineData("2024-01-01")]
    public void ValidateOpen_OpenedInFuture_IsRejected(string openedOn) =>
        Assert.Contains("opened_on", Violated(Valid() with { OpenedOn = openedOn, Deadline = "2024-12-31" }));

    [Fact]
    public void ValidateOpen_OpenedToday_IsAccepted() =>
        Assert.Equal(Today, CaseRules.ValidateOpen(Valid() with { OpenedOn = "2023-07-01" }, Today, Clerk, At).OpenedOn);

    [Theory]
    [InlineData("180", "90", null)]
    [InlineData("-180", "-90", null)]
    [InlineData("0", "0", null)]
    [InlineData("180.0001", "43", "location.longitude")]
    [InlineData("-181", "43", "location.longitude")]
    [InlineData("121", "90.5", "location.latitude")]
    [InlineData("121", "-91", "location.latitude")]
    [InlineData("1.2e2", "43", "location.longitude")]
    [InlineData("121", "", "location.latitude")]
    [InlineData("", "43", "location.longitude")]
    public void ValidateOpen_LocationRanges(string longitude, string latitude, string? field)
    {
        var cmd = Valid() with { Longitude = longitude, Latitude = latitude };
        if (field is null) Assert.NotNull(CaseRules.ValidateOpen(cmd, Today, Clerk, At).Location);
        else Assert.Equal([field], Violated(cmd));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-0.01")]
    [InlineData("1e3")]
    [InlineData("1,5")]
    public void ValidateOpen_BadArea_IsRejected(string area) => Assert.Equal(["area_mu"], Violated(Valid() with { AreaMu = area }));

    [Theory]
    [InlineData("2023-")]
    [InlineData("23-3")]
    [InlineData("2023-3a")]
    [InlineData("2023-123")]
    [InlineData("2023_3")]
    [InlineData("2023-3\n")]
    public void ValidateOpen_BadBatch_IsRejected(string batch) => Assert.Equal(["batch"], Violated(Valid() with { Batch = batch }));

    [Theory]
    [InlineData("2023")]
    [InlineData("2023-3")]
    [InlineData("2023-12")]
    public void ValidateOpen_GoodBatch_IsAccepted(string batch) =>
        Assert.Equal(batch, CaseRules.ValidateOpen(Valid() with { Batch = batch }, Today, Clerk, At).Batch);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("title\u0007")]
    public void ValidateOpen_TitleMissingOrDirty_IsRejected(string title) => Assert.Equal(["title"], Violated(Valid() with { Title = title }));

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, false)]
    public void ValidateOpen_TitleLength(int length, bool ok)
    {
        var cmd = Valid() with { Title = new string('图', length) };
        if (ok) Assert.Equal(length, CaseRules.ValidateOpen(cmd, Today, Clerk, At).Title.Length);
        else Assert.Equal(["title"], Violated(cmd));
    }

    [Theory]
    [InlineData("Datai", "village_id")]
    [InlineData("123", "village_id")]
    public void ValidateOpen_BadVillageId_IsRejected(string id, string field) => Assert.Equal([field], Violated(Valid() with { OrgUnitId = id }));

    [Fact]
    public void ValidateOpen_UnknownSource_IsRejected() => Assert.Equal(["source"], Violated(Valid() with { Source = (CaseSource)42 }));

    [Fact]
    public void ValidateOpen_SeveralProblems_AreReportedTogether()
    {
        var fields = Violated(Valid() with { Title = "", Deadline = null, Batch = "23-3", AreaMu = "-1", Longitude = "200", RequestId = null, CaseType = "Forest" });
        Assert.Equal(["area_mu", "batch", "case_type", "deadline", "location.longitude", "request_id", "title"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Fingerprint_DiffersWhenAFieldDiffers()
    {
        var a = CaseRules.Fingerprint(Valid());
        Assert.Equal(a, CaseRules.Fingerprint(Valid()));
        Assert.NotEqual(a, CaseRules.Fingerprint(Valid() with { Deadline = "2023-10-01" }));
        Assert.NotEqual(a, CaseRules.Fingerprint(Valid() with { Returned = false }));
    }

    [Theory]
    [InlineData("2023-3", "forest_violation_patch-2023-3")]
    [InlineData(null, "forest_violation_patch-2023")]
    public void CaseIdPrefix_UsesBatchOrYear(string? batch, string expected) =>
        Assert.Equal(expected, CaseRules.CaseIdPrefix(Forest, batch, D("2023-06-15")));
}
