using System.Net;
using Dongming.Server.Tests.InProcess;
using Dongming.Server.Tests.Operations;
using Grpc.Core;

namespace Dongming.Server.Tests.Http;

/// <summary>The HTTP/JSON port's own rules: the interceptors' limits apply to it, and its port is checked at start.</summary>
public sealed class HttpPortTests
{
    [Fact]
    public async Task RateLimit_AppliesToHttpCalls_As429ResourceExhausted()
    {
        await using var server = await InProcessServer.StartAsync(["--Dongming:RateLimit:PermitsPerSecond=1", "--Dongming:RateLimit:Burst=1"]);
        using var http = new HttpJsonClient(server.HttpAddress, server.AdminToken);
        var answers = new List<HttpJsonClient.Answer>();
        for (var i = 0; i < 5; i++) answers.Add(await http.GetAsync("/v1/indicators"));

        Assert.Equal(HttpStatusCode.OK, answers[0].Status);
        var limited = answers.FirstOrDefault(a => a.Status == HttpStatusCode.TooManyRequests);
        Assert.True(limited is not null, string.Join(", ", answers.Select(a => (int)a.Status)));
        Assert.Equal((int)StatusCode.ResourceExhausted, limited.Code);
    }

    [Fact]
    public async Task HttpPort_SameAsTheGrpcPort_IsRefusedAtStart_NamingBothSettings()
    {
        var data = Directory.CreateTempSubdirectory("dongming-http-port-").FullName;
        var port = ServerProcess.FreePort();
        var (exit, _, stderr, _) = await ServerBinary.RunAsync(ServerBinary.ServeArgs(data, port, ServerProcess.FreePort(), ServerProcess.FreePort(), httpPort: port));
        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"port {port} is given to --urls and Dongming:Http:Port", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "dongming.db"))); // refused before anything was written
    }

    [Fact]
    public async Task HttpPort_Taken_IsRefusedAtStart_NamingTheSetting()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var httpPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("dongming-http-port-").FullName;
        var (exit, _, stderr, _) = await ServerBinary.RunAsync(ServerBinary.ServeArgs(data, ServerProcess.FreePort(), ServerProcess.FreePort(), ServerProcess.FreePort(), httpPort: httpPort));
        Assert.Equal(1, exit);
        Assert.Contains($"port {httpPort} (Dongming:Http:Port) is in use", stderr, StringComparison.Ordinal);
    }
}
