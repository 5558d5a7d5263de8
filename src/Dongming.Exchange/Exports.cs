using Dongming.Domain;

namespace Dongming.Exchange;

/// <summary>A figure to write: the exact value and whether it is a lower bound (written "≥30").</summary>
public readonly record struct SheetFigure(decimal Value, bool AtLeast = false);

/// <summary>
/// The township's figures of one period as a sheet (汇总表): one row per village (id and Chinese name), the
/// township's own entries (镇本级) when it has any, and the total row (合计); one column per indicator.
/// </summary>
public sealed record TotalsSheet
{
    public required TownshipInfo Township { get; init; }

    public required Period Period { get; init; }

    public required IndicatorCatalog Catalog { get; init; }

    /// <summary>Villages in row order; empty for a sheet of totals only.</summary>
    public required IReadOnlyList<VillageInfo> Villages { get; init; }

    /// <summary>Figures by org unit id (villages, and the township id for its own entries), then indicator code.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, SheetFigure>> Values { get; init; }

    /// <summary>The township totals by indicator code.</summary>
    public required IReadOnlyDictionary<string, SheetFigure> Totals { get; init; }

    /// <summary>Indicator codes in column order; null for every indicator of the catalog, in catalog order.</summary>
    public IReadOnlyList<string>? Indicators { get; init; }

    /// <summary>The title row of an XLSX sheet; null for "{township} {period} 指标汇总表".</summary>
    public string? Title { get; init; }

    /// <summary>
    /// An org unit's figures with its computed indicators added: each indicator with parts is the sum of the
    /// parts given (a lower bound when any part is one); one with no part given stays out.
    /// </summary>
    public static IReadOnlyDictionary<string, SheetFigure> WithComputed(IndicatorCatalog catalog, IReadOnlyDictionary<string, SheetFigure> figures)
    {
        var result = new Dictionary<string, SheetFigure>(figures, StringComparer.Ordinal);
        SheetFigure? Sum(string code)
        {
            if (!catalog.IsComputed(code)) return figures.TryGetValue(code, out var f) ? f : null;
            SheetFigure? total = null;
            foreach (var part in catalog.PartsOf(code))
            {
                if (Sum(part) is not { } p) continue;
                total = total is { } t ? new SheetFigure(t.Value + p.Value, t.AtLeast || p.AtLeast) : p;
            }
            if (total is { } sum) result[code] = sum;
            return total;
        }
        foreach (var indicator in catalog.All.Where(i => catalog.IsComputed(i.Code))) Sum(indicator.Code);
        return result;
    }
}

/// <summary>A list of remediation cases as a sheet.</summary>
public sealed record CasesSheet
{
    public required IReadOnlyList<RemediationCase> Cases { get; init; }

    /// <summary>Case types, for their Chinese names (a type not listed is written by its code).</summary>
    public IReadOnlyList<CaseTypeDefinition> CaseTypes { get; init; } = [];

    /// <summary>The roster, for village names beside their ids.</summary>
    public IReadOnlyList<VillageInfo> Villages { get; init; } = [];

    public TownshipInfo? Township { get; init; }

    /// <summary>The day the overdue column (逾期) is computed for; null leaves the column out.</summary>
    public DateOnly? AsOf { get; init; }

    public string? Title { get; init; }
}

/// <summary>A township's roster as a sheet: the township row first, then its villages.</summary>
public sealed record RosterSheet(TownshipInfo Township, IReadOnlyList<VillageInfo> Villages)
{
    /// <summary>Notes by village id (where a name comes from; that it is a placeholder).</summary>
    public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();
}

/// <summary>The catalog as a workbook: an indicators sheet (the columns of indicators.tsv) and a case types sheet.</summary>
public sealed record CatalogSheet(IReadOnlyList<IndicatorDefinition> Indicators, IReadOnlyList<CaseTypeDefinition> CaseTypes);
