using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Dongming.Server.Tests;

/// <summary>
/// The real server binary in a child process on free loopback ports (Orleans ports don't fail when taken on
/// Linux, so every port is picked free) with its own data directory — so tests can restart it or kill -9 it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, string dataDirectory, int port, int siloPort, int gatewayPort)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Port = port;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public GrpcChannel Channel { get; }

    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server on <paramref name="dataDirectory"/> (a new temp folder if null) and waits until it is ready.</summary>
    public static async Task<ServerProcess> StartAsync(string? dataDirectory = null, bool demo = true, params string[] extraArgs)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("dongming-e2e-").FullName;
        var port = FreePort();
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Dongming.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[]
        {
            dll, "--urls", $"http://127.0.0.1:{port}", $"--Dongming:DataDirectory={dataDirectory}",
            $"--Dongming:Orleans:SiloPort={siloPort}", $"--Dongming:Orleans:GatewayPort={gatewayPort}", $"--Dongming:Demo:Load={demo}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Dongming=Information", "--Dongming:Metrics:Port=0",
        }.Concat(extraArgs)) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(info)!;
        var server = new ServerProcess(process, dataDirectory, port, siloPort, gatewayPort);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitReadyAsync();
        return server;
    }

    private async Task WaitReadyAsync()
    {
        var health = new Health.HealthClient(Channel);
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (Grpc.Core.RpcException)
            {
            }
            await Task.Delay(200); // polling a starting process: nothing to await on
        }
        throw new TimeoutException($"server not ready in time:\n{Output}");
    }

    /// <summary>kill -9: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Graceful stop (SIGTERM).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
    }
}
