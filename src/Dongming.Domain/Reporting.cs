using System.Security.Cryptography;
using System.Text;

namespace Dongming.Domain;

/// <summary>Who did something: the authenticated subject and the name to show.</summary>
public sealed record Actor(string Subject, string DisplayName)
{
    /// <summary>Changes made by the service itself (the demo load).</summary>
    public static Actor System { get; } = new("system", "Dongming");
}

/// <summary>One line of a report as it arrives: indicator code and value text.</summary>
public sealed record ReportLine(string Indicator, string Value);

/// <summary>A report that passed validation: one period, exact values of entered (not computed) indicators.</summary>
public sealed record ValidatedReport(Period Period, IReadOnlyList<ReportedFigure> Figures, string? Comment);

/// <summary>One validated figure.</summary>
public sealed record ReportedFigure(string Indicator, decimal Value);

/// <summary>The rules of a report (报数): all-or-nothing, every line checked, every problem reported at once.</summary>
public static class Reporting
{
    /// <summary>Most values in one report.</summary>
    public const int MaxBatchSize = 200;

    /// <summary>
    /// Validates a report for an org unit of <paramref name="level"/>. Malformed input is InvalidArgument with
    /// every field violation; an indicator missing from the catalog is NotFound.
    /// </summary>
    public static ValidatedReport Validate(IndicatorCatalog catalog, OrgUnitLevel level, string? period, IReadOnlyList<ReportLine> lines, string? requestId, string? comment)
    {
        var v = new Violations();
        var parsedPeriod = Period.Parse(v, "period", period);
        Text.CheckRequestId(v, "request_id", requestId);
        Text.CheckText(v, "comment", comment, Text.MaxNoteLength, allowNewLines: true);
        if (lines.Count == 0) v.Add("values", "must hold at least one value");
        if (lines.Count > MaxBatchSize) { v.Add("values", $"must hold at most {MaxBatchSize} values"); v.ThrowIfAny(); }

        var figures = new List<ReportedFigure>(lines.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? unknown = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var field = $"values[{i}]";
            var line = lines[i];
            if (!Text.IsCode(line.Indicator)) { v.Add($"{field}.indicator", string.IsNullOrEmpty(line.Indicator) ? "is required" : "is not a valid indicator code"); continue; }
            if (!seen.Add(line.Indicator)) { v.Add($"{field}.indicator", $"{line.Indicator} appears more than once in the report"); continue; }
            var value = ExactDecimal.Parse(v, $"{field}.value", line.Value);
            if (!catalog.TryGet(line.Indicator, out var indicator)) { unknown ??= line.Indicator; continue; }
            if (!CheckEnterable(v, $"{field}.indicator", catalog, level, indicator)) continue;
            if (value is { } d)
            {
                Units.CheckValue(v, $"{field}.value", indicator, d);
                figures.Add(new ReportedFigure(indicator.Code, d));
            }
        }
        v.ThrowIfAny();
        if (unknown is not null) throw DomainException.NotFound($"indicator {unknown} is not in the catalog");
        return new ValidatedReport(parsedPeriod!.Value, figures, string.IsNullOrEmpty(comment) ? null : comment);
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

    /// <summary>The fingerprint of a validated report (order of lines does not matter).</summary>
    public static string Fingerprint(string orgUnitId, ValidatedReport report) =>
        Fingerprint([orgUnitId, report.Period.ToString(), report.Comment, .. report.Figures.OrderBy(f => f.Indicator, StringComparer.Ordinal).Select(f => $"{f.Indicator}={ExactDecimal.Format(f.Value)}")]);
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
