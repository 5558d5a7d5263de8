using Dongming.Tests.Shared;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Dongming.Server.Tests;

/// <summary>
/// The real server binary in a child process on free loopback ports (Orleans ports don't fail when taken on
/// Linux, so every port is picked free) with its own data directory — so tests can restart it or kill -9 it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ServerChild _process;

    private ServerProcess(ServerChild process, string dataDirectory, int port, int siloPort, int gatewayPort, int httpPort, HttpMessageHandler? tls = null)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Port = port;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Address = $"{(tls is null ? "http" : "https")}://127.0.0.1:{port}";
        // Calls on Channel carry the admin token the server wrote to its data directory (read once it is ready).
        var admin = CallCredentials.FromInterceptor((_, metadata) =>
        {
            if (AdminToken is { } token) metadata.Add("authorization", "Bearer " + token);
            return Task.CompletedTask;
        });
        Channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(tls is null ? ChannelCredentials.Insecure : ChannelCredentials.SecureSsl, admin),
            UnsafeUseInsecureChannelCallCredentials = true,
            HttpHandler = tls,
            DisposeHttpClient = false,
        });
        Anonymous = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = tls, DisposeHttpClient = false });
    }

    public string Address { get; }

    /// <summary>The token of <c>admin.token</c> in the data directory (null until the server is ready).</summary>
    public string? AdminToken { get; private set; }

    /// <summary>A channel without any token.</summary>
    public GrpcChannel Anonymous { get; }

    /// <summary>Calls carrying <paramref name="token"/> as a bearer token.</summary>
    public CallInvoker As(string token) => Anonymous.Intercept(metadata =>
    {
        metadata.Add("authorization", "Bearer " + token);
        return metadata;
    });

    public string DataDirectory { get; }
    public int Port { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }

    /// <summary>The HTTP/JSON port (<c>Dongming:Http:Port</c>), HTTP/1.1.</summary>
    public int HttpPort { get; }

    public string HttpAddress => $"http://127.0.0.1:{HttpPort}";
    /// <summary>A channel calling as admin (the token of <c>admin.token</c>).</summary>
    public GrpcChannel Channel { get; }

    public string Output => _process.Output;

    public static int FreePort() => ServerChild.FreePort();

    /// <summary>Starts the server on <paramref name="dataDirectory"/> (a new temp folder if null) and waits until it is ready.</summary>
    public static Task<ServerProcess> StartAsync(string? dataDirectory = null, bool demo = true, params string[] extraArgs) =>
        StartAsync(dataDirectory, demo, tls: null, extraArgs);

    /// <summary>As <see cref="StartAsync(string?, bool, string[])"/>, serving https when <paramref name="tls"/> (the client's handler) is given.</summary>
    public static Task<ServerProcess> StartAsync(string? dataDirectory, bool demo, HttpMessageHandler? tls, params string[] extraArgs) =>
        StartCoreAsync(dataDirectory, demo, tls, openFileLimit: null, extraArgs);

    /// <summary>A server without the demo in a new data directory, under a limit of open files (<c>ulimit -n</c>).</summary>
    public static Task<ServerProcess> StartWithOpenFileLimitAsync(int openFileLimit, params string[] extraArgs) =>
        StartCoreAsync(null, false, null, openFileLimit, extraArgs);

    private static async Task<ServerProcess> StartCoreAsync(string? dataDirectory, bool demo, HttpMessageHandler? tls, int? openFileLimit, string[] extraArgs)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("dongming-e2e-").FullName;
        var port = FreePort();
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var httpPort = FreePort();
        var process = ServerChild.Start(new[]
        {
            "--urls", $"{(tls is null ? "http" : "https")}://127.0.0.1:{port}", $"--Dongming:DataDirectory={dataDirectory}",
            $"--Dongming:Orleans:SiloPort={siloPort}", $"--Dongming:Orleans:GatewayPort={gatewayPort}", $"--Dongming:Demo:Load={demo}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Dongming=Information", "--Dongming:Metrics:Port=0",
            $"--Dongming:Http:Port={httpPort}",
        }.Concat(extraArgs), openFileLimit: openFileLimit);
        var server = new ServerProcess(process, dataDirectory, port, siloPort, gatewayPort, httpPort, tls);
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            await server.DisposeAsync(); // a server that never became ready is not left running
            throw;
        }
        return server;
    }

    private async Task WaitReadyAsync()
    {
        await _process.WaitServingAsync(Anonymous, "", TimeSpan.FromSeconds(120), "server"); // health needs no token
        var tokenFile = Path.Combine(DataDirectory, "admin.token");
        if (File.Exists(tokenFile)) AdminToken = (await File.ReadAllTextAsync(tokenFile)).Trim();
    }

    /// <summary>kill -9: no shutdown, no flush.</summary>
    public Task KillAsync() => _process.KillAsync();

    public bool HasExited => _process.HasExited;

    /// <summary>Polls readiness until SERVING (e.g. after a fault is cleared).</summary>
    public Task WaitReadyAgainAsync(TimeSpan timeout) => _process.WaitServingAsync(Anonymous, "readiness", timeout, "server");

    /// <summary>Graceful stop (SIGTERM); killed if it has not exited within a minute.</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Anonymous.Dispose();
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
    }
}
