using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Grpc.Core;
using Grpc.Health.V1;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Security;

/// <summary>
/// A server with TLS (Kestrel's standard certificate settings), a tight rate limit, and an external OpenID Connect
/// authority (a fake one in this process serving metadata and keys) besides its own key.
/// </summary>
public sealed class TlsRateLimitedServer : IAsyncLifetime
{
    public const int Burst = 5;

    public ServerProcess Server { get; private set; } = null!;

    public FakeAuthority Authority { get; } = new();

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
            "--Dongming:RateLimit:PermitsPerSecond=1", $"--Dongming:RateLimit:Burst={Burst}",
            $"--Dongming:Auth:Authority={Authority.Issuer}", "--Dongming:Auth:RequireHttpsMetadata=false", "--Dongming:Auth:Audience=dongming-api");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Authority.Dispose();
    }
}

/// <summary>An OpenID Connect authority reduced to its metadata and key set (RS256), over plain HTTP on loopback.</summary>
public sealed class FakeAuthority : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly RSA _rsa = RSA.Create(2048);

    public FakeAuthority()
    {
        var port = ServerProcess.FreePort();
        Issuer = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Issuer);
        _listener.Start();
        var key = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "k1" };
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        var jwks = System.Text.Json.JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "k1", use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        var metadata = System.Text.Json.JsonSerializer.Serialize(new { issuer = Issuer, jwks_uri = Issuer + "jwks", id_token_signing_alg_values_supported = new[] { "RS256" } });
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                var body = System.Text.Encoding.UTF8.GetBytes(context.Request.Url!.AbsolutePath.EndsWith("/jwks", StringComparison.Ordinal) ? jwks : metadata);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }

    public string Issuer { get; }

    /// <summary>A token of this authority (or, with <paramref name="otherKey"/>, one it did not sign).</summary>
    public string Token(string subject, string role, string audience = "dongming-api", bool otherKey = false)
    {
        using var other = otherKey ? RSA.Create(2048) : null;
        var key = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(other ?? _rsa) { KeyId = "k1" };
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["name"] = subject, ["role"] = role },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _listener.Close();
        _rsa.Dispose();
    }
}

public sealed class TransportTests(TlsRateLimitedServer fixture) : IClassFixture<TlsRateLimitedServer>
{
    private ServerProcess Server => fixture.Server;

    private static readonly AuthOptions Own = new() { Audience = "dongming-api" };

    [Fact]
    public async Task Tls_ServesHealthAndAuthenticatedCalls()
    {
        Assert.StartsWith("https://", Server.Address, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(Server.Anonymous).CheckAsync(new HealthCheckRequest())).Status);
        var viewer = Server.As(Issuer(Server, new AuthOptions { Audience = "dongming-api" }).Issue(new TokenRequest("tls-viewer", "Viewer", Roles.Viewer, null, [], TimeSpan.FromMinutes(5))));
        Assert.Equal(StatusCode.OK, await StatusOf(() => new CatalogService.CatalogServiceClient(viewer).ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync));
    }

    [Fact]
    public async Task ExternalAuthority_TokensAreAccepted_AlongsideTheServicesOwn()
    {
        var authority = fixture.Authority;
        Task<StatusCode> ListAs(string token) => StatusOf(() => new CatalogService.CatalogServiceClient(Server.As(token)).ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync);
        Assert.Equal(StatusCode.OK, await ListAs(authority.Token("oidc-viewer", Roles.Viewer)));
        Assert.Equal(StatusCode.Unauthenticated, await ListAs(authority.Token("oidc-forger", Roles.Admin, otherKey: true)));
        Assert.Equal(StatusCode.Unauthenticated, await ListAs(authority.Token("oidc-elsewhere", Roles.Viewer, audience: "another-api")));
        // the service's own tokens carry the configured audience
        Assert.Equal(StatusCode.OK, await ListAs(Issuer(Server, new AuthOptions { Audience = "dongming-api" }).Issue(new TokenRequest("own-viewer", "Viewer", Roles.Viewer, null, [], TimeSpan.FromMinutes(5)))));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => new CatalogService.CatalogServiceClient(Server.As(authority.Token("oidc-viewer2", Roles.Viewer)))
            .DefineCaseTypeAsync(new DefineCaseTypeRequest { RequestId = "x", CaseType = new CaseType { Code = "nope", NameZh = "不", NameEn = "No" } }).ResponseAsync));
    }

    [Fact]
    public async Task RateLimit_PerCaller_AnswersResourceExhausted_AndSparesOtherCallers()
    {
        var hasty = new CatalogService.CatalogServiceClient(Server.As(Issuer(Server, Own).Issue(new TokenRequest("hasty", "Hasty", Roles.Viewer, null, [], TimeSpan.FromMinutes(5)))));
        var codes = new List<StatusCode>();
        for (var i = 0; i < 3 * TlsRateLimitedServer.Burst; i++)
            codes.Add(await StatusOf(() => hasty.ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync));
        Assert.Contains(StatusCode.ResourceExhausted, codes);
        Assert.True(codes.Count(c => c == StatusCode.OK) <= TlsRateLimitedServer.Burst + 2, string.Join(",", codes));
        var (code, message, _) = await Rpc.Fails(() => hasty.ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, code);
        Assert.Contains("rate limit", message, StringComparison.Ordinal);

        var patient = new CatalogService.CatalogServiceClient(Server.As(Issuer(Server, Own).Issue(new TokenRequest("patient", "Patient", Roles.Viewer, null, [], TimeSpan.FromMinutes(5)))));
        Assert.Equal(StatusCode.OK, await StatusOf(() => patient.ListCaseTypesAsync(new ListCaseTypesRequest()).ResponseAsync));
        // Health stays outside the limit (probes).
        for (var i = 0; i < 3 * TlsRateLimitedServer.Burst; i++)
            await new Health.HealthClient(Server.Anonymous).CheckAsync(new HealthCheckRequest { Service = "liveness" });
    }
}
