using Dongming.Contracts.V1;
using Dongming.Server.Tests.Security;
using Grpc.Core;
using static Dongming.Server.Tests.Exchange.Sheets;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Exchange;

/// <summary>ImportValues through the real gRPC surface: dry run and real run, all or nothing, replays, the audit trail.</summary>
public sealed class ImportValuesTests(DemoServerFixture fixture)
{
    private ExchangeService.ExchangeServiceClient Exchange => new(fixture.Server.Channel);
    private ReportingService.ReportingServiceClient Reporting => new(fixture.Server.Channel);
    private TownshipService.TownshipServiceClient Township => new(fixture.Server.Channel);

    [Fact]
    public async Task ImportValues_DryRunThenRealRun_AnswerTheSameChanges_AndOnlyTheRealRunApplies()
    {
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "100"), ("livestock_breeding_cows", "7")));
        var file = LongCsv(("datai", period, "livestock_sheep", "120"), ("datai", period, "livestock_breeding_cows", "7"), ("xiaotai", period, "livestock_sheep", "80"));

        var dry = await Exchange.ImportValuesAsync(Values(file, dryRun: true));
        Assert.False(dry.Applied);
        Assert.Empty(dry.Errors);
        Assert.Equal((3, 1, 1, 1), (dry.RowsRead, dry.ValuesNew, dry.ValuesChanged, dry.ValuesUnchanged));
        Assert.Equal([$"datai {period} livestock_sheep 100->120", $"xiaotai {period} livestock_sheep ->80"], Lines(dry));
        var untouched = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "xiaotai", Period = period });
        Assert.Empty(untouched.Values);
        Assert.Equal(ImportState.Unspecified, (await Rpc.Fails(() => Exchange.GetImportAsync(new GetImportRequest { ImportId = dry.ImportId }).ResponseAsync)).Code switch
        {
            StatusCode.NotFound => ImportState.Unspecified,
            var other => throw new InvalidOperationException($"GetImport after a dry run answered {other}"),
        });

        var real = await Exchange.ImportValuesAsync(Values(file));
        Assert.True(real.Applied);
        Assert.Equal(dry.ImportId, real.ImportId);
        Assert.Equal((dry.ValuesNew, dry.ValuesChanged, dry.ValuesUnchanged), (real.ValuesNew, real.ValuesChanged, real.ValuesUnchanged));
        Assert.Equal(Lines(dry), Lines(real));
        var totals = await Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "livestock_sheep" } });
        Assert.Equal(200m, Dec(totals.Totals.Single().Value));
        var status = await Exchange.GetImportAsync(new GetImportRequest { ImportId = real.ImportId });
        Assert.Equal(ImportState.Completed, status.State);
        Assert.Equal(("values", "dongming", "ledger.csv", 3), (status.Kind, status.TownshipId, status.FileName, status.RowsRead));
        Assert.Equal(status.PartsTotal, status.PartsApplied);
        Assert.Equal(2, status.PartsTotal); // datai and xiaotai; the unchanged value is not written
    }

    [Fact]
    public async Task ImportValues_BreakingAValidationRule_IsWarnedInTheDryRun_AndAppliedWithTheSameWarning()
    {
        var year = QualitySupport.FreshYear().ToString(System.Globalization.CultureInfo.InvariantCulture);
        // 1,000,000 yuan of pensions for 10 people: 100,000 a head, above the per-capita bound (the rule ReportValues warns with).
        var file = LongCsv(("xiaotai", year, "pension_paid", "1000000"), ("xiaotai", year, "pension_recipients", "10"), ("datai", year, "pension_paid", "30000"), ("datai", year, "pension_recipients", "10"));

        var dry = await Exchange.ImportValuesAsync(Values(file, dryRun: true));
        var real = await Exchange.ImportValuesAsync(Values(file));

        Assert.True(real.Applied);
        var warning = Assert.Single(real.Warnings);
        Assert.Equal(("xiaotai", year, "pension_paid_per_recipient_max"), (warning.OrgUnitId, warning.Period, warning.Rule));
        Assert.False(string.IsNullOrEmpty(warning.Message));
        // The dry run warns as the real run does, before anything is written.
        Assert.False(dry.Applied);
        Assert.Equal(real.Warnings, dry.Warnings);
        var values = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "xiaotai", Period = year, Indicators = { "pension_paid" } });
        Assert.Equal("1000000", Assert.Single(values.Values).Value);
    }

    [Fact]
    public async Task ImportValues_AuditTrail_NamesTheImporterAndTheFile()
    {
        var period = Rpc.FreshPeriod();
        var staff = new ExchangeService.ExchangeServiceClient(Invoker(fixture.Server, Who.Staff, "staff-" + Rpc.Id()));
        var answer = await staff.ImportValuesAsync(Values(LongCsv(("taiji", period, "livestock_sheep", "55")), fileName: "台吉村台账.csv"));
        Assert.True(answer.Applied);
        var history = await Reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "taiji", Period = period, Indicator = "livestock_sheep" });
        var revision = Assert.Single(history.Revisions);
        Assert.Equal("55", revision.Value);
        Assert.StartsWith("staff-", revision.Actor);
        Assert.Contains("台吉村台账.csv", revision.Comment);
        Assert.Contains(answer.ImportId, revision.Comment);
        var status = await Exchange.GetImportAsync(new GetImportRequest { ImportId = answer.ImportId });
        Assert.Equal(revision.Actor, status.ImportedBy);
    }

    [Fact]
    public async Task ImportValues_BadRows_AppliesNothing_AndListsEveryError()
    {
        var period = Rpc.FreshPeriod();
        var file = LongCsv(
            ("datai", period, "livestock_sheep", "10"),             // row 2: good
            ("nowhere", period, "livestock_sheep", "10"),           // row 3: unknown village
            ("datai", period, "no_such_indicator", "10"),           // row 4: unknown indicator
            ("datai", period, "livestock_breeding_cows", "-3"),     // row 5: negative head count
            ("datai", period, "livestock_total", "40"),             // row 6: computed
            ("datai", period, "disinfection_area", "100"),          // row 7: entered by the township only
            ("xiaotai", period, "dibao_persons", "2.5"));           // row 8: fractional persons
        var answer = await Exchange.ImportValuesAsync(Values(file));
        Assert.False(answer.Applied);
        Assert.Equal(7, answer.RowsRead);
        Assert.Equal([3, 4, 5, 6, 7, 8], answer.Errors.Select(e => e.Row).Distinct().Order());
        Assert.All(answer.Errors, e => Assert.False(string.IsNullOrEmpty(e.Message)));
        Assert.Contains(answer.Errors, e => e.Row == 5 && e.Column.Length > 0);
        Assert.Empty(answer.Changes);
        Assert.Equal((0, 0), (answer.ValuesNew, answer.ValuesChanged));
        var values = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period });
        Assert.Empty(values.Values);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Exchange.GetImportAsync(new GetImportRequest { ImportId = answer.ImportId }).ResponseAsync)).Code);
    }

    [Fact]
    public async Task ImportValues_SameFileAgain_AppliesOnce_AndAnswersTheFirstAnswer()
    {
        var period = Rpc.FreshPeriod();
        var file = LongCsv(("datai", period, "livestock_sheep", "31"), ("yingtu", period, "livestock_sheep", "12"));
        var first = await Exchange.ImportValuesAsync(Values(file));
        var again = await Exchange.ImportValuesAsync(Values(file)); // another request id, same content
        Assert.True(again.Applied);
        Assert.Equal(first.ImportId, again.ImportId);
        Assert.Equal((first.ValuesNew, first.ValuesChanged), (again.ValuesNew, again.ValuesChanged));
        Assert.Equal(Lines(first), Lines(again));
        var history = await Reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "datai", Period = period, Indicator = "livestock_sheep" });
        Assert.Single(history.Revisions);
        // Now the figures are held: a dry run of the same file finds nothing to change.
        var dry = await Exchange.ImportValuesAsync(Values(file, dryRun: true));
        Assert.Equal((0, 0, 2), (dry.ValuesNew, dry.ValuesChanged, dry.ValuesUnchanged));
    }

    [Fact]
    public async Task ImportValues_DefaultPeriod_AppliesToRowsWithoutOne_AndIsPartOfTheImport()
    {
        var period = Rpc.FreshPeriod();
        var content = System.Text.Encoding.UTF8.GetBytes("org_unit,indicator,value\r\ndatai,livestock_sheep,9\r\n");
        var missing = await Exchange.ImportValuesAsync(Values(content, dryRun: true));
        Assert.NotEmpty(missing.Errors);
        var answer = await Exchange.ImportValuesAsync(Values(content, period));
        Assert.True(answer.Applied);
        Assert.EndsWith("/" + period, answer.ImportId);
        Assert.Equal([$"datai {period} livestock_sheep ->9"], Lines(answer));
    }

    [Fact]
    public async Task ImportValues_MalformedRequest_IsInvalidArgumentNamingEveryField()
    {
        var (code, _, fields) = await Rpc.Fails(() => Exchange.ImportValuesAsync(new ImportValuesRequest { TownshipId = "Dongming!", Content = Google.Protobuf.ByteString.CopyFromUtf8("x") }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Contains("township_id", fields);
        (code, _, fields) = await Rpc.Fails(() => Exchange.ImportValuesAsync(new ImportValuesRequest { TownshipId = "dongming" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["content"], fields);
        (code, _, fields) = await Rpc.Fails(() => Exchange.ImportValuesAsync(new ImportValuesRequest { TownshipId = "dongming", Period = "2023Q5", Content = Google.Protobuf.ByteString.CopyFromUtf8("x") }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["period"], fields);
        (code, _, fields) = await Rpc.Fails(() => Exchange.GetImportAsync(new GetImportRequest { ImportId = "../etc" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["import_id"], fields);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => Exchange.ImportValuesAsync(Values(LongCsv(("x", "2023", "livestock_sheep", "1")), township: "no-such-zhen")).ResponseAsync)).Code);
    }
}
