using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Dongming.Server.Tests.Operations;

/// <summary>A new user's first minutes with the binary: a second instance, the command line, tokens, the data directory.</summary>
public sealed class FirstRunTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task SecondInstance_OnTakenPortsAndTheSameDataDirectory_FailsFastWithOneLineNamingEachSetting()
    {
        using var metrics = new TcpListener(IPAddress.Loopback, 0); // anything on the metrics port
        metrics.Start();
        var metricsPort = ((IPEndPoint)metrics.LocalEndpoint).Port;
        var (exit, stdout, stderr, elapsed) = await ServerBinary.RunAsync(ServerBinary.ServeArgs(Server.DataDirectory, Server.Port, Server.SiloPort, Server.GatewayPort, metricsPort, Server.HttpPort));
        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (var setting in new[] { "--urls", "Dongming:Metrics:Port", "Dongming:Http:Port", "Dongming:Orleans:SiloPort", "Dongming:Orleans:GatewayPort", "Dongming:DataDirectory" })
            Assert.Contains(setting, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal); // no stack trace
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"took {elapsed}"); // before any silo start or demo load (a second without load)
    }

    [Fact]
    public async Task SecondSilo_OnlyOnATakenSiloPort_IsRefused_ThoughOrleansWouldShareIt()
    {
        var data = Directory.CreateTempSubdirectory("dongming-second-").FullName;
        var (exit, _, stderr, _) = await ServerBinary.RunAsync(ServerBinary.ServeArgs(data, ServerProcess.FreePort(), Server.SiloPort, ServerProcess.FreePort()));
        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Dongming:Orleans:SiloPort", line, StringComparison.Ordinal);
        Assert.DoesNotContain("--urls", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "dongming.db"))); // refused before anything was written
    }

    [Fact]
    public async Task Binary_AnswersHelpAndVersion_WithoutStarting()
    {
        var help = await ServerBinary.RunAsync("--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("token issue", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("Dongming:DataDirectory", help.Stdout, StringComparison.Ordinal);
        var version = await ServerBinary.RunAsync("--version");
        Assert.Equal(0, version.Exit);
        Assert.StartsWith("Dongming.Server ", version.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenIssue_UnknownOptionOrMistypedSetting_IsAnError_AndHelpDescribesTheOptions()
    {
        var typo = await ServerBinary.RunAsync("token", "issue", "--role", "viewer", "--dayz", "1", $"--Dongming:DataDirectory={Server.DataDirectory}");
        Assert.NotEqual(0, typo.Exit);
        Assert.Empty(typo.Stdout);
        Assert.Contains("--dayz", typo.Stderr, StringComparison.Ordinal);
        var setting = await ServerBinary.RunAsync("token", "issue", "--role", "viewer", $"--Dongming:DataDirectry={Server.DataDirectory}");
        Assert.NotEqual(0, setting.Exit);
        Assert.Contains("Dongming:DataDirectry", setting.Stderr, StringComparison.Ordinal);
        var help = await ServerBinary.RunAsync("token", "issue", "--help");
        Assert.Equal(0, help.Exit);
        foreach (var option in new[] { "--role", "--village", "--township", "--subject", "--name", "--days" })
            Assert.Contains(option, help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenIssue_GivesEveryTokenItsOwnSubject_RefusesAReporterWithATownship_AndUnknownVillages()
    {
        var data = $"--Dongming:DataDirectory={Server.DataDirectory}";
        var first = await ServerBinary.RunAsync("token", "issue", "--role", "village_reporter", "--village", "datai", data);
        var second = await ServerBinary.RunAsync("token", "issue", "--role", "village_reporter", "--village", "datai", data);
        Assert.True(first.Exit == 0 && second.Exit == 0, first.Stderr + second.Stderr);
        Assert.NotEqual(Subject(first.Stdout), Subject(second.Stdout));
        Assert.StartsWith("reporter-datai-", Subject(first.Stdout), StringComparison.Ordinal);

        var township = await ServerBinary.RunAsync("token", "issue", "--role", "village_reporter", "--village", "datai", "--township", "dongming", data);
        Assert.Equal(2, township.Exit);
        Assert.Contains("--township", township.Stderr, StringComparison.Ordinal);
        var unknown = await ServerBinary.RunAsync("token", "issue", "--role", "village_reporter", "--village", "datai,no-such-cun", data);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("no-such-cun", unknown.Stderr, StringComparison.Ordinal);
        Assert.Empty(unknown.Stdout);
        var staff = await ServerBinary.RunAsync("token", "issue", "--role", "township_staff", "--township", "no-such-zhen", data);
        Assert.Equal(2, staff.Exit);
    }

    [Fact]
    public void DataDirectory_AndJournalFiles_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Server.DataDirectory));
        foreach (var file in new[] { "dongming.db", "dongming.db-wal", "dongming.db-shm", "journal.id" })
        {
            var path = Path.Combine(Server.DataDirectory, file);
            Assert.True(File.Exists(path), file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void ServingLine_NamesTheGrpcAddressAndTheAdminTokensAbsolutePath_SidePortsApart()
    {
        var serving = Assert.Single(Server.Output.Split('\n'), l => l.Contains("Dongming is serving gRPC on", StringComparison.Ordinal));
        Assert.Contains(Server.Address, serving, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Server.DataDirectory, "admin.token"), serving, StringComparison.Ordinal);
    }

    private static string Subject(string token)
    {
        var payload = token.Trim().Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement.GetProperty("sub").GetString()!;
    }
}
