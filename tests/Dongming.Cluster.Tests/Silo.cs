using Dongming.Tests.Shared;

namespace Dongming.Cluster.Tests;

/// <summary>
/// One silo of a test cluster: the real server binary in cluster mode (Redis membership, PostgreSQL journal) in a
/// child process, every port picked free (Orleans silo ports don't fail when reused on Linux, so two silos on a
/// default port would silently share it).
/// </summary>
public sealed class Silo : IAsyncDisposable
{
    /// <summary>
    /// Failure detection of the test clusters: probe every 2 s, vote after 3 missed probes, so a silo that stops
    /// answering is declared dead within ~8 s (a killed one, whose connections are refused, usually sooner).
    /// Not 1 s: three silos and the other test assemblies share 2 cores, and starved silos must not vote each other out.
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    public const int MissedProbesLimit = 3;

    private readonly ServerChild _process;

    private Silo(string name, ServerChild process, int port, int siloPort, int metricsPort)
    {
        Name = name;
        _process = process;
        Port = port;
        SiloPort = siloPort;
        MetricsPort = metricsPort;
        Client = new DongmingClient($"http://127.0.0.1:{port}");
    }

    public string Name { get; }
    public int Port { get; }
    public int SiloPort { get; }
    public int MetricsPort { get; }
    public DongmingClient Client { get; }
    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output => _process.Output;

    /// <summary>Starts a silo of cluster <paramref name="clusterId"/> (not waiting for it to be ready).</summary>
    public static Silo Start(string name, string clusterId, string journal, string redis, bool demo, params string[] extraArgs)
    {
        var port = Infrastructure.FreePort();
        var siloPort = Infrastructure.FreePort();
        var gatewayPort = Infrastructure.FreePort();
        var metricsPort = Infrastructure.FreePort();
        var httpPort = Infrastructure.FreePort();
        string I(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = ServerChild.Start(new[]
        {
            "--urls", $"http://127.0.0.1:{I(port)}",
            "--Dongming:Mode=cluster",
            $"--ConnectionStrings:Journal={journal}",
            $"--ConnectionStrings:Redis={redis}",
            $"--Dongming:Orleans:ClusterId={clusterId}",
            "--Dongming:Orleans:AdvertisedAddress=127.0.0.1",
            $"--Dongming:Orleans:SiloPort={I(siloPort)}",
            $"--Dongming:Orleans:GatewayPort={I(gatewayPort)}",
            $"--Dongming:Orleans:Membership:ProbeTimeout={ProbeTimeout}",
            $"--Dongming:Orleans:Membership:MissedProbesLimit={I(MissedProbesLimit)}",
            $"--Dongming:Metrics:Port={I(metricsPort)}",
            $"--Dongming:Http:Port={I(httpPort)}",
            $"--Dongming:Demo:Load={demo}",
            $"--Dongming:DataDirectory={Path.GetTempPath()}",
            "--HostOptions:ShutdownTimeout=00:00:30",
            ClusterAuth.SigningKeyArgument, "--Dongming:RateLimit:PermitsPerSecond=0",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Dongming=Information", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
        }.Concat(extraArgs));
        var silo = new Silo(name, process, port, siloPort, metricsPort);
        return silo;
    }

    /// <summary>Waits until the readiness service answers SERVING (silo joined, demo load done, journal answering).</summary>
    public Task WaitReadyAsync(TimeSpan timeout) => _process.WaitServingAsync(Client.Channel, "readiness", timeout, $"silo {Name}");

    /// <summary>kill -9: no shutdown, no flush, no goodbye to the cluster.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Sends SIGTERM (what Kubernetes does) without waiting.</summary>
    public void Terminate() => _process.Terminate();

    public Task<bool> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public async Task<string> ScrapeMetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.StopAsync(TimeSpan.FromSeconds(45));
        _process.Dispose();
    }
}
