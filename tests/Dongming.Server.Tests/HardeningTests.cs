using System.Globalization;
using Dongming.Contracts.V1;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace Dongming.Server.Tests;

/// <summary>
/// Input, crashes and forgeries that once bricked a township or broke a promise, through the real surface: values
/// outside the exact range, a half-done registration, forged page tokens, replays that must keep their first answer.
/// </summary>
public sealed class HardeningTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;
    private ReportingService.ReportingServiceClient Reporting => new(Server.Channel);
    private TownshipService.TownshipServiceClient Township => new(Server.Channel);

    private static decimal D(string s) => decimal.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("9999999999999999999999999999")]    // 28 digits: the sum of two villages' parts would overflow decimal
    [InlineData("1000000000000000")]                // 10^15: one digit beyond the range
    [InlineData("0.0000000000000000000000000001")]  // would be rounded away in any total
    [InlineData("12.34567")]                        // 5 decimals
    public async Task ReportValues_OutsideTheExactRange_IsInvalid_AndAppliesNothing(string value)
    {
        var period = Rpc.FreshPeriod();
        var before = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period });
        var (code, _, fields) = await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("datai", period,
            ("crop_watermelon_area", value), ("crop_chili_area", value), ("crop_herbs_area", value), ("crop_cash_other_area", value))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["values[0].value", "values[1].value", "values[2].value", "values[3].value"], fields);
        var after = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period });
        Assert.Equal(before.Version, after.Version); // nothing was appended
    }

    [Fact]
    public async Task ReportValues_TheLargestValuesInManyVillages_SumExactly_AndRepairFindsNothing()
    {
        var period = Rpc.FreshPeriod();
        const string max = "999999999999999.9999";
        var villages = new[] { "datai", "xiaotai", "taiji", "yingtu", "harula", "nanta" };
        foreach (var village in villages)
            await Reporting.ReportValuesAsync(Rpc.Report(village, period, ("crop_watermelon_area", max), ("crop_chili_area", max), ("crop_herbs_area", max), ("crop_cash_other_area", max)));

        var totals = await Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "crop_featured_area", "crop_chili_area" } });
        Assert.Equal(D(max) * 4 * villages.Length, D(totals.Totals.Single(t => t.Indicator == "crop_featured_area").Value));
        Assert.Equal("5999999999999999.9994", totals.Totals.Single(t => t.Indicator == "crop_chili_area").Value);
        var repaired = await Township.RepairTotalsAsync(new RepairTotalsRequest { TownshipId = "dongming" });
        Assert.Empty(repaired.RecountedTotals);
        Assert.Empty(repaired.CorrectedOrgUnits);
    }

    [Fact]
    public async Task ReportValues_SmallAndLargeValues_TotalStaysExact_WhenTheLargeOneIsSetToZero()
    {
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("datai", period, ("grassland_subsidy_paid", "0.01")));
        await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", period, ("grassland_subsidy_paid", "999999999999999.99")));
        await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", period, ("grassland_subsidy_paid", "0")));
        var totals = await Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "grassland_subsidy_paid" }, IncludeBreakdown = true });
        var total = totals.Totals.Single();
        Assert.Equal("0.01", total.Value);
        Assert.Equal(D(total.Value), total.Breakdown.Sum(b => D(b.Value)));
    }

    [Fact]
    public async Task ListVillages_AndListCases_WithAForgedPageToken_AreInvalidArgument()
    {
        var villages = new VillageService.VillageServiceClient(Server.Channel);
        var cases = new CaseService.CaseServiceClient(Server.Channel);
        foreach (var token in new[] { "zzzz", Convert.ToBase64String("v1|~~~~~~~~"u8.ToArray()), Convert.ToBase64String("datai"u8.ToArray()), "!!!", new string('A', 1000) })
        {
            var (code, _, fields) = await Rpc.Fails(() => villages.ListVillagesAsync(new ListVillagesRequest { TownshipId = "dongming", PageToken = token }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, code);
            Assert.Equal(["page_token"], fields);
            (code, _, fields) = await Rpc.Fails(() => cases.ListCasesAsync(new ListCasesRequest { TownshipId = "dongming", PageToken = token }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, code);
            Assert.Equal(["page_token"], fields);
        }
        // A token the service issued still works.
        var first = await villages.ListVillagesAsync(new ListVillagesRequest { TownshipId = "dongming", PageSize = 5 });
        var second = await villages.ListVillagesAsync(new ListVillagesRequest { TownshipId = "dongming", PageSize = 5, PageToken = first.NextPageToken });
        Assert.True(string.CompareOrdinal(first.Villages[^1].VillageId, second.Villages[0].VillageId) < 0);
    }

    [Fact]
    public async Task TransitionCase_Replayed_AnswersTheCaseAsItWasThen_NotAsItIsNow()
    {
        var cases = new CaseService.CaseServiceClient(Server.Channel);
        var opened = (await cases.OpenCaseAsync(new OpenCaseRequest { VillageId = "taiji", CaseType = "safety_hazard", Batch = "2026", Title = "重放", Deadline = "2099-12-31", RequestId = Rpc.Id() })).Case;
        var move = new TransitionCaseRequest { CaseId = opened.CaseId, ToStatus = CaseStatus.Rectifying, ExpectedVersion = 1, RequestId = Rpc.Id() };
        var first = (await cases.TransitionCaseAsync(move)).Case;
        await cases.TransitionCaseAsync(new TransitionCaseRequest { CaseId = opened.CaseId, ToStatus = CaseStatus.Rectified, ExpectedVersion = 2, RequestId = Rpc.Id() });

        var replayed = (await cases.TransitionCaseAsync(move)).Case;
        Assert.Equal(CaseStatus.Rectifying, replayed.Status);
        Assert.Equal(first.Version, replayed.Version);
        Assert.Equal(CaseStatus.Rectified, (await cases.GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Case.Status);
    }

    [Fact]
    public async Task UpdateCase_ThatChangesNothing_KeepsItsRequestId()
    {
        var cases = new CaseService.CaseServiceClient(Server.Channel);
        var opened = (await cases.OpenCaseAsync(new OpenCaseRequest { VillageId = "taiji", CaseType = "safety_hazard", Batch = "2026", Title = "无变化", Deadline = "2099-12-31", Assignee = "张三", RequestId = Rpc.Id() })).Case;
        var noop = new UpdateCaseRequest { CaseId = opened.CaseId, ExpectedVersion = 1, Assignee = "张三", RequestId = Rpc.Id() };
        var answer = (await cases.UpdateCaseAsync(noop)).Case;
        Assert.Equal(1, answer.Version);

        var other = noop.Clone();
        other.Assignee = "李四";
        Assert.Equal(StatusCode.FailedPrecondition, (await Rpc.Fails(() => cases.UpdateCaseAsync(other).ResponseAsync)).Code);
        Assert.Equal("张三", (await cases.GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Case.Assignee);
        Assert.Equal(1, (await cases.UpdateCaseAsync(noop)).Case.Version); // the replay keeps its answer
    }

    [Fact]
    public async Task UnknownTownship_IsNotFound_ForEveryTownshipRead()
    {
        const string unknown = "no-such-township";
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = unknown, Period = "2023" }).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = unknown }).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Township.RepairTotalsAsync(new RepairTotalsRequest { TownshipId = unknown }).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => new CaseService.CaseServiceClient(Server.Channel).ListCasesAsync(new ListCasesRequest { TownshipId = unknown }).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => new VillageService.VillageServiceClient(Server.Channel).ListVillagesAsync(new ListVillagesRequest { TownshipId = unknown }).ResponseAsync)).Code);
    }

    /// <summary>
    /// A crash between the roster's write and the township ledger's (the state it leaves is written here by removing
    /// the ledger's stream from the journal of a stopped server): the next start completes the demo load, and a
    /// retried RegisterTownship completes the registration.
    /// </summary>
    [Fact]
    public async Task RegisterTownship_InterruptedBeforeItsLedger_IsCompletedByTheRetry_AndTheDemoStillStarts()
    {
        string data;
        await using (var server = await ServerProcess.StartAsync())
        {
            data = server.DataDirectory;
            await new TownshipService.TownshipServiceClient(server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest { Township = new Township { TownshipId = "banjie", Name = "半截镇" } });
            await server.StopAsync();
        }
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "dongming.db")}"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DELETE FROM events WHERE stream IN ('ledger/banjie', 'ledger/dongming', 'demo/dongming-2023');
                DELETE FROM streams WHERE stream IN ('ledger/banjie', 'ledger/dongming', 'demo/dongming-2023');
                DELETE FROM snapshots WHERE stream IN ('ledger/banjie', 'ledger/dongming');
                DELETE FROM checkpoints;
                """;
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        await using var again = await ServerProcess.StartAsync(data);
        var township = new TownshipService.TownshipServiceClient(again.Channel);
        // The demo load was redone: the township's own entries (e.g. the disinfection area) are back in the totals.
        var totals = await township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023", Indicators = { "disinfection_area" } });
        Assert.Equal("3380000", totals.Totals.Single().Value);

        var reporting = new ReportingService.ReportingServiceClient(again.Channel);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => reporting.ReportValuesAsync(Rpc.Report("banjie", "2030", ("fire_drills", "3"))).ResponseAsync)).Code);
        await township.RegisterTownshipAsync(new RegisterTownshipRequest { Township = new Township { TownshipId = "banjie", Name = "半截镇" } });
        await reporting.ReportValuesAsync(Rpc.Report("banjie", "2030", ("fire_drills", "3")));
        Assert.Equal("3", (await township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "banjie", Period = "2030" })).Totals.Single().Value);
    }
}
