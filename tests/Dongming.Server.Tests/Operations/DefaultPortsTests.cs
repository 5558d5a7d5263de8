using System.Text.RegularExpressions;
using Dongming.Tests.Shared;
using Grpc.Net.Client;

namespace Dongming.Server.Tests.Operations;

/// <summary>
/// <c>dotnet run --project src/Dongming.Server</c> beside another instance on this machine: an embedded-mode start
/// that leaves its ports at their defaults takes free ones when another instance has them (explicit ports in use
/// still refuse the start: <see cref="FirstRunTests"/>).
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed partial class DefaultPortsTests
{
    [Fact]
    public async Task TwoInstances_StartedTogetherOnDefaultPorts_BothServe_OnPortsOfTheirOwn_AndTheMovedOneSaysSo()
    {
        // Only the data directory is given: every port is the default. Started together, the first has not bound its
        // ports yet when the second probes them, which is what the machine-wide claim is for.
        var servers = Enumerable.Range(0, 2).Select(i => ServerChild.Start(
            [$"--Dongming:DataDirectory={Directory.CreateTempSubdirectory($"dongming-default-ports-{i}-").FullName}", "--Dongming:Demo:Load=false"])).ToList();
        try
        {
            var urls = new List<string>();
            foreach (var server in servers)
            {
                var url = await ServingUrlAsync(server);
                urls.Add(url);
                using var channel = GrpcChannel.ForAddress(url);
                await server.WaitServingAsync(channel, "readiness", TimeSpan.FromMinutes(2), url);
            }
            Assert.NotEqual(urls[0], urls[1]);
            // At most one holds the defaults (none, when yet another instance runs on this machine); a moved one says
            // which ports it took instead of which defaults.
            var moved = servers.Where(s => s.Output.Contains("The default ports are taken", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(moved);
            foreach (var server in moved)
            {
                var line = Assert.Single(server.Output.Split('\n'), l => l.Contains("The default ports are taken", StringComparison.Ordinal));
                Assert.Contains("--urls 5080 → ", line, StringComparison.Ordinal);
                Assert.Contains("Dongming:Orleans:SiloPort 11111 → ", line, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.StopAsync(TimeSpan.FromSeconds(30));
                server.Dispose();
            }
        }
    }

    /// <summary>The gRPC address of the serving line (written once the ports are bound).</summary>
    private static async Task<string> ServingUrlAsync(ServerChild server)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < until)
        {
            if (ServingLine().Match(server.Output) is { Success: true } match) return match.Groups[1].Value;
            if (server.HasExited) throw new InvalidOperationException($"the server exited with {server.ExitCode}:\n{server.Output}");
            await Task.Delay(200); // polling a starting process's output: nothing to await on
        }
        throw new TimeoutException($"no serving line within 2 minutes:\n{server.Output}");
    }

    [GeneratedRegex(@"Dongming is serving gRPC on (http://\S+)")]
    private static partial Regex ServingLine();
}
