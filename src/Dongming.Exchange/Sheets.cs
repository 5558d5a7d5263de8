namespace Dongming.Exchange;

/// <summary>The kind of a spreadsheet file.</summary>
public enum SheetFormat
{
    /// <summary>Not given: detected from the content (a ZIP signature is XLSX, anything else text).</summary>
    Unspecified,
    /// <summary>Delimited text; the delimiter (comma, tab, semicolon) is sniffed.</summary>
    Csv,
    /// <summary>Tab-separated text.</summary>
    Tsv,
    /// <summary>An Excel 2007+ workbook.</summary>
    Xlsx,
}

/// <summary>How the table of a sheet is laid out.</summary>
public enum SheetLayout
{
    /// <summary>Not recognised.</summary>
    Unknown,
    /// <summary>One row per org unit, one column per indicator (the usual 台账).</summary>
    Wide,
    /// <summary>One row per value: org unit, period, indicator, value[, comment].</summary>
    Long,
    /// <summary>The township and its villages.</summary>
    Roster,
    /// <summary>The indicator catalog (the columns of indicators.tsv).</summary>
    Indicators,
    /// <summary>Case types: code, name_zh, name_en.</summary>
    CaseTypes,
    /// <summary>Remediation cases (整改事项), e.g. a batch of violation patches.</summary>
    Cases,
}

/// <summary>A spreadsheet file as it arrives: its bytes, its name (for messages and the audit trail) and a format hint.</summary>
public sealed record SheetFile(ReadOnlyMemory<byte> Content, string? FileName = null, SheetFormat Format = SheetFormat.Unspecified);

/// <summary>
/// One problem of a file, where a clerk finds it: 1-based row and column letter as Excel shows them (row 0 and
/// an empty column for the file as a whole), the field it concerns, and what to do about it.
/// </summary>
public sealed record SheetError(int Row, string Column, string Field, string Message)
{
    /// <summary>The sheet (or file, for text files) of a multi-sheet import; null when only one was read.</summary>
    public string? Sheet { get; init; }

    /// <summary>"B7" — the cell, or "row 7" / "file" when there is no column.</summary>
    public string Cell => Row == 0 ? "file" : Column.Length == 0 ? $"row {Row}" : $"{Column}{Row}";

    public override string ToString() => $"{(Sheet is null ? string.Empty : Sheet + "!")}{Cell} [{Field}]: {Message}";
}

/// <summary>What was read, and how: shown with a dry run so a clerk sees what the system made of the file.</summary>
public sealed record SheetInfo(string? FileName, SheetFormat Format, string? Encoding, char? Delimiter, string? SheetName, int HeaderRow, SheetLayout Layout);

/// <summary>A record read from a sheet, with the row it came from.</summary>
public sealed record FromRow<T>(int Row, T Value);

/// <summary>What every import answers, besides its rows.</summary>
public interface ISheetRead
{
    /// <summary>Rows of data read (not blank, below the header row), over every sheet read.</summary>
    int RowsRead { get; }

    /// <summary>The errors, in sheet, row and column order; at most the limit given to the reader.</summary>
    IReadOnlyList<SheetError> Errors { get; }

    /// <summary>How many errors there were, including those beyond the limit.</summary>
    int ErrorCount { get; }

    /// <summary>The sheets read.</summary>
    IReadOnlyList<SheetInfo> Sheets { get; }

    /// <summary>No error: the file may be applied.</summary>
    bool Ok { get; }
}
