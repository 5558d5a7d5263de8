using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Server.Tests;

/// <summary>The 2023 figures and reporting, through the generated gRPC clients against the real server.</summary>
public sealed class ReportingEndToEndTests(DemoServerFixture fixture)
{
    private TownshipService.TownshipServiceClient Township => new(fixture.Server.Channel);
    private ReportingService.ReportingServiceClient Reporting => new(fixture.Server.Channel);

    [Fact]
    public async Task GetTotals_2023_EqualsTheWorkReport()
    {
        var totals = (await Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" }))
            .Totals.ToDictionary(t => t.Indicator);
        var expected = Tsv.Read("township-2023.tsv");
        Assert.True(expected.Count > 90);
        foreach (var row in expected)
        {
            Assert.True(totals.TryGetValue(row["code"], out var total), $"no total for {row["code"]}");
            Assert.Equal(decimal.Parse(row["value"], System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(total.Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.DoesNotContain("E", total.Value, StringComparison.OrdinalIgnoreCase);
            var carried = row["carried_by"];
            if (carried.Length > 0 && char.IsDigit(carried[0]))
                Assert.Equal(int.Parse(carried.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), total.VillagesReporting);
        }
        Assert.Equal("0.9694", totals["two_cancer_screening_coverage"].Value);
        Assert.Equal("274000000", totals["labour_export_income"].Value);
    }

    [Fact]
    public async Task GetTotals_WithBreakdown_TotalsEqualSumOfOrgUnits()
    {
        var response = await Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023", IncludeBreakdown = true });
        foreach (var total in response.Totals.Where(t => t.Unit != "ratio"))
        {
            var sum = total.Breakdown.Sum(b => decimal.Parse(b.Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(decimal.Parse(total.Value, System.Globalization.CultureInfo.InvariantCulture), sum);
            Assert.Equal(total.VillagesReporting, total.Breakdown.Count(b => b.OrgUnitId != "dongming"));
        }
    }

    [Fact]
    public async Task ReportValues_ChangesTheTotal_AndHistoryNamesTheReport()
    {
        var period = Rpc.FreshPeriod();
        var before = await Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "livestock_sheep" } });
        var old = before.Totals.Count == 0 ? 0m : decimal.Parse(before.Totals[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        await Reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "120"), ("livestock_breeding_cows", "30")));
        await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", period, ("livestock_sheep", "80")));
        var after = await Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "livestock_sheep", "livestock_total" } });
        var byCode = after.Totals.ToDictionary(t => t.Indicator);
        Assert.Equal(old + 200, decimal.Parse(byCode["livestock_sheep"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(byCode["livestock_total"].Computed);
        var values = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period, Indicators = { "livestock_total", "livestock_cattle" } });
        Assert.Equal(["150", "30"], values.Values.OrderBy(v => v.Indicator, StringComparer.Ordinal).Select(v => v.Value).Reverse().ToArray());
        var history = await Reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "datai", Indicator = "livestock_sheep", Period = period });
        Assert.Single(history.Revisions);
        Assert.Equal("120", history.Revisions[0].Value);
        Assert.Equal("e2e", history.Revisions[0].Comment);
    }

    [Fact]
    public async Task ReportValues_BatchWithOneBadValue_IsRejectedAndChangesNothing()
    {
        var period = Rpc.FreshPeriod();
        var request = Rpc.Report("taiji", period, ("livestock_sheep", "10"), ("dibao_persons", "2.5"), ("pension_paid", "1.234"));
        var (code, _, fields) = await Rpc.Fails(() => Reporting.ReportValuesAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["values[1].value", "values[2].value"], fields);
        var values = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "taiji", Period = period });
        Assert.Empty(values.Values);
    }

    [Theory]
    [InlineData("2023Q5", "period")]
    [InlineData("23", "period")]
    [InlineData("2023-1", "period")]
    public async Task ReportValues_MalformedPeriod_IsInvalidArgumentNamingPeriod(string period, string field)
    {
        var (code, _, fields) = await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "1"))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Contains(field, fields);
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("NaN")]
    [InlineData("+5")]
    [InlineData("1,000")]
    [InlineData("-3")]
    [InlineData("2.5")]
    public async Task ReportValues_BadHeadCount_IsRejected(string value)
    {
        var (code, _, fields) = await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("datai", Rpc.FreshPeriod(), ("livestock_sheep", value))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["values[0].value"], fields);
    }

    [Fact]
    public async Task ReportValues_ComputedOrTownshipIndicatorFromVillage_IsRejected()
    {
        var (code, _, fields) = await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("datai", "2024", ("livestock_total", "5"), ("fire_drills", "3"))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["values[0].indicator", "values[1].indicator"], fields);
        // The township itself enters its own indicators.
        var ok = await Reporting.ReportValuesAsync(Rpc.Report("dongming", Rpc.FreshPeriod(), ("fire_drills", "3")));
        Assert.Equal("dongming", ok.OrgUnitId);
    }

    [Fact]
    public async Task ReportValues_UnknownVillageOrIndicator_IsNotFound()
    {
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("no-such-village", "2024", ("livestock_sheep", "1"))).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("datai", "2024", ("no_such_indicator", "1"))).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "no-such-town", Period = "2023" }).ResponseAsync)).Code);
    }

    [Fact]
    public async Task ReportValues_MissingRequestIdOrEmptyBatch_IsInvalid()
    {
        var noId = Rpc.Report("datai", "2024", ("livestock_sheep", "1"));
        noId.RequestId = "";
        Assert.Contains("request_id", (await Rpc.Fails(() => Reporting.ReportValuesAsync(noId).ResponseAsync)).Fields);
        Assert.Contains("values", (await Rpc.Fails(() => Reporting.ReportValuesAsync(Rpc.Report("datai", "2024")).ResponseAsync)).Fields);
    }

    [Fact]
    public async Task ReportValues_ReplayedRequestId_AppliesOnce()
    {
        var period = Rpc.FreshPeriod();
        var request = Rpc.Report("harula", period, ("livestock_sheep", "7"));
        var first = await Reporting.ReportValuesAsync(request);
        var again = await Reporting.ReportValuesAsync(request);
        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.Version, again.Version);
        var history = await Reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "harula", Indicator = "livestock_sheep", Period = period });
        Assert.Single(history.Revisions);
        var changed = request.Clone();
        changed.Values[0].Value = "8";
        Assert.Equal(StatusCode.FailedPrecondition, (await Rpc.Fails(() => Reporting.ReportValuesAsync(changed).ResponseAsync)).Code);
    }

    [Fact]
    public async Task WatchTotals_SendsCurrentTotalsThenTheChange()
    {
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("yingtu", period, ("livestock_sheep", "1")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = Township.WatchTotals(new WatchTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "livestock_sheep" } }, cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.True(call.ResponseStream.Current.Initial);
        var initial = decimal.Parse(call.ResponseStream.Current.Totals.Single().Value, System.Globalization.CultureInfo.InvariantCulture);
        await Reporting.ReportValuesAsync(Rpc.Report("nanta", period, ("livestock_sheep", "5")));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.False(call.ResponseStream.Current.Initial);
        Assert.Equal(initial + 5, decimal.Parse(call.ResponseStream.Current.Totals.Single().Value, System.Globalization.CultureInfo.InvariantCulture));
        cts.Cancel();
    }
}
