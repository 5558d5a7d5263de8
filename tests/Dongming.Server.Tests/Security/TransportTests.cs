using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Grpc.Core;
using Grpc.Health.V1;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Security;

/// <summary>A server with TLS (Kestrel's standard certificate settings) and a tight rate limit.</summary>
public sealed class TlsRateLimitedServer : IAsyncLifetime
{
    public const int Burst = 5;

    public ServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("dongming-tls-").FullName;
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = Path.Combine(directory, "tls.crt");
        var keyPath = Path.Combine(directory, "tls.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        var thumbprint = certificate.Thumbprint;
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == thumbprint;
        Server = await ServerProcess.StartAsync(Path.Combine(directory, "data"), demo: false, tls: handler,
            $"--Kestrel:Certificates:Default:Path={certPath}", $"--Kestrel:Certificates:Default:KeyPath={keyPath}",
            "--Dongming:RateLimit:PermitsPerSecond=1", $"--Dongming:RateLimit:Burst={Burst}");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed class TransportTests(TlsRateLimitedServer fixture) : IClassFixture<TlsRateLimitedServer>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task Tls_ServesHealthAndAuthenticatedCalls()
    {
        Assert.StartsWith("https://", Server.Address, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(Server.Anonymous).CheckAsync(new HealthCheckRequest())).Status);
        var viewer = Server.As(Issuer(Server).Issue(new TokenRequest("tls-viewer", "Viewer", Roles.Viewer, null, [], TimeSpan.FromMinutes(5))));
        Assert.Equal(StatusCode.OK, await StatusOf(() => new CatalogService.CatalogServiceClient(viewer).ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync));
    }

    [Fact]
    public async Task RateLimit_PerCaller_AnswersResourceExhausted_AndSparesOtherCallers()
    {
        var hasty = new CatalogService.CatalogServiceClient(Server.As(Issuer(Server).Issue(new TokenRequest("hasty", "Hasty", Roles.Viewer, null, [], TimeSpan.FromMinutes(5)))));
        var codes = new List<StatusCode>();
        for (var i = 0; i < 3 * TlsRateLimitedServer.Burst; i++)
            codes.Add(await StatusOf(() => hasty.ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync));
        Assert.Contains(StatusCode.ResourceExhausted, codes);
        Assert.True(codes.Count(c => c == StatusCode.OK) <= TlsRateLimitedServer.Burst + 2, string.Join(",", codes));
        var (code, message, _) = await Rpc.Fails(() => hasty.ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, code);
        Assert.Contains("rate limit", message, StringComparison.Ordinal);

        var patient = new CatalogService.CatalogServiceClient(Server.As(Issuer(Server).Issue(new TokenRequest("patient", "Patient", Roles.Viewer, null, [], TimeSpan.FromMinutes(5)))));
        Assert.Equal(StatusCode.OK, await StatusOf(() => patient.ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync));
        // Health stays outside the limit (probes).
        for (var i = 0; i < 3 * TlsRateLimitedServer.Burst; i++)
            await new Health.HealthClient(Server.Anonymous).CheckAsync(new HealthCheckRequest { Service = "liveness" });
    }
}
