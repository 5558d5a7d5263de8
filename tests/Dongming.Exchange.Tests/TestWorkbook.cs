using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Dongming.Exchange.Tests;

/// <summary>
/// Builds small XLSX files the way Excel writes them (shared strings, styles, formulas with cached values,
/// merged ranges), for the test ledgers: the exporter never writes formulas, clerks' workbooks do.
/// </summary>
public sealed class TestWorkbook
{
    private readonly List<(string Name, List<(int Row, object?[] Cells)> Rows, List<string> Merges)> _sheets = [];

    /// <summary>A formula with the value Excel cached for it.</summary>
    public sealed record Formula(string Text, decimal Cached);

    /// <summary>A number formatted as a percentage (stored as the ratio).</summary>
    public sealed record Percent(decimal Ratio);

    /// <summary>A number formatted as a date.</summary>
    public sealed record Date(DateOnly Value);

    public TestWorkbook Sheet(string name)
    {
        _sheets.Add((name, [], []));
        return this;
    }

    public TestWorkbook Row(int row, params object?[] cells)
    {
        _sheets[^1].Rows.Add((row, cells));
        return this;
    }

    public TestWorkbook Merge(string range)
    {
        _sheets[^1].Merges.Add(range);
        return this;
    }

    public byte[] Bytes()
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            var strings = new List<string>();
            int StringIndex(string s)
            {
                var i = strings.IndexOf(s);
                if (i >= 0) return i;
                strings.Add(s);
                return strings.Count - 1;
            }
            var stylesPart = workbookPart.AddNewPart<WorkbookStylesPart>();
            stylesPart.Stylesheet = new Stylesheet(
                new Fonts(new Font()), new Fills(new Fill(), new Fill()), new Borders(new Border()),
                new CellStyleFormats(new CellFormat()),
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 10, ApplyNumberFormat = true }, new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
            var sheets = new Sheets();
            uint id = 1;
            foreach (var (name, rows, merges) in _sheets)
            {
                var part = workbookPart.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                foreach (var (number, cells) in rows)
                {
                    var row = new Row { RowIndex = (uint)number };
                    for (var c = 0; c < cells.Length; c++)
                    {
                        if (cells[c] is not { } value) continue;
                        var cell = new Cell { CellReference = Column(c + 1) + number.ToString(CultureInfo.InvariantCulture) };
                        switch (value)
                        {
                            case string s:
                                cell.DataType = CellValues.SharedString;
                                cell.CellValue = new CellValue(StringIndex(s).ToString(CultureInfo.InvariantCulture));
                                break;
                            case Formula f:
                                cell.CellFormula = new CellFormula(f.Text);
                                cell.CellValue = new CellValue(f.Cached.ToString(CultureInfo.InvariantCulture));
                                break;
                            case Percent p:
                                cell.StyleIndex = 1;
                                cell.CellValue = new CellValue(p.Ratio.ToString(CultureInfo.InvariantCulture));
                                break;
                            case Date d:
                                cell.StyleIndex = 2;
                                cell.CellValue = new CellValue(d.Value.ToDateTime(TimeOnly.MinValue).ToOADate().ToString(CultureInfo.InvariantCulture));
                                break;
                            case double x:
                                cell.CellValue = new CellValue(x.ToString("R", CultureInfo.InvariantCulture));
                                break;
                            default:
                                cell.CellValue = new CellValue(Convert.ToDecimal(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                                break;
                        }
                        row.Append(cell);
                    }
                    data.Append(row);
                }
                var worksheet = new Worksheet(data);
                if (merges.Count > 0) worksheet.Append(new MergeCells(merges.Select(m => new MergeCell { Reference = m })));
                part.Worksheet = worksheet;
                sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = id++, Name = name });
            }
            var sst = workbookPart.AddNewPart<SharedStringTablePart>();
            sst.SharedStringTable = new SharedStringTable(strings.Select(s => new SharedStringItem(new Text(s))));
            workbookPart.Workbook = new Workbook(sheets);
        }
        return stream.ToArray();
    }

    private static string Column(int column)
    {
        var name = string.Empty;
        while (column > 0)
        {
            name = (char)('A' + (column - 1) % 26) + name;
            column = (column - 1) / 26;
        }
        return name;
    }
}
