using Dongming.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dongming.Cluster.Tests;

/// <summary>
/// The one place the tests build their gRPC clients. Calls are anonymous for now; once access control lands, add
/// the bearer token here (CallCredentials on the channel, or a metadata header in <see cref="Options"/>).
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

    /// <summary>Call options: a deadline (and, later, the token).</summary>
    public static CallOptions Options(TimeSpan? timeout = null) => new(deadline: DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)));

    public void Dispose() => Channel.Dispose();
}
