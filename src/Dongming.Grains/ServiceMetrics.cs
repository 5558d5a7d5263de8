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

    /// <summary>Time from a ledger's write to its township applying the change.</summary>
    public static readonly Histogram<double> TotalsUpdateLag = Meter.CreateHistogram<double>("dongming.totals.update_lag", "s",
        "Time from a ledger write to the township totals reflecting it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
}
