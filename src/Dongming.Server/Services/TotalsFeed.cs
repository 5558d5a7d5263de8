using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Threading.Channels;
using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Services;

/// <summary>Limits of WatchTotals streams (section <c>Dongming:Watch</c>).</summary>
public sealed class WatchOptions
{
    public const string Section = "Dongming:Watch";

    /// <summary>Open streams in this process, all callers together; beyond it a new watch is RESOURCE_EXHAUSTED.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 2000;

    /// <summary>Open streams of one caller (token subject).</summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerCaller { get; set; } = 16;

    /// <summary>Changes buffered for a slow watcher; when it falls further behind it gets the whole totals again.</summary>
    [Range(1, 10_000)]
    public int Buffer { get; set; } = 64;
}

/// <summary>
/// The changes of a township's totals, fanned out once to every WatchTotals stream of this process that watches the
/// same totals (township, period, indicators, breakdown): one feed long-polls the township grain, reads each new
/// answer once (the grain builds it once per version), computes the change once (<see cref="TotalsAnswer.ChangesSince"/>)
/// and builds one message that every stream writes. A watcher that falls behind is given the whole totals again
/// instead of holding memory. Streams are capped per caller and in total.
/// </summary>
public sealed class TotalsFeed(GrainRefs refs, IOptions<WatchOptions> options, ILogger<TotalsFeed> logger)
{
    /// <summary>What a feed watches.</summary>
    public sealed record Key(string TownshipId, string Period, string Indicators, bool Breakdown, string? ComparePeriod);

    private readonly ConcurrentDictionary<Key, Feed> _feeds = new();
    private readonly GrainRefs _refs = refs;
    private readonly ILogger _logger = logger;
    private readonly ConcurrentDictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private int _streams;

    public static Key KeyOf(string townshipId, string period, IEnumerable<string> indicators, bool breakdown, string? comparePeriod) =>
        new(townshipId, period, string.Join(',', indicators.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)), breakdown, comparePeriod);

    /// <summary>Admits one more stream of <paramref name="caller"/>, or RESOURCE_EXHAUSTED.</summary>
    public IDisposable Admit(string caller)
    {
        var o = options.Value;
        if (Interlocked.Increment(ref _streams) > o.MaxStreams)
        {
            Interlocked.Decrement(ref _streams);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"too many open WatchTotals streams (at most {o.MaxStreams}); retry later"));
        }
        if (_perCaller.AddOrUpdate(caller, 1, (_, n) => n + 1) > o.MaxStreamsPerCaller)
        {
            Release(caller);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"this caller has {o.MaxStreamsPerCaller} open WatchTotals streams, the most allowed; close one first"));
        }
        return new Admission(this, caller);
    }

    private void Release(string caller)
    {
        Interlocked.Decrement(ref _streams);
        _perCaller.AddOrUpdate(caller, 0, (_, n) => n - 1);
        _perCaller.TryRemove(KeyValuePair.Create(caller, 0));
    }

    private sealed class Admission(TotalsFeed feed, string caller) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) feed.Release(caller);
        }
    }

    /// <summary>
    /// Subscribes to the feed of <paramref name="key"/> (starting it when it is the first watcher; its first read
    /// validates the request). Returns the totals the subscription's changes follow from.
    /// </summary>
    public async Task<(Subscription Subscription, TotalsAnswer Current)> SubscribeAsync(Key key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var feed = _feeds.GetOrAdd(key, k => new Feed(this, k));
            await feed.StartAsync(cancellationToken);
            if (feed.TryAdd(options.Value.Buffer) is { } subscription) return (subscription, subscription.From);
            // The feed stopped between GetOrAdd and TryAdd (its last watcher left): take a new one.
        }
    }

    /// <summary>One stream's view of a feed: the changes to write, in order.</summary>
    public sealed class Subscription(Feed feed, TotalsAnswer from, Channel<WatchTotalsResponse> channel) : IDisposable
    {
        internal Channel<WatchTotalsResponse> Channel { get; } = channel;

        /// <summary>The totals the first change follows from.</summary>
        public TotalsAnswer From { get; } = from;

        /// <summary>Set when the stream fell too far behind: its channel ended and it must start over from the whole totals.</summary>
        public bool Lagged { get; internal set; }

        public ChannelReader<WatchTotalsResponse> Changes => Channel.Reader;

        public void Dispose() => feed.Remove(this);
    }

    /// <summary>One watched set of totals and its watchers.</summary>
    public sealed class Feed(TotalsFeed owner, Key key)
    {
        private readonly Lock _lock = new();
        private readonly List<Subscription> _subscribers = [];
        private Task<TotalsAnswer>? _start;
        private TotalsAnswer? _current;
        private bool _stopped;
        private bool _running;

        internal Task<TotalsAnswer> StartAsync(CancellationToken cancellationToken)
        {
            lock (_lock) _start ??= FirstAsync();
            return _start.WaitAsync(cancellationToken);
        }

        private async Task<TotalsAnswer> FirstAsync()
        {
            try
            {
                var answer = await owner._refs.Township(key.TownshipId).GetTotals(key.Period, [.. key.Indicators.Split(',', StringSplitOptions.RemoveEmptyEntries)], key.Breakdown, key.ComparePeriod);
                lock (_lock) _current = answer;
                return answer;
            }
            catch
            {
                Stop(); // a request the grain refuses starts no feed
                throw;
            }
        }

        internal Subscription? TryAdd(int buffer)
        {
            lock (_lock)
            {
                if (_stopped || _current is null) return null;
                var subscription = new Subscription(this, _current, Channel.CreateBounded<WatchTotalsResponse>(new BoundedChannelOptions(buffer)
                {
                    SingleReader = true,
                    SingleWriter = true,
                    FullMode = BoundedChannelFullMode.Wait,
                }));
                _subscribers.Add(subscription);
                if (!_running)
                {
                    _running = true;
                    _ = Task.Run(RunAsync);
                }
                return subscription;
            }
        }

        internal void Remove(Subscription subscription)
        {
            lock (_lock)
            {
                _subscribers.Remove(subscription);
                if (_subscribers.Count > 0 || _current is null) return;
            }
            Stop();
        }

        private void Stop()
        {
            lock (_lock)
            {
                _stopped = true;
                foreach (var s in _subscribers) s.Channel.Writer.TryComplete();
                _subscribers.Clear();
            }
            owner._feeds.TryRemove(KeyValuePair.Create(key, this));
        }

        private async Task RunAsync()
        {
            var township = owner._refs.Township(key.TownshipId);
            var indicators = key.Indicators.Split(',', StringSplitOptions.RemoveEmptyEntries);
            while (true)
            {
                TotalsAnswer current;
                lock (_lock)
                {
                    if (_stopped || _subscribers.Count == 0) break;
                    current = _current!;
                }
                try
                {
                    // The timeout keeps the loop noticing that its last watcher left.
                    var version = await township.WaitForChange(current.Version, TimeSpan.FromSeconds(20));
                    if (version == current.Version) continue;
                    var next = await township.GetTotals(key.Period, [.. indicators], key.Breakdown, key.ComparePeriod);
                    var change = next.ChangesSince(current);
                    lock (_lock) _current = next;
                    if (!change.IsEmpty) Publish(Message(next, change));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The subscribers' streams end (their clients reconnect); a new watcher starts a new feed.
                    owner._logger.LogWarning(e, "WatchTotals feed of {Township} {Period} stopped", key.TownshipId, key.Period);
                    lock (_lock)
                    {
                        foreach (var s in _subscribers) s.Channel.Writer.TryComplete(e);
                    }
                    Stop();
                    return;
                }
            }
            Stop();
        }

        private void Publish(WatchTotalsResponse message)
        {
            lock (_lock)
            {
                for (var i = _subscribers.Count - 1; i >= 0; i--)
                {
                    var s = _subscribers[i];
                    if (s.Channel.Writer.TryWrite(message)) continue;
                    s.Lagged = true; // it starts over from the whole totals rather than hold an unbounded backlog
                    s.Channel.Writer.TryComplete();
                    _subscribers.RemoveAt(i);
                }
            }
        }

        private static WatchTotalsResponse Message(TotalsAnswer answer, TotalsChange change)
        {
            var message = new WatchTotalsResponse { Initial = false, Version = answer.Version, AsOf = Mappers.Ts(answer.AsOf) };
            message.Totals.AddRange(change.Changed.Select(Mappers.ToWire));
            message.Removed.AddRange(change.Removed);
            return TotalsWire.EncodeOnce(message);
        }
    }
}
