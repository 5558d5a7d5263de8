using System.Diagnostics.Metrics;

namespace Dongming.Storage;

/// <summary>
/// Instruments every backend reports: commit batch size and latency (group commit at work) and bytes written
/// (the cost of one write, which must not grow with a stream's history).
/// </summary>
public static class JournalMetrics
{
    /// <summary>Meter name, registered with OpenTelemetry by the host.</summary>
    public const string MeterName = "Dongming.Journal";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Appends per committed transaction.</summary>
    public static readonly Histogram<int> CommitBatchSize = Meter.CreateHistogram<int>("dongming.journal.commit.batch_size", "{append}", "Appends committed in one transaction (group commit).");

    /// <summary>Transaction duration including the flush to disk.</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>("dongming.journal.commit.duration", "s", "Duration of one journal commit including its flush to disk.");

    /// <summary>Payload bytes written (events and snapshots).</summary>
    public static readonly Counter<long> BytesWritten = Meter.CreateCounter<long>("dongming.journal.bytes_written", "By", "Event and snapshot payload bytes written to the journal.");
}
