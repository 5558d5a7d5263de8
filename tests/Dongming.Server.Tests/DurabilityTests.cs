using Dongming.Contracts.V1;

namespace Dongming.Server.Tests;

/// <summary>Acknowledged means durable: restarts and kill -9 of the real server process keep every acknowledged write.</summary>
public sealed class DurabilityTests
{
    private static async Task AssertTotalsEqualSumOfOrgUnits(ServerProcess server, string period)
    {
        var response = await new TownshipService.TownshipServiceClient(server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, IncludeBreakdown = true });
        Assert.NotEmpty(response.Totals);
        foreach (var total in response.Totals.Where(t => t.Unit != "ratio"))
            Assert.Equal(decimal.Parse(total.Value, System.Globalization.CultureInfo.InvariantCulture), total.Breakdown.Sum(b => decimal.Parse(b.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Restart_SameDataFile_KeepsValuesCasesAndTotals()
    {
        string data;
        string caseId;
        await using (var server = await ServerProcess.StartAsync())
        {
            data = server.DataDirectory;
            await new ReportingService.ReportingServiceClient(server.Channel).ReportValuesAsync(Rpc.Report("datai", "2030", ("livestock_sheep", "1234")));
            caseId = (await new CaseService.CaseServiceClient(server.Channel).OpenCaseAsync(new OpenCaseRequest
            {
                VillageId = "taiji",
                CaseType = "hotline_ticket",
                Batch = "2026",
                Title = "路灯不亮",
                Deadline = "2026-12-31",
                RequestId = Rpc.Id(),
            })).Case.CaseId;
            await server.StopAsync();
        }
        await using var again = await ServerProcess.StartAsync(data);
        var values = await new ReportingService.ReportingServiceClient(again.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2030" });
        Assert.Equal("1234", values.Values.Single(v => v.Indicator == "livestock_sheep").Value);
        Assert.Equal(CaseStatus.Reported, (await new CaseService.CaseServiceClient(again.Channel).GetCaseAsync(new GetCaseRequest { CaseId = caseId })).Case.Status);
        await AssertTotalsEqualSumOfOrgUnits(again, "2030");
        await AssertTotalsEqualSumOfOrgUnits(again, "2023");
    }

    [Fact]
    public async Task Kill9_RightAfterAnAcknowledgedReport_TheValueSurvives()
    {
        var server = await ServerProcess.StartAsync();
        var reporting = new ReportingService.ReportingServiceClient(server.Channel);
        var acknowledged = new List<(string Village, string Value)>();
        foreach (var (village, i) in new[] { "datai", "xiaotai", "taiji", "yingtu", "harula" }.Select((v, i) => (v, i)))
        {
            var value = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await reporting.ReportValuesAsync(Rpc.Report(village, "2031", ("livestock_sheep", value)));
            acknowledged.Add((village, value));
        }
        await server.KillAsync();
        await server.DisposeAsync();

        await using var again = await ServerProcess.StartAsync(server.DataDirectory);
        var client = new ReportingService.ReportingServiceClient(again.Channel);
        foreach (var (village, value) in acknowledged)
            Assert.Equal(value, (await client.GetValuesAsync(new GetValuesRequest { OrgUnitId = village, Period = "2031", Indicators = { "livestock_sheep" } })).Values.Single().Value);
        var totals = await new TownshipService.TownshipServiceClient(again.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2031", Indicators = { "livestock_sheep" } });
        Assert.Equal("5010", totals.Totals.Single().Value);
        Assert.Equal(5, totals.Totals.Single().VillagesReporting);
        await AssertTotalsEqualSumOfOrgUnits(again, "2031");
    }
}
