using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;

namespace Dongming.Server.Tests.Operations;

/// <summary>A flood of silent connections is refused, not fatal: the process keeps its file descriptors and serves again.</summary>
[Collection(OperationsCollection.Name)]
public sealed class ConnectionLimitTests
{
    /// <summary>Opens <paramref name="count"/> connections that send nothing; the ones the server closes at once are counted.</summary>
    private static async Task<(List<Socket> Open, int ClosedByServer)> FloodAsync(int port, int count)
    {
        var sockets = new List<Socket>();
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await s.ConnectAsync(IPAddress.Loopback, port);
                sockets.Add(s);
            }
            catch (SocketException)
            {
                s.Dispose(); // the accept queue overflowed: refused too (the tests also check the process lives and serves)
                refused++;
            }
        }
        // A refused connection is closed by the server: readable with nothing to read (EOF or reset).
        var closed = 0;
        for (var until = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < until;)
        {
            await Task.Delay(500); // the server closes refused connections on its own schedule
            var now = sockets.Count(IsClosed);
            if (now == closed && now > 0) break;
            closed = now;
        }
        return (sockets, closed + refused);
    }

    private static bool IsClosed(Socket s)
    {
        try
        {
            return s.Poll(0, SelectMode.SelectRead) && s.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<bool> HealthAnswers(ServerProcess server)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (Grpc.Core.RpcException)
        {
            return false;
        }
    }

    [Fact]
    public async Task SilentConnectionsBeyondTheLimit_AreRefused_AndTheServiceServesOnceTheyGo()
    {
        await using var server = await ServerProcess.StartAsync(null, false,
            "--Dongming:Connections:MaxConnections=60", "--Dongming:Connections:MaxConnectionsPerAddress=0");
        var (sockets, closed) = await FloodAsync(server.Port, 400);
        try
        {
            Assert.True(closed >= 300, $"the server closed {closed} of 400 silent connections (limit 60)");
            Assert.False(server.HasExited);
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        Assert.True(await EventuallyAsync(() => HealthAnswers(server)), "the service did not serve again");
    }

    [Fact]
    public async Task SilentConnections_UnderALowOpenFileLimit_DoNotKillTheProcess()
    {
        // No explicit limit: the default is half of the open files left at start (the loaded assemblies hold ~300).
        await using var server = await ServerProcess.StartWithOpenFileLimitAsync(1024, "--Dongming:Connections:MaxConnectionsPerAddress=0");
        var limit = int.Parse(System.Text.RegularExpressions.Regex.Match(server.Output, @"Connection limits: (\d+) open connections").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(limit, 100, 512);
        var (sockets, closed) = await FloodAsync(server.Port, 1500);
        try
        {
            Assert.True(closed >= 1500 - limit - 50 && !server.HasExited, $"the server closed {closed} of 1500 silent connections (limit {limit}); exited: {server.HasExited}");
            Assert.False(server.HasExited, server.Output);
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        Assert.True(await EventuallyAsync(() => HealthAnswers(server)), "the service did not serve again: " + server.Output);
    }

    [Fact]
    public async Task ConnectionsFromOneAddress_BeyondItsLimit_AreRefused()
    {
        await using var server = await ServerProcess.StartAsync(null, false, "--Dongming:Connections:MaxConnectionsPerAddress=20");
        var (sockets, closed) = await FloodAsync(server.Port, 100);
        try
        {
            Assert.True(closed >= 75, $"the server closed {closed} of 100 connections from one address (limit 20)");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        Assert.True(await EventuallyAsync(() => HealthAnswers(server)));
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var until = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < until;)
        {
            if (await condition()) return true;
            await Task.Delay(250); // the server closes the released connections on its own schedule
        }
        return false;
    }
}
