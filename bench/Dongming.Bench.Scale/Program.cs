using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dongming.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

// Cold start and memory of a township of n villages, each with a year of monthly values, on a server this tool
// starts itself (Release build of src/Dongming.Server, a fresh data directory, the demo not loaded).
//   dotnet Dongming.Bench.Scale.dll cold-start 10000 [--kill] [--months 12]
//   dotnet Dongming.Bench.Scale.dll memory 10000,20000 [--months 12] [--collection-age 00:00:20] [--cold-start]
// (memory … --cold-start measures the cold start too, after the memory, on the same populated journal.)
var invariant = CultureInfo.InvariantCulture;
if (args.Length < 2 || args[0] is not ("cold-start" or "memory"))
{
    Console.Error.WriteLine("usage: cold-start <villages> [--kill] [--months m] | memory <v1,v2,…> [--months m] [--collection-age hh:mm:ss]");
    return 2;
}
var mode = args[0];
var counts = args[1].Split(',').Select(s => int.Parse(s, invariant)).ToArray();
var months = Option("--months") is { } m ? int.Parse(m, invariant) : 12;
var kill = args.Contains("--kill");
var collectionAge = Option("--collection-age") ?? "00:00:20";
var server = Option("--server") ?? Path.Combine(Repository(), "src/Dongming.Server/bin/Release/net10.0/Dongming.Server.dll");
const int Callers = 64;
string[] indicators = [.. Enumerable.Range(1, 10).Select(i => $"scale_count_{i:D2}")];

foreach (var n in counts)
{
    var data = Directory.CreateTempSubdirectory("dongming-scale-").FullName;
    var ports = new Ports();
    string[] extra = mode == "memory" ? [$"--Dongming:Grains:CollectionAge={collectionAge}"] : [];
    var process = Start(server, data, ports, extra);
    try
    {
        using var channel = await ConnectAsync(ports.Grpc, data, process);
        var empty = Status(process.Id);
        var township = "scale-" + Guid.NewGuid().ToString("N")[..8];
        var populating = Stopwatch.StartNew();
        await PopulateAsync(channel, township, n);
        Console.WriteLine($"populated {n} villages × {months} months × {indicators.Length} values in {populating.Elapsed.TotalSeconds:F0} s (load {Load()})");
        var expected = await TotalsAsync(channel, township);

        if (mode == "memory")
        {
            var rss = Status(process.Id);
            Console.WriteLine("  active: " + await ScrapeAsync(ports.Metrics));
            Console.WriteLine($"memory, {n} villages active: VmRSS {rss.Rss / 1024.0:F0} MiB (empty server {empty.Rss / 1024.0:F0} MiB), VmHWM {rss.Hwm / 1024.0:F0} MiB, " +
                $"{(rss.Rss - empty.Rss) / 1024.0 / n * 10000:F0} MiB per 10,000 villages above the empty server (load {Load()})");
            // Idle ledgers are collected after the collection age; the next call loads them again.
            var age = TimeSpan.Parse(collectionAge, invariant);
            await Task.Delay(age * 2 + TimeSpan.FromSeconds(5));
            var idle = Status(process.Id);
            Console.WriteLine("  idle: " + await ScrapeAsync(ports.Metrics));
            var sample = Enumerable.Range(0, Math.Min(n, 500)).Select(i => i * (n / Math.Min(n, 500))).ToArray();
            var reporting = new ReportingService.ReportingServiceClient(channel);
            var wrong = 0;
            var reading = Stopwatch.StartNew();
            foreach (var i in sample)
            {
                var values = await reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = Village(township, i), Period = $"2031-{months:D2}" }, Headers(data));
                var want = indicators.Select((code, k) => (code, Value(i, months, k))).ToList();
                if (!values.Values.Select(v => (v.Indicator, v.Value)).SequenceEqual(want)) wrong++;
            }
            var after = await TotalsAsync(channel, township);
            Console.WriteLine($"after {(age * 2 + TimeSpan.FromSeconds(5)).TotalSeconds:F0} s idle (collection age {age}): VmRSS {idle.Rss / 1024.0:F0} MiB; " +
                $"{sample.Length} sampled villages read back in {reading.Elapsed.TotalSeconds:F1} s, {wrong} wrong; totals {(after.SequenceEqual(expected) ? "equal" : "DIFFER")} (load {Load()})");
        }
        if (mode == "cold-start" || args.Contains("--cold-start"))
        {
            if (kill) process.Kill(); else await StopAsync(process);
            await process.WaitForExitAsync();
            channel.Dispose();
            var load = Load();
            var started = Stopwatch.StartNew();
            process = Start(server, data, ports, extra);
            using var again = await ConnectAsync(ports.Grpc, data, process, quiet: true);
            var serving = started.Elapsed;
            var answered = TimeSpan.Zero;
            var correct = false;
            while (started.Elapsed < TimeSpan.FromMinutes(5))
            {
                try
                {
                    var totals = await TotalsAsync(again, township);
                    if (answered == TimeSpan.Zero) answered = started.Elapsed;
                    if (totals.SequenceEqual(expected)) { correct = true; break; }
                }
                catch (RpcException) { }
                await Task.Delay(20);
            }
            Console.WriteLine($"cold start after {(kill ? "kill -9" : "a graceful stop")}, {n} villages: serving {serving.TotalSeconds:F2} s, first GetTotals {answered.TotalSeconds:F2} s, " +
                $"correct GetTotals {(correct ? started.Elapsed.TotalSeconds.ToString("F2", invariant) + " s" : "NOT within 5 min")} (load before restart {load})");
            var restarted = Status(process.Id);
            Console.WriteLine($"  after the restart (the township loaded, no ledger active): VmRSS {restarted.Rss / 1024.0:F0} MiB; " + await ScrapeAsync(ports.Metrics));
        }
    }
    finally
    {
        if (!process.HasExited) { process.Kill(); await process.WaitForExitAsync(); }
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }
}
return 0;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static string Village(string township, int i) => $"{township}-{i:D6}";

static string Value(int village, int month, int indicator) => (village % 997 + month * 10 + indicator).ToString(CultureInfo.InvariantCulture);

async Task PopulateAsync(GrpcChannel channel, string township, int n)
{
    var headers = Headers(DataDirectory.Current);
    await new TownshipService.TownshipServiceClient(channel).RegisterTownshipAsync(new RegisterTownshipRequest
    {
        Township = new Township { TownshipId = township, Name = "规模镇", StatisticalCode = "", CodeSystem = "" },
    }, headers);
    var catalog = new CatalogService.CatalogServiceClient(channel);
    foreach (var code in indicators)
    {
        await catalog.DefineIndicatorAsync(new DefineIndicatorRequest
        {
            RequestId = "define-" + code,
            Indicator = new Indicator { Code = code, NameZh = "计数" + code[^2..], NameEn = "Count " + code[^2..], Unit = "head", Category = "scale", Kind = IndicatorKind.Stock, EnteredAt = EnteredAt.Village },
        }, headers);
    }
    var villages = new VillageService.VillageServiceClient(channel);
    var reporting = new ReportingService.ReportingServiceClient(channel);
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < n; i = Interlocked.Increment(ref next))
        {
            await villages.RegisterVillageAsync(new RegisterVillageRequest { VillageId = Village(township, i), Name = "村" + i.ToString(invariant), Kind = VillageKind.Village, TownshipId = township }, headers);
            for (var month = 1; month <= months; month++)
            {
                var report = new ReportValuesRequest { OrgUnitId = Village(township, i), Period = $"2031-{month:D2}", RequestId = Guid.NewGuid().ToString("N") };
                report.Values.AddRange(indicators.Select((code, k) => new IndicatorValue { Indicator = code, Value = Value(i, month, k) }));
                await reporting.ReportValuesAsync(report, headers);
            }
            if ((i + 1) % 5000 == 0) Console.WriteLine($"  {i + 1} villages populated (load {Load()})");
        }
    }));
}

async Task<List<(string, string, int)>> TotalsAsync(GrpcChannel channel, string township)
{
    var result = new List<(string, string, int)>();
    foreach (var period in new[] { "2031", $"2031-{months:D2}" })
    {
        var totals = await new TownshipService.TownshipServiceClient(channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = township, Period = period }, Headers(DataDirectory.Current), deadline: DateTime.UtcNow.AddSeconds(30));
        result.AddRange(totals.Totals.Select(t => (period + "/" + t.Indicator, t.Value, t.VillagesReporting)));
    }
    return result;
}

static Metadata Headers(string data) => new() { { "authorization", "Bearer " + File.ReadAllText(Path.Combine(data, "admin.token")).Trim() } };

static Process Start(string server, string data, Ports ports, string[] extra)
{
    DataDirectory.Current = data;
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in (string[])[server, "--urls", $"http://127.0.0.1:{ports.Grpc}", $"--Dongming:DataDirectory={data}", "--Dongming:Demo:Load=false",
        $"--Dongming:Orleans:SiloPort={ports.Silo}", $"--Dongming:Orleans:GatewayPort={ports.Gateway}", $"--Dongming:Metrics:Port={ports.Metrics}", "--Dongming:Http:Port=0",
        "--Dongming:RateLimit:PermitsPerSecond=0", .. extra])
        start.ArgumentList.Add(a);
    var process = Process.Start(start)!;
    // Everything the server writes is kept beside its data directory (a failure under load is read there; the
    // restart of a cold start adds to it); the townships' load phases are shown as they come.
    var log = TextWriter.Synchronized(new StreamWriter(data.TrimEnd('/') + ".server.log", append: true) { AutoFlush = true });
    Console.WriteLine($"server {process.Id}: its output in {data.TrimEnd('/')}.server.log");
    process.OutputDataReceived += (_, e) =>
    {
        if (e.Data is null) return;
        log.WriteLine(e.Data);
        if (e.Data.Contains("Township ", StringComparison.Ordinal)) Console.WriteLine("server: " + e.Data.Trim());
    };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); Console.Error.WriteLine("server: " + e.Data); } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task<GrpcChannel> ConnectAsync(int port, string data, Process process, bool quiet = false)
{
    var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    var health = new Grpc.Health.V1.Health.HealthClient(channel);
    for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromMinutes(3);)
    {
        if (process.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode}");
        try
        {
            if (File.Exists(Path.Combine(data, "admin.token"))
                && (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "readiness" }, deadline: DateTime.UtcNow.AddSeconds(2))).Status == Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving)
                return channel;
        }
        catch (RpcException) { }
        await Task.Delay(20);
    }
    if (!quiet) Console.Error.WriteLine("the server did not become ready");
    throw new TimeoutException("the server did not become ready within 3 minutes");
}

static async Task StopAsync(Process process)
{
    using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
    await term.WaitForExitAsync();
}

static (long Rss, long Hwm) Status(int pid)
{
    long rss = 0, hwm = 0;
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
    return (rss, hwm);
}

// The GC heap after the last collection and the grain activations, from the server's Prometheus endpoint.
static async Task<string> ScrapeAsync(int port)
{
    using var http = new HttpClient();
    var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
    double Sum(string prefix) => text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(l => double.TryParse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture, out var v) ? v : 0);
    return $"GC heap {Sum("dotnet_gc_last_collection_heap_size_bytes") / 1048576:F0} MiB, committed {Sum("dotnet_gc_last_collection_memory_committed_size_bytes") / 1048576:F0} MiB; " +
        $"activations {Sum("orleans_catalog_activations"):F0} (created {Sum("orleans_catalog_activation_created"):F0}, destroyed {Sum("orleans_catalog_activation_destroyed"):F0})";
}

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

static string Repository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Dongming.sln"))) return dir.FullName;
    throw new InvalidOperationException("Dongming.sln not found above " + AppContext.BaseDirectory);
}

/// <summary>The running server's data directory (its admin token).</summary>
internal static class DataDirectory
{
    public static string Current { get; set; } = "";
}

/// <summary>Free loopback ports for one server, kept across its restart.</summary>
internal sealed class Ports
{
    public int Grpc { get; } = Free();
    public int Silo { get; } = Free();
    public int Gateway { get; } = Free();
    public int Metrics { get; } = Free();

    private static int Free()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
