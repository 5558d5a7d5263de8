using System.Text;
using Dongming.Contracts.V1;
using static Dongming.Server.Tests.Exchange.Sheets;

namespace Dongming.Server.Tests.Exchange;

/// <summary>ExportTotals and ExportCases through the real gRPC surface, and the export → import round trip.</summary>
public sealed class ExportTests(DemoServerFixture fixture)
{
    private ExchangeService.ExchangeServiceClient Exchange => new(fixture.Server.Channel);
    private ReportingService.ReportingServiceClient Reporting => new(fixture.Server.Channel);

    [Theory]
    [InlineData(FileFormat.Xlsx)]
    [InlineData(FileFormat.Csv)]
    public async Task ExportTotals_ThenImportOfThatFile_ForTheSamePeriod_IsANoOp(FileFormat format)
    {
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "120"), ("livestock_breeding_cows", "30"), ("dibao_persons", "4")));
        await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", period, ("livestock_sheep", "80"), ("pension_paid", "1234.5")));
        await Reporting.ReportValuesAsync(Rpc.Report("dongming", period, ("disinfection_area", "25000")));

        var export = await Exchange.ExportTotalsAsync(new ExportTotalsRequest { TownshipId = "dongming", Period = period, Format = format, IncludeBreakdown = true });
        Assert.EndsWith(format == FileFormat.Csv ? ".csv" : ".xlsx", export.FileName);
        Assert.NotEmpty(export.Content);
        if (format == FileFormat.Csv)
        {
            var text = Encoding.UTF8.GetString(export.Content.Span);
            Assert.Contains("羊存栏（头）", text);
            Assert.Contains("[计算]", text); // livestock_total is computed, and marked
            Assert.Contains("合计", text);
            Assert.Contains("大台", text);
        }

        var request = Values(export.Content.ToByteArray(), period, fileName: export.FileName);
        request.Format = format;
        var dry = await Exchange.ImportValuesAsync(request);
        var again = request.Clone();
        again.DryRun = false;
        var real = await Exchange.ImportValuesAsync(again);
        foreach (var answer in new[] { dry, real })
        {
            Assert.Empty(answer.Errors);
            Assert.Equal((0, 0), (answer.ValuesNew, answer.ValuesChanged));
            Assert.Equal(6, answer.ValuesUnchanged);
        }
        var history = await Reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "datai", Period = period, Indicator = "livestock_sheep" });
        Assert.Single(history.Revisions);
    }

    [Fact]
    public async Task ExportTotals_WithoutBreakdown_HoldsTheTotalRowOnly()
    {
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("harula", period, ("livestock_sheep", "17")));
        var export = await Exchange.ExportTotalsAsync(new ExportTotalsRequest { TownshipId = "dongming", Period = period, Format = FileFormat.Csv });
        var text = Encoding.UTF8.GetString(export.Content.Span);
        Assert.DoesNotContain("哈如拉", text);
        var total = text.Split('\n').Single(l => l.StartsWith("合计", StringComparison.Ordinal) || l.StartsWith("\uFEFF合计", StringComparison.Ordinal));
        Assert.Contains(",17", total);
    }

    [Fact]
    public async Task ExportTotals_MalformedOrUnknown_AreInvalidArgumentOrNotFound()
    {
        var (code, _, fields) = await Rpc.Fails(() => Exchange.ExportTotalsAsync(new ExportTotalsRequest { TownshipId = "dongming", Period = "2023Q9" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, code);
        Assert.Equal(["period"], fields);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, (await Rpc.Fails(() => Exchange.ExportTotalsAsync(new ExportTotalsRequest { TownshipId = "no-such-zhen", Period = "2023" }).ResponseAsync)).Code);
    }
}
