using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Dongming.Tests.Shared;

/// <summary>
/// The real server binary (<c>Dongming.Server.dll</c> beside the test assembly) in a child process: its output
/// captured for failure messages, stopped with SIGTERM (what Kubernetes sends) or killed (-9). Shared by the
/// end-to-end and the cluster tests (linked into both projects).
/// </summary>
public sealed class ServerChild : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerChild(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A free loopback port, never one this process handed out before (the kernel may offer a just-released port
    /// again, and one server given the same port for two settings is refused at start). Every test host takes free
    /// ports: Orleans silo ports don't fail when taken on Linux.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port)) return port;
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet Dongming.Server.dll</c> with these arguments (not waiting for it to serve); with
    /// <paramref name="openFileLimit"/>, under that limit of open files (<c>ulimit -n</c>, then exec: same process).
    /// </summary>
    public static ServerChild Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, int? openFileLimit = null)
    {
        var info = new ProcessStartInfo(openFileLimit is null ? "dotnet" : "bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (openFileLimit is { } limit)
        {
            foreach (var a in new[] { "-c", $"ulimit -n {limit} && exec \"$0\" \"$@\"", "dotnet" }) info.ArgumentList.Add(a);
        }
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dongming.Server.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        var child = new ServerChild(Process.Start(info)!);
        child._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (child._output) child._output.Add(e.Data); };
        child._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (child._output) child._output.Add(e.Data); };
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Polls the health service <paramref name="service"/> (health needs no token) until it answers SERVING.</summary>
    public async Task WaitServingAsync(GrpcChannel channel, string service, TimeSpan timeout, string name)
    {
        var health = new Health.HealthClient(channel);
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{name} exited with {_process.ExitCode}:\n{Output}");
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (Grpc.Core.RpcException)
            {
            }
            await Task.Delay(200); // polling a starting process: nothing to await on
        }
        throw new TimeoutException($"{name} not ready within {timeout}:\n{Output}");
    }

    /// <summary>kill -9: no shutdown, no flush, no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM without waiting.</summary>
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

    /// <summary>SIGTERM, then kill -9 if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        Terminate();
        if (!await WaitForExitAsync(grace)) await KillAsync();
    }

    public void Dispose() => _process.Dispose();
}
