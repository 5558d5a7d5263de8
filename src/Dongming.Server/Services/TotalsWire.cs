using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Google.Protobuf;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>
/// GetTotals answers built once: the township grain keeps one immutable <see cref="TotalsAnswer"/> per request and
/// totals version (and shares it inside the silo); here that answer's wire message and its encoded bytes are kept too,
/// so while the totals do not change a GetTotals call is a grain call and a copy of bytes. An entry is reused only
/// for the very answer object it was built from: a changed version, another request or an answer that crossed from
/// another silo (a copy) builds afresh, so a stale or another caller's answer can never be sent. Access is checked
/// before the service runs (a caller who may not read a breakdown never reaches it), and the answer depends on the
/// request alone, which is what the key holds. WatchTotals changes are encoded once per change the same way
/// (<see cref="EncodeOnce"/>).
/// </summary>
public sealed class TotalsWire
{
    /// <summary>Requests kept; beyond it the cache starts empty again (bounded whatever ids callers send).</summary>
    public const int Capacity = 1_024;

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();

    /// <summary>The encoded bytes of messages built here (read by <see cref="Marshaller"/>; released with the message).</summary>
    private static readonly ConditionalWeakTable<GetTotalsResponse, byte[]> Encoded = [];

    /// <summary>The township and the request, as the township grain and the silo's board key its answers (TotalsBoard.Key).</summary>
    private readonly record struct Key(string TownshipId, TotalsBoard.Key Request);

    private sealed record Entry(TotalsAnswer Answer, GetTotalsResponse Response);

    /// <summary>Messages built (not served from the cache): for tests and the benchmark's notes.</summary>
    public long Built => Interlocked.Read(ref _built);

    private long _built;

    /// <summary>The wire message of <paramref name="answer"/>, the township's answer to the request <paramref name="request"/>.</summary>
    public GetTotalsResponse Response(string townshipId, TotalsBoard.Key request, TotalsAnswer answer, Func<TotalsAnswer, GetTotalsResponse> toWire)
    {
        var key = new Key(townshipId, request);
        if (_entries.TryGetValue(key, out var entry) && ReferenceEquals(entry.Answer, answer)) return entry.Response;
        var response = toWire(answer);
        Encoded.AddOrUpdate(response, response.ToByteArray());
        Interlocked.Increment(ref _built);
        if (_entries.Count >= Capacity) _entries.Clear();
        _entries[key] = new Entry(answer, response);
        return response;
    }

    /// <summary>Encodes a GetTotals response: the kept bytes of a message built here, else as protobuf always does.</summary>
    public static readonly Marshaller<GetTotalsResponse> Marshaller = KeptBytes(Encoded, GetTotalsResponse.Parser);

    /// <summary>The encoded bytes of WatchTotals changes, kept with the message every watcher of a feed is sent.</summary>
    private static readonly ConditionalWeakTable<WatchTotalsResponse, byte[]> EncodedChanges = [];

    /// <summary>
    /// Encodes a change once for all its watchers (<see cref="TotalsFeed"/> publishes one message per change to every
    /// stream of the feed, and no one changes it afterwards): each stream then writes the same bytes.
    /// </summary>
    public static WatchTotalsResponse EncodeOnce(WatchTotalsResponse change)
    {
        EncodedChanges.AddOrUpdate(change, change.ToByteArray());
        return change;
    }

    /// <summary>Encodes a WatchTotals message: the kept bytes of a change encoded once, else as protobuf always does.</summary>
    public static readonly Marshaller<WatchTotalsResponse> WatchMarshaller = KeptBytes(EncodedChanges, WatchTotalsResponse.Parser);

    /// <summary>A marshaller that sends a message's kept bytes when it has them, and encodes it as protobuf does otherwise.</summary>
    private static Marshaller<T> KeptBytes<T>(ConditionalWeakTable<T, byte[]> kept, MessageParser<T> parser)
        where T : class, IMessage<T> => Marshallers.Create(
        (T message, SerializationContext context) =>
        {
            if (kept.TryGetValue(message, out var bytes))
            {
                context.Complete(bytes);
                return;
            }
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    /// <summary>
    /// Binds TownshipService as generated, but GetTotals with <see cref="Marshaller"/> and WatchTotals with
    /// <see cref="WatchMarshaller"/> (same service, method and
    /// message types; only how the answer is encoded differs).
    /// </summary>
    public sealed class Binder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (method is Method<GetTotalsRequest, GetTotalsResponse> totals)
            {
                var cached = new Method<GetTotalsRequest, GetTotalsResponse>(totals.Type, totals.ServiceName, totals.Name, totals.RequestMarshaller, Marshaller);
                inner.AddMethod((Method<TRequest, TResponse>)(object)cached, handler);
                return;
            }
            inner.AddMethod(method, handler);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (method is Method<WatchTotalsRequest, WatchTotalsResponse> watch)
            {
                var shared = new Method<WatchTotalsRequest, WatchTotalsResponse>(watch.Type, watch.ServiceName, watch.Name, watch.RequestMarshaller, WatchMarshaller);
                inner.AddMethod((Method<TRequest, TResponse>)(object)shared, handler);
                return;
            }
            inner.AddMethod(method, handler);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);
    }
}
