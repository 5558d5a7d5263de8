using System.Diagnostics;
using System.Text;
using Dongming.Contracts.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;

namespace Dongming.Server.Tests.Operations;

/// <summary>The journal's bad days: wiped, damaged, or its disk full. Nothing acknowledged may be lost silently.</summary>
[Collection(OperationsCollection.Name)]
public sealed class JournalSafetyTests
{
    private static async Task SeedAsync(ServerProcess server, string township, params string[] villages)
    {
        await new TownshipService.TownshipServiceClient(server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest
        {
            Township = new Township { TownshipId = township, Name = "测试镇", StatisticalCode = "", CodeSystem = "" },
        });
        foreach (var v in villages)
            await new VillageService.VillageServiceClient(server.Channel).RegisterVillageAsync(new RegisterVillageRequest { VillageId = v, Name = "测试村", Kind = VillageKind.Village, TownshipId = township });
        await new CatalogService.CatalogServiceClient(server.Channel).DefineIndicatorAsync(new DefineIndicatorRequest
        {
            RequestId = "def-sheep",
            Indicator = new Indicator { Code = "livestock_sheep", NameZh = "羊", NameEn = "Sheep", Unit = "head", Category = "livestock", Kind = IndicatorKind.Stock, EnteredAt = EnteredAt.Village },
        });
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> Readiness(ServerProcess server) =>
        (await new Health.HealthClient(server.Anonymous).CheckAsync(new HealthCheckRequest { Service = "readiness" }, deadline: DateTime.UtcNow.AddSeconds(30))).Status;

    [Fact]
    public async Task WipedOrMissingJournal_OfADataDirectoryThatHeldOne_IsRefusedAtStart()
    {
        var data = Path.Combine(Directory.CreateTempSubdirectory("dongming-wiped-").FullName, "data"); // created by the server
        await using (var server = await ServerProcess.StartAsync(data, demo: false))
        {
            await SeedAsync(server, "wipe-zhen", "wipe-cun");
            await new ReportingService.ReportingServiceClient(server.Channel).ReportValuesAsync(Rpc.Report("wipe-cun", "2024", ("livestock_sheep", "300")));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            await server.StopAsync();
        }
        var journal = Path.Combine(data, "dongming.db");
        var kept = journal + ".kept";
        File.Copy(journal, kept);
        foreach (var f in new[] { journal + "-wal", journal + "-shm" }) File.Delete(f);

        await File.WriteAllBytesAsync(journal, []); // wiped to zero length
        var args = ServerBinary.ServeArgs(data, ServerProcess.FreePort(), ServerProcess.FreePort(), ServerProcess.FreePort());
        var (exit, _, stderr, _) = await ServerBinary.RunAsync(args);
        Assert.Equal(1, exit);
        Assert.Contains("empty", stderr, StringComparison.Ordinal);
        Assert.Contains("journal.id", stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(journal).Length); // nothing seeded over it

        File.Delete(journal); // gone
        (exit, _, stderr, _) = await ServerBinary.RunAsync(args);
        Assert.Equal(1, exit);
        Assert.Contains("missing", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(journal));

        // Another journal (a fresh one from elsewhere) in its place is refused too.
        var other = Directory.CreateTempSubdirectory("dongming-other-").FullName;
        await using (var fresh = await ServerProcess.StartAsync(other, demo: false)) await fresh.StopAsync();
        File.Copy(Path.Combine(other, "dongming.db"), journal);
        (exit, _, stderr, _) = await ServerBinary.RunAsync(args);
        Assert.Equal(1, exit);
        Assert.Contains("another journal", stderr, StringComparison.Ordinal);

        // The journal put back: the acknowledged write is there.
        File.Copy(kept, journal, overwrite: true);
        await using var again = await ServerProcess.StartAsync(data, demo: false);
        var values = await new ReportingService.ReportingServiceClient(again.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = "wipe-cun", Period = "2024" });
        Assert.Equal("300", values.Values.Single().Value);
    }

    [Fact]
    public async Task DamagedPagesOfOneVillage_AnswerDataLoss_AndReadinessSaysSo_WhileOtherVillagesAnswer()
    {
        const string Marker = "DAMAGE-ME-";
        var server = await ServerProcess.StartAsync(demo: false);
        var data = server.DataDirectory;
        await SeedAsync(server, "dmg-zhen", "dmg-a", "dmg-m", "dmg-z");
        var reporting = new ReportingService.ReportingServiceClient(server.Channel);
        await reporting.ReportValuesAsync(Rpc.Report("dmg-a", "2024", ("livestock_sheep", "1")));
        await reporting.ReportValuesAsync(Rpc.Report("dmg-z", "2024", ("livestock_sheep", "2")));
        for (var i = 0; i < 40; i++)
        {
            var report = Rpc.Report("dmg-m", $"2024-{i % 12 + 1:D2}", ("livestock_sheep", (10 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            report.Comment = Marker + new string('x', 450) + i;
            await reporting.ReportValuesAsync(report);
        }
        await server.StopAsync();
        await server.DisposeAsync();

        var journal = Path.Combine(data, "dongming.db");
        using (var connection = new SqliteConnection($"Data Source={journal};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        var bytes = await File.ReadAllBytesAsync(journal);
        var pageSize = bytes[16] << 8 | bytes[17];
        if (pageSize == 1) pageSize = 65536;
        var pages = new SortedSet<int>();
        var marker = Encoding.ASCII.GetBytes(Marker);
        for (var at = bytes.AsSpan().IndexOf(marker); at >= 0;)
        {
            // Leaf pages of the events table (WITHOUT ROWID: an index b-tree, leaf type 0x0A) hold one stretch of
            // rows each; interior pages hold copies of rows too, but damaging one would hit every village.
            if (bytes[at / pageSize * pageSize] == 0x0A) pages.Add(at / pageSize);
            var next = bytes.AsSpan(at + 1).IndexOf(marker);
            at = next < 0 ? -1 : at + 1 + next;
        }
        Assert.True(pages.Count >= 3, $"the village's rows span {pages.Count} pages");
        foreach (var page in pages.Skip(1).Take(pages.Count - 2)) // inner pages: only this village's rows
            bytes.AsSpan(page * pageSize, pageSize).Fill(0x5A);
        await File.WriteAllBytesAsync(journal, bytes);

        await using var again = await ServerProcess.StartAsync(data, demo: false);
        var client = new ReportingService.ReportingServiceClient(again.Channel);
        var (code, message, _) = await Rpc.Fails(() => client.GetValuesAsync(new GetValuesRequest { OrgUnitId = "dmg-m", Period = "2024-01" }).ResponseAsync);
        Assert.Equal(StatusCode.DataLoss, code);
        Assert.Contains("backup", message, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await Readiness(again));
        Assert.Equal("1", (await client.GetValuesAsync(new GetValuesRequest { OrgUnitId = "dmg-a", Period = "2024" })).Values.Single().Value);
        Assert.Contains("corrupted", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiskFull_AnswersUnavailable_ReadinessSaysSo_AndRecoversWhenSpaceIsFreed()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") Assert.Skip("needs root to mount a small tmpfs");
        var mount = Directory.CreateTempSubdirectory("dongming-full-").FullName;
        if (await Run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount) != 0) Assert.Skip("mounting a tmpfs is not allowed here");
        try
        {
            var data = Path.Combine(mount, "data");
            await using var server = await ServerProcess.StartAsync(data, demo: false);
            await SeedAsync(server, "full-zhen", "full-cun");
            var reporting = new ReportingService.ReportingServiceClient(server.Channel);
            var written = new Dictionary<string, ReportValuesRequest>();
            for (var i = 0; i < 5; i++)
            {
                var r = Rpc.Report("full-cun", $"2030-{i + 1:D2}", ("livestock_sheep", (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                await reporting.ReportValuesAsync(r);
                written[r.RequestId] = r;
            }

            var filler = Path.Combine(mount, "filler");
            await FillAsync(filler);
            var failed = new List<ReportValuesRequest>();
            var codes = new Dictionary<StatusCode, int>();
            for (var i = 0; i < 200; i++)
            {
                var r = Rpc.Report("full-cun", $"{2031 + i / 12}-{i % 12 + 1:D2}", ("livestock_sheep", (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                r.Comment = new string('满', 400);
                try
                {
                    await reporting.ReportValuesAsync(r);
                    written[r.RequestId] = r;
                    codes[StatusCode.OK] = codes.GetValueOrDefault(StatusCode.OK) + 1;
                }
                catch (RpcException e)
                {
                    codes[e.StatusCode] = codes.GetValueOrDefault(e.StatusCode) + 1;
                    failed.Add(r);
                }
            }
            var summary = string.Join(", ", codes.Select(c => $"{c.Key}: {c.Value}"));
            Assert.True(failed.Count > 0, "no write failed on a full disk: " + summary);
            Assert.True(codes.Keys.All(c => c is StatusCode.OK or StatusCode.Unavailable), summary);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await Readiness(server));
            Assert.Contains("storage full", server.Output, StringComparison.Ordinal);

            File.Delete(filler);
            await server.WaitReadyAgainAsync(TimeSpan.FromSeconds(30)); // by itself: no write needed
            foreach (var r in failed)
            {
                await reporting.ReportValuesAsync(r); // the same request ids: applied now, once
                written[r.RequestId] = r;
            }
            foreach (var r in written.Values)
            {
                var history = await reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "full-cun", Indicator = "livestock_sheep", Period = r.Period });
                Assert.Equal(r.Values[0].Value, Assert.Single(history.Revisions).Value);
            }
            await server.StopAsync();
        }
        finally
        {
            await Run("umount", "-l", mount);
        }
    }

    /// <summary>Writes to <paramref name="path"/> until the file system says it is full.</summary>
    private static async Task FillAsync(string path)
    {
        var chunk = new byte[1 << 20];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true) await file.WriteAsync(chunk);
        }
        catch (IOException)
        {
        }
        try
        {
            while (true) await file.WriteAsync(chunk.AsMemory(0, 4096)); // the last pages
        }
        catch (IOException)
        {
        }
    }

    private static async Task<int> Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
