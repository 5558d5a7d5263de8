using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Benchmark;

/// <summary>
/// (w): writes while townships are watched. Opens <c>--watchers n</c> WatchTotals streams on the written period of the
/// demo township, each reading every message, and measures (c)'s ReportValues with and without them, interleaved: a
/// change is computed once and shared by every watcher (src/Dongming.Server/Services/TotalsFeed.cs), so writes should
/// not slow down with the number of watchers.
/// </summary>
internal static class Watches
{
    private const string Township = "dongming";

    public static async Task RunAsync(Clients clients, Options options, int watchers, Func<int, Task> report, IReadOnlyList<int> callerCounts, TimeSpan warmup, TimeSpan window)
    {
        Console.WriteLine();
        Console.WriteLine($"(w) ReportValues with {watchers} WatchTotals streams open on {Township} {options.Period} (and without, interleaved):");
        var results = new List<CaseResult>();
        var perRound = new List<(int Callers, double Without, double With, double MessagesPerWrite)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var callers in callerCounts)
            {
                var without = await Measurement.RunCaseAsync("(w0) ReportValues, no watcher", callers, report, warmup, window, options.ServerPid);
                using var stop = new CancellationTokenSource();
                var counts = new long[watchers];
                var streams = Enumerable.Range(0, watchers).Select(i => WatchAsync(clients, i, options.Period, counts, stop.Token)).ToList();
                var with = await Measurement.RunCaseAsync($"(w1) ReportValues, {watchers} watchers", callers, report, warmup, window, options.ServerPid);
                var received = counts.Sum();
                await stop.CancelAsync();
                var failed = 0;
                foreach (var s in streams)
                {
                    if (!await s) failed++;
                }
                results.Add(without);
                results.Add(with);
                // Messages per watcher per successful write over warm-up and window (a change may carry several writes).
                var writes = with.Calls * (window + warmup).TotalSeconds / window.TotalSeconds;
                perRound.Add((callers, without.Calls / without.Seconds, with.Calls / with.Seconds, writes > 0 ? received / (double)watchers / writes : 0));
                if (failed > 0) Console.WriteLine($"  {failed} of {watchers} streams failed (raise Dongming:Watch:MaxStreamsPerCaller for one token)");
            }
        }
        Measurement.PrintTable(Console.Out, results);
        foreach (var group in perRound.GroupBy(r => r.Callers))
        {
            var ratios = group.Select(r => r.Without > 0 ? r.With / r.Without : 0).Order().ToList();
            Console.WriteLine($"  {group.Key} callers: calls/s with / without watchers {ratios[ratios.Count / 2]:0.00} [{ratios[0]:0.00}-{ratios[^1]:0.00}], " +
                              $"messages per watcher per write {group.Average(r => r.MessagesPerWrite):0.00}");
        }
    }

    /// <summary>Reads one stream until stopped; false when it ended with an error of its own.</summary>
    private static async Task<bool> WatchAsync(Clients clients, int i, string period, long[] counts, CancellationToken stop)
    {
        try
        {
            using var call = clients.Township[i % Clients.ChannelCount].WatchTotals(new WatchTotalsRequest { TownshipId = Township, Period = period },
                new CallOptions(headers: clients.Headers, cancellationToken: stop));
            await foreach (var _ in call.ResponseStream.ReadAllAsync(stop)) Interlocked.Increment(ref counts[i]);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled || stop.IsCancellationRequested)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (RpcException)
        {
            return false;
        }
    }
}
