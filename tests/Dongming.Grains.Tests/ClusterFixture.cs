using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dongming.Grains.Abstractions;
using Dongming.Storage;
using Dongming.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Dongming.Grains.Tests;

/// <summary>
/// One Orleans test cluster (one in-process silo) per test collection, over a SQLite journal in a temp file of its
/// own. Tests use fresh township and village ids, so they share the cluster without seeing each other's figures.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    /// <summary>Configuration key of the journal file, read by <see cref="SiloConfigurator"/>.</summary>
    public const string JournalPathKey = "DongmingTests:JournalPath";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dongming-grains-" + Guid.NewGuid().ToString("N")[..12]);

    public TestCluster Cluster { get; private set; } = null!;

    public string JournalPath => Path.Combine(_folder, "journal.db");

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>What the silo wrote to the journal, by kind (see <see cref="CountingJournalStore"/>).</summary>
    public JournalCounters Counters => CountingJournalStore.For(JournalPath);

    /// <summary>The journal the silo writes to (any silo's: they share the file).</summary>
    public IJournalStore Journal => Cluster.GetSiloServiceProvider().GetRequiredService<IJournalStore>();

    /// <summary>The number of events in a stream of the journal, as stored (not as a grain believes).</summary>
    public async Task<long> JournalVersionAsync(string stream) => (await Journal.GetVersionsAsync([stream]))[stream];

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var builder = new TestClusterBuilder();
        builder.Options.InitialSilosCount = 1;
        // Silo and gateway ports for up to 4 silo instances (a restarted silo takes the next instance number),
        // checked free: Orleans binds with SO_REUSEPORT on Linux, so a taken port would silently share traffic.
        var (siloPort, gatewayPort) = FreePorts.AllocatePairs(4);
        builder.Options.BaseSiloPort = siloPort;
        builder.Options.BaseGatewayPort = gatewayPort;
        builder.Properties[JournalPathKey] = JournalPath;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The silo's grains as the server wires them (<see cref="GrainsHosting.AddDongmingGrains"/>), over a SQLite journal.</summary>
public sealed class SiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var path = siloBuilder.Configuration[ClusterFixture.JournalPathKey] ?? throw new InvalidOperationException("no journal path configured");
        siloBuilder.Services.AddSingleton<IJournalStore>(sp => new CountingJournalStore(
            path, new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = path }, sp.GetService<ILogger<SqliteJournalStore>>())));
        siloBuilder.AddDongmingGrains();
    }
}

/// <summary>The client needs the same serializer configuration for the domain types.</summary>
public sealed class ClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.Services.AddSerializer(s => s.AddDongmingTypes());
}

/// <summary>Finds runs of free TCP ports by binding them (without SO_REUSEPORT, so a port any socket holds fails).</summary>
internal static class FreePorts
{
    private static readonly object Gate = new();

    public static (int SiloPort, int GatewayPort) AllocatePairs(int count)
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var silo = TryRun(count);
                if (silo is null) continue;
                var gateway = TryRun(count, exclude: silo.Value);
                if (gateway is null) continue;
                return (silo.Value, gateway.Value);
            }
            throw new InvalidOperationException("no free port range found");
        }
    }

    private static readonly HashSet<int> Handed = [];

    /// <summary>A first port from the OS, then checks the next count-1 are free too (all held while checking).</summary>
    private static int? TryRun(int count, int exclude = -1)
    {
        var held = new List<TcpListener>();
        try
        {
            var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            held.Add(first);
            var start = ((IPEndPoint)first.LocalEndpoint).Port;
            if (start + count > IPEndPoint.MaxPort) return null;
            if (Enumerable.Range(start, count).Any(p => Handed.Contains(p) || (p >= exclude && p < exclude + count))) return null;
            for (var p = start + 1; p < start + count; p++)
            {
                var next = new TcpListener(IPAddress.Loopback, p);
                next.Start();
                held.Add(next);
            }
            // Also free on all interfaces (Orleans listens on the advertised address, loopback in tests, but be safe).
            foreach (var l in held) l.Stop();
            held.Clear();
            for (var p = start; p < start + count; p++)
            {
                var any = new TcpListener(IPAddress.Any, p);
                any.Start();
                held.Add(any);
            }
            for (var p = start; p < start + count; p++) Handed.Add(p);
            return start;
        }
        catch (SocketException)
        {
            return null;
        }
        finally
        {
            foreach (var l in held) l.Stop();
        }
    }
}

/// <summary>Bytes the silo wrote, split by kind and by stream, and events read by version (thread-safe).</summary>
public sealed class JournalCounters
{
    private long _eventBytes, _snapshotBytes, _checkpointBytes, _snapshots, _checkpoints;

    public ConcurrentDictionary<string, (long Events, long Snapshots, long SnapshotCount)> ByStream { get; } = new(StringComparer.Ordinal);

    /// <summary>Events read by version (<see cref="IJournalStore.ReadEventsAsync"/>: histories and replays), per stream.</summary>
    public ConcurrentDictionary<string, long> EventsReadByVersion { get; } = new(StringComparer.Ordinal);

    public long EventBytes => Interlocked.Read(ref _eventBytes);
    public long SnapshotBytes => Interlocked.Read(ref _snapshotBytes);
    public long CheckpointBytes => Interlocked.Read(ref _checkpointBytes);
    public long Snapshots => Interlocked.Read(ref _snapshots);
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    internal void Appended(AppendRequest request)
    {
        long events = request.Events.Sum(e => (long)e.Payload.Length);
        long snapshot = request.Snapshot?.LongLength ?? 0;
        Interlocked.Add(ref _eventBytes, events);
        if (request.Snapshot is not null) { Interlocked.Add(ref _snapshotBytes, snapshot); Interlocked.Increment(ref _snapshots); }
        ByStream.AddOrUpdate(request.Stream, (events, snapshot, request.Snapshot is null ? 0 : 1),
            (_, t) => (t.Events + events, t.Snapshots + snapshot, t.SnapshotCount + (request.Snapshot is null ? 0 : 1)));
    }

    /// <summary>A snapshot written beside the appends (grains write them after the events they cover).</summary>
    internal void Snapshotted(Snapshot snapshot)
    {
        long bytes = snapshot.Payload.LongLength;
        Interlocked.Add(ref _snapshotBytes, bytes);
        Interlocked.Increment(ref _snapshots);
        ByStream.AddOrUpdate(snapshot.Stream, (0, bytes, 1), (_, t) => (t.Events, t.Snapshots + bytes, t.SnapshotCount + 1));
    }

    internal void ReadByVersion(string stream, int count) => EventsReadByVersion.AddOrUpdate(stream, count, (_, n) => n + count);

    /// <summary>Checkpoint rows written, per stream (a township's header and each of its parts).</summary>
    public ConcurrentDictionary<string, long> CheckpointsByStream { get; } = new(StringComparer.Ordinal);

    /// <summary>Checkpoint rows written so far whose stream starts with <paramref name="prefix"/>.</summary>
    public long CheckpointsUnder(string prefix) => CheckpointsByStream.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(kv => kv.Value);

    internal void Checkpointed(Snapshot checkpoint)
    {
        Interlocked.Add(ref _checkpointBytes, checkpoint.Payload.LongLength);
        Interlocked.Increment(ref _checkpoints);
        CheckpointsByStream.AddOrUpdate(checkpoint.Stream, 1, (_, n) => n + 1);
    }
}

/// <summary>
/// Passes everything to the real store and counts what was durably written, by kind: the journal's byte meter
/// counts events, snapshots and township checkpoints together, and a test of the cost of a write must tell them apart.
/// </summary>
public sealed class CountingJournalStore(string path, IJournalStore inner) : IJournalStore, IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, JournalCounters> Counters = new(StringComparer.Ordinal);

    private readonly JournalCounters _counters = For(path);

    public IJournalStore Inner => inner;

    public static JournalCounters For(string path) => Counters.GetOrAdd(path, _ => new JournalCounters());

    public async Task<AppendOutcome> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        await AppendGates.PassAsync(request.Stream, CancellationToken.None);
        var outcome = await inner.AppendAsync(request, cancellationToken);
        if (outcome == AppendOutcome.Appended)
        {
            _counters.Appended(request);
            AppendSizes.GetOrAdd(request.Stream, _ => new ConcurrentQueue<int>()).Enqueue(request.Events.Count);
        }
        return outcome;
    }

    /// <summary>Appends to the stream wait for the returned gate to open (a slow commit, held on purpose).</summary>
    public static TaskCompletionSource HoldAppends(string stream) => AppendGates.Hold(stream);

    /// <summary>Appends to the stream no longer wait.</summary>
    public static void ReleaseAppends(string stream) => AppendGates.Release(stream);

    /// <summary>A held append to the stream has started.</summary>
    public static Task AppendHeld(string stream) => AppendGates.Reached(stream);

    /// <summary>The number of events of each append written to the stream, in order.</summary>
    public static IReadOnlyList<int> AppendSizesOf(string stream) => AppendSizes.TryGetValue(stream, out var sizes) ? [.. sizes] : [];

    private static readonly StreamGates AppendGates = new();
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<int>> AppendSizes = new(StringComparer.Ordinal);

    public async Task SaveCheckpointAsync(Snapshot checkpoint, CancellationToken cancellationToken = default)
    {
        await inner.SaveCheckpointAsync(checkpoint, cancellationToken);
        _counters.Checkpointed(checkpoint);
    }

    public async Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        await inner.SaveSnapshotAsync(snapshot, cancellationToken);
        _counters.Snapshotted(snapshot);
    }

    /// <summary>Reads by version of a stream wait for the returned gate to open (a slow history read, held on purpose).</summary>
    public static TaskCompletionSource HoldReadsByVersion(string stream) => ReadGates.Hold(stream);

    /// <summary>Reads of the stream no longer wait.</summary>
    public static void ReleaseReadsByVersion(string stream) => ReadGates.Release(stream);

    /// <summary>A held read of the stream has started.</summary>
    public static Task ReadHeld(string stream) => ReadGates.Reached(stream);

    private static readonly StreamGates ReadGates = new();

    public async Task<IReadOnlyList<JournalEvent>> ReadEventsAsync(string stream, IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default)
    {
        await ReadGates.PassAsync(stream, cancellationToken);
        var events = await inner.ReadEventsAsync(stream, versions, cancellationToken);
        _counters.ReadByVersion(stream, events.Count);
        return events;
    }

    public Task<Snapshot?> ReadSnapshotAsync(string stream, CancellationToken cancellationToken = default) => inner.ReadSnapshotAsync(stream, cancellationToken);

    public IAsyncEnumerable<JournalEvent> ReadAsync(string stream, long afterVersion, CancellationToken cancellationToken = default) => inner.ReadAsync(stream, afterVersion, cancellationToken);

    public Task<JournalEvent?> FindByRequestIdAsync(string stream, string requestId, CancellationToken cancellationToken = default) => inner.FindByRequestIdAsync(stream, requestId, cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        foreach (var stream in streams) await VersionGates.PassAsync(stream, cancellationToken);
        return await inner.GetVersionsAsync(streams, cancellationToken);
    }

    /// <summary>Version reads that include the stream (a township comparing its parts with the journals) wait for the returned gate.</summary>
    public static TaskCompletionSource HoldVersionReads(string stream) => VersionGates.Hold(stream);

    /// <summary>Version reads of the stream no longer wait.</summary>
    public static void ReleaseVersionReads(string stream) => VersionGates.Release(stream);

    /// <summary>A held version read including the stream has started.</summary>
    public static Task VersionReadHeld(string stream) => VersionGates.Reached(stream);

    private static readonly StreamGates VersionGates = new();

    public Task<Snapshot?> ReadCheckpointAsync(string stream, CancellationToken cancellationToken = default) => inner.ReadCheckpointAsync(stream, cancellationToken);

    public async Task SaveCheckpointsAsync(IReadOnlyList<Snapshot> checkpoints, CancellationToken cancellationToken = default)
    {
        await inner.SaveCheckpointsAsync(checkpoints, cancellationToken);
        foreach (var checkpoint in checkpoints) _counters.Checkpointed(checkpoint);
    }

    public Task<IReadOnlyList<Snapshot>> ReadCheckpointsAsync(string prefix, CancellationToken cancellationToken = default) => inner.ReadCheckpointsAsync(prefix, cancellationToken);

    public ValueTask DisposeAsync() => inner is IAsyncDisposable d ? d.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>Gates a test closes on a stream's journal operations: each waits while its gate is held, and says it got there.</summary>
internal sealed class StreamGates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _reached = new(StringComparer.Ordinal);

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Hold(string stream) => _holds.GetOrAdd(stream, _ => New());

    public void Release(string stream)
    {
        if (_holds.TryRemove(stream, out var gate)) gate.TrySetResult();
        _reached.TryRemove(stream, out _);
    }

    public Task Reached(string stream) => _reached.GetOrAdd(stream, _ => New()).Task;

    public async Task PassAsync(string stream, CancellationToken cancellationToken)
    {
        if (!_holds.TryGetValue(stream, out var gate)) return;
        _reached.GetOrAdd(stream, _ => New()).TrySetResult();
        await gate.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>The shared cluster of most tests.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
