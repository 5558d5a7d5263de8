using Dongming.Exchange.Reading;

namespace Dongming.Exchange;

/// <summary>
/// Reads the spreadsheets clerks keep into checked rows: pure functions from a file (bytes, name, format
/// hint) and a context to a result with every error at once. Nothing is applied here; a caller applies a
/// result only when it is <see cref="ISheetRead.Ok"/>.
/// </summary>
public static class SheetImport
{
    /// <summary>Errors listed in a result (the count goes on past it).</summary>
    public const int DefaultMaxErrors = 1000;

    /// <summary>Most data rows read from one sheet.</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>Reads a ledger (台账), wide or long, CSV/TSV or XLSX.</summary>
    public static ValuesRead Values(SheetFile file, ValuesContext context, int maxErrors = DefaultMaxErrors) =>
        ValuesReader.Read(file, context, maxErrors);

    /// <summary>Reads a roster: the township (a row of kind township/镇) and its villages (id, name_zh, kind).</summary>
    public static RosterRead Roster(SheetFile file, RosterContext? context = null, int maxErrors = DefaultMaxErrors) =>
        RosterReader.Read(file, context ?? new RosterContext(), maxErrors);

    /// <summary>
    /// Reads a catalog: indicators (the columns of indicators.tsv) and case types (code, name_zh, name_en), as
    /// two sheets of one workbook or as one file each; each table is known by its header.
    /// </summary>
    public static CatalogRead Catalog(IReadOnlyList<SheetFile> files, CatalogContext? context = null, int maxErrors = DefaultMaxErrors) =>
        CatalogReader.Read(files, context ?? CatalogContext.Empty, maxErrors);

    public static CatalogRead Catalog(SheetFile file, CatalogContext? context = null, int maxErrors = DefaultMaxErrors) => Catalog([file], context, maxErrors);

    /// <summary>Reads a case list (a batch of violation patches, a hazard ledger, …).</summary>
    public static CasesRead Cases(SheetFile file, CasesContext context, int maxErrors = DefaultMaxErrors) =>
        CasesReader.Read(file, context, maxErrors);
}
