using System.Globalization;
using System.Text;
using Dongming.Contracts.V1;
using Dongming.Server.Tests.Operations;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using static Dongming.Server.Tests.Exchange.Sheets;

namespace Dongming.Server.Tests.Exchange;

/// <summary>
/// kill -9 of the real server in the middle of an applied import (its plan durable, some parts applied), restart, the
/// same file again: the import completes, every value is there once (each ledger holds one event per part), and the
/// township totals equal the sum of the villages and of the file.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class ImportCrashTests
{
    private const int Months = 36;

    private static ByteString Sample(string name) => ByteString.CopyFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", name)));

    /// <summary>An admin client without the 4 MB default limit on answers (the answer lists every change).</summary>
    private static (GrpcChannel Channel, ExchangeService.ExchangeServiceClient Exchange, CallInvoker Invoker) Client(ServerProcess server)
    {
        var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        var invoker = channel.Intercept(m => { m.Add("authorization", "Bearer " + server.AdminToken); return m; });
        return (channel, new ExchangeService.ExchangeServiceClient(invoker), invoker);
    }

    [Fact]
    public async Task Kill9_InTheMiddleOfAnAppliedImport_SameFileAgain_AppliesEveryValueOnce()
    {
        var data = Directory.CreateTempSubdirectory("dongming-import-crash-").FullName;
        string[] args = ["--Dongming:RateLimit:PermitsPerSecond=0"];
        var villages = Tsv.Read("villages.tsv").Select(r => r["id"]).ToList();
        var indicators = Tsv.Read("indicators.tsv");
        var parents = indicators.Select(r => r["part_of"]).Where(p => p.Length > 0).ToHashSet(StringComparer.Ordinal);
        var entered = indicators.Where(r => r["entered_at"] == "village" && r["kind"] != "ratio" && !parents.Contains(r["code"])).Select(r => r["code"]).ToList();
        var periods = Enumerable.Range(0, Months).Select(m => $"{2031 + m / 12}-{m % 12 + 1:D2}").ToList();
        var expected = new Dictionary<(string Village, string Period, string Indicator), int>();
        var csv = new StringBuilder("org_unit,period,indicator,value\r\n");
        var n = 0;
        foreach (var period in periods)
        {
            foreach (var village in villages)
            {
                foreach (var code in entered)
                {
                    var value = ++n % 997;
                    expected[(village, period, code)] = value;
                    csv.Append(CultureInfo.InvariantCulture, $"{village},{period},{code},{value}\r\n");
                }
            }
        }
        var request = new ImportValuesRequest { TownshipId = "dongming", FileName = "crash-ledger.csv", Content = ByteString.CopyFromUtf8(csv.ToString()), RequestId = Rpc.Id() };

        string importId;
        int partsTotal;
        await using (var first = await ServerProcess.StartAsync(data, false, args))
        {
            var (channel, exchange, _) = Client(first);
            using var _c = channel;
            Assert.True((await exchange.ImportCatalogAsync(new ImportCatalogRequest { FileName = "catalog.xlsx", Content = Sample("catalog.xlsx") })).Applied);
            Assert.True((await exchange.ImportRosterAsync(new ImportRosterRequest { FileName = "roster.xlsx", Content = Sample("roster.xlsx") })).Applied);
            importId = (await exchange.ImportValuesAsync(new ImportValuesRequest(request) { DryRun = true })).ImportId;

            var import = exchange.ImportValuesAsync(request).ResponseAsync;
            ImportStatus? seen = null;
            while (!import.IsCompleted)
            {
                try
                {
                    seen = await exchange.GetImportAsync(new GetImportRequest { ImportId = importId });
                    if (seen.PartsApplied > 0) break;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    // not planned yet: the file is being read and checked
                }
            }
            Assert.False(import.IsCompleted, "the import completed before the kill: make the file larger");
            await first.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => import);
            Assert.NotNull(seen);
            Assert.Equal(ImportState.Applying, seen!.State);
            Assert.True(seen.PartsApplied < seen.PartsTotal);
            partsTotal = seen.PartsTotal;
            Assert.Equal(villages.Count * Months, partsTotal);
        }

        await using var second = await ServerProcess.StartAsync(data, false, args);
        var (channel2, exchange2, invoker) = Client(second);
        using var _c2 = channel2;
        var interrupted = await exchange2.GetImportAsync(new GetImportRequest { ImportId = importId });
        Assert.Equal(ImportState.Applying, interrupted.State); // the plan survived the kill
        var answer = await exchange2.ImportValuesAsync(request);
        Assert.True(answer.Applied);
        Assert.Equal(expected.Count, answer.ValuesNew);
        var done = await exchange2.GetImportAsync(new GetImportRequest { ImportId = importId });
        Assert.Equal((ImportState.Completed, partsTotal), (done.State, done.PartsApplied));
        var again = await exchange2.ImportValuesAsync(request);
        Assert.Equal(answer.ValuesNew, again.ValuesNew);

        // Every value once: each village's ledger holds its registration and one write per period, no more.
        var reporting = new ReportingService.ReportingServiceClient(invoker);
        foreach (var village in villages)
        {
            var values = await reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = village, Period = periods[^1], Indicators = { entered } });
            Assert.Equal(1 + Months, values.Version);
            foreach (var v in values.Values) Assert.Equal(expected[(village, periods[^1], v.Indicator)], int.Parse(v.Value, CultureInfo.InvariantCulture));
        }
        var history = await reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = villages[0], Period = periods[0], Indicator = entered[0] });
        Assert.Single(history.Revisions);

        // Township totals: the sum of the villages, and of the file.
        var township = new TownshipService.TownshipServiceClient(invoker);
        foreach (var period in periods)
        {
            var totals = await township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { entered }, IncludeBreakdown = true });
            foreach (var total in totals.Totals)
            {
                Assert.Equal(Dec(total.Value), total.Breakdown.Sum(b => Dec(b.Value)));
                Assert.Equal(villages.Sum(v => expected[(v, period, total.Indicator)]), Dec(total.Value));
            }
        }
    }
}
