using System.Net;
using Dongming.Contracts.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Dongming.Benchmark;

/// <summary>
/// A small fixed pool of channels shared round-robin by the callers (caller i uses channel i % Count),
/// the same for every RPC so that the cases differ only in what the server does.
/// </summary>
internal sealed class Clients : IDisposable
{
    public const int ChannelCount = 4;

    // Every call is bounded: nothing waits forever on a stuck server.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel[] _channels;
    private readonly Metadata? _headers;

    public Clients(Uri target, string? token)
    {
        _channels = new GrpcChannel[ChannelCount];
        Health = new Health.HealthClient[ChannelCount];
        Township = new TownshipService.TownshipServiceClient[ChannelCount];
        Reporting = new ReportingService.ReportingServiceClient[ChannelCount];
        Villages = new VillageService.VillageServiceClient[ChannelCount];
        Catalog = new CatalogService.CatalogServiceClient[ChannelCount];
        Banner = new BannerService.BannerServiceClient[ChannelCount];
        Invokers = new CallInvoker[ChannelCount];
        for (var i = 0; i < ChannelCount; i++)
        {
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                AutomaticDecompression = DecompressionMethods.None,
            };
            var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
            {
                HttpHandler = handler,
                DisposeHttpClient = true,
                MaxReceiveMessageSize = 64 * 1024 * 1024,
            });
            _channels[i] = channel;
            Invokers[i] = channel.CreateCallInvoker();
            Health[i] = new Health.HealthClient(channel);
            Township[i] = new TownshipService.TownshipServiceClient(channel);
            Reporting[i] = new ReportingService.ReportingServiceClient(channel);
            Villages[i] = new VillageService.VillageServiceClient(channel);
            Catalog[i] = new CatalogService.CatalogServiceClient(channel);
            Banner[i] = new BannerService.BannerServiceClient(channel);
        }

        // The same (read-only) metadata instance on every call, health included.
        if (token is not null)
        {
            _headers = new Metadata { { "authorization", "Bearer " + token } };
        }
    }

    public Health.HealthClient[] Health { get; }
    /// <summary>The channels' invokers, for calls whose answer is taken as bytes (<see cref="RawTotals"/>).</summary>
    public CallInvoker[] Invokers { get; }

    /// <summary>
    /// TownshipService/GetTotals with the answer taken as its bytes, not parsed: what the server sends is the same, only
    /// the client's decoding of 93 totals (which on one machine takes the server's cores) is left out.
    /// </summary>
    public static readonly Method<GetTotalsRequest, byte[]> RawTotals = new(MethodType.Unary, TownshipService.Descriptor.FullName, "GetTotals",
        Marshallers.Create<GetTotalsRequest>(r => Google.Protobuf.MessageExtensions.ToByteArray(r), GetTotalsRequest.Parser.ParseFrom),
        Marshallers.Create<byte[]>(b => b, b => b));
    public BannerService.BannerServiceClient[] Banner { get; }
    public TownshipService.TownshipServiceClient[] Township { get; }
    public ReportingService.ReportingServiceClient[] Reporting { get; }
    public VillageService.VillageServiceClient[] Villages { get; }
    public CatalogService.CatalogServiceClient[] Catalog { get; }

    /// <summary>The metadata of every call (the bearer token), for streams that take no deadline.</summary>
    public Metadata? Headers => _headers;

    /// <summary>Call options of every call: the bearer token (if any) and a deadline.</summary>
    public CallOptions Options() => new(headers: _headers, deadline: DateTime.UtcNow.Add(CallTimeout));

    public void Dispose()
    {
        foreach (var c in _channels)
        {
            c.Dispose();
        }
    }
}
