using System.Globalization;
using Dongming.Contracts.V1;
using Google.Protobuf;
using static Dongming.Server.Tests.Exchange.Sheets;

namespace Dongming.Server.Tests.Exchange;

/// <summary>
/// A township set up from the shipped spreadsheets (samples/dongming-2023) on a server with the demo load off: catalog,
/// roster, then the 2023 ledger as a wide XLSX; the totals are the work report's (township-2023.tsv).
/// </summary>
public sealed class SetupFromSheetsTests
{
    private static ByteString Sample(string name) => ByteString.CopyFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", name)));

    [Fact]
    public async Task ImportCatalogRosterAndLedger_IntoAnEmptyServer_GivesTheTotalsOfTheWorkReport()
    {
        await using var server = await ServerProcess.StartAsync(demo: false);
        var exchange = new ExchangeService.ExchangeServiceClient(server.Channel);

        var catalogRequest = new ImportCatalogRequest { FileName = "catalog.xlsx", Content = Sample("catalog.xlsx"), DryRun = true, RequestId = Rpc.Id() };
        var catalogDry = await exchange.ImportCatalogAsync(catalogRequest);
        Assert.Empty(catalogDry.Errors);
        Assert.False(catalogDry.Applied);
        Assert.Empty((await new CatalogService.CatalogServiceClient(server.Channel).ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators);
        catalogRequest.DryRun = false;
        var catalog = await exchange.ImportCatalogAsync(catalogRequest);
        Assert.True(catalog.Applied);
        Assert.Equal(catalogDry.Created, catalog.Created);
        Assert.Equal(Tsv.Read("indicators.tsv").Count, (await new CatalogService.CatalogServiceClient(server.Channel).ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators.Count);

        var roster = await exchange.ImportRosterAsync(new ImportRosterRequest { FileName = "roster.xlsx", Content = Sample("roster.xlsx"), RequestId = Rpc.Id() });
        Assert.Empty(roster.Errors);
        Assert.Equal(1 + Tsv.Read("villages.tsv").Count, roster.Created);
        var again = await exchange.ImportRosterAsync(new ImportRosterRequest { FileName = "roster.xlsx", Content = Sample("roster.xlsx"), DryRun = true });
        Assert.Equal((0, roster.Created), (again.Created, again.Unchanged));

        var ledger = new ImportValuesRequest { TownshipId = "dongming", Period = "2023", FileName = "ledger-2023.xlsx", Content = Sample("ledger-2023.xlsx"), DryRun = true };
        var dry = await exchange.ImportValuesAsync(ledger);
        Assert.Empty(dry.Errors);
        Assert.True(dry.ValuesNew > 90);
        ledger.DryRun = false;
        var real = await exchange.ImportValuesAsync(ledger);
        Assert.True(real.Applied);
        Assert.Equal(Lines(dry), Lines(real));

        var totals = (await new TownshipService.TownshipServiceClient(server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" }))
            .Totals.ToDictionary(t => t.Indicator);
        var expected = Tsv.Read("township-2023.tsv");
        Assert.True(expected.Count > 90);
        foreach (var row in expected)
        {
            Assert.True(totals.TryGetValue(row["code"], out var total), $"no total for {row["code"]}");
            Assert.Equal(decimal.Parse(row["value"], CultureInfo.InvariantCulture), Dec(total.Value));
        }
    }

    [Fact]
    public async Task ImportRoster_BadRows_RegistersNothing_AndListsEveryError()
    {
        await using var server = await ServerProcess.StartAsync(demo: false);
        var exchange = new ExchangeService.ExchangeServiceClient(server.Channel);
        var file = System.Text.Encoding.UTF8.GetBytes("id,name_zh,kind\r\nbadzhen,坏镇,township\r\nhaocun,好村,village\r\nBAD ID,坏村,village\r\nhaocun,重复村,village\r\n");
        var answer = await exchange.ImportRosterAsync(new ImportRosterRequest { FileName = "roster.csv", Content = ByteString.CopyFrom(file) });
        Assert.False(answer.Applied);
        Assert.Contains(answer.Errors, e => e.Row == 4);
        Assert.Contains(answer.Errors, e => e.Row == 5);
        var (code, _, _) = await Rpc.Fails(() => new TownshipService.TownshipServiceClient(server.Channel).GetTownshipAsync(new GetTownshipRequest { TownshipId = "badzhen" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, code);
    }

    [Fact]
    public async Task ImportValues_FileOverTheLimit_IsResourceExhaustedNamingTheSetting()
    {
        await using var server = await ServerProcess.StartAsync(null, false, "--Dongming:Exchange:MaxFileBytes=2048");
        var exchange = new ExchangeService.ExchangeServiceClient(server.Channel);
        var request = new ImportValuesRequest { TownshipId = "dongming", FileName = "big.csv", Content = ByteString.CopyFrom(new byte[3000]) };
        var (code, message, _) = await Rpc.Fails(() => exchange.ImportValuesAsync(request).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, code);
        Assert.Contains("Dongming:Exchange:MaxFileBytes", message);
        // Far over it, the message itself is refused by gRPC before the service sees it (a client error either way).
        request.Content = ByteString.CopyFrom(new byte[2048 + 65 * 1024]);
        Assert.Contains((await Rpc.Fails(() => exchange.ImportValuesAsync(request).ResponseAsync)).Code, new[] { Grpc.Core.StatusCode.ResourceExhausted, Grpc.Core.StatusCode.InvalidArgument });
    }
}
