using Dongming.Domain;
using Dongming.Grains.Abstractions;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CaseTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static DateOnly Today => CaseDates.Today(TimeProvider.System);

    [Fact]
    public async Task OpenCase_AssignsIdsPerPrefix_InIncreasingOrder()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var batch = TestBatches.Fresh();
        var other = TestBatches.Fresh();

        var first = await Township.Ledger(Grains, t.Villages[0]).OpenCase(OpenCase(t.Villages[0], batch), Tester);
        var second = await Township.Ledger(Grains, t.Villages[1]).OpenCase(OpenCase(t.Villages[1], batch), Tester);
        var third = await Township.Ledger(Grains, t.Villages[0]).OpenCase(OpenCase(t.Villages[0], batch), Tester);
        var elsewhere = await Township.Ledger(Grains, t.Villages[0]).OpenCase(OpenCase(t.Villages[0], other), Tester);

        Assert.Equal($"{CaseType}-{batch}-0001", first.CaseId);
        Assert.Equal($"{CaseType}-{batch}-0002", second.CaseId);
        Assert.Equal($"{CaseType}-{batch}-0003", third.CaseId);
        Assert.Equal($"{CaseType}-{other}-0001", elsewhere.CaseId);
        Assert.Equal(CaseStatus.Reported, first.Status);
        Assert.Equal(1, first.Version);
        Assert.Equal(t.Id, first.TownshipId);
        Assert.Equal(t.Villages[1], second.OrgUnitId);
        Assert.Equal("tester", first.OpenedBy);
        Assert.Equal(Today, first.OpenedOn);
        Assert.Equal(t.Villages[1], await Grains.GetGrain<ICaseRegistryGrain>(GrainKeys.CaseRegistry).Locate(second.CaseId));
    }

    [Fact]
    public async Task OpenCase_ReplayedRequestId_OpensOneCase()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var batch = TestBatches.Fresh();
        var open = OpenCase(t.Villages[0], batch);

        var first = await ledger.OpenCase(open, Tester);
        var again = await ledger.OpenCase(open, Tester);

        Assert.Equal(first.CaseId, again.CaseId);
        Assert.Single((await ledger.ListCases(AllCases(batch: batch))).Cases);
        Assert.Equal(1, (await t.Totals(Grains).GetCaseSummary(Summary(null, null, Today, false))).Total);
        var reused = await Assert.ThrowsAsync<DomainException>(() => ledger.OpenCase(open with { Title = "另一个" }, Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, reused.Kind);
        // The next case of the prefix is 0002: the replay did not consume a number.
        Assert.Equal($"{CaseType}-{batch}-0002", (await ledger.OpenCase(OpenCase(t.Villages[0], batch), Tester)).CaseId);
    }

    [Fact]
    public async Task TransitionCase_ThroughTheLifecycle_IsAuditedAndCounted()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var batch = TestBatches.Fresh();
        var c = await ledger.OpenCase(OpenCase(t.Villages[0], batch), Tester);
        await Township.Ledger(Grains, t.Villages[1]).OpenCase(OpenCase(t.Villages[1], batch), Tester);
        await Township.Ledger(Grains, t.Villages[1]).OpenCase(OpenCase(t.Villages[1], batch), Tester);
        var summary = await t.Totals(Grains).GetCaseSummary(Summary(CaseType, batch, Today, includeBreakdown: true));
        Assert.Equal((3, 3, 0, 0m), (summary.Total, summary.Open, summary.Closed, summary.ClosureRate));

        var steps = new[] { CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Rectified, CaseStatus.Closed };
        var requestIds = new List<string>();
        foreach (var to in steps)
        {
            var requestId = RequestId();
            requestIds.Add(requestId);
            var before = c;
            c = await ledger.TransitionCase(Move(c.CaseId, to, c.Version, requestId, note: "to " + to), Tester);
            Assert.Equal(to, c.Status);
            Assert.Equal(before.Version + 1, c.Version);
        }

        Assert.Equal(5, c.Version);
        Assert.Equal(Today, c.RectifiedOn);
        Assert.Equal(Today, c.ClosedOn);
        Assert.True(c.OnTime);
        Assert.Equal(c, await ledger.GetCase(c.CaseId));

        summary = await t.Totals(Grains).GetCaseSummary(Summary(CaseType, batch, Today, includeBreakdown: true));
        Assert.Equal(3, summary.Total);
        Assert.Equal(2, summary.Open);
        Assert.Equal(1, summary.Closed);
        Assert.Equal(1, summary.ClosedOnTime);
        Assert.Equal(0.3333m, summary.ClosureRate);
        Assert.Equal(1m, summary.OnTimeRate);
        Assert.Contains(summary.Rows, r => r.Status == CaseStatus.Closed && r.Count == 1 && r.Batch == batch);
        Assert.Contains(summary.Rows, r => r.Status == CaseStatus.Reported && r.Count == 2);
        var unit = Assert.Single(summary.Breakdown, u => u.OrgUnitId == t.Villages[0]);
        Assert.Equal((1, 0, 1), (unit.Total, unit.Open, unit.Closed));

        var history = await ledger.GetCaseHistory(c.CaseId);
        Assert.Equal(["opened", "transitioned", "transitioned", "transitioned", "transitioned"], history.Select(h => h.Event));
        Assert.Equal([CaseStatus.Reported, .. steps], history.Select(h => h.Status));
        Assert.Equal([null, CaseStatus.Reported, CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Rectified], history.Select(h => h.From));
        Assert.Equal(requestIds, history.Skip(1).Select(h => h.RequestId));
        Assert.All(history, h => Assert.Equal(("tester", "Tester"), (h.Actor, h.ActorName)));
        Assert.Equal([1L, 2, 3, 4, 5], history.Select(h => h.Version));
        Assert.Equal("to Closed", history[^1].Note);

        // Closed is closed: only a reopening (with a reason) may follow.
        var invalid = await Assert.ThrowsAsync<DomainException>(() => ledger.TransitionCase(Move(c.CaseId, CaseStatus.Rectifying, c.Version), Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, invalid.Kind);
        var noReason = await Assert.ThrowsAsync<DomainException>(() => ledger.TransitionCase(Move(c.CaseId, CaseStatus.Reopened, c.Version), Tester));
        Assert.Equal(ErrorKind.InvalidArgument, noReason.Kind);
        var reopened = await ledger.TransitionCase(Move(c.CaseId, CaseStatus.Reopened, c.Version, note: "复查未通过"), Tester);
        Assert.Null(reopened.ClosedOn);
        summary = await t.Totals(Grains).GetCaseSummary(Summary(CaseType, batch, Today, includeBreakdown: false));
        Assert.Equal((3, 0, null), (summary.Open, summary.Closed, summary.OnTimeRate));
    }

    [Fact]
    public async Task TransitionCase_InvalidTransition_IsFailedPreconditionNamingBothStates()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var c = await ledger.OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);

        var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.TransitionCase(Move(c.CaseId, CaseStatus.Closed, c.Version), Tester));

        Assert.Equal(ErrorKind.FailedPrecondition, ex.Kind);
        Assert.Contains("CASE_STATUS_REPORTED", ex.Message);
        Assert.Contains("CASE_STATUS_CLOSED", ex.Message);
        Assert.Equal(c, await ledger.GetCase(c.CaseId));
        Assert.Single(await ledger.GetCaseHistory(c.CaseId));
    }

    [Fact]
    public async Task TransitionCase_StaleExpectedVersion_IsAborted()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var c = await ledger.OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);
        var moved = await ledger.TransitionCase(Move(c.CaseId, CaseStatus.Investigating, c.Version), Tester);

        var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.TransitionCase(Move(c.CaseId, CaseStatus.Rectifying, c.Version), Tester));

        Assert.Equal(ErrorKind.Aborted, ex.Kind);
        Assert.Equal(moved, await ledger.GetCase(c.CaseId));
        var stale = await Assert.ThrowsAsync<DomainException>(() => ledger.UpdateCase(new UpdateCaseCommand(c.CaseId, c.Version, null, "王五", null, null, null, RequestId()), Tester));
        Assert.Equal(ErrorKind.Aborted, stale.Kind);
    }

    [Fact]
    public async Task TransitionCase_ConcurrentCallsWithTheSameExpectedVersion_ExactlyOneWins()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var batch = TestBatches.Fresh();
        for (var round = 0; round < 5; round++)
        {
            var c = await ledger.OpenCase(OpenCase(t.Villages[0], batch), Tester);
            var racers = new[] { CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Controlled, CaseStatus.Transferred }
                .Select(to => ledger.TransitionCase(Move(c.CaseId, to, c.Version), Tester))
                .ToList();
            try { await Task.WhenAll(racers); } catch (DomainException) { }

            var won = Assert.Single(racers, r => r.IsCompletedSuccessfully);
            Assert.All(racers.Where(r => r != won), r => Assert.Equal(ErrorKind.Aborted, Assert.IsType<DomainException>(r.Exception!.InnerException).Kind));
            var current = await ledger.GetCase(c.CaseId);
            Assert.Equal(await won, current);
            Assert.Equal(2, current.Version);
            Assert.Equal(2, (await ledger.GetCaseHistory(c.CaseId)).Count);
        }
        var summary = await t.Totals(Grains).GetCaseSummary(Summary(CaseType, batch, Today, false));
        Assert.Equal(5, summary.Rows.Sum(r => r.Count));
        Assert.DoesNotContain(summary.Rows, r => r.Status == CaseStatus.Reported);
    }

    [Fact]
    public async Task TransitionCase_ReplayedRequestId_AppliesOnce()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var batch = TestBatches.Fresh();
        var c = await ledger.OpenCase(OpenCase(t.Villages[0], batch), Tester);
        var move = Move(c.CaseId, CaseStatus.Investigating, c.Version);

        var first = await ledger.TransitionCase(move, Tester);
        var summaryVersion = (await t.Totals(Grains).GetTotals(Year, [], false)).Version;
        var again = await ledger.TransitionCase(move, Tester);

        Assert.Equal(first, again);
        Assert.Equal(2, again.Version);
        Assert.Equal(2, (await ledger.GetCaseHistory(c.CaseId)).Count);
        Assert.Equal(summaryVersion, (await t.Totals(Grains).GetTotals(Year, [], false)).Version);

        // The retry also succeeds after the case moved on, changes nothing, and keeps its first answer.
        var next = await ledger.TransitionCase(Move(c.CaseId, CaseStatus.Rectifying, first.Version), Tester);
        Assert.Equal(first, await ledger.TransitionCase(move, Tester));
        Assert.Equal(3, (await ledger.GetCaseHistory(c.CaseId)).Count);

        var reused = await Assert.ThrowsAsync<DomainException>(() => ledger.TransitionCase(move with { To = CaseStatus.Controlled }, Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, reused.Kind);
        Assert.Equal(next, await ledger.GetCase(c.CaseId));
    }

    [Fact]
    public async Task UpdateCase_Deadline_IsAuditedInHistory()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var c = await ledger.OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh(), deadline: "2099-12-31"), Tester);
        var requestId = RequestId();

        var updated = await ledger.UpdateCase(new UpdateCaseCommand(c.CaseId, c.Version, "2099-06-30", "王五", null, null, "延期", requestId), new Actor("clerk", "Clerk"));

        Assert.Equal(new DateOnly(2099, 6, 30), updated.Deadline);
        Assert.Equal("王五", updated.Assignee);
        Assert.Equal(2, updated.Version);
        var entry = (await ledger.GetCaseHistory(c.CaseId))[^1];
        Assert.Equal("updated", entry.Event);
        Assert.Equal(CaseStatus.Reported, entry.Status);
        Assert.Contains("deadline 2099-12-31 → 2099-06-30", entry.Changes);
        Assert.Contains("assignee - → 王五", entry.Changes);
        Assert.Equal(("clerk", requestId, "延期"), (entry.Actor, entry.RequestId, entry.Note));

        // Nothing to change: the case keeps its version; the request is recorded (so its id keeps its answer), with no changes.
        var same = await ledger.UpdateCase(new UpdateCaseCommand(c.CaseId, updated.Version, "2099-06-30", null, null, null, "再确认", RequestId()), Tester);
        Assert.Equal(updated, same);
        var history = await ledger.GetCaseHistory(c.CaseId);
        Assert.Equal(3, history.Count);
        Assert.Equal(("updated", 2L), (history[^1].Event, history[^1].Version));
        Assert.Empty(history[^1].Changes);
    }

    [Fact]
    public async Task Case_PastDeadline_IsOverdueInListCasesAndSummary()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 2);
        var batch = TestBatches.Fresh();
        var late = await Township.Ledger(Grains, t.Villages[0]).OpenCase(OpenCase(t.Villages[0], batch, openedOn: "2023-01-10", deadline: "2023-02-01"), Tester);
        var inTime = await Township.Ledger(Grains, t.Villages[1]).OpenCase(OpenCase(t.Villages[1], batch, openedOn: "2023-01-10", deadline: "2099-01-01"), Tester);
        var lateButDone = await Township.Ledger(Grains, t.Villages[1]).OpenCase(OpenCase(t.Villages[1], batch, openedOn: "2023-01-10", deadline: "2023-03-01"), Tester);
        lateButDone = await Township.Ledger(Grains, t.Villages[1]).TransitionCase(Move(lateButDone.CaseId, CaseStatus.Rectifying, 1), Tester);
        await Township.Ledger(Grains, t.Villages[1]).TransitionCase(Move(lateButDone.CaseId, CaseStatus.Rectified, lateButDone.Version), Tester);
        var township = t.Totals(Grains);

        var overdue = await township.ListCases(AllCases(overdueAsOf: Today));
        Assert.Equal([(late.CaseId, t.Villages[0])], overdue.Cases.Select(c => (c.CaseId, c.OrgUnitId)));
        Assert.Null(overdue.NextPageToken);
        Assert.Equal([late.CaseId], (await Township.Ledger(Grains, t.Villages[0]).ListCases(AllCases(overdueAsOf: Today))).Cases.Select(c => c.CaseId));
        // On its deadline day a case is still in time.
        Assert.Empty((await township.ListCases(AllCases(overdueAsOf: new DateOnly(2023, 2, 1)))).Cases);
        Assert.Single((await township.ListCases(AllCases(overdueAsOf: new DateOnly(2023, 2, 2)))).Cases);

        var summary = await township.GetCaseSummary(Summary(null, batch, Today, includeBreakdown: true));
        Assert.Equal(1, summary.Overdue);
        Assert.Equal(Today, summary.AsOf);
        Assert.Equal(1, Assert.Single(summary.Breakdown, u => u.OrgUnitId == t.Villages[0]).Overdue);
        Assert.Equal(0, Assert.Single(summary.Breakdown, u => u.OrgUnitId == t.Villages[1]).Overdue);
        Assert.Equal(0, (await township.GetCaseSummary(Summary(null, batch, new DateOnly(2023, 1, 20), false))).Overdue);

        // Moving a deadline into the past makes a case overdue; all three are listed by deadline.
        await Township.Ledger(Grains, t.Villages[1]).UpdateCase(new UpdateCaseCommand(inTime.CaseId, 1, CaseDates.Format(Today.AddDays(-1)), null, null, null, "提前", RequestId()), Tester);
        Assert.Equal([late.CaseId, inTime.CaseId], (await township.ListCases(AllCases(overdueAsOf: Today))).Cases.Select(c => c.CaseId));
        Assert.Equal(2, (await township.GetCaseSummary(Summary(null, batch, Today, false))).Overdue);
        Assert.Equal([late.CaseId, lateButDone.CaseId, inTime.CaseId], (await township.ListCases(AllCases(batch: batch))).Cases.Select(c => c.CaseId));
    }

    [Fact]
    public async Task Replays_AfterTheCaseMovedOn_AnswerTheCaseAsItWasRightAfterThem()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var opened = await ledger.OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);
        var move = Move(opened.CaseId, CaseStatus.Investigating, 1);
        var assign = Update(opened.CaseId, 2, assignee: "王五");
        var rectify = Move(opened.CaseId, CaseStatus.Rectifying, 3);
        var investigating = await ledger.TransitionCase(move, Tester);
        var assigned = await ledger.UpdateCase(assign, Tester);
        var rectifying = await ledger.TransitionCase(rectify, Tester);
        var now = await ledger.UpdateCase(Update(opened.CaseId, 4, deadline: "2099-01-31"), Tester);
        var journal = await fixture.JournalVersionAsync(GrainKeys.Ledger(t.Villages[0]));

        // Each retry gets the answer its request got the first time — not the case as it is now.
        Assert.Equal(investigating, await ledger.TransitionCase(move, Tester));
        Assert.Equal(assigned, await ledger.UpdateCase(assign, Tester));
        Assert.Equal(rectifying, await ledger.TransitionCase(rectify, Tester));
        Assert.Equal((CaseStatus.Investigating, 2L, null), (investigating.Status, investigating.Version, investigating.Assignee));
        Assert.Equal((CaseStatus.Investigating, 3L, "王五"), (assigned.Status, assigned.Version, assigned.Assignee));
        // And the ledger reloaded from its journal answers the same.
        await fixture.Cluster.DeactivateAsync(ledger);
        Assert.Equal(investigating, await ledger.TransitionCase(move, Tester));
        Assert.Equal(now, await ledger.GetCase(opened.CaseId));
        Assert.Equal(journal, await fixture.JournalVersionAsync(GrainKeys.Ledger(t.Villages[0])));
    }

    [Fact]
    public async Task UpdateCase_ThatChangesNothing_KeepsItsRequestId()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        var c = await ledger.OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh(), deadline: "2099-12-31"), Tester);
        var noop = Update(c.CaseId, 1, deadline: "2099-12-31");
        var before = await fixture.JournalVersionAsync(stream);

        var same = await ledger.UpdateCase(noop, Tester);

        Assert.Equal(c, same);
        Assert.Equal(before + 1, await fixture.JournalVersionAsync(stream)); // recorded, so the id keeps this answer
        Assert.Equal(c, await ledger.UpdateCase(noop, Tester));
        Assert.Equal(before + 1, await fixture.JournalVersionAsync(stream));
        // The same id with another body is another request reusing it.
        var reused = await Assert.ThrowsAsync<DomainException>(() => ledger.UpdateCase(noop with { Deadline = "2099-06-30" }, Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, reused.Kind);
        Assert.Equal(c, await ledger.GetCase(c.CaseId));
        Assert.Equal(before + 1, await fixture.JournalVersionAsync(stream));
    }

    [Fact]
    public async Task TransitionCase_Refused_AppendsNothing_AndLeavesItsRequestIdUnused()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 1);
        var ledger = Township.Ledger(Grains, t.Villages[0]);
        var stream = GrainKeys.Ledger(t.Villages[0]);
        var c = await ledger.OpenCase(OpenCase(t.Villages[0], TestBatches.Fresh()), Tester);
        var before = await fixture.JournalVersionAsync(stream);
        var summary = await t.Totals(Grains).GetCaseSummary(Summary(null, null, Today, false));
        var requestId = RequestId();

        // The lifecycle refuses it while the event is prepared, before the append.
        var ex = await Assert.ThrowsAsync<DomainException>(() => ledger.TransitionCase(Move(c.CaseId, CaseStatus.Rectified, 1, requestId), Tester));
        Assert.Equal(ErrorKind.FailedPrecondition, ex.Kind);
        var backdated = await Assert.ThrowsAsync<DomainException>(() => ledger.TransitionCase(Move(c.CaseId, CaseStatus.Investigating, 1) with { EffectiveOn = "2000-01-01" }, Tester));
        Assert.Equal(("effective_on", ErrorKind.InvalidArgument), (Assert.Single(backdated.Violations).Field, backdated.Kind));

        Assert.Equal(before, await fixture.JournalVersionAsync(stream));
        Assert.Equal(c, await ledger.GetCase(c.CaseId));
        Assert.Equal(summary.Open, (await t.Totals(Grains).GetCaseSummary(Summary(null, null, Today, false))).Open);
        // Nothing was recorded under the request id: it is free for a valid request.
        var moved = await ledger.TransitionCase(Move(c.CaseId, CaseStatus.Investigating, 1, requestId), Tester);
        Assert.Equal(CaseStatus.Investigating, moved.Status);
        Assert.Equal(before + 1, await fixture.JournalVersionAsync(stream));
    }

    [Fact]
    public async Task ListCases_PagesFollowedByTheirTokens_ListEveryCaseOfTheTownshipOnce()
    {
        var t = await Seed.TownshipAsync(Grains, villages: 3);
        var batch = TestBatches.Fresh();
        var opened = new List<RemediationCase>();
        for (var i = 0; i < 11; i++)
        {
            var village = t.Villages[i % 3];
            opened.Add(await Township.Ledger(Grains, village).OpenCase(OpenCase(village, batch, deadline: $"2099-0{i % 4 + 1}-15"), Tester));
        }

        var listed = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await t.Totals(Grains).ListCases(CaseQuery.Validate(null, null, false, batch, null, 4, token));
            Assert.InRange(page.Cases.Count, 1, 4);
            listed.AddRange(page.Cases.Select(c => c.CaseId));
            token = page.NextPageToken;
        }
        while (token is not null && ++pages < 10);

        Assert.Equal(opened.OrderBy(c => c.Deadline).ThenBy(c => c.CaseId, StringComparer.Ordinal).Select(c => c.CaseId), listed);
        var forged = Assert.Throws<DomainException>(() => CaseQuery.Validate(null, null, false, batch, null, 4, "forged-token"));
        Assert.Equal(("page_token", ErrorKind.InvalidArgument), (Assert.Single(forged.Violations).Field, forged.Kind));
    }
}
