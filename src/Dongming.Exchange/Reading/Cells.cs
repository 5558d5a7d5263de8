using System.Text;

namespace Dongming.Exchange.Reading;

/// <summary>What a cell holds, as the file says (text files hold text only).</summary>
internal enum CellKind
{
    Text,
    Number,
    Date,
    Boolean,
    Error,
}

/// <summary>
/// One non-empty cell. <see cref="Text"/> is the value as text: numbers in plain decimal form, dates as
/// YYYY-MM-DD. <see cref="Percent"/> and <see cref="AtLeast"/> come from the cell's number format in XLSX
/// (a percent-formatted cell already holds the ratio; "≥" in the format is how exports mark a lower bound).
/// </summary>
internal sealed record RawCell(int Column, string Text, CellKind Kind = CellKind.Text, bool Percent = false, bool AtLeast = false, string? Formula = null)
{
    public bool IsFormula => Formula is not null;
}

/// <summary>One row of a sheet with its non-empty cells in column order.</summary>
internal sealed class RawRow(int number, RawCell[] cells)
{
    private static readonly RawCell[] None = [];

    public int Number { get; } = number;

    public IReadOnlyList<RawCell> Cells { get; } = cells.Length == 0 ? None : cells;

    public bool IsBlank => Cells.Count == 0;

    /// <summary>The cell of a 1-based column, or null when empty.</summary>
    public RawCell? this[int column]
    {
        get
        {
            var cells = Cells;
            // cells are sorted by column; rows are short, a linear scan beats a dictionary
            for (var i = 0; i < cells.Count; i++)
            {
                if (cells[i].Column == column) return cells[i];
                if (cells[i].Column > column) break;
            }
            return null;
        }
    }

    public string Text(int column) => this[column]?.Text ?? string.Empty;
}

/// <summary>A merged range of cells, 1-based and inclusive.</summary>
internal readonly record struct CellRange(int FirstRow, int FirstColumn, int LastRow, int LastColumn)
{
    public override string ToString() => $"{ColumnNames.Name(FirstColumn)}{FirstRow}:{ColumnNames.Name(LastColumn)}{LastRow}";

    /// <summary>Parses "A1:C2" (or a single cell "B3").</summary>
    public static CellRange? Parse(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var parts = reference.Split(':');
        if (!ColumnNames.TryParseCell(parts[0], out var r1, out var c1)) return null;
        if (parts.Length == 1) return new CellRange(r1, c1, r1, c1);
        if (!ColumnNames.TryParseCell(parts[1], out var r2, out var c2)) return null;
        return new CellRange(Math.Min(r1, r2), Math.Min(c1, c2), Math.Max(r1, r2), Math.Max(c1, c2));
    }
}

/// <summary>Column letters as Excel shows them.</summary>
internal static class ColumnNames
{
    /// <summary>The last column of an Excel sheet (XFD).</summary>
    public const int Max = 16_384;

    private static readonly string[] Common = [.. Enumerable.Range(0, 256).Select(Make)];

    /// <summary>1 → A, 26 → Z, 27 → AA.</summary>
    public static string Name(int column) => column is >= 0 and < 256 ? Common[column] : Make(column);

    private static string Make(int column)
    {
        if (column <= 0) return string.Empty;
        var sb = new StringBuilder(3);
        while (column > 0)
        {
            var r = (column - 1) % 26;
            sb.Insert(0, (char)('A' + r));
            column = (column - 1) / 26;
        }
        return sb.ToString();
    }

    /// <summary>"AB12" → row 12, column 28.</summary>
    public static bool TryParseCell(string reference, out int row, out int column)
    {
        row = 0;
        column = 0;
        var i = 0;
        while (i < reference.Length && reference[i] is >= 'A' and <= 'Z') column = column * 26 + (reference[i++] - 'A' + 1);
        if (i == 0 || column > Max) return false;
        var start = i;
        while (i < reference.Length && reference[i] is >= '0' and <= '9') row = row * 10 + (reference[i++] - '0');
        return i == reference.Length && i > start && row > 0;
    }

    /// <summary>The column of a cell reference "AB12" (0 when it has none).</summary>
    public static int OfReference(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return 0;
        var column = 0;
        foreach (var ch in reference)
        {
            if (ch is < 'A' or > 'Z') break;
            column = column * 26 + (ch - 'A' + 1);
        }
        return column;
    }
}
