using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Dongming.Grains;

/// <summary>
/// The service's own instruments (meter <see cref="MeterName"/>), recorded where the events happen: values
/// reported and cases opened/closed by the ledgers, the totals update lag by the townships. The host registers
/// the meter with OpenTelemetry (Prometheus: <c>dongming_values_reported_total</c>, …).
/// </summary>
public static class ServiceMetrics
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "Dongming";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Figures written by ReportValues (one per indicator value; replays count nothing).</summary>
    public static readonly Counter<long> ValuesReported = Meter.CreateCounter<long>("dongming.values.reported", "{value}", "Indicator values written by ReportValues.");

    /// <summary>Cases opened.</summary>
    public static readonly Counter<long> CasesOpened = Meter.CreateCounter<long>("dongming.cases.opened", "{case}", "Remediation cases opened.");

    /// <summary>Cases moved to CLOSED.</summary>
    public static readonly Counter<long> CasesClosed = Meter.CreateCounter<long>("dongming.cases.closed", "{case}", "Remediation cases moved to CLOSED.");

    /// <summary>Validation warnings reports were answered with (one per rule broken; replays count nothing), by importance.</summary>
    public static readonly Counter<long> ValidationWarnings = Meter.CreateCounter<long>("dongming.validation.warnings", "{warning}",
        "Validation rules broken by the figures of a report (returned as warnings, never a refusal).");

    /// <summary>Approval steps taken (submit, approve, reject, unapprove), by step.</summary>
    /// <summary>Events per journal append of a ledger (writes that arrived while the previous append was in flight share one).</summary>
    public static readonly Histogram<long> LedgerBatchEvents = Meter.CreateHistogram<long>("dongming.ledger.batch_events", "{event}",
        "Events written by one journal append of a ledger.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });

    public static readonly Counter<long> ApprovalSteps = Meter.CreateCounter<long>("dongming.approvals", "{step}", "Approval steps taken on data sets.");

    private static readonly ConcurrentDictionary<string, (long Open, long Overdue)> CaseCounts = new(StringComparer.Ordinal);

    /// <summary>Open cases per township (tag <c>township</c>), as the township grains active on this silo last counted them.</summary>
    public static readonly ObservableGauge<long> CasesOpen = Meter.CreateObservableGauge("dongming.cases.open",
        () => CaseCounts.Select(kv => new Measurement<long>(kv.Value.Open, new KeyValuePair<string, object?>("township", kv.Key))), "{case}",
        "Open remediation cases (reported, investigating, rectifying, controlled, reopened).");

    /// <summary>Open cases past their deadline per township (tag <c>township</c>), for alerting.</summary>
    public static readonly ObservableGauge<long> CasesOverdue = Meter.CreateObservableGauge("dongming.cases.overdue",
        () => CaseCounts.Select(kv => new Measurement<long>(kv.Value.Overdue, new KeyValuePair<string, object?>("township", kv.Key))), "{case}",
        "Open remediation cases past their deadline (as of today, Beijing time).");

    /// <summary>Publishes a township's case counts to the gauges (its grain calls this on every tick).</summary>
    public static void PublishCases(string townshipId, long open, long overdue) => CaseCounts[townshipId] = (open, overdue);

    /// <summary>Withdraws a township's counts (its grain left this silo: another silo reports them now).</summary>
    public static void WithdrawCases(string townshipId) => CaseCounts.TryRemove(townshipId, out _);

    /// <summary>Time from a ledger's write to its township applying the change.</summary>
    public static readonly Histogram<double> TotalsUpdateLag = Meter.CreateHistogram<double>("dongming.totals.update_lag", "s",
        "Time from a ledger write to the township totals reflecting it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
}
