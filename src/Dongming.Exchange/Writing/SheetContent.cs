namespace Dongming.Exchange.Writing;

/// <summary>The number format of a written cell.</summary>
internal enum CellFormat
{
    General,
    /// <summary>A ratio shown as a percentage (0.9694 as 96.94%).</summary>
    Percent,
    /// <summary>A lower bound shown as ≥30.</summary>
    AtLeast,
    /// <summary>A lower bound of a ratio, ≥96.94%.</summary>
    AtLeastPercent,
    /// <summary>A date shown as 2023-03-20.</summary>
    Date,
}

/// <summary>The look of a written cell.</summary>
internal readonly record struct CellLook(bool Bold = false, bool Shaded = false, CellFormat Format = CellFormat.General);

/// <summary>A cell to write: text, an exact number or a date.</summary>
internal readonly record struct OutCell(string? Text, decimal? Number = null, DateOnly? Date = null, CellLook Look = default)
{
    public static OutCell Of(string? text, CellLook look = default) => new(text, null, null, look);

    public static OutCell Of(decimal number, CellLook look = default) => new(null, number, null, look);

    public static OutCell Of(DateOnly? date, CellLook look = default) => date is { } d ? new(null, null, d, look with { Format = CellFormat.Date }) : new(null, Look: look);

    public bool IsEmpty => Text is null && Number is null && Date is null;
}

/// <summary>One table to write: a header row, data rows, and (XLSX only) a title row above the header.</summary>
internal sealed record SheetContent(string Name, string? Title, IReadOnlyList<OutCell> Header, IEnumerable<IReadOnlyList<OutCell>> Rows, int FrozenColumns = 0)
{
    /// <summary>Column widths in characters (XLSX), by 0-based column; missing ones are derived from the header.</summary>
    public IReadOnlyList<double>? Widths { get; init; }
}
