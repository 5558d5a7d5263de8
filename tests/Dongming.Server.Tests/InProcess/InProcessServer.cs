using Dongming.Server.Hosting;
using Dongming.Server.Security;
using Dongming.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Dongming.Server.Tests.InProcess;

/// <summary>
/// The service in this process, composed exactly as the binary composes it (<see cref="DongmingApp"/>: the same
/// builder, middleware and endpoints), on free loopback ports with its Orleans silo and a SQLite journal in a temp
/// data directory — so service behaviour can be tested without starting a process, and a test may add to the
/// composition (e.g. an in-memory telemetry exporter) before it is built. The real binary stays for what needs a
/// process (kill -9, restart, the command line).
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _data;
    private readonly bool _ownsData;

    private InProcessServer(WebApplication app, DirectoryInfo data, bool ownsData, int port, int httpPort)
    {
        _app = app;
        _data = data;
        _ownsData = ownsData;
        Address = $"http://127.0.0.1:{port}";
        HttpAddress = $"http://127.0.0.1:{httpPort}";
        AdminToken = File.ReadAllText(Path.Combine(data.FullName, SigningKeys.AdminTokenFileName)).Trim();
        Anonymous = GrpcChannel.ForAddress(Address);
        var admin = CallCredentials.FromInterceptor((_, metadata) => { metadata.Add("authorization", "Bearer " + AdminToken); return Task.CompletedTask; });
        Channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, admin), UnsafeUseInsecureChannelCallCredentials = true });
    }

    public string Address { get; }

    /// <summary>The HTTP/JSON port's address (<c>Dongming:Http:Port</c>).</summary>
    public string HttpAddress { get; }
    public string AdminToken { get; }
    public string DataDirectory => _data.FullName;
    public IServiceProvider Services => _app.Services;

    /// <summary>Calls as admin.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Calls without a token.</summary>
    public GrpcChannel Anonymous { get; }

    /// <summary>Tokens signed with this server's key.</summary>
    public TokenIssuer Issuer => new(Convert.FromBase64String(File.ReadAllText(Path.Combine(DataDirectory, SigningKeys.KeyFileName)).Trim()), new AuthOptions());

    /// <summary>
    /// Builds the service with <paramref name="arguments"/> (after the test defaults), lets <paramref name="configure"/>
    /// add to it, and starts it; on a fresh temp data directory deleted with it, or on <paramref name="dataDirectory"/>
    /// (kept: a restart starts again on it).
    /// </summary>
    public static async Task<InProcessServer> StartAsync(IEnumerable<string>? arguments = null, Action<WebApplicationBuilder>? configure = null, DirectoryInfo? dataDirectory = null)
    {
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("dongming-inproc-");
        var port = ServerChild.FreePort();
        var httpPort = ServerChild.FreePort();
        var builder = DongmingApp.CreateBuilder(
        [
            "--urls", $"http://127.0.0.1:{port}", $"--Dongming:DataDirectory={data.FullName}", "--Dongming:Demo:Load=false",
            $"--Dongming:Orleans:SiloPort={ServerChild.FreePort()}", $"--Dongming:Orleans:GatewayPort={ServerChild.FreePort()}",
            "--Dongming:Metrics:Port=0", $"--Dongming:Http:Port={httpPort}", "--Logging:LogLevel:Default=Warning",
            .. arguments ?? [],
        ]);
        configure?.Invoke(builder);
        var app = DongmingApp.Build(builder);
        await app.StartAsync();
        return new InProcessServer(app, data, ownsData: dataDirectory is null, port, httpPort);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Anonymous.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        if (!_ownsData) return;
        try { _data.Delete(recursive: true); } catch (IOException) { }
    }
}

/// <summary>One in-process server shared by a test class (fresh ids per test).</summary>
public sealed class InProcessServerFixture : IAsyncLifetime
{
    public InProcessServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await InProcessServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
