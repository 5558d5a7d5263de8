using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace Dongming.Benchmark;

/// <summary>The result of one case (one RPC at one concurrency).</summary>
internal sealed record CaseResult(
    string Name,
    int Callers,
    long Calls,
    long Errors,
    double Seconds,
    double P50Ms,
    double P99Ms,
    long Unrecorded,
    string? FirstError)
{
    /// <summary>CPU time of the server process over the window, µs per successful call (null when its pid is unknown).</summary>
    public double? ServerCpuMicrosPerCall { get; init; }

    /// <summary>Successful calls per second over the measuring window.</summary>
    public double CallsPerSecond => Seconds > 0 ? Calls / Seconds : 0;

    /// <summary>True when the case produced numbers worth comparing.</summary>
    public bool Usable => Calls > 0;
}

/// <summary>Runs N concurrent callers of one RPC for a fixed time and records per-call latency.</summary>
internal static class Measurement
{
    // Samples preallocated per phase in total (split across callers): 200,000 calls/s is well above
    // what one client can do over loopback gRPC, so the arrays do not fill up in practice. A caller
    // that does fill its array still counts its calls (reported as "unrecorded").
    private const int SamplesPerSecond = 200_000;
    private const int MinSamplesPerCaller = 4_096;

    // A caller that fails this many calls in a row without a single success stops early
    // (server down, wrong address, missing token): no point spinning on errors for the whole window.
    private const int MaxErrorsWithoutSuccess = 100;

    /// <summary>Warm-up (not recorded), then the measuring window.</summary>
    /// <param name="call">The call of caller i (i = 0..callers-1); must throw <see cref="RpcException"/> on failure.</param>
    /// <param name="serverPid">The server's process id (local server): its CPU time over the window is read from /proc.</param>
    public static async Task<CaseResult> RunCaseAsync(string name, int callers, Func<int, Task> call, TimeSpan warmup, TimeSpan window, int? serverPid = null)
    {
        if (warmup > TimeSpan.Zero)
        {
            await RunPhaseAsync(name, callers, call, warmup, record: false).ConfigureAwait(false);
        }
        var cpuBefore = CpuSeconds(serverPid);
        var result = await RunPhaseAsync(name, callers, call, window, record: true).ConfigureAwait(false);
        var cpuAfter = CpuSeconds(serverPid);
        return cpuBefore is { } b && cpuAfter is { } a && result.Calls > 0
            ? result with { ServerCpuMicrosPerCall = (a - b) * 1e6 / result.Calls }
            : result;
    }

    /// <summary>User + system CPU seconds of a process (Linux /proc), or null.</summary>
    private static double? CpuSeconds(int? pid)
    {
        if (pid is not { } p)
        {
            return null;
        }
        try
        {
            var stat = File.ReadAllText($"/proc/{p}/stat");
            // Fields after the command name (which is in parentheses and may hold spaces): state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            const double TicksPerSecond = 100; // USER_HZ on Linux
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static async Task<CaseResult> RunPhaseAsync(string name, int callers, Func<int, Task> call, TimeSpan duration, bool record)
    {
        var capacity = record
            ? (int)Math.Max(MinSamplesPerCaller, Math.Min(int.MaxValue / 2, duration.TotalSeconds * SamplesPerSecond / callers))
            : 0;
        var stats = new CallerStats[callers];
        for (var i = 0; i < callers; i++)
        {
            stats[i] = new CallerStats(capacity);
        }

        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var caller = i;
            tasks[i] = Task.Run(() => CallerLoopAsync(caller, call, stopAt, stats[caller]));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        long calls = 0, errors = 0, unrecorded = 0, samples = 0;
        string? firstError = null;
        foreach (var s in stats)
        {
            calls += s.Calls;
            errors += s.Errors;
            unrecorded += s.Calls - s.Count;
            samples += s.Count;
            firstError ??= s.FirstError;
        }

        // Merge, sort, read the percentiles (nearest rank).
        var merged = new long[samples];
        var at = 0;
        foreach (var s in stats)
        {
            Array.Copy(s.Ticks, 0, merged, at, s.Count);
            at += s.Count;
        }
        Array.Sort(merged);

        return new CaseResult(name, callers, calls, errors, seconds,
            Percentile(merged, 0.50), Percentile(merged, 0.99), unrecorded, firstError);
    }

    private static async Task CallerLoopAsync(int caller, Func<int, Task> call, long stopAt, CallerStats stats)
    {
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await call(caller).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                stats.Errors++;
                stats.FirstError ??= $"{e.StatusCode}: {e.Status.Detail}";
                if (stats.Calls == 0 && stats.Errors >= MaxErrorsWithoutSuccess)
                {
                    return;
                }
                continue;
            }
            stats.Record(Stopwatch.GetTimestamp() - t0);
        }
    }

    private static double Percentile(long[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p * sorted.Length);
        var index = Math.Clamp(rank - 1, 0, sorted.Length - 1);
        return sorted[index] * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>Prints a table of results.</summary>
    public static void PrintTable(TextWriter w, IEnumerable<CaseResult> results)
    {
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"case",-34} {"callers",7} {"calls",10} {"calls/s",11} {"p50 ms",9} {"p99 ms",9} {"errors",8} {"srv µs/call",12}"));
        w.WriteLine(new string('-', 34 + 7 + 10 + 11 + 9 + 9 + 8 + 12 + 7));
        foreach (var r in results)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-34} {r.Callers,7} {r.Calls,10} {r.CallsPerSecond,11:F1} {r.P50Ms,9:F3} {r.P99Ms,9:F3} {r.Errors,8} {(r.ServerCpuMicrosPerCall is { } cpu ? cpu.ToString("F1", CultureInfo.InvariantCulture) : "-"),12}"));
        }
        foreach (var r in results)
        {
            if (r.Errors > 0)
            {
                w.WriteLine($"  ! {r.Name} x{r.Callers}: {r.Errors} failed calls, first: {r.FirstError}");
            }
            if (r.Unrecorded > 0)
            {
                w.WriteLine($"  ! {r.Name} x{r.Callers}: {r.Unrecorded} calls beyond the preallocated latency arrays (counted, not in p50/p99)");
            }
        }
    }

    /// <summary>Per-caller counters and latency samples (touched by one caller only).</summary>
    private sealed class CallerStats(int capacity)
    {
        public readonly long[] Ticks = new long[capacity];
        public int Count;
        public long Calls;
        public long Errors;
        public string? FirstError;

        public void Record(long ticks)
        {
            Calls++;
            if (Count < Ticks.Length)
            {
                Ticks[Count++] = ticks;
            }
        }
    }
}
