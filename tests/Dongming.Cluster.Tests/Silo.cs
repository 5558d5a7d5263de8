using System.Diagnostics;
using Grpc.Health.V1;

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

    private readonly Process _process;
    private readonly List<string> _output = [];

    private Silo(string name, Process process, int port, int siloPort, int metricsPort)
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
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    /// <summary>Starts a silo of cluster <paramref name="clusterId"/> (not waiting for it to be ready).</summary>
    public static Silo Start(string name, string clusterId, string journal, string redis, bool demo, params string[] extraArgs)
    {
        var port = Infrastructure.FreePort();
        var siloPort = Infrastructure.FreePort();
        var gatewayPort = Infrastructure.FreePort();
        var metricsPort = Infrastructure.FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        string I(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Dongming.Server.dll"),
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
            $"--Dongming:Demo:Load={demo}",
            $"--Dongming:DataDirectory={Path.GetTempPath()}",
            "--HostOptions:ShutdownTimeout=00:00:30",
            ClusterAuth.SigningKeyArgument, "--Dongming:RateLimit:PermitsPerSecond=0",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Dongming=Information", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
        }.Concat(extraArgs)) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var process = Process.Start(info)!;
        var silo = new Silo(name, process, port, siloPort, metricsPort);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (silo._output) silo._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (silo._output) silo._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits until the readiness service answers SERVING (silo joined, demo load done, journal answering).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var health = new Health.HealthClient(Client.Channel);
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"silo {Name} exited with {_process.ExitCode}:\n{Output}");
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest { Service = "readiness" }, deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (Grpc.Core.RpcException)
            {
            }
            await Task.Delay(250); // polling a starting process: nothing to await on
        }
        throw new TimeoutException($"silo {Name} not ready within {timeout}:\n{Output}");
    }

    /// <summary>kill -9: no shutdown, no flush, no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM (what Kubernetes does) without waiting.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    public async Task<string> ScrapeMetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            Terminate();
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(45))) await KillAsync();
        }
        _process.Dispose();
    }
}
