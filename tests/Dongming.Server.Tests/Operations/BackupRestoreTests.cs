using System.Globalization;
using Dongming.Contracts.V1;
using Microsoft.Data.Sqlite;

namespace Dongming.Server.Tests.Operations;

/// <summary>The README's backup and restore of the SQLite journal, as an operator would do it.</summary>
[Collection(OperationsCollection.Name)]
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task OnlineBackup_OfARunningServer_RestoredIntoAFreshDataDirectory_HasEveryWriteAcknowledgedBeforeIt()
    {
        var backup = Path.Combine(Directory.CreateTempSubdirectory("dongming-backup-").FullName, "dongming-backup.db");
        var acknowledged = new List<(string Village, string Period, string Value)>();
        await using (var server = await ServerProcess.StartAsync())
        {
            var reporting = new ReportingService.ReportingServiceClient(server.Channel);
            var villages = new[] { "datai", "xiaotai", "taiji", "yingtu", "harula", "nanta" };
            for (var i = 0; i < 60; i++)
            {
                var (village, period, value) = (villages[i % villages.Length], $"2035-{i / villages.Length % 12 + 1:D2}", (500 + i).ToString(CultureInfo.InvariantCulture));
                await reporting.ReportValuesAsync(Rpc.Report(village, period, ("livestock_sheep", value)));
                acknowledged.Add((village, period, value));
            }
            // The README's online backup, while the server runs and writes: sqlite3 data/dongming.db "VACUUM INTO '…'".
            using var writes = new CancellationTokenSource();
            var during = Task.Run(async () =>
            {
                for (var i = 0; !writes.IsCancellationRequested; i++)
                    await reporting.ReportValuesAsync(Rpc.Report("nannailin", $"2036-{i % 12 + 1:D2}", ("livestock_sheep", i.ToString(CultureInfo.InvariantCulture))));
            });
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "dongming.db")};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "VACUUM INTO $path;";
                command.Parameters.AddWithValue("$path", backup);
                command.ExecuteNonQuery();
            }
            await writes.CancelAsync();
            await during;
            await server.StopAsync();
        }

        var fresh = Path.Combine(Directory.CreateTempSubdirectory("dongming-restore-").FullName, "data");
        Directory.CreateDirectory(fresh);
        File.Copy(backup, Path.Combine(fresh, "dongming.db"));
        await using var restored = await ServerProcess.StartAsync(fresh);
        var client = new ReportingService.ReportingServiceClient(restored.Channel);
        foreach (var (village, period, value) in acknowledged)
            Assert.Equal(value, (await client.GetValuesAsync(new GetValuesRequest { OrgUnitId = village, Period = period, Indicators = { "livestock_sheep" } })).Values.Single().Value);
        var township = new TownshipService.TownshipServiceClient(restored.Channel);
        foreach (var period in acknowledged.Select(a => a.Period).Distinct().Append("2023"))
        {
            var totals = await township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, IncludeBreakdown = true });
            foreach (var total in totals.Totals.Where(t => t.Unit != "ratio"))
                Assert.Equal(decimal.Parse(total.Value, CultureInfo.InvariantCulture), total.Breakdown.Sum(b => decimal.Parse(b.Value, CultureInfo.InvariantCulture)));
        }
        Assert.Contains("Demo dataset already loaded", restored.Output, StringComparison.Ordinal); // the restore is no first start
    }
}
