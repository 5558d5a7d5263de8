using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Storage;
using static Dongming.Grains.Tests.Seed;

namespace Dongming.Grains.Tests;

/// <summary>
/// A cluster of its own, run alone: the journal's byte meter is process-wide, so nothing else may write while
/// this collection measures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CostCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cost";
}

[Collection(CostCollection.Name)]
public sealed class TransitionCostTests(ClusterFixture fixture)
{
    private const int ManyCases = 2000;
    private const int FewCases = 10;
    private const int Transitions = 100;

    private long _meteredBytes;

    private long Metered => Interlocked.Read(ref _meteredBytes);

    private sealed record Run(long[] MeteredPerCall, long[] EventBytesPerCall, long MeteredTotal, long EventBytes, long SnapshotBytes, long Snapshots, long CheckpointBytes)
    {
        public double Median => MeteredPerCall.Order().ElementAt(MeteredPerCall.Length / 2);
    }

    [Fact]
    public async Task TransitionCase_JournalBytesPerTransition_DoNotGrowWithTheNumberOfCases()
    {
        var grains = fixture.Grains;
        var output = TestContext.Current.TestOutputHelper!;
        var t = await Seed.TownshipAsync(grains, villages: 2);
        var (big, small) = (t.Villages[0], t.Villages[1]);
        var batch = TestBatches.Fresh();

        var opening = Stopwatch.StartNew();
        var bigCases = new List<string>();
        for (var i = 0; i < ManyCases; i += 100)
        {
            // A hundred at a time: the ledger takes them one by one anyway, the journal commits them in groups.
            var opened = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Township.Ledger(grains, big).OpenCase(OpenCase(big, batch, title: "超期未整改的违法占用林地图斑，面积较大，需要逐一核查"), Tester)));
            bigCases.AddRange(opened.Select(c => c.CaseId));
        }
        output.WriteLine($"opened {ManyCases} cases in {opening.Elapsed.TotalSeconds:F1} s");
        var smallCases = new List<string>();
        for (var i = 0; i < FewCases; i++)
            smallCases.Add((await Township.Ledger(grains, small).OpenCase(OpenCase(small, batch, title: "超期未整改的违法占用林地图斑，面积较大，需要逐一核查"), Tester)).CaseId);
        Assert.Equal(ManyCases, bigCases.Distinct().Count());

        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == JournalMetrics.MeterName && instrument.Name == "dongming.journal.bytes_written") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _meteredBytes, value));
        listener.Start();

        // The same work on both: one transition per call. The big ledger moves Transitions cases REPORTED → RECTIFYING;
        // the small one's ten cases go round: → RECTIFYING, then RECTIFIED ↔ RECTIFYING.
        var few = await MeasureAsync(small, i => smallCases[i % FewCases], i => i / FewCases + 1, i => i / FewCases % 2 == 0 ? CaseStatus.Rectifying : CaseStatus.Rectified);
        var many = await MeasureAsync(big, i => bigCases[i], _ => 1, _ => CaseStatus.Rectifying);

        foreach (var (name, run) in new[] { ("10 cases", few), ($"{ManyCases} cases", many) })
            output.WriteLine($"{name}: metered {run.MeteredTotal} B over {Transitions} transitions (median {run.Median} B/transition); " +
                $"ledger events {run.EventBytes} B, ledger snapshots {run.Snapshots} ({run.SnapshotBytes} B), township checkpoints {run.CheckpointBytes} B");
        var lifetime = fixture.Counters.ByStream[GrainKeys.Ledger(big)];
        output.WriteLine($"{ManyCases}-case ledger over its life: events {lifetime.Events} B, snapshots {lifetime.SnapshotCount} ({lifetime.Snapshots} B)");

        // The meter saw the ledgers' writes (and maybe township checkpoints on top).
        Assert.True(many.MeteredTotal >= many.EventBytes + many.SnapshotBytes, "the meter missed writes");
        Assert.True(few.MeteredTotal >= few.EventBytes + few.SnapshotBytes, "the meter missed writes");

        // A typical transition costs the same whatever the ledger holds: the event, not the state.
        Assert.True(many.Median <= 3 * few.Median, $"median bytes per transition: {many.Median} with {ManyCases} cases vs {few.Median} with {FewCases}");
        Assert.True((double)many.EventBytes / Transitions <= 3.0 * few.EventBytes / Transitions);
        Assert.All(many.EventBytesPerCall.Concat(few.EventBytesPerCall), b => Assert.InRange(b, 1, 4 * 1024));

        // With 2000 cases the state is big (the last snapshot of the ledger alone outweighs the whole window), so
        // rewriting it per transition would show. Snapshots are written when the events since the last one outweigh it:
        // over the ledger's life they cost at most a small multiple of its events.
        Assert.True(lifetime.SnapshotCount >= 1);
        Assert.True(lifetime.Snapshots / lifetime.SnapshotCount > 4 * many.EventBytes, "the big ledger's state should outweigh the window's events");
        Assert.True(lifetime.Snapshots <= 3 * lifetime.Events, $"snapshots {lifetime.Snapshots} B for events {lifetime.Events} B");
        Assert.True(many.Snapshots <= 1, "at most one snapshot of a big ledger may fall due within a short window");
        Assert.True(many.EventBytes < 64 * 1024 && lifetime.Events > 10 * many.EventBytes);
    }

    private async Task<Run> MeasureAsync(string orgUnitId, Func<int, string> caseOf, Func<int, long> versionOf, Func<int, CaseStatus> toOf)
    {
        var ledger = Township.Ledger(fixture.Grains, orgUnitId);
        var stream = GrainKeys.Ledger(orgUnitId);
        var counters = fixture.Counters;
        var metered = new long[Transitions];
        var events = new long[Transitions];
        var (meterStart, streamStart, checkpointStart) = (Metered, counters.ByStream[stream], counters.CheckpointBytes);
        for (var i = 0; i < Transitions; i++)
        {
            var (m, s) = (Metered, counters.ByStream[stream]);
            var moved = await ledger.TransitionCase(Move(caseOf(i), toOf(i), versionOf(i)), Tester);
            Assert.Equal(toOf(i), moved.Status);
            metered[i] = Metered - m;
            var after = counters.ByStream[stream];
            events[i] = after.Events - s.Events;
        }
        var end = counters.ByStream[stream];
        return new Run(metered, events, Metered - meterStart, end.Events - streamStart.Events, end.Snapshots - streamStart.Snapshots,
            end.SnapshotCount - streamStart.SnapshotCount, counters.CheckpointBytes - checkpointStart);
    }
}
