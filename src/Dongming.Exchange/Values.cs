using Dongming.Domain;

namespace Dongming.Exchange;

/// <summary>What a ledger import needs to know: the catalog, the township and its villages, and the period of rows that name none.</summary>
public sealed record ValuesContext(IndicatorCatalog Catalog, TownshipInfo Township, IReadOnlyList<VillageInfo> Villages, Period? DefaultPeriod);

/// <summary>
/// One figure read from a sheet, checked: the org unit (a village or the township's own entries), the period,
/// the indicator, the exact value in the indicator's base unit, whether the sheet gave it as a lower bound
/// ("30余", "≥30"), the comment of its row, and the cell it came from.
/// </summary>
public sealed record ImportedValue(string OrgUnitId, OrgUnitLevel Level, Period Period, string Indicator, decimal Value, bool AtLeast, string? Comment, int Row, string Column)
{
    /// <summary>The worksheet it came from (XLSX); null for text files.</summary>
    public string? Sheet { get; init; }
}

/// <summary>
/// The result of reading a ledger file. <see cref="Values"/> holds every value that passed its checks, even
/// when other cells failed: a caller applies them only when <see cref="Ok"/> (all or nothing).
/// </summary>
public sealed record ValuesRead(
    IReadOnlyList<SheetInfo> Sheets, int RowsRead, IReadOnlyList<ImportedValue> Values, IReadOnlyList<SheetError> Errors, int ErrorCount, IReadOnlyList<string> Notes) : ISheetRead
{
    public bool Ok => ErrorCount == 0;
}
