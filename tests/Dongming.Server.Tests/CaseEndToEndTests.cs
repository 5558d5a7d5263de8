using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Server.Tests;

/// <summary>Remediation cases through the real gRPC surface.</summary>
public sealed class CaseEndToEndTests(DemoServerFixture fixture)
{
    private CaseService.CaseServiceClient Cases => new(fixture.Server.Channel);
    private TownshipService.TownshipServiceClient Township => new(fixture.Server.Channel);

    [Fact]
    public async Task CaseSummary_2023_MatchesTheWorkReport()
    {
        foreach (var row in Tsv.Read("cases-2023.tsv"))
        {
            var type = row["case_type"];
            var batches = row["batches"].Split(',');
            var summary = await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", CaseType = type, AsOf = "2023-12-31" });
            var rows = summary.Rows.Where(r => batches.Contains(r.Batch)).ToList();
            if (row["total"] == "unknown")
            {
                Assert.NotEmpty(rows);
                Assert.All(rows, r => Assert.True(r.Status is CaseStatus.Investigating or CaseStatus.Rectifying, $"{type} {r.Batch} {r.Status}"));
                continue;
            }
            Assert.Equal(int.Parse(row["total"], System.Globalization.CultureInfo.InvariantCulture), rows.Sum(r => r.Count));
            foreach (var part in row["by_status"].Split(';'))
            {
                var (name, count) = (part.Split('=')[0], int.Parse(part.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
                switch (name)
                {
                    case "rectified_on_time":
                        Assert.Equal(count, rows.Where(r => r.Status == CaseStatus.Rectified).Sum(r => r.ClosedOnTime));
                        break;
                    case "rectified":
                        Assert.Equal(count, rows.Where(r => r.Status == CaseStatus.Rectified).Sum(r => r.Count));
                        break;
                    case "closed":
                        Assert.Equal(count, rows.Where(r => r.Status == CaseStatus.Closed).Sum(r => r.Count));
                        break;
                    case "controlled":
                        Assert.Equal(count, rows.Where(r => r.Status == CaseStatus.Controlled).Sum(r => r.Count));
                        break;
                    case "transferred_to_litigation":
                        Assert.Equal(count, rows.Where(r => r.Status == CaseStatus.Transferred).Sum(r => r.Count));
                        break;
                    case "flag_repeat_or_returned":
                        var listed = await Cases.ListCasesAsync(new ListCasesRequest { CaseType = type, PageSize = 500 });
                        Assert.Equal(count, listed.Cases.Count(c => c.Repeat || c.Returned));
                        break;
                    default:
                        Assert.Fail($"unknown status {name} in cases-2023.tsv");
                        break;
                }
            }
        }
        var hotline = await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", CaseType = "hotline_ticket", AsOf = "2023-12-31" });
        Assert.Equal("1", hotline.ClosureRate);
    }

    [Fact]
    public async Task Case_MovedThroughItsLifecycle_ChangesTheSummaryAndKeepsItsHistory()
    {
        var before = await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", CaseType = "safety_hazard" });
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = "datai",
            CaseType = "safety_hazard",
            Batch = "2026",
            Title = "路口缺少警示标志",
            Deadline = "2026-12-31",
            Category = "road_traffic",
            Source = CaseSource.Inspection,
            RequestId = Rpc.Id(),
        })).Case;
        Assert.StartsWith("safety_hazard-2026-", opened.CaseId, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Reported, opened.Status);
        var afterOpen = await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", CaseType = "safety_hazard" });
        Assert.Equal(before.Open + 1, afterOpen.Open);

        var c = opened;
        foreach (var to in new[] { CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Rectified, CaseStatus.Closed })
        {
            c = (await Cases.TransitionCaseAsync(new TransitionCaseRequest { CaseId = c.CaseId, ToStatus = to, ExpectedVersion = c.Version, RequestId = Rpc.Id(), Note = $"to {to}" })).Case;
            Assert.Equal(to, c.Status);
        }
        var afterClose = await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", CaseType = "safety_hazard" });
        Assert.Equal(before.Open, afterClose.Open);
        Assert.Equal(before.Closed + 1, afterClose.Closed);

        var history = await Cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = c.CaseId });
        Assert.Equal(["opened", "transitioned", "transitioned", "transitioned", "transitioned"], history.Entries.Select(e => e.Event));
        Assert.Equal(CaseStatus.Closed, history.Entries[^1].Status);
        Assert.Equal(CaseStatus.Rectified, history.Entries[^1].FromStatus);
        Assert.All(history.Entries, e => Assert.False(string.IsNullOrEmpty(e.RequestId)));
    }

    [Fact]
    public async Task TransitionCase_StaleVersionIsAborted_InvalidMoveIsFailedPrecondition()
    {
        var c = (await Cases.OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = "xiaotai",
            CaseType = "dispute",
            Batch = "2026",
            Title = "土地边界纠纷",
            Deadline = "2026-12-31",
            Source = CaseSource.Screening,
            RequestId = Rpc.Id(),
        })).Case;
        var moved = (await Cases.TransitionCaseAsync(new TransitionCaseRequest { CaseId = c.CaseId, ToStatus = CaseStatus.Investigating, ExpectedVersion = c.Version, RequestId = Rpc.Id() })).Case;
        var stale = await Rpc.Fails(() => Cases.TransitionCaseAsync(new TransitionCaseRequest { CaseId = c.CaseId, ToStatus = CaseStatus.Transferred, ExpectedVersion = c.Version, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.Aborted, stale.Code);
        var invalid = await Rpc.Fails(() => Cases.TransitionCaseAsync(new TransitionCaseRequest { CaseId = c.CaseId, ToStatus = CaseStatus.Reopened, ExpectedVersion = moved.Version, RequestId = Rpc.Id(), Note = "x" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, invalid.Code);
        Assert.Contains("CASE_STATUS_INVESTIGATING", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("CASE_STATUS_REOPENED", invalid.Message, StringComparison.Ordinal);
        var unspecified = await Rpc.Fails(() => Cases.TransitionCaseAsync(new TransitionCaseRequest { CaseId = c.CaseId, ExpectedVersion = moved.Version, RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unspecified.Code);
        Assert.Contains("to_status", unspecified.Fields);
    }

    [Fact]
    public async Task ListCases_OverdueAsOf_ListsOpenCasesPastTheirDeadline()
    {
        var listed = await Cases.ListCasesAsync(new ListCasesRequest { OverdueAsOf = "2024-06-01", PageSize = 500 });
        Assert.NotEmpty(listed.Cases);
        Assert.All(listed.Cases, c =>
        {
            Assert.True(c.Overdue);
            Assert.True(string.CompareOrdinal(c.Deadline, "2024-06-01") < 0);
            Assert.True(c.Status is not (CaseStatus.Closed or CaseStatus.Rectified or CaseStatus.Transferred));
        });
        var deadlines = listed.Cases.Select(c => c.Deadline).ToList();
        Assert.Equal(deadlines.Order(StringComparer.Ordinal), deadlines);
        var summary = await Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", AsOf = "2024-06-01" });
        Assert.True(summary.Overdue >= listed.Cases.Count(c => c.OpenedOn.StartsWith("20", StringComparison.Ordinal) && c.VillageId.Length > 0));
    }

    [Fact]
    public async Task ListCases_Pages_CoverEveryCaseOnce()
    {
        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Cases.ListCasesAsync(new ListCasesRequest { CaseType = "assigned_petition", PageSize = 4, PageToken = token });
            seen.AddRange(page.Cases.Select(c => c.CaseId));
            token = page.NextPageToken;
        } while (token.Length > 0);
        Assert.True(seen.Count >= 11);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }
}
