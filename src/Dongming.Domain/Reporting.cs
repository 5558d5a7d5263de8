using System.Security.Cryptography;
using System.Text;

namespace Dongming.Domain;

/// <summary>Who did something: the authenticated subject and the name to show.</summary>
public sealed record Actor(string Subject, string DisplayName)
{
    /// <summary>Changes made by the service itself (the demo load).</summary>
    public static Actor System { get; } = new("system", "Dongming");
}

/// <summary>
/// One line of a report as it arrives: indicator code, value text, and whether the value is only a lower bound
/// (a ledger that says "30余次" or "2.74亿元以上" knows the figure is at least the value, not exactly).
/// </summary>
public sealed record ReportLine(string Indicator, string Value, bool AtLeast = false);

/// <summary>A report (报数) as the caller sent it: one org unit, one period, a batch of values.</summary>
public sealed record ReportCommand(string OrgUnitId, string? Period, IReadOnlyList<ReportLine> Lines, string? RequestId, string? Comment);

/// <summary>One validated figure: an entered (not computed) indicator, its exact value, and whether it is a lower bound.</summary>
public sealed record ReportedFigure(string Indicator, decimal Value, bool AtLeast = false);

/// <summary>A report that passed validation: every line checked against the catalog and the org unit's level.</summary>
public sealed record ValidatedReport(string OrgUnitId, Period Period, IReadOnlyList<ReportedFigure> Figures, string RequestId, string? Comment)
{
    /// <summary>Fingerprint of the body (order of lines does not matter), stored with the request id.</summary>
    public string Fingerprint => Reporting.Fingerprint([OrgUnitId, Period.ToString(), Comment,
        .. Figures.OrderBy(f => f.Indicator, StringComparer.Ordinal).Select(f => $"{f.Indicator}={ExactDecimal.Format(f.Value)}{(f.AtLeast ? "+" : "")}")]);
}

/// <summary>Clearing values: an audited revision of each to "no value" (a mistaken entry, a figure not held).</summary>
public sealed record ClearCommand(string OrgUnitId, string? Period, IReadOnlyList<string> Indicators, string? RequestId, string? Reason);

/// <summary>A clear that passed validation.</summary>
public sealed record ValidatedClear(string OrgUnitId, Period Period, IReadOnlyList<string> Indicators, string RequestId, string Reason)
{
    public string Fingerprint => Reporting.Fingerprint(["clear", OrgUnitId, Period.ToString(), Reason, .. Indicators.Order(StringComparer.Ordinal)]);
}

/// <summary>
/// The answer to a write of values: the org unit's journal version after it, whether it was a replay, and the
/// validation rules the org unit's figures of the period break after it (warnings, never a refusal).
/// </summary>
public sealed record ReportReceipt(string OrgUnitId, long Version, bool Replayed, IReadOnlyList<ValidationWarning>? Warnings = null);

/// <summary>
/// A validation rule a report leaves broken, as the clerk was told: the rule, its importance (high, medium, low), its
/// sides as written and their values (rounded to 6 places, half away from zero). Kept in the report's journal event.
/// </summary>
public sealed record ValidationWarning(string Rule, string Name, string Importance, string Left, string Operator, string Right, string? LeftValue, string? RightValue, string? Description);

/// <summary>The rules of a report (报数): all-or-nothing, every line checked, every problem reported at once.</summary>
public static class Reporting
{
    /// <summary>Most values in one report.</summary>
    public const int MaxBatchSize = 200;

    /// <summary>
    /// Validates a report for an org unit of <paramref name="level"/>: period, request id, comment and every line
    /// (code, duplicates, catalog, computed, level, value). Every problem is collected; an unknown indicator is one
    /// of them (<see cref="Violations.ThrowIfAny"/> answers NOT_FOUND when unknown codes are the only problem).
    /// </summary>
    public static ValidatedReport Validate(IndicatorCatalog catalog, OrgUnitLevel level, ReportCommand command)
    {
        var v = new Violations();
        var period = Period.Parse(v, "period", command.Period);
        Text.CheckRequestId(v, "request_id", command.RequestId);
        Text.CheckText(v, "comment", command.Comment, Text.MaxNoteLength, allowNewLines: true);
        var lines = command.Lines;
        if (lines.Count == 0) v.Add("values", "must hold at least one value");
        if (lines.Count > MaxBatchSize) { v.Add("values", $"must hold at most {MaxBatchSize} values"); v.ThrowIfAny(); }

        var figures = new List<ReportedFigure>(lines.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var field = $"values[{i}]";
            var line = lines[i];
            if (!Text.IsCode(line.Indicator)) { v.Add($"{field}.indicator", string.IsNullOrEmpty(line.Indicator) ? "is required" : "is not a valid indicator code"); continue; }
            if (!seen.Add(line.Indicator)) { v.Add($"{field}.indicator", $"{line.Indicator} appears more than once in the report"); continue; }
            var value = ExactDecimal.Parse(v, $"{field}.value", line.Value);
            if (!catalog.TryGet(line.Indicator, out var indicator)) { v.AddUnknown($"{field}.indicator", $"indicator {line.Indicator} is not in the catalog"); continue; }
            if (!CheckEnterable(v, $"{field}.indicator", catalog, level, indicator)) continue;
            if (value is { } d)
            {
                Units.CheckValue(v, $"{field}.value", indicator, d);
                if (line.AtLeast && indicator.Kind == IndicatorKind.Ratio) v.Add($"{field}.at_least", "a ratio is never a lower bound");
                figures.Add(new ReportedFigure(indicator.Code, d, line.AtLeast));
            }
        }
        v.ThrowIfAny();
        return new ValidatedReport(command.OrgUnitId, period!.Value, figures, command.RequestId!, string.IsNullOrEmpty(command.Comment) ? null : command.Comment);
    }

    /// <summary>Validates a clear of values: period, request id, a reason, and entered indicators of the catalog.</summary>
    public static ValidatedClear Validate(IndicatorCatalog catalog, OrgUnitLevel level, ClearCommand command)
    {
        var v = new Violations();
        var period = Period.Parse(v, "period", command.Period);
        Text.CheckRequestId(v, "request_id", command.RequestId);
        Text.CheckText(v, "reason", command.Reason, Text.MaxNoteLength, required: true, allowNewLines: true);
        if (command.Indicators.Count == 0) v.Add("indicators", "must name at least one indicator");
        if (command.Indicators.Count > MaxBatchSize) { v.Add("indicators", $"must name at most {MaxBatchSize} indicators"); v.ThrowIfAny(); }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < command.Indicators.Count; i++)
        {
            var field = $"indicators[{i}]";
            var code = command.Indicators[i];
            if (!Text.IsCode(code)) { v.Add(field, string.IsNullOrEmpty(code) ? "is required" : "is not a valid indicator code"); continue; }
            if (!seen.Add(code)) { v.Add(field, $"{code} appears more than once"); continue; }
            if (!catalog.TryGet(code, out var indicator)) { v.AddUnknown(field, $"indicator {code} is not in the catalog"); continue; }
            CheckEnterable(v, field, catalog, level, indicator);
        }
        v.ThrowIfAny();
        return new ValidatedClear(command.OrgUnitId, period!.Value, [.. seen], command.RequestId!, command.Reason!);
    }

    /// <summary>
    /// An indicator may be entered at an org unit of <paramref name="level"/>: not computed (the sum of its parts),
    /// and not a township-only indicator on a village. Records the violation and returns false otherwise.
    /// </summary>
    public static bool CheckEnterable(Violations v, string field, IndicatorCatalog catalog, OrgUnitLevel level, IndicatorDefinition indicator)
    {
        if (catalog.IsComputed(indicator.Code))
        {
            v.Add(field, $"{indicator.Code} is the sum of its parts ({string.Join(", ", catalog.PartsOf(indicator.Code))}) and is computed, never entered");
            return false;
        }
        return CheckLevel(v, field, level, indicator);
    }

    /// <summary>
    /// An indicator belongs to an org unit of <paramref name="level"/>: a township-only indicator never does to a village
    /// (a village neither enters it nor has a target of it). Records the violation and returns false otherwise.
    /// </summary>
    public static bool CheckLevel(Violations v, string field, OrgUnitLevel level, IndicatorDefinition indicator)
    {
        if (level == OrgUnitLevel.Village && indicator.EnteredAt == EnteredAt.Township)
        {
            v.Add(field, $"{indicator.Code} is entered by the township only");
            return false;
        }
        return true;
    }

    /// <summary>
    /// Fingerprint of a request's body, stored with its request id: a retry with the same id must carry the
    /// same body, or it is a different request reusing an id (FAILED_PRECONDITION).
    /// </summary>
    public static string Fingerprint(params IEnumerable<string?> parts)
    {
        var text = string.Join("\u001f", parts.Select(p => p ?? "\u0000"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16);
    }
}

/// <summary>Key of a figure in a ledger or a total: period and indicator.</summary>
public static class FigureKey
{
    public static string Of(Period period, string indicator) => $"{period}|{indicator}";

    public static string Of(string period, string indicator) => $"{period}|{indicator}";

    public static (string Period, string Indicator) Split(string key)
    {
        var bar = key.IndexOf('|');
        return (key[..bar], key[(bar + 1)..]);
    }
}
