namespace Dongming.Exchange.Reading;

/// <summary>
/// A table found in a sheet: the header row is the first of the top rows that the caller recognises (rows
/// above it — a title, often merged, a date, a note — are not part of the table); the data rows follow,
/// streamed from the same pass over the sheet.
/// </summary>
internal sealed class SheetTable : IDisposable
{
    /// <summary>How far down the header row is looked for.</summary>
    public const int HeaderSearchRows = 20;

    private readonly IEnumerator<RawRow> _rows;

    private SheetTable(ISheet sheet, RawRow header, IEnumerator<RawRow> rows)
    {
        Sheet = sheet;
        Header = header;
        _rows = rows;
    }

    public ISheet Sheet { get; }

    public RawRow Header { get; }

    /// <summary>The first row the caller recognises as a header within the top rows, or null (the sheet holds no such table).</summary>
    public static SheetTable? Find(ISheet sheet, Func<RawRow, bool> isHeader)
    {
        var rows = sheet.Rows().GetEnumerator();
        try
        {
            while (rows.MoveNext())
            {
                var row = rows.Current;
                if (row.Number > HeaderSearchRows) break;
                if (!row.IsBlank && isHeader(row)) return new SheetTable(sheet, row, rows);
            }
        }
        catch
        {
            rows.Dispose();
            throw;
        }
        rows.Dispose();
        return null;
    }

    /// <summary>The rows below the header, blank ones included, to the end of the sheet.</summary>
    public IEnumerable<RawRow> DataRows()
    {
        while (_rows.MoveNext()) yield return _rows.Current;
    }

    public void Dispose() => _rows.Dispose();
}
