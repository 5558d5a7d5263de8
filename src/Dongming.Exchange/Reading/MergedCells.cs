namespace Dongming.Exchange.Reading;

/// <summary>
/// Merged cells: allowed only in the title rows above the header, and there only as a title — a range that
/// starts in the table's first column. A range over some columns above the header is a group header
/// ("面积（万亩）" over 西瓜 | 辣椒) whose unit the columns below would silently lose, so it is an error too.
/// </summary>
internal static class MergedCells
{
    public static void Check(ErrorSink errors, IReadOnlyList<CellRange> merged, RawRow header, int lastDataRow)
    {
        var firstColumn = header.Cells.Count > 0 ? header.Cells[0].Column : 1;
        foreach (var range in merged)
        {
            if (range.FirstRow > lastDataRow) continue; // notes under the table
            if (range.LastRow >= header.Number)
                errors.Add(range.FirstRow, range.FirstColumn, "cell", $"merged cells {range} inside the table: unmerge them and fill in every cell (merged cells are for the title above the header only)");
            else if (range.FirstColumn > firstColumn)
                errors.Add(range.FirstRow, range.FirstColumn, "cell", $"merged cells {range} above the header look like a group header: the system reads one header row, so put the name and unit in each column's own header, e.g. 西瓜种植面积（万亩）");
        }
    }
}
