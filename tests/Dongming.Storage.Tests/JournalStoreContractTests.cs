using System.Diagnostics.Metrics;
using System.Text;

namespace Dongming.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IJournalStore"/> backend must have; each backend runs it through a subclass.
/// Streams get fresh names per test, so tests may share a database.
/// </summary>
public abstract class JournalStoreContractTests : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _stores = [];
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + "/";

    /// <summary>Opens a store on this test's database (the same one every time within a test).</summary>
    protected abstract Task<IJournalStore> CreateStoreAsync();

    /// <summary>The store's committed-transaction counter.</summary>
    protected abstract long CommitCount(IJournalStore store);

    /// <summary>The backend's value of the metrics' <c>dongming.journal.backend</c> tag.</summary>
    protected abstract string Backend { get; }

    /// <summary>Opens a store, disposed at the end of the test.</summary>
    protected async Task<IJournalStore> OpenAsync()
    {
        var store = await CreateStoreAsync();
        _stores.Add((IAsyncDisposable)store);
        return store;
    }

    /// <summary>A stream name no other test uses.</summary>
    protected string Stream(string name = "s") => _prefix + name;

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static NewEvent Event(string text, string? requestId = null, string? hash = null) => new("Test" + text.Length, Bytes(text), requestId, hash);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static async Task<List<JournalEvent>> ReadAllAsync(IJournalStore store, string stream, long after = 0)
    {
        var events = new List<JournalEvent>();
        await foreach (var e in store.ReadAsync(stream, after, Ct))
        {
            events.Add(e);
        }

        return events;
    }

    [Fact]
    public async Task AppendedEvents_ReadBackInOrder_WithConsecutiveVersions()
    {
        var store = await OpenAsync();
        var s = Stream();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new(s, 0, [Event("a"), Event("bb", "r1", "h1"), Event("ccc")]), Ct));
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new(s, 3, [Event("dddd"), Event("e")]), Ct));

        var events = await ReadAllAsync(store, s);
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Version));
        Assert.Equal(["a", "bb", "ccc", "dddd", "e"], events.Select(e => Encoding.UTF8.GetString(e.Payload)));
        Assert.Equal(["Test1", "Test2", "Test3", "Test4", "Test1"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(s, e.Stream));
        Assert.Equal(("r1", "h1"), (events[1].RequestId, events[1].RequestHash));
        Assert.Null(events[0].RequestId);
        Assert.Null(events[0].RequestHash);
        Assert.All(events, e => Assert.InRange(e.RecordedAt, before, DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task Append_WithAVersionConflict_WritesNothing()
    {
        var store = await OpenAsync();
        var s = Stream();
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new(s, 0, [Event("a"), Event("b")], Bytes("snap2")), Ct));

        Assert.Equal(AppendOutcome.VersionConflict, await store.AppendAsync(new(s, 1, [Event("x", "rx")], Bytes("bad")), Ct));
        Assert.Equal(AppendOutcome.VersionConflict, await store.AppendAsync(new(s, 0, [Event("y")]), Ct));
        Assert.Equal(AppendOutcome.VersionConflict, await store.AppendAsync(new(s, 7, [Event("z")]), Ct));
        Assert.Equal(AppendOutcome.VersionConflict, await store.AppendAsync(new(Stream("never"), 3, [Event("z")]), Ct));

        Assert.Equal(["a", "b"], (await ReadAllAsync(store, s)).Select(e => Encoding.UTF8.GetString(e.Payload)));
        var versions = await store.GetVersionsAsync([s, Stream("never")], Ct);
        Assert.Equal(2, versions[s]);
        Assert.Equal(0, versions[Stream("never")]);
        Assert.Equal("snap2", Encoding.UTF8.GetString((await store.ReadSnapshotAsync(s, Ct))!.Payload));
        Assert.Null(await store.FindByRequestIdAsync(s, "rx", Ct));
    }

    [Fact]
    public async Task Append_WithADuplicateRequestId_WritesNothing_AndFindsTheOriginal()
    {
        var store = await OpenAsync();
        var s = Stream();
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new(s, 0, [Event("first", "req-1", "hash-1")]), Ct));

        // The same id again (another body), even together with a new one: nothing of it is written.
        Assert.Equal(AppendOutcome.DuplicateRequest, await store.AppendAsync(new(s, 1, [Event("other", "req-2"), Event("again", "req-1", "hash-2")], Bytes("snap")), Ct));
        // A retry whose expected version is stale is still reported as a duplicate, not as a conflict.
        Assert.Equal(AppendOutcome.DuplicateRequest, await store.AppendAsync(new(s, 0, [Event("first", "req-1", "hash-1")]), Ct));

        Assert.Single(await ReadAllAsync(store, s));
        Assert.Equal(1, (await store.GetVersionsAsync([s], Ct))[s]);
        Assert.Null(await store.ReadSnapshotAsync(s, Ct));
        Assert.Null(await store.FindByRequestIdAsync(s, "req-2", Ct));

        var original = await store.FindByRequestIdAsync(s, "req-1", Ct);
        Assert.NotNull(original);
        Assert.Equal((s, 1L, "first", "req-1", "hash-1"), (original.Stream, original.Version, Encoding.UTF8.GetString(original.Payload), original.RequestId, original.RequestHash));

        // Request ids are per stream.
        Assert.Null(await store.FindByRequestIdAsync(Stream("other"), "req-1", Ct));
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new(Stream("other"), 0, [Event("elsewhere", "req-1")]), Ct));
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new(s, 1, [Event("second", "req-2")]), Ct));
        Assert.Equal(2, (await store.FindByRequestIdAsync(s, "req-2", Ct))!.Version);
    }

    [Fact]
    public async Task ReadSnapshot_ReturnsTheLatest()
    {
        var store = await OpenAsync();
        var s = Stream();
        Assert.Null(await store.ReadSnapshotAsync(s, Ct));
        await store.AppendAsync(new(s, 0, [Event("a"), Event("b")], Bytes("after-2")), Ct);
        var first = await store.ReadSnapshotAsync(s, Ct);
        Assert.Equal((2L, "after-2"), (first!.Version, Encoding.UTF8.GetString(first.Payload)));

        await store.AppendAsync(new(s, 2, [Event("c")], Bytes("after-3")), Ct);
        await store.AppendAsync(new(s, 3, [Event("d")]), Ct);
        var latest = await store.ReadSnapshotAsync(s, Ct);
        Assert.Equal((s, 3L, "after-3"), (latest!.Stream, latest.Version, Encoding.UTF8.GetString(latest.Payload)));
        Assert.Null(await store.ReadCheckpointAsync(s, Ct));
    }

    [Fact]
    public async Task ReadAfterVersion_ReturnsOnlyLaterEvents()
    {
        var store = await OpenAsync();
        var s = Stream();
        await store.AppendAsync(new(s, 0, [Event("1"), Event("2"), Event("3"), Event("4"), Event("5")]), Ct);
        Assert.Equal([4L, 5], (await ReadAllAsync(store, s, after: 3)).Select(e => e.Version));
        Assert.Empty(await ReadAllAsync(store, s, after: 5));
        Assert.Empty(await ReadAllAsync(store, Stream("unwritten")));
        Assert.Equal(5, (await ReadAllAsync(store, s, after: 0)).Count);
    }

    [Fact]
    public async Task GetVersions_OfWrittenAndUnwrittenStreams_AreTheirEventCounts()
    {
        var store = await OpenAsync();
        await store.AppendAsync(new(Stream("a"), 0, [Event("1"), Event("2")]), Ct);
        await store.AppendAsync(new(Stream("b"), 0, [Event("1")]), Ct);
        var versions = await store.GetVersionsAsync([Stream("a"), Stream("b"), Stream("c")], Ct);
        Assert.Equal(3, versions.Count);
        Assert.Equal(2, versions[Stream("a")]);
        Assert.Equal(1, versions[Stream("b")]);
        Assert.Equal(0, versions[Stream("c")]);
        Assert.Empty(await store.GetVersionsAsync([], Ct));
    }

    [Fact]
    public async Task Checkpoints_SavedTogether_AreReadByPrefix_InStreamOrder_AndReplaceOneByOne()
    {
        var store = await OpenAsync();
        var head = Stream("totals/t");
        var b = Stream("totals/t/b");
        var a = Stream("totals/t/a");
        await store.SaveCheckpointsAsync([new(head, 1, Bytes("head")), new(b, 3, Bytes("b-3")), new(a, 2, Bytes("a-2"))], Ct);
        // Another township whose name extends this one's, and a stream just above the prefix's range.
        await store.SaveCheckpointsAsync([new(Stream("totals/tt/x"), 1, Bytes("tt")), new(Stream("totals/t0"), 1, Bytes("t0"))], Ct);

        var parts = await store.ReadCheckpointsAsync(Stream("totals/t/"), Ct);
        Assert.Equal([(a, 2L, "a-2"), (b, 3L, "b-3")], parts.Select(p => (p.Stream, p.Version, Encoding.UTF8.GetString(p.Payload))));
        Assert.Equal("head", Encoding.UTF8.GetString((await store.ReadCheckpointAsync(head, Ct))!.Payload));

        await store.SaveCheckpointsAsync([new(b, 5, Bytes("b-5"))], Ct);
        parts = await store.ReadCheckpointsAsync(Stream("totals/t/"), Ct);
        Assert.Equal([(a, 2L, "a-2"), (b, 5L, "b-5")], parts.Select(p => (p.Stream, p.Version, Encoding.UTF8.GetString(p.Payload))));
        Assert.Equal("b-5", Encoding.UTF8.GetString((await store.ReadCheckpointAsync(b, Ct))!.Payload));
        Assert.Empty(await store.ReadCheckpointsAsync(Stream("none/"), Ct));
    }

    [Fact]
    public async Task Checkpoints_SavedTogether_CommitInOneTransaction_AndSurviveReopening()
    {
        var store = await OpenAsync();
        var before = CommitCount(store);
        var many = Enumerable.Range(0, 300).Select(i => new Snapshot(Stream($"many/{i:D4}"), i, Bytes("p" + i))).ToList();
        await store.SaveCheckpointsAsync(many, Ct);
        Assert.Equal(before + 1, CommitCount(store));
        await store.SaveCheckpointsAsync([], Ct);
        Assert.Equal(before + 1, CommitCount(store));
        await ((IAsyncDisposable)store).DisposeAsync();
        _stores.Remove((IAsyncDisposable)store);

        var reopened = await OpenAsync();
        var read = await reopened.ReadCheckpointsAsync(Stream("many/"), Ct);
        Assert.Equal(many.Select(c => (c.Stream, c.Version, Encoding.UTF8.GetString(c.Payload))), read.Select(c => (c.Stream, c.Version, Encoding.UTF8.GetString(c.Payload))));
    }

    [Fact]
    public async Task Checkpoints_MalformedLists_AreRefused_AndWriteNothing()
    {
        var store = await OpenAsync();
        var s = Stream("dup");
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveCheckpointsAsync([new(s, 1, Bytes("x")), new(s, 2, Bytes("y"))], Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.SaveCheckpointsAsync([new(Stream("ok"), 1, Bytes("x")), new(Stream("neg"), -1, Bytes("y"))], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadCheckpointsAsync("", Ct));
        Assert.Null(await store.ReadCheckpointAsync(s, Ct));
        Assert.Null(await store.ReadCheckpointAsync(Stream("ok"), Ct));
    }

    [Fact]
    public async Task Checkpoint_IsSavedReplacedAndRead()
    {
        var store = await OpenAsync();
        var s = Stream("township");
        Assert.Null(await store.ReadCheckpointAsync(s, Ct));
        await store.SaveCheckpointAsync(new(s, 4, Bytes("totals-4")), Ct);
        var first = await store.ReadCheckpointAsync(s, Ct);
        Assert.Equal((s, 4L, "totals-4"), (first!.Stream, first.Version, Encoding.UTF8.GetString(first.Payload)));

        await store.SaveCheckpointAsync(new(s, 9, Bytes("totals-9")), Ct);
        var second = await store.ReadCheckpointAsync(s, Ct);
        Assert.Equal((9L, "totals-9"), (second!.Version, Encoding.UTF8.GetString(second.Payload)));

        Assert.Null(await store.ReadCheckpointAsync(Stream("other"), Ct));
        Assert.Null(await store.ReadSnapshotAsync(s, Ct));
        Assert.Equal(0, (await store.GetVersionsAsync([s], Ct))[s]);
    }

    [Fact]
    public async Task ConcurrentAppends_ToManyStreams_ShareCommits()
    {
        var store = await OpenAsync();
        var commitsBefore = CommitCount(store);
        var appends = Enumerable.Range(0, 200)
            .Select(i => store.AppendAsync(new(Stream($"v{i}"), 0, [Event($"e{i}")], Bytes($"snap{i}")), Ct))
            .ToArray();
        var outcomes = await Task.WhenAll(appends);

        Assert.All(outcomes, o => Assert.Equal(AppendOutcome.Appended, o));
        var commits = CommitCount(store) - commitsBefore;
        Assert.InRange(commits, 1, 199);
        var streams = Enumerable.Range(0, 200).Select(i => Stream($"v{i}")).ToArray();
        Assert.All((await store.GetVersionsAsync(streams, Ct)).Values, v => Assert.Equal(1, v));
        Assert.Equal("snap123", Encoding.UTF8.GetString((await store.ReadSnapshotAsync(Stream("v123"), Ct))!.Payload));
    }

    [Fact]
    public async Task ConcurrentAppends_AtTheSameVersion_LetExactlyOneWin()
    {
        var store = await OpenAsync();
        var s = Stream();
        await store.AppendAsync(new(s, 0, [Event("base")]), Ct);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => store.AppendAsync(new(s, 1, [Event($"contender{i}")]), Ct))));

        Assert.Single(outcomes, o => o == AppendOutcome.Appended);
        Assert.Equal(49, outcomes.Count(o => o == AppendOutcome.VersionConflict));
        Assert.Equal(2, (await store.GetVersionsAsync([s], Ct))[s]);
        Assert.Equal(2, (await ReadAllAsync(store, s)).Count);
    }

    [Fact]
    public async Task QueuedAppends_ToOneStream_ApplyInOrder()
    {
        // Not awaited one by one: several land in one batch, each must see the head the previous one wrote.
        var store = await OpenAsync();
        var s = Stream();
        var appends = Enumerable.Range(0, 40).Select(i => store.AppendAsync(new(s, i, [Event($"e{i}")]), Ct)).ToArray();
        Assert.All(await Task.WhenAll(appends), o => Assert.Equal(AppendOutcome.Appended, o));
        var events = await ReadAllAsync(store, s);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"e{i}"), events.Select(e => Encoding.UTF8.GetString(e.Payload)));
    }

    [Fact]
    public async Task Data_SurvivesReopeningTheStore()
    {
        var store = await OpenAsync();
        var s = Stream();
        await store.AppendAsync(new(s, 0, [Event("a", "r1", "h1"), Event("b")], Bytes("snap")), Ct);
        await store.SaveCheckpointAsync(new(Stream("cp"), 2, Bytes("cp")), Ct);
        await ((IAsyncDisposable)store).DisposeAsync();

        var reopened = await OpenAsync();
        Assert.Equal(["a", "b"], (await ReadAllAsync(reopened, s)).Select(e => Encoding.UTF8.GetString(e.Payload)));
        Assert.Equal(2, (await reopened.GetVersionsAsync([s], Ct))[s]);
        Assert.Equal("snap", Encoding.UTF8.GetString((await reopened.ReadSnapshotAsync(s, Ct))!.Payload));
        Assert.Equal("cp", Encoding.UTF8.GetString((await reopened.ReadCheckpointAsync(Stream("cp"), Ct))!.Payload));
        Assert.Equal("h1", (await reopened.FindByRequestIdAsync(s, "r1", Ct))!.RequestHash);
        Assert.Equal(AppendOutcome.Appended, await reopened.AppendAsync(new(s, 2, [Event("c")]), Ct));
    }

    [Fact]
    public async Task Dispose_FinishesPendingAppends()
    {
        var store = await OpenAsync();
        var appends = Enumerable.Range(0, 50).Select(i => store.AppendAsync(new(Stream($"p{i}"), 0, [Event("x")]), Ct)).ToArray();
        await ((IAsyncDisposable)store).DisposeAsync();
        Assert.All(appends, a => Assert.Equal(AppendOutcome.Appended, a.IsCompletedSuccessfully ? a.Result : (AppendOutcome)(-1)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendAsync(new(Stream("late"), 0, [Event("x")]), Ct));

        var reopened = await OpenAsync();
        var versions = await reopened.GetVersionsAsync(Enumerable.Range(0, 50).Select(i => Stream($"p{i}")).ToArray(), Ct);
        Assert.All(versions.Values, v => Assert.Equal(1, v));
    }

    [Fact]
    public async Task CancelledAppend_IsNotWritten()
    {
        var store = await OpenAsync();
        var s = Stream();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync(new(s, 0, [Event("x")]), cancelled.Token));
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new(Stream("after"), 0, [Event("y")]), Ct));
        Assert.Equal(0, (await store.GetVersionsAsync([s], Ct))[s]);
    }

    [Fact]
    public async Task MalformedAppends_AreRejected()
    {
        var store = await OpenAsync();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(new(Stream(), 0, []), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(new(Stream(), -1, [Event("x")]), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(new(Stream(), 0, [Event("x", "r"), Event("y", "r")]), Ct));
        Assert.Equal(0, (await store.GetVersionsAsync([Stream()], Ct))[Stream()]);
    }

    [Fact]
    public async Task Commits_AreReportedToTheMetrics()
    {
        var store = await OpenAsync();
        long bytes = 0;
        var batchSizes = new List<int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == JournalMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (IsMine(tags))
            {
                Interlocked.Add(ref bytes, value);
            }
        });
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            if (IsMine(tags))
            {
                lock (batchSizes)
                {
                    batchSizes.Add(value);
                }
            }
        });
        listener.Start();

        await store.AppendAsync(new(Stream(), 0, [Event("12345"), Event("678")], Bytes("snapshot")), Ct);

        // Other tests of the same backend may run in parallel and add to the totals, never subtract.
        Assert.True(Interlocked.Read(ref bytes) >= 16, $"bytes written {bytes}");
        lock (batchSizes)
        {
            Assert.NotEmpty(batchSizes);
            Assert.All(batchSizes, b => Assert.True(b >= 1));
        }

        bool IsMine(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "dongming.journal.backend" && Equals(tag.Value, Backend))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await DisposeBackendAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes what the backend created for this test.</summary>
    protected virtual ValueTask DisposeBackendAsync() => ValueTask.CompletedTask;
}
