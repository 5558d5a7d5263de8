using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Dongming.Domain;

/// <summary>The length of a reporting period.</summary>
public enum PeriodKind
{
    /// <summary>A calendar year, "2023".</summary>
    Year,
    /// <summary>A quarter, "2023Q4".</summary>
    Quarter,
    /// <summary>A month, "2023-11".</summary>
    Month,
}

/// <summary>
/// A reporting period. Ordered and with start/end dates so roll-ups (months into quarters into years:
/// flows add up, stocks take the latest) can be built on it.
/// </summary>
[JsonConverter(typeof(PeriodJsonConverter))]
public readonly partial record struct Period(PeriodKind Kind, int Year, int Number) : IComparable<Period>
{
    /// <summary>Earliest and latest year accepted.</summary>
    public const int MinYear = 2000, MaxYear = 2100;

    [GeneratedRegex(@"^(?<y>[0-9]{4})(?:(?<q>Q[1-4])|-(?<m>0[1-9]|1[0-2]))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses "2023", "2023Q4" or "2023-11"; anything else fails.</summary>
    public static bool TryParse(string? text, out Period period)
    {
        period = default;
        if (text is null || text.Length > 7) return false;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        if (year is < MinYear or > MaxYear) return false;
        if (m.Groups["q"].Success) period = new Period(PeriodKind.Quarter, year, m.Groups["q"].Value[1] - '0');
        else if (m.Groups["m"].Success) period = new Period(PeriodKind.Month, year, int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture));
        else period = new Period(PeriodKind.Year, year, 0);
        return true;
    }

    /// <summary>Parses or records a violation for <paramref name="field"/>.</summary>
    public static Period? Parse(Violations v, string field, string? text)
    {
        if (TryParse(text, out var p)) return p;
        v.Add(field, string.IsNullOrEmpty(text) ? "is required" : $"must be a year \"2023\", a quarter \"2023Q4\" or a month \"2023-11\" (years {MinYear}..{MaxYear})");
        return null;
    }

    /// <summary>Parses or throws InvalidArgument.</summary>
    public static Period Parse(string? text, string field = "period")
    {
        var v = new Violations();
        var p = Parse(v, field, text);
        v.ThrowIfAny();
        return p!.Value;
    }

    /// <summary>
    /// Records a violation for <paramref name="field"/> when <paramref name="period"/> is not of <paramref name="kind"/>,
    /// the kind a data set is reported by ("data set village_ledger_yearly is reported by year; 2023Q4 is a quarter").
    /// </summary>
    public static void CheckKind(Violations v, string field, Period period, PeriodKind kind, string dataSet)
    {
        if (period.Kind != kind)
            v.Add(field, $"data set {dataSet} is reported by {kind.ToString().ToLowerInvariant()}; {period} is a {period.Kind.ToString().ToLowerInvariant()}");
    }

    /// <summary>First day of the period.</summary>
    public DateOnly Start => Kind switch
    {
        PeriodKind.Year => new DateOnly(Year, 1, 1),
        PeriodKind.Quarter => new DateOnly(Year, (Number - 1) * 3 + 1, 1),
        _ => new DateOnly(Year, Number, 1),
    };

    /// <summary>Last day of the period.</summary>
    public DateOnly End => Kind switch
    {
        PeriodKind.Year => new DateOnly(Year, 12, 31),
        PeriodKind.Quarter => new DateOnly(Year, Number * 3, 1).AddMonths(1).AddDays(-1),
        _ => new DateOnly(Year, Number, 1).AddMonths(1).AddDays(-1),
    };

    /// <summary>True when <paramref name="other"/> lies within this period (a month within its quarter and year).</summary>
    public bool Contains(Period other) => Start <= other.Start && other.End <= End;

    /// <summary>The period one level up (a month's quarter, a quarter's year); null for a year.</summary>
    public Period? Parent => Kind switch
    {
        PeriodKind.Month => new Period(PeriodKind.Quarter, Year, (Number - 1) / 3 + 1),
        PeriodKind.Quarter => new Period(PeriodKind.Year, Year, 0),
        _ => null,
    };

    /// <summary>The periods one level down, in order (a year's quarters, a quarter's months); empty for a month.</summary>
    public IReadOnlyList<Period> Children => Kind switch
    {
        PeriodKind.Year => [new(PeriodKind.Quarter, Year, 1), new(PeriodKind.Quarter, Year, 2), new(PeriodKind.Quarter, Year, 3), new(PeriodKind.Quarter, Year, 4)],
        PeriodKind.Quarter => [new(PeriodKind.Month, Year, Number * 3 - 2), new(PeriodKind.Month, Year, Number * 3 - 1), new(PeriodKind.Month, Year, Number * 3)],
        _ => [],
    };

    /// <summary>The same period of the previous year (2024Q2 → 2023Q2); null before <see cref="MinYear"/>.</summary>
    public Period? YearBefore => Year > MinYear ? this with { Year = Year - 1 } : null;

    public int CompareTo(Period other)
    {
        var byStart = Start.CompareTo(other.Start);
        return byStart != 0 ? byStart : other.End.CompareTo(End); // longer period first
    }

    public override string ToString() => Kind switch
    {
        PeriodKind.Year => Year.ToString("D4", CultureInfo.InvariantCulture),
        PeriodKind.Quarter => $"{Year:D4}Q{Number}",
        _ => $"{Year:D4}-{Number:D2}",
    };
}

/// <summary>A period travels and is stored as its text ("2023Q4"), never as its parts.</summary>
public sealed class PeriodJsonConverter : JsonConverter<Period>
{
    public override Period Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Period.TryParse(reader.GetString(), out var p) ? p : throw new JsonException("not a period");

    public override void Write(Utf8JsonWriter writer, Period value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
