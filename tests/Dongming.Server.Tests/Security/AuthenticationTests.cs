using System.Diagnostics;
using System.Text;
using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Grpc.Core;
using Grpc.Health.V1;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Security;

/// <summary>Tokens: which are accepted, what the others get, what stays open, and the embedded default's files.</summary>
public sealed class AuthenticationTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    private async Task<(StatusCode Code, string Message)> GetTownshipWith(string? authorization)
    {
        var headers = new Metadata();
        if (authorization is not null) headers.Add("authorization", authorization);
        try
        {
            await new TownshipService.TownshipServiceClient(Server.Anonymous).GetTownshipAsync(new GetTownshipRequest { TownshipId = "dongming" }, headers);
            return (StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
    }

    private static string Viewer(TokenIssuer issuer, TimeSpan lifetime) => issuer.Issue(new TokenRequest("t-viewer", "Viewer", Roles.Viewer, null, [], lifetime));

    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task ValidToken_IsAccepted()
    {
        Assert.Equal(StatusCode.OK, (await GetTownshipWith("Bearer " + Viewer(Issuer(Server), TimeSpan.FromMinutes(5)))).Code);
        Assert.Equal(StatusCode.OK, (await GetTownshipWith("Bearer " + Server.AdminToken)).Code);
    }

    [Fact]
    public async Task MissingExpiredMalformedOrWronglySignedToken_IsUnauthenticated_WithACleanReason()
    {
        var wrongKey = new TokenIssuer(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64), new AuthOptions());
        var cases = new (string? Header, string Reason)[]
        {
            (null, "required"),
            ("Bearer " + Viewer(Issuer(Server), TimeSpan.FromMinutes(-10)), "expired"),
            ("Bearer " + Viewer(wrongKey, TimeSpan.FromMinutes(5)), "signature"),
            ("Bearer " + Viewer(Issuer(Server, new AuthOptions { Issuer = "someone-else" }), TimeSpan.FromMinutes(5)), "issuer"),
            ("Bearer " + Viewer(Issuer(Server, new AuthOptions { Audience = "another-api" }), TimeSpan.FromMinutes(5)), "audience"),
            ("Bearer not-a-token", "not valid"),
            ("Bearer " + B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + B64("{\"sub\":\"x\",\"role\":\"admin\",\"iss\":\"dongming\",\"aud\":\"dongming\",\"exp\":4102444800}") + ".", "not valid"),
            ("Basic YWRtaW46YWRtaW4=", "Bearer"),
            ("Bearer " + Issuer(Server).Issue(new TokenRequest("", "", Roles.Admin, null, [], TimeSpan.FromMinutes(5))), "subject"),
            ("Bearer " + new string('A', 8000), "not valid"),
        };
        foreach (var (header, reason) in cases)
        {
            var (code, message) = await GetTownshipWith(header);
            Assert.True(code == StatusCode.Unauthenticated, $"{header?[..Math.Min(40, header.Length)]}: {code} {message}");
            Assert.Contains(reason, message, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
            Assert.DoesNotContain("IDX", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnonymousMutation_IsUnauthenticated_AndAppliesNothing()
    {
        var period = Rpc.FreshPeriod();
        var anonymous = new ReportingService.ReportingServiceClient(Server.Anonymous);
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(() => anonymous.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "5"))).ResponseAsync));
        var values = await new ReportingService.ReportingServiceClient(Server.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period });
        Assert.Empty(values.Values);
    }

    [Fact]
    public async Task Health_IsReachableWithoutAToken()
    {
        var health = new Health.HealthClient(Server.Anonymous);
        foreach (var service in new[] { "", "liveness", "readiness" })
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
    }

    [Fact]
    public async Task Reflection_IsOpenToAuthenticatedCallersOnly()
    {
        static async Task<StatusCode> List(CallInvoker invoker)
        {
            var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, "grpc.reflection.v1.ServerReflection", "ServerReflectionInfo",
                Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
            try
            {
                using var call = invoker.AsyncDuplexStreamingCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)));
                await call.RequestStream.WriteAsync([0x3A, 0x00]); // list_services: ""
                await call.RequestStream.CompleteAsync();
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
                Assert.Contains("dongming.v1.ReportingService", Encoding.UTF8.GetString(call.ResponseStream.Current), StringComparison.Ordinal);
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }
        Assert.Equal(StatusCode.OK, await List(Server.Channel.CreateCallInvoker()));
        Assert.Equal(StatusCode.Unauthenticated, await List(Server.Anonymous.CreateCallInvoker()));
    }

    [Fact]
    public void EmbeddedDefault_KeyAndAdminToken_AreOwnerOnlyFiles()
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var file in new[] { SigningKeys.KeyFileName, SigningKeys.AdminTokenFileName })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Server.DataDirectory, file)));
        Assert.Contains("admin.token", Server.Output, StringComparison.Ordinal); // the log says where it is
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunServerBinary(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dongming.Server.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task TokenIssueCommand_PrintsOneTokenThatWorks_ForItsVillageOnly()
    {
        var (exit, stdout, stderr) = await RunServerBinary("token", "issue", "--role", "village_reporter", "--village", "datai", "--days", "30",
            "--subject", "u123", "--name", "张三", $"--Dongming:DataDirectory={Server.DataDirectory}");
        Assert.True(exit == 0, stderr);
        var token = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var reporting = new ReportingService.ReportingServiceClient(Server.As(token.Trim()));
        var period = Rpc.FreshPeriod();
        await reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "7")));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporting.ReportValuesAsync(Rpc.Report("xiaotai", period, ("livestock_sheep", "7"))).ResponseAsync));
        var history = await new ReportingService.ReportingServiceClient(Server.Channel).GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = "datai", Period = period, Indicator = "livestock_sheep" });
        Assert.Equal(("u123", "张三"), (history.Revisions.Single().Actor, history.Revisions.Single().ActorName));
    }

    [Fact]
    public async Task TokenIssueCommand_RefusesBadArguments_AndClusterModeWithoutAKey()
    {
        var data = Directory.CreateTempSubdirectory("dongming-token-").FullName;
        var (exit, stdout, stderr) = await RunServerBinary("token", "issue", "--role", "village_reporter", $"--Dongming:DataDirectory={data}");
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("--village", stderr, StringComparison.Ordinal);
        (exit, stdout, stderr) = await RunServerBinary("token", "issue", "--role", "admin", "--Dongming:Mode=cluster", $"--Dongming:DataDirectory={data}");
        Assert.NotEqual(0, exit);
        Assert.Empty(stdout);
        Assert.Contains("SigningKey", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, SigningKeys.KeyFileName)));
        // With the cluster's key from configuration, an admin token is minted and no key file is written.
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        (exit, stdout, stderr) = await RunServerBinary("token", "issue", "--role", "admin", "--Dongming:Mode=cluster", $"--Dongming:Auth:SigningKey={key}", $"--Dongming:DataDirectory={data}");
        Assert.True(exit == 0, stderr);
        Assert.Equal(3, stdout.Trim().Split('.').Length);
        Assert.False(File.Exists(Path.Combine(data, SigningKeys.KeyFileName)));
    }

    [Fact]
    public async Task ClusterMode_WithoutASigningKeyOrAuthority_FailsAtStart()
    {
        var data = Directory.CreateTempSubdirectory("dongming-cluster-").FullName;
        var (exit, _, stderr) = await RunServerBinary("--Dongming:Mode=cluster", $"--Dongming:DataDirectory={data}",
            "--ConnectionStrings:Journal=Host=127.0.0.1;Port=1", "--ConnectionStrings:Redis=127.0.0.1:1", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", $"--Dongming:Http:Port={ServerProcess.FreePort()}",
            "--Dongming:Metrics:Port=0", $"--Dongming:Orleans:SiloPort={ServerProcess.FreePort()}", $"--Dongming:Orleans:GatewayPort={ServerProcess.FreePort()}");
        Assert.NotEqual(0, exit);
        Assert.Contains("Dongming:Auth:SigningKey", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, SigningKeys.KeyFileName)));
        Assert.False(File.Exists(Path.Combine(data, SigningKeys.AdminTokenFileName)));
    }
}
