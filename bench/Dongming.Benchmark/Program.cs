using System.Globalization;
using Dongming.Contracts.V1;
using Grpc.Core;
using Grpc.Health.V1;

namespace Dongming.Benchmark;

/// <summary>
/// Measures calls/s and p50/p99 latency of a no-op (health check), GetTotals and ReportValues at 1 and
/// 64 concurrent callers against a running server, and optionally GetTotals with many villages.
/// See bench/README.md.
/// </summary>
internal static class Program
{
    /// <summary>Villages of the first stage of (d) (as many as the demo township has).</summary>
    public const int BaseVillages = 33;

    private const string DemoTownship = "dongming";
    private const string DemoPeriod = "2023";
    private const int ValuesPerReport = 10;
    private const int LowCallers = 1;
    private const int HighCallers = 64;
    private const double NoOpTarget = 0.7;
    private const double TotalsTarget = 0.8;
    private const string BareCase = "(0) bare grpc-dotnet Health/Check";
    private const double ReportTarget = 0.5;
    private const double ScalingTarget = 1.2;
    private const double RollUpTarget = 1.2;

    // (e): years written only by the benchmark, far from the demo's 2023 and from --period's default 2099-12.
    private const string DirectYear = "2097";
    private const string RolledUpYear = "2098";
    private const int MaxPages = 1_000;

    private static readonly int[] CallerCounts = [LowCallers, HighCallers];

    // Units of whole-number counts: a random whole value is valid for every one of them.
    private static readonly HashSet<string> CountUnits =
        ["head", "person", "household", "tree", "plot", "building", "times", "item", "project", "site", "village"];

    public static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args, Console.Error);
        if (options is null)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var window = TimeSpan.FromSeconds(options.Seconds);
        Console.WriteLine($"Dongming benchmark: target {options.Target}, window {options.Seconds} s, warm-up {options.WarmupSeconds} s, " +
                          $"{Clients.ChannelCount} channels round-robin, token {(options.Token is null ? "none" : "yes")}, " +
                          $"write period {options.Period}, {Environment.ProcessorCount} cores (client and server share them if local)");

        using var clients = new Clients(options.Target, options.Token);
        // The bare server gets the same metadata (its token is ignored there), so the client's work per call is the same.
        using var bare = options.Bare is { } bareTarget ? new Clients(bareTarget, options.Token) : null;

        // Preflight: a server that does not answer ends the run here instead of producing a table of errors.
        if (!await WaitForHealthAsync(clients, options.Target, options.WaitSeconds)
            || (bare is not null && !await WaitForHealthAsync(bare, options.Bare!, options.WaitSeconds)))
        {
            return 1;
        }

        var indicators = await SelectIndicatorsAsync(clients);
        var villages = await ListVillageIdsAsync(clients, DemoTownship);
        await DescribeTotalsAsync(clients, DemoTownship, DemoPeriod, "Demo totals");

        var healthRequest = new HealthCheckRequest { Service = "" };
        var totalsRequest = new GetTotalsRequest { TownshipId = DemoTownship, Period = DemoPeriod };
        var canReport = indicators.Count > 0 && villages.Count > 0;
        if (!canReport)
        {
            Console.WriteLine("(c) ReportValues is skipped: no village or no suitable indicator.");
        }

        // The cases of one round, in the order they run; every round runs all of them at every caller count, so the
        // cases are interleaved in time and a ratio compares figures measured minutes apart at most.
        var cases = new List<(string Name, Func<int, Task> Call, int? Pid)>();
        if (bare is not null && options.Only.Contains('a'))
        {
            cases.Add((BareCase, async i => await bare.Health[i % Clients.ChannelCount].CheckAsync(healthRequest, bare.Options()), options.BarePid));
        }
        if (options.Only.Contains('a'))
        {
            cases.Add(("(a) Health/Check (no-op)", async i => await clients.Health[i % Clients.ChannelCount].CheckAsync(healthRequest, clients.Options()), options.ServerPid));
        }
        if (options.Only.Contains('b'))
        {
            cases.Add(("(b) GetTotals dongming 2023", async i => await clients.Township[i % Clients.ChannelCount].GetTotalsAsync(totalsRequest, clients.Options()), options.ServerPid));
            // The same call with the answer kept as bytes: the ratio without the client's parse on the shared cores.
            var raw = await clients.Invokers[0].AsyncUnaryCall(Clients.RawTotals, null, clients.Options(), totalsRequest);
            var parsed = await clients.Township[0].GetTotalsAsync(totalsRequest, clients.Options());
            if (!GetTotalsResponse.Parser.ParseFrom(raw).Equals(parsed)) throw new InvalidOperationException("GetTotals as bytes is not the parsed answer");
            cases.Add(("(b2) GetTotals, answer as bytes", async i => await clients.Invokers[i % Clients.ChannelCount].AsyncUnaryCall(Clients.RawTotals, null, clients.Options(), totalsRequest), options.ServerPid));
        }
        if (canReport && options.Only.Contains('c'))
        {
            cases.Add(($"(c) ReportValues x{indicators.Count} {options.Period}", async i => await clients.Reporting[i % Clients.ChannelCount].ReportValuesAsync(
                NewReport(villages[Random.Shared.Next(villages.Count)], options.Period, indicators), clients.Options()), options.ServerPid));
        }

        var callerCounts = options.Callers ?? CallerCounts;
        if (options.SettleSeconds > 0 && cases.Count > 0)
        {
            Console.WriteLine($"Settling: every case for {options.SettleSeconds} s at {callerCounts.Max()} callers, not recorded...");
            foreach (var (name, call, _) in cases)
            {
                await Measurement.RunCaseAsync(name, callerCounts.Max(), call, TimeSpan.Zero, TimeSpan.FromSeconds(options.SettleSeconds));
            }
        }
        var rounds = new List<List<CaseResult>>();
        for (var round = 1; cases.Count > 0 && round <= options.Rounds; round++)
        {
            var results = new List<CaseResult>();
            foreach (var callers in callerCounts)
            {
                Console.WriteLine($"Round {round}/{options.Rounds}: {callers} caller(s)...");
                foreach (var (name, call, pid) in cases)
                {
                    results.Add(await Measurement.RunCaseAsync(name, callers, call, warmup, window, pid));
                }
            }
            Console.WriteLine();
            Console.WriteLine($"Round {round}:");
            Measurement.PrintTable(Console.Out, results);
            Console.WriteLine();
            rounds.Add(results);
        }
        if (rounds.Count > 0)
        {
            PrintRatios(rounds, callerCounts);
        }

        if (options.RollUp)
        {
            if (!canReport)
            {
                Console.WriteLine();
                Console.WriteLine("(e) is skipped: no village or no suitable indicator to report.");
            }
            else
            {
                await RunRollUpAsync(clients, options, villages, indicators, warmup, window);
            }
        }

        if (options.Villages is { } total)
        {
            if (indicators.Count == 0)
            {
                Console.WriteLine();
                Console.WriteLine("(d) is skipped: no suitable indicator to report.");
            }
            else
            {
                await RunVillageScalingAsync(clients, options, total, indicators, warmup, window);
            }
        }

        if (options.WriteVillages is { } counts && indicators.Count > 0)
        {
            await RunWriteScalingAsync(clients, options, counts, indicators, warmup, window);
        }

        if (options.Watchers is { } watchers && canReport)
        {
            await Watches.RunAsync(clients, options, watchers, async i => await clients.Reporting[i % Clients.ChannelCount].ReportValuesAsync(
                NewReport(villages[Random.Shared.Next(villages.Count)], options.Period, indicators), clients.Options()), callerCounts, warmup, window);
        }

        if (options.Banner is { } shape && indicators.Count > 0)
        {
            await RunBannerAsync(clients, options, shape.Townships, shape.Villages, indicators, warmup, window);
        }
        return 0;
    }

    /// <summary>
    /// (g): a fresh banner of <paramref name="townshipCount"/> townships of <paramref name="villageCount"/> villages
    /// (each reporting (c)'s values once), then GetBannerTotals of the banner against GetTotals of its first township,
    /// interleaved at every caller count: a banner read is a read of kept sums, like a township's.
    /// </summary>
    private static async Task RunBannerAsync(
        Clients clients, Options options, int townshipCount, int villageCount, List<string> indicators, TimeSpan warmup, TimeSpan window)
    {
        Console.WriteLine();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var bannerId = "bench-qi-" + tag;
        Console.WriteLine($"(g) banner {bannerId}: {townshipCount} townships x {villageCount} villages, period {options.Period} (left on the server afterwards)");
        var townships = new List<string>();
        try
        {
            await clients.Banner[0].RegisterBannerAsync(new RegisterBannerRequest { BannerId = bannerId, Name = "基准旗" }, clients.Options());
            for (var t = 1; t <= townshipCount; t++)
            {
                var townshipTag = $"{tag}t{t}";
                var townshipId = "bench-" + townshipTag;
                await clients.Township[0].RegisterTownshipAsync(new RegisterTownshipRequest
                {
                    Township = new Township { TownshipId = townshipId, Name = $"基准镇{t}", StatisticalCode = "", CodeSystem = "" },
                }, clients.Options());
                await PopulateAsync(clients, townshipId, townshipTag, 1, villageCount, options.Period, indicators);
                await clients.Banner[0].AddTownshipAsync(new AddTownshipRequest { BannerId = bannerId, TownshipId = townshipId }, clients.Options());
                townships.Add(townshipId);
            }
        }
        catch (RpcException e)
        {
            Console.WriteLine($"(g) is skipped: setting the banner up failed: {e.StatusCode}: {e.Status.Detail}");
            return;
        }

        var bannerRequest = new GetBannerTotalsRequest { BannerId = bannerId, Period = options.Period };
        var townshipRequest = new GetTotalsRequest { TownshipId = townships[0], Period = options.Period };
        var banner = await clients.Banner[0].GetBannerTotalsAsync(bannerRequest, clients.Options());
        var first = await clients.Township[0].GetTotalsAsync(townshipRequest, clients.Options());
        Console.WriteLine($"  banner answer: {banner.Totals.Count} totals, {banner.CalculateSize():N0} bytes, {banner.TownshipCount} townships, " +
                          $"villages reporting {banner.Totals.FirstOrDefault()?.VillagesReporting}; township answer: {first.Totals.Count} totals, {first.CalculateSize():N0} bytes");

        var results = new List<CaseResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var callers in options.Callers ?? CallerCounts)
            {
                Console.WriteLine($"Round {round}/{options.Rounds}: (g), {callers} caller(s)...");
                results.Add(await Measurement.RunCaseAsync("(g1) GetTotals, 1 township", callers,
                    async i => await clients.Township[i % Clients.ChannelCount].GetTotalsAsync(townshipRequest, clients.Options()), warmup, window, options.ServerPid));
                results.Add(await Measurement.RunCaseAsync($"(g2) GetBannerTotals, {townshipCount} townships", callers,
                    async i => await clients.Banner[i % Clients.ChannelCount].GetBannerTotalsAsync(bannerRequest, clients.Options()), warmup, window, options.ServerPid));
            }
        }

        Console.WriteLine();
        Measurement.PrintTable(Console.Out, results);
        Console.WriteLine();
        Console.WriteLine($"calls/s GetBannerTotals / calls/s GetTotals of one township, same round and callers (median [min-max] of {options.Rounds} round(s)):");
        foreach (var callers in options.Callers ?? CallerCounts)
        {
            var ratios = new List<double>();
            var inCallers = results.Where(r => r.Callers == callers).ToList();
            for (var k = 0; k + 1 < inCallers.Count; k += 2)
            {
                if (inCallers[k] is { Usable: true } t && inCallers[k + 1] is { Usable: true } b) ratios.Add(b.CallsPerSecond / t.CallsPerSecond);
            }
            ratios.Sort();
            Console.WriteLine(ratios.Count == 0 ? $"  {callers} caller(s): n/a"
                : string.Create(CultureInfo.InvariantCulture, $"  {callers} caller(s): {ratios[ratios.Count / 2]:F2} [{ratios[0]:F2}-{ratios[^1]:F2}]"));
        }
    }

    /// <summary>
    /// (f): ReportValues into a fresh township of n villages for each n of <c>--write-villages</c> (e.g. 33, 330, 3,300),
    /// at every caller count: do writes slow down, or speed up, as the villages they spread over grow?
    /// </summary>
    private static async Task RunWriteScalingAsync(
        Clients clients, Options options, int[] counts, List<string> indicators, TimeSpan warmup, TimeSpan window)
    {
        // All townships first, then the cases interleaved (every n at one caller count, then the next; --rounds times),
        // so that a change of the machine's load or the JIT's warm-up does not favour one n.
        var townships = new List<(int N, List<string> Villages)>();
        foreach (var n in counts)
        {
            Console.WriteLine();
            var tag = Guid.NewGuid().ToString("N")[..8];
            var townshipId = "bench-" + tag;
            Console.WriteLine($"(f) ReportValues into {n} villages: township {townshipId}, period {options.Period} (left on the server afterwards)");
            try
            {
                await clients.Township[0].RegisterTownshipAsync(new RegisterTownshipRequest
                {
                    Township = new Township { TownshipId = townshipId, Name = "基准镇", StatisticalCode = "", CodeSystem = "" },
                }, clients.Options());
            }
            catch (RpcException e)
            {
                Console.WriteLine($"(f) is skipped: RegisterTownship failed: {e.StatusCode}: {e.Status.Detail}");
                return;
            }
            await PopulateAsync(clients, townshipId, tag, 1, n, options.Period, indicators);
            townships.Add((n, Enumerable.Range(1, n).Select(k => $"bv-{tag}-{k}").ToList()));
        }

        var results = new List<CaseResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var callers in options.Callers ?? CallerCounts)
            {
                Console.WriteLine($"Round {round}/{options.Rounds}: (f), {callers} caller(s)...");
                foreach (var (n, villageIds) in townships)
                {
                    results.Add(await Measurement.RunCaseAsync($"(f) ReportValues x{indicators.Count}, {n} villages", callers,
                        async i => await clients.Reporting[i % Clients.ChannelCount].ReportValuesAsync(
                            NewReport(villageIds[Random.Shared.Next(villageIds.Count)], options.Period, indicators), clients.Options()),
                        warmup, window, options.ServerPid));
                }
            }
        }

        Console.WriteLine();
        Measurement.PrintTable(Console.Out, results);
        Console.WriteLine();
        Console.WriteLine($"calls/s with n villages / calls/s with {counts[0]} villages, same round and callers (median [min-max] of {options.Rounds} round(s)):");
        foreach (var callers in options.Callers ?? CallerCounts)
        {
            var line = string.Join("  ", counts.Skip(1).Select(n =>
            {
                var ratios = new List<double>();
                for (var round = 0; round < options.Rounds; round++)
                {
                    var inRound = results.Where(r => r.Callers == callers).Skip(round * counts.Length).Take(counts.Length).ToList();
                    var first = inRound.FirstOrDefault();
                    var r = inRound.FirstOrDefault(x => x.Name.EndsWith($", {n} villages", StringComparison.Ordinal));
                    if (first is { Usable: true } && r is { Usable: true })
                    {
                        ratios.Add(r.CallsPerSecond / first.CallsPerSecond);
                    }
                }
                ratios.Sort();
                return ratios.Count == 0 ? $"{n}: n/a"
                    : string.Create(CultureInfo.InvariantCulture, $"{n}: {ratios[ratios.Count / 2]:F2} [{ratios[0]:F2}-{ratios[^1]:F2}]");
            }));
            Console.WriteLine($"  {callers} caller(s): {line}");
        }
    }

    /// <summary>Up to 10 village-entered, non-computed count indicators, by code.</summary>
    private static async Task<List<string>> SelectIndicatorsAsync(Clients clients)
    {
        try
        {
            var response = await clients.Catalog[0].ListIndicatorsAsync(new ListIndicatorsRequest(), clients.Options());
            var codes = response.Indicators
                .Where(x => x.EnteredAt == EnteredAt.Village && !x.Computed && x.Parts.Count == 0
                            && x.Kind != IndicatorKind.Ratio && CountUnits.Contains(x.Unit))
                .Select(x => x.Code)
                .Order(StringComparer.Ordinal)
                .Take(ValuesPerReport)
                .ToList();
            Console.WriteLine($"Indicators for ReportValues ({codes.Count}): {string.Join(", ", codes)}");
            return codes;
        }
        catch (RpcException e)
        {
            Console.WriteLine($"ListIndicators failed: {e.StatusCode}: {e.Status.Detail}");
            return [];
        }
    }

    /// <summary>Every village id of a township (paged, bounded).</summary>
    private static async Task<List<string>> ListVillageIdsAsync(Clients clients, string townshipId)
    {
        var ids = new List<string>();
        try
        {
            var token = "";
            for (var page = 0; page < MaxPages; page++)
            {
                var response = await clients.Villages[0].ListVillagesAsync(
                    new ListVillagesRequest { TownshipId = townshipId, PageSize = 1000, PageToken = token }, clients.Options());
                ids.AddRange(response.Villages.Select(v => v.VillageId));
                token = response.NextPageToken;
                if (string.IsNullOrEmpty(token))
                {
                    break;
                }
            }
            Console.WriteLine($"Villages of {townshipId}: {ids.Count}");
        }
        catch (RpcException e)
        {
            Console.WriteLine($"ListVillages {townshipId} failed: {e.StatusCode}: {e.Status.Detail}");
        }
        return ids;
    }

    /// <summary>One GetTotals call, summarised (so the reader knows how big the answer is).</summary>
    private static async Task DescribeTotalsAsync(Clients clients, string townshipId, string period, string label)
    {
        try
        {
            var r = await clients.Township[0].GetTotalsAsync(
                new GetTotalsRequest { TownshipId = townshipId, Period = period }, clients.Options());
            var reporting = r.Totals.Count == 0 ? 0 : r.Totals.Max(t => t.VillagesReporting);
            Console.WriteLine($"{label}: {townshipId} {period}: {r.Totals.Count} totals, up to {reporting} villages reporting, " +
                              $"{r.CalculateSize()} bytes, version {r.Version}");
        }
        catch (RpcException e)
        {
            Console.WriteLine($"{label}: GetTotals {townshipId} {period} failed: {e.StatusCode}: {e.Status.Detail}");
        }
    }

    /// <summary>A report of whole values for the given indicators, with a fresh request id.</summary>
    private static ReportValuesRequest NewReport(string orgUnitId, string period, List<string> indicators)
    {
        var request = new ReportValuesRequest
        {
            OrgUnitId = orgUnitId,
            Period = period,
            RequestId = "bench-" + Guid.NewGuid().ToString("N"),
        };
        foreach (var code in indicators)
        {
            request.Values.Add(new IndicatorValue
            {
                Indicator = code,
                Value = Random.Shared.Next(0, 1000).ToString(CultureInfo.InvariantCulture),
            });
        }
        return request;
    }

    /// <summary>Waits until the health check answers (up to <paramref name="seconds"/>); false, with the reason, when it never does.</summary>
    private static async Task<bool> WaitForHealthAsync(Clients clients, Uri target, int seconds)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                var health = await clients.Health[0].CheckAsync(new HealthCheckRequest { Service = "" }, clients.Options());
                Console.WriteLine($"Health of {target}: {health.Status}");
                return true;
            }
            catch (RpcException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
            catch (RpcException e)
            {
                Console.Error.WriteLine($"The server at {target} does not answer the health check: {e.StatusCode}: {e.Status.Detail}");
                return false;
            }
        }
    }

    /// <summary>
    /// Ratios of calls/s at the same number of callers within each round, then their median and range over the rounds:
    /// the machine's load changes between rounds, and the ratio of two cases measured side by side varies less than
    /// either figure.
    /// </summary>
    private static void PrintRatios(List<List<CaseResult>> rounds, int[] callerCounts)
    {
        static double? Ratio(List<CaseResult> results, string prefix, string basePrefix, int callers, bool cpu)
        {
            var a = results.FirstOrDefault(r => r.Name.StartsWith(basePrefix, StringComparison.Ordinal) && r.Callers == callers);
            var x = results.FirstOrDefault(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.Callers == callers);
            if (a is not { Usable: true } || x is not { Usable: true })
            {
                return null;
            }
            // CPU: the base's server CPU per call over the case's (as a throughput ratio would be if the server's CPU were the limit).
            return !cpu ? x.CallsPerSecond / a.CallsPerSecond
                : a.ServerCpuMicrosPerCall is { } ca && x.ServerCpuMicrosPerCall is { } cx && cx > 0 ? ca / cx : null;
        }

        // Median and range over the rounds that measured both cases.
        (double Median, double Min, double Max)? Summary(string prefix, string basePrefix, int callers, bool cpu = false)
        {
            var values = rounds.Select(r => Ratio(r, prefix, basePrefix, callers, cpu)).OfType<double>().Order().ToList();
            if (values.Count == 0)
            {
                return null;
            }
            var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
            return (median, values[0], values[^1]);
        }

        static string Show((double Median, double Min, double Max)? v) => v is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{s.Median:F2} [{s.Min:F2}-{s.Max:F2}]")
            : "n/a";

        var rows = new List<(string Label, string Prefix, string Base, double Target)>
        {
            ("a/bare no-op", "(a)", BareCase, NoOpTarget),
            ("b/a GetTotals", "(b)", "(a)", TotalsTarget),
            ("c/a ReportValues", "(c)", "(a)", ReportTarget),
        };
        var informative = new List<(string Label, string Prefix, string Base)>
        {
            ("b2/a as bytes", "(b2)", "(a)"),
            ("b/bare GetTotals", "(b)", BareCase),
            ("c/bare Report", "(c)", BareCase),
        };
        Console.WriteLine($"Throughput ratios (calls/s of the case / calls/s of its base, same round and callers; median [min-max] of {rounds.Count} round(s)):");
        Console.WriteLine("  " + string.Concat(new[] { $"{"",-18}" }.Concat(callerCounts.Select(c => $" {c + " caller" + (c == 1 ? "" : "s"),20}"))));
        foreach (var (label, prefix, basePrefix, _) in rows)
        {
            Console.WriteLine("  " + string.Concat(new[] { $"{label,-18}" }.Concat(callerCounts.Select(c => $" {Show(Summary(prefix, basePrefix, c)),20}"))));
        }
        foreach (var (label, prefix, basePrefix) in informative)
        {
            Console.WriteLine("  " + string.Concat(new[] { $"{label,-18}" }.Concat(callerCounts.Select(c => $" {Show(Summary(prefix, basePrefix, c)),20}"))));
        }
        if (rounds.Any(r => r.Any(x => x.ServerCpuMicrosPerCall is not null)))
        {
            Console.WriteLine("Server CPU ratios (server CPU µs per call of the base / of the case; steadier than calls/s on a shared machine):");
            foreach (var (label, prefix, basePrefix, _) in rows)
            {
                Console.WriteLine("  " + string.Concat(new[] { $"{label,-18}" }.Concat(callerCounts.Select(c => $" {Show(Summary(prefix, basePrefix, c, cpu: true)),20}"))));
            }
        }
        Console.WriteLine($"Targets at {HighCallers} callers (the median):");
        foreach (var (label, prefix, basePrefix, target) in rows)
        {
            PrintTarget(label[..label.IndexOf(' ', StringComparison.Ordinal)], Summary(prefix, basePrefix, HighCallers)?.Median, target, atLeast: true);
        }
    }

    private static void PrintTarget(string label, double? value, double target, bool atLeast)
    {
        var op = atLeast ? ">=" : "<=";
        var verdict = value is not { } v ? "FAIL (no result)"
            : (atLeast ? v >= target : v <= target) ? "PASS" : "FAIL";
        var shown = value is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-28} {shown,6} {op} {target:F1}  {verdict}"));
    }

    /// <summary>
    /// (e): every village of the demo township reports the same indicators for <see cref="DirectYear"/> directly and for
    /// the four quarters of <see cref="RolledUpYear"/>; then GetTotals of either year (the same indicators, so the same
    /// number of totals) is measured in the same run, and ReportValues into a quarter (which changes the quarter's and
    /// the year's kept totals) against ReportValues into a year.
    /// </summary>
    private static async Task RunRollUpAsync(
        Clients clients, Options options, List<string> villages, List<string> indicators, TimeSpan warmup, TimeSpan window)
    {
        Console.WriteLine();
        Console.WriteLine($"(e) Roll-ups: {villages.Count} villages of {DemoTownship} report {indicators.Count} values for {DemoTownship} {DirectYear} " +
                          $"and for each quarter of {RolledUpYear} (left on the server afterwards)");
        var setup = new List<Task>();
        foreach (var village in villages)
        {
            setup.Add(clients.Reporting[0].ReportValuesAsync(NewReport(village, DirectYear, indicators), clients.Options()).ResponseAsync);
            foreach (var q in new[] { "Q1", "Q2", "Q3", "Q4" })
            {
                setup.Add(clients.Reporting[1].ReportValuesAsync(NewReport(village, RolledUpYear + q, indicators), clients.Options()).ResponseAsync);
            }
        }
        try
        {
            await Task.WhenAll(setup);
        }
        catch (RpcException e)
        {
            Console.WriteLine($"(e) is skipped: a report failed: {e.StatusCode}: {e.Status.Detail}");
            return;
        }

        GetTotalsRequest Totals(string year)
        {
            var request = new GetTotalsRequest { TownshipId = DemoTownship, Period = year };
            request.Indicators.AddRange(indicators);
            return request;
        }

        var direct = Totals(DirectYear);
        var rolled = Totals(RolledUpYear);
        var sample = await clients.Township[0].GetTotalsAsync(rolled, clients.Options());
        Console.WriteLine($"Totals {RolledUpYear}: {sample.Totals.Count} totals, {sample.Totals.Count(t => t.FromPeriods.Count > 0)} rolled up from quarters, " +
                          $"up to {(sample.Totals.Count == 0 ? 0 : sample.Totals.Max(t => t.RolledUpUnits))} villages rolled up, {sample.CalculateSize()} bytes");
        await DescribeTotalsAsync(clients, DemoTownship, DirectYear, "Totals (all indicators)");

        var results = new List<CaseResult>();
        foreach (var callers in options.Callers ?? CallerCounts)
        {
            Console.WriteLine($"Running (e) with {callers} caller(s)...");
            results.Add(await Measurement.RunCaseAsync($"(e1) GetTotals {DirectYear} entered", callers,
                async i => await clients.Township[i % Clients.ChannelCount].GetTotalsAsync(direct, clients.Options()), warmup, window));
            results.Add(await Measurement.RunCaseAsync($"(e2) GetTotals {RolledUpYear} rolled up", callers,
                async i => await clients.Township[i % Clients.ChannelCount].GetTotalsAsync(rolled, clients.Options()), warmup, window));
            results.Add(await Measurement.RunCaseAsync($"(e3) ReportValues into {DirectYear}", callers,
                async i => await clients.Reporting[i % Clients.ChannelCount].ReportValuesAsync(
                    NewReport(villages[Random.Shared.Next(villages.Count)], DirectYear, indicators), clients.Options()), warmup, window));
            results.Add(await Measurement.RunCaseAsync($"(e4) ReportValues into {RolledUpYear}Q3", callers,
                async i => await clients.Reporting[i % Clients.ChannelCount].ReportValuesAsync(
                    NewReport(villages[Random.Shared.Next(villages.Count)], RolledUpYear + "Q3", indicators), clients.Options()), warmup, window));
        }

        Console.WriteLine();
        Measurement.PrintTable(Console.Out, results);
        Console.WriteLine();
        Console.WriteLine($"Rolled-up year / entered year, same callers (target for GetTotals p50 <= {RollUpTarget.ToString("F1", CultureInfo.InvariantCulture)}: " +
                          "a rolled-up year is read from kept totals like an entered one):");
        foreach (var callers in options.Callers ?? CallerCounts)
        {
            CaseResult? Find(string prefix) => results.FirstOrDefault(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.Callers == callers);
            double? Ratio(CaseResult? x, CaseResult? y, Func<CaseResult, double> f) => x is { Usable: true } && y is { Usable: true } && f(y) > 0 ? f(x) / f(y) : null;
            var (e1, e2, e3, e4) = (Find("(e1)"), Find("(e2)"), Find("(e3)"), Find("(e4)"));
            PrintTarget($"GetTotals p50, {callers} caller(s)", Ratio(e2, e1, r => r.P50Ms), RollUpTarget, atLeast: false);
            var throughput = Ratio(e2, e1, r => r.CallsPerSecond);
            var writes = Ratio(e4, e3, r => r.CallsPerSecond);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  calls/s rolled-up/entered, {callers} caller(s): GetTotals {(throughput is { } t ? t.ToString("F2", CultureInfo.InvariantCulture) : "n/a")}, " +
                $"ReportValues quarter/year {(writes is { } w ? w.ToString("F2", CultureInfo.InvariantCulture) : "n/a")}"));
        }
    }

    /// <summary>(d): GetTotals of a fresh township with 33 villages, then with <paramref name="total"/> villages.</summary>
    private static async Task RunVillageScalingAsync(
        Clients clients, Options options, int total, List<string> indicators, TimeSpan warmup, TimeSpan window)
    {
        Console.WriteLine();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var townshipId = "bench-" + tag;
        Console.WriteLine($"(d) GetTotals with {BaseVillages} vs {total} villages: township {townshipId}, period {options.Period} " +
                          "(left on the server afterwards)");
        try
        {
            await clients.Township[0].RegisterTownshipAsync(new RegisterTownshipRequest
            {
                Township = new Township { TownshipId = townshipId, Name = "基准镇", StatisticalCode = "", CodeSystem = "" },
            }, clients.Options());
        }
        catch (RpcException e)
        {
            Console.WriteLine($"(d) is skipped: RegisterTownship failed: {e.StatusCode}: {e.Status.Detail}");
            return;
        }

        var request = new GetTotalsRequest { TownshipId = townshipId, Period = options.Period };
        async Task<List<CaseResult>> MeasureAsync(int villageCount)
        {
            await DescribeTotalsAsync(clients, townshipId, options.Period, $"Totals with {villageCount} villages");
            var list = new List<CaseResult>();
            foreach (var callers in CallerCounts)
            {
                Console.WriteLine($"Running GetTotals, {villageCount} villages, {callers} caller(s)...");
                list.Add(await Measurement.RunCaseAsync($"(d) GetTotals {villageCount} villages", callers,
                    async i => await clients.Township[i % Clients.ChannelCount].GetTotalsAsync(request, clients.Options()),
                    warmup, window));
            }
            return list;
        }

        await PopulateAsync(clients, townshipId, tag, 1, BaseVillages, options.Period, indicators);
        var small = await MeasureAsync(BaseVillages);
        await PopulateAsync(clients, townshipId, tag, BaseVillages + 1, total, options.Period, indicators);
        var large = await MeasureAsync(total);

        Console.WriteLine();
        Measurement.PrintTable(Console.Out, [.. small, .. large]);
        Console.WriteLine();
        Console.WriteLine($"p50 latency ratio, {total} villages / {BaseVillages} villages (target <= {ScalingTarget.ToString("F1", CultureInfo.InvariantCulture)}):");
        foreach (var callers in options.Callers ?? CallerCounts)
        {
            var s = small.FirstOrDefault(r => r.Callers == callers);
            var l = large.FirstOrDefault(r => r.Callers == callers);
            double? ratio = s is { Usable: true } && l is { Usable: true } && s.P50Ms > 0 ? l.P50Ms / s.P50Ms : null;
            PrintTarget($"{callers} caller(s)", ratio, ScalingTarget, atLeast: false);
        }
    }

    /// <summary>Registers villages bv-TAG-from..bv-TAG-to (64 concurrent callers) and reports values into each.</summary>
    private static async Task PopulateAsync(
        Clients clients, string townshipId, string tag, int from, int to, string period, List<string> indicators)
    {
        if (to < from)
        {
            return;
        }
        Console.WriteLine($"Registering villages {from}..{to} and reporting {indicators.Count} values into each...");
        var next = from - 1;
        var done = 0;
        var failed = 0;
        string? firstError = null;
        var count = to - from + 1;
        var progressEvery = Math.Max(1_000, count / 10);

        async Task WorkerAsync(int worker)
        {
            var channel = worker % Clients.ChannelCount;
            while (true)
            {
                var n = Interlocked.Increment(ref next);
                if (n > to)
                {
                    return;
                }
                // Never all digits: starts with "bv-".
                var villageId = $"bv-{tag}-{n}";
                try
                {
                    await clients.Villages[channel].RegisterVillageAsync(new RegisterVillageRequest
                    {
                        VillageId = villageId,
                        Name = $"基准村{n}",
                        Kind = VillageKind.Unknown,
                        TownshipId = townshipId,
                    }, clients.Options());
                    await clients.Reporting[channel].ReportValuesAsync(NewReport(villageId, period, indicators), clients.Options());
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"{villageId}: {e.StatusCode}: {e.Status.Detail}", null);
                }
                var d = Interlocked.Increment(ref done);
                if (d % progressEvery == 0)
                {
                    Console.WriteLine($"  {d}/{count}");
                }
            }
        }

        var workers = Math.Min(HighCallers, count);
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            tasks[w] = Task.Run(() => WorkerAsync(worker));
        }
        await Task.WhenAll(tasks);
        Console.WriteLine(failed == 0
            ? $"  {count} villages registered and reported."
            : $"  {count - failed} of {count} villages registered and reported; {failed} failed, first: {firstError}");
    }
}
