using Dongming.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dongming.Cluster.Tests;

/// <summary>
/// The signing key every silo of a test shares (cluster mode requires one) and the admin token the tests call with.
/// </summary>
public static class ClusterAuth
{
    private static readonly byte[] Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>The server argument that hands the key to a silo.</summary>
    public static string SigningKeyArgument => "--Dongming:Auth:SigningKey=" + Convert.ToBase64String(Key);

    public static string AdminToken { get; } = new Dongming.Server.Security.TokenIssuer(Key, new Dongming.Server.Security.AuthOptions()).IssueAdmin();

    public static string Issue(string role) => new Dongming.Server.Security.TokenIssuer(Key, new Dongming.Server.Security.AuthOptions())
        .Issue(new Dongming.Server.Security.TokenRequest("t-" + role, role, role, "dongming", [], TimeSpan.FromHours(1)));
}

/// <summary>
/// The one place the tests build their gRPC clients: every call carries the admin token (<see cref="ClusterAuth"/>).
/// No retries: a failed call is reported to the test, never hidden.
/// </summary>
public sealed class DongmingClient : IDisposable
{
    public DongmingClient(string address)
    {
        Address = address;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxRetryAttempts = 0 });
        Reporting = new ReportingService.ReportingServiceClient(Channel);
        Township = new TownshipService.TownshipServiceClient(Channel);
        Cases = new CaseService.CaseServiceClient(Channel);
        Villages = new VillageService.VillageServiceClient(Channel);
    }

    public string Address { get; }
    public GrpcChannel Channel { get; }
    public ReportingService.ReportingServiceClient Reporting { get; }
    public TownshipService.TownshipServiceClient Township { get; }
    public CaseService.CaseServiceClient Cases { get; }
    public VillageService.VillageServiceClient Villages { get; }

    /// <summary>Call options: the admin token and a deadline.</summary>
    public static CallOptions Options(TimeSpan? timeout = null) =>
        new(headers: new Metadata { { "authorization", "Bearer " + ClusterAuth.AdminToken } }, deadline: DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)));

    public void Dispose() => Channel.Dispose();
}
