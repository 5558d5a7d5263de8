using System.Diagnostics;
using System.Globalization;
using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Cluster.Tests;

/// <summary>
/// Three silos of the real server on PostgreSQL and Redis: the demo loads once when all start together; one silo
/// is killed (-9) or stopped (SIGTERM) under concurrent load through all three endpoints; nothing acknowledged is
/// lost, township totals equal the sum of villages, and every village answers again within the membership timeout.
/// </summary>
public sealed class ClusterTests(Infrastructure infrastructure, ITestOutputHelper output)
{
    /// <summary>A killed silo is declared dead after about ProbeTimeout × (MissedProbesLimit + 1); allow a margin for a loaded 2-core machine.</summary>
    private static readonly TimeSpan MembershipTimeout = Silo.ProbeTimeout * (Silo.MissedProbesLimit + 1);
    private static readonly TimeSpan RecoveryBudget = MembershipTimeout + TimeSpan.FromSeconds(10);

    private string _clusterId = "";

    private static readonly string[] Villages = [.. Tsv.Read("villages.tsv").Select(r => r["id"])];

    private async Task<List<Silo>> StartClusterAsync(int count)
    {
        if (infrastructure.SkipReason is { } reason) Assert.Skip(reason);
        var journal = await infrastructure.CreateDatabaseAsync();
        var clusterId = _clusterId = "test-" + Guid.NewGuid().ToString("N")[..12];
        var started = Stopwatch.StartNew();
        var silos = Enumerable.Range(1, count).Select(i => Silo.Start($"silo{i}", clusterId, journal, infrastructure.Redis, demo: true)).ToList();
        try
        {
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(TimeSpan.FromMinutes(4))));
        }
        catch
        {
            foreach (var s in silos) output.WriteLine($"--- {s.Name} ---\n{s.Output}");
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
            throw;
        }
        output.WriteLine($"{count} silos ready in {started.Elapsed.TotalSeconds:F1} s (cluster {clusterId})");
        return silos;
    }

    [Fact]
    public async Task Kill9_OneOfThreeSilos_UnderLoad_LosesNothingAcknowledged()
    {
        var silos = await StartClusterAsync(3);
        Exception? failure = null;
        try
        {
            await AssertDemoLoadedOnceAsync(silos[0].Client);

            var load = new Load(silos, Villages);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(workersPerSilo: 3, stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(4)); // load before the kill
            var victim = silos[1];
            load.Retire(victim);
            await victim.KillAsync();
            var killedAt = load.Now;
            output.WriteLine($"killed {victim.Name} at {killedAt.TotalSeconds:F1} s");
            var survivors = silos.Where(s => s != victim).ToList();

            var recovery = await WaitEveryVillageAnswersAsync(survivors);
            output.WriteLine($"every village answered again {recovery.TotalSeconds:F1} s after the kill (membership timeout ~{MembershipTimeout.TotalSeconds:F0} s)");
            await Task.Delay(TimeSpan.FromSeconds(3)); // load after recovery
            stop.Cancel();
            await running;

            Report(load, killedAt);
            Assert.True(recovery <= RecoveryBudget, $"villages answered again only after {recovery.TotalSeconds:F1} s (budget {RecoveryBudget.TotalSeconds:F0} s)");
            // After recovery no call through a surviving endpoint fails.
            var lateFailures = load.Calls.Where(c => c.Failure is not null && c.Endpoint != victim.Name && c.SentAt > killedAt + recovery + TimeSpan.FromSeconds(1)).ToList();
            Assert.True(lateFailures.Count == 0, $"calls through surviving endpoints failed after recovery: {string.Join(", ", lateFailures.Take(10))}");
            Assert.Contains(load.Calls, c => c.Failure is null && c.SentAt > killedAt + recovery);

            await AssertAcknowledgedWritesPresentAsync(load, survivors);
            await AssertTotalsEqualSumOfVillagesAsync(load, survivors);
            await AssertMetricsExportedAsync(survivors);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            await DisposeAsync(silos, failure);
        }
    }

    [Fact]
    public async Task Sigterm_OneOfThreeSilos_UnderLoad_NoFailedCallsOnTheOthers()
    {
        var silos = await StartClusterAsync(3);
        Exception? failure = null;
        try
        {
            var load = new Load(silos, Villages);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(workersPerSilo: 3, stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(4));
            var stopped = silos[2];
            load.Retire(stopped);
            stopped.Terminate();
            var stoppedAt = load.Now;
            Assert.True(await stopped.WaitForExitAsync(TimeSpan.FromSeconds(45)), $"{stopped.Name} did not exit within 45 s of SIGTERM");
            output.WriteLine($"{stopped.Name} exited {(load.Now - stoppedAt).TotalSeconds:F1} s after SIGTERM with code {stopped.ExitCode}");
            await Task.Delay(TimeSpan.FromSeconds(5)); // load on the two left
            stop.Cancel();
            await running;

            Report(load, stoppedAt);
            Assert.Equal(0, stopped.ExitCode);
            Assert.Contains("Dongming is shutting down", stopped.Output, StringComparison.Ordinal);
            Assert.Contains("Dongming stopped", stopped.Output, StringComparison.Ordinal);
            var survivors = silos.Where(s => s != stopped).ToList();
            // Calls to the stopping silo's own endpoint may fail; calls through the others must not.
            var failures = load.Calls.Where(c => c.Failure is not null && c.Endpoint != stopped.Name).ToList();
            Assert.True(failures.Count == 0, $"{failures.Count} calls through the surviving endpoints failed: {string.Join(", ", failures.Take(10))}");
            Assert.Contains(load.Calls, c => c.Failure is null && c.SentAt > stoppedAt + TimeSpan.FromSeconds(2));

            await AssertAcknowledgedWritesPresentAsync(load, survivors);
            await AssertTotalsEqualSumOfVillagesAsync(load, survivors);
            await AssertLeftTheClusterAsync(stopped);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            await DisposeAsync(silos, failure);
        }
    }

    private void Report(Load load, TimeSpan eventAt)
    {
        foreach (var group in load.Calls.GroupBy(c => (c.Endpoint, c.Kind)).OrderBy(g => g.Key))
            output.WriteLine($"{group.Key.Endpoint} {group.Key.Kind}: {group.Count(c => c.Failure is null)} ok, {group.Count(c => c.Failure is not null)} failed");
        foreach (var f in load.Calls.Where(c => c.Failure is not null).OrderBy(c => c.SentAt).Take(20))
            output.WriteLine($"  failed {f.Endpoint} {f.Kind} {f.Failure} at {(f.SentAt - eventAt).TotalSeconds:+0.00;-0.00} s");
        output.WriteLine($"{load.Values.Count} values and {load.CaseChanges.Count} case changes acknowledged");
    }

    /// <summary>From now, polls every village through the surviving endpoints until each answers; returns the time the last one took.</summary>
    private static async Task<TimeSpan> WaitEveryVillageAnswersAsync(IReadOnlyList<Silo> survivors)
    {
        var started = Stopwatch.StartNew();
        var pending = Villages.ToHashSet();
        var until = RecoveryBudget + TimeSpan.FromSeconds(20);
        while (pending.Count > 0 && started.Elapsed < until)
        {
            await Task.WhenAll(pending.ToList().SelectMany(v => survivors.Select(async s =>
            {
                try
                {
                    await s.Client.Villages.GetVillageAsync(new GetVillageRequest { VillageId = v }, DongmingClient.Options(TimeSpan.FromSeconds(2)));
                    await s.Client.Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = v, Period = "2023" }, DongmingClient.Options(TimeSpan.FromSeconds(2)));
                    lock (pending) pending.Remove(v);
                }
                catch (RpcException)
                {
                }
            })));
            if (pending.Count > 0) await Task.Delay(200); // the cluster is still noticing the death
        }
        Assert.True(pending.Count == 0, $"villages still not answering after {until.TotalSeconds:F0} s: {string.Join(", ", pending)}");
        return started.Elapsed;
    }

    private static async Task AssertAcknowledgedWritesPresentAsync(Load load, IReadOnlyList<Silo> survivors)
    {
        Assert.NotEmpty(load.Values);
        var missing = new List<string>();
        await Parallel.ForEachAsync(load.Values.Select((v, i) => (v, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (x, _) =>
        {
            var ((village, period, value), i) = x;
            var client = survivors[i % survivors.Count].Client;
            var read = await client.Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = village, Period = period, Indicators = { Load.Indicator } }, DongmingClient.Options());
            if (read.Values.SingleOrDefault()?.Value != value) lock (missing) missing.Add($"{village} {period} = {value}");
        });
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged values lost: {string.Join(", ", missing.Take(10))}");

        var lost = new List<string>();
        foreach (var group in load.CaseChanges.GroupBy(c => c.CaseId))
        {
            var history = await survivors[0].Client.Cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = group.Key }, DongmingClient.Options());
            var ids = history.Entries.Select(e => e.RequestId).ToHashSet();
            lost.AddRange(group.Where(c => !ids.Contains(c.RequestId)).Select(c => $"{c.CaseId} {c.RequestId}"));
            var current = await survivors[1 % survivors.Count].Client.Cases.GetCaseAsync(new GetCaseRequest { CaseId = group.Key }, DongmingClient.Options());
            Assert.True(current.Case.Version >= group.Max(c => c.Version), $"{group.Key} is at version {current.Case.Version}, below an acknowledged {group.Max(c => c.Version)}");
        }
        Assert.True(lost.Count == 0, $"acknowledged case changes lost: {string.Join(", ", lost.Take(10))}");
    }

    /// <summary>
    /// For every month written to: the township total equals the sum of the villages' own values (read from their
    /// ledgers), and its breakdown matches village by village. Totals catch up within a few seconds (a township
    /// repairs from the journals after a silo died), so this polls for a while before failing.
    /// </summary>
    private async Task AssertTotalsEqualSumOfVillagesAsync(Load load, IReadOnlyList<Silo> survivors)
    {
        var periods = load.Attempted.GroupBy(a => a.Period).ToDictionary(g => g.Key, g => g.Select(a => a.Village).Distinct().ToList());
        var until = Stopwatch.StartNew();
        List<string> wrong;
        do
        {
            wrong = [];
            foreach (var (period, villages) in periods)
            {
                var ledger = new Dictionary<string, decimal>();
                foreach (var v in villages)
                {
                    var read = await survivors[0].Client.Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = v, Period = period, Indicators = { Load.Indicator } }, DongmingClient.Options());
                    if (read.Values.SingleOrDefault() is { } value) ledger[v] = decimal.Parse(value.Value, CultureInfo.InvariantCulture);
                }
                var totals = await survivors[^1].Client.Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { Load.Indicator }, IncludeBreakdown = true }, DongmingClient.Options());
                var total = totals.Totals.SingleOrDefault();
                var kept = total is null ? 0m : decimal.Parse(total.Value, CultureInfo.InvariantCulture);
                var breakdown = total?.Breakdown.ToDictionary(b => b.OrgUnitId, b => decimal.Parse(b.Value, CultureInfo.InvariantCulture)) ?? [];
                if (kept != ledger.Values.Sum() || breakdown.Values.Sum() != kept || ledger.Any(kv => breakdown.GetValueOrDefault(kv.Key) != kv.Value))
                    wrong.Add($"{period}: total {kept}, villages {ledger.Values.Sum()}");
            }
            if (wrong.Count == 0) break;
            await Task.Delay(500); // the township catching up
        }
        while (until.Elapsed < TimeSpan.FromSeconds(30));
        Assert.True(wrong.Count == 0, $"township totals differ from the sum of villages: {string.Join("; ", wrong.Take(10))}");
        output.WriteLine($"totals of {periods.Count} months equal the sum of villages ({until.Elapsed.TotalSeconds:F1} s)");
    }

    /// <summary>All three silos loading the demo at once load it exactly once: 2023 totals as in the report, case counts not doubled.</summary>
    private static async Task AssertDemoLoadedOnceAsync(DongmingClient client)
    {
        var totals = (await client.Township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" }, DongmingClient.Options())).Totals.ToDictionary(t => t.Indicator);
        var expected = Tsv.Read("township-2023.tsv");
        Assert.True(expected.Count > 90);
        foreach (var row in expected)
        {
            Assert.True(totals.TryGetValue(row["code"], out var total), $"no total for {row["code"]}");
            Assert.Equal(decimal.Parse(row["value"], CultureInfo.InvariantCulture), decimal.Parse(total.Value, CultureInfo.InvariantCulture));
        }
        foreach (var row in Tsv.Read("cases-2023.tsv").Where(r => r["total"] != "unknown"))
        {
            var batches = row["batches"].Split(',');
            var summary = await client.Township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = "dongming", CaseType = row["case_type"], AsOf = "2023-12-31" }, DongmingClient.Options());
            Assert.Equal(int.Parse(row["total"], CultureInfo.InvariantCulture), summary.Rows.Where(r => batches.Contains(r.Batch)).Sum(r => r.Count));
        }
    }

    /// <summary>Prometheus /metrics of the silos (the township lives on one of them): the service's, the journal's and Orleans' meters.</summary>
    private static async Task AssertMetricsExportedAsync(IReadOnlyList<Silo> silos)
    {
        var metrics = string.Join('\n', await Task.WhenAll(silos.Select(s => s.ScrapeMetricsAsync())));
        Assert.Contains("dongming_cases_opened_total", metrics, StringComparison.Ordinal);
        Assert.Contains("dongming_values_reported_total", metrics, StringComparison.Ordinal);
        Assert.Contains("dongming_totals_update_lag_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("dongming_journal_commit_batch_size", metrics, StringComparison.Ordinal);
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
    }

    /// <summary>The membership table (Redis) lists the stopped silo as Dead: it left, rather than being voted out later.</summary>
    private async Task AssertLeftTheClusterAsync(Silo stopped)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(infrastructure.Redis);
        var server = redis.GetServers().Single();
        var entries = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: $"*{_clusterId}*"))
        {
            if (await redis.GetDatabase().KeyTypeAsync(key) != StackExchange.Redis.RedisType.Hash) continue;
            foreach (var e in await redis.GetDatabase().HashGetAllAsync(key)) entries.Add($"{e.Name} {e.Value}");
        }
        var mine = entries.Where(e => e.Contains($":{stopped.SiloPort}", StringComparison.Ordinal)).ToList();
        Assert.True(mine.Count == 1 && System.Text.RegularExpressions.Regex.IsMatch(mine[0], "\"Status\"\\s*:\\s*(6|\"Dead\")"),
            $"membership entry of {stopped.Name} (silo port {stopped.SiloPort}) is not Dead:\n{string.Join('\n', entries)}");
    }

    /// <summary>
    /// Stops the silos; after a failure (or with DONGMING_TEST_SILO_LOGS=1), prints their logs, and then the failure
    /// again, last: CI shows the tail of long output.
    /// </summary>
    private async Task DisposeAsync(List<Silo> silos, Exception? failure)
    {
        if (failure is not null || Environment.GetEnvironmentVariable("DONGMING_TEST_SILO_LOGS") == "1")
            foreach (var s in silos) output.WriteLine($"--- {s.Name} ---\n{s.Output}");
        if (failure is not null)
            output.WriteLine($"=== failed: {failure.GetType().Name}: {(failure.Message.Length > 2000 ? failure.Message[..2000] + " …" : failure.Message)}");
        await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
    }
}

public static class Tsv
{
    public static List<Dictionary<string, string>> Read(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", file)).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split('\t');
        return [.. lines.Skip(1).Select(l => { var c = l.Split('\t'); return header.Select((h, i) => (h, i < c.Length ? c[i] : "")).ToDictionary(x => x.h, x => x.Item2); })];
    }
}
