using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Dongming.Domain;
using Dongming.Exchange.Reading;

namespace Dongming.Exchange.Writing;

/// <summary>
/// Writes XLSX with the Open XML SDK: each worksheet streamed with <see cref="OpenXmlWriter"/> (rows never
/// held as a DOM), values only (never formulas), inline strings, a title row merged over the table, the
/// header frozen. A number that a number cell would round (more than 15 significant digits) is written as
/// text so that it reads back exactly.
/// </summary>
internal static class XlsxOut
{
    private const uint AtLeastFormat = 164, PercentFormat = 165, AtLeastPercentFormat = 166, DateFormat = 167;

    public static void Write(Stream output, IReadOnlyList<SheetContent> sheets)
    {
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var stylesPart = workbookPart.AddNewPart<WorkbookStylesPart>();
        stylesPart.Stylesheet = Styles();
        var entries = new List<Sheet>();
        uint id = 1;
        foreach (var sheet in sheets)
        {
            var part = workbookPart.AddNewPart<WorksheetPart>();
            WriteSheet(part, sheet);
            entries.Add(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = id++, Name = sheet.Name });
        }
        workbookPart.Workbook = new Workbook(new Sheets(entries));
    }

    private static uint StyleIndex(CellLook look) => (uint)((look.Bold ? 1 : 0) * 10 + (look.Shaded ? 1 : 0) * 5 + (int)look.Format);

    private static Stylesheet Styles()
    {
        var formats = new NumberingFormats(
            new NumberingFormat { NumberFormatId = AtLeastFormat, FormatCode = "\"≥\"General" },
            new NumberingFormat { NumberFormatId = PercentFormat, FormatCode = "0.00##%" },
            new NumberingFormat { NumberFormatId = AtLeastPercentFormat, FormatCode = "\"≥\"0.00##%" },
            new NumberingFormat { NumberFormatId = DateFormat, FormatCode = "yyyy-mm-dd" });
        var fonts = new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "等线" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "等线" }));
        var fills = new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFE7E6E6" }, new BackgroundColor { Indexed = 64 }) { PatternType = PatternValues.Solid }));
        var borders = new Borders(new Border());
        var cellFormats = new CellFormats();
        foreach (var bold in new[] { false, true })
        {
            foreach (var shaded in new[] { false, true })
            {
                foreach (var format in Enum.GetValues<CellFormat>())
                {
                    cellFormats.Append(new DocumentFormat.OpenXml.Spreadsheet.CellFormat
                    {
                        NumberFormatId = format switch
                        {
                            CellFormat.AtLeast => AtLeastFormat,
                            CellFormat.Percent => PercentFormat,
                            CellFormat.AtLeastPercent => AtLeastPercentFormat,
                            CellFormat.Date => DateFormat,
                            _ => 0,
                        },
                        FontId = bold ? 1u : 0u,
                        FillId = shaded ? 2u : 0u,
                        BorderId = 0,
                        ApplyNumberFormat = format != CellFormat.General,
                        ApplyFont = bold,
                        ApplyFill = shaded,
                        Alignment = bold ? new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center } : null,
                        ApplyAlignment = bold,
                    });
                }
            }
        }
        return new Stylesheet(formats, fonts, fills, borders, new CellStyleFormats(new DocumentFormat.OpenXml.Spreadsheet.CellFormat()), cellFormats);
    }

    private static void WriteSheet(WorksheetPart part, SheetContent sheet)
    {
        var width = sheet.Header.Count;
        var headerRow = sheet.Title is null ? 1 : 2;
        using var w = OpenXmlWriter.Create(part);
        w.WriteStartElement(new Worksheet());
        var pane = new Pane
        {
            VerticalSplit = headerRow,
            TopLeftCell = $"{ColumnNames.Name(sheet.FrozenColumns + 1)}{headerRow + 1}",
            ActivePane = PaneValues.BottomLeft,
            State = PaneStateValues.Frozen,
        };
        if (sheet.FrozenColumns > 0)
        {
            pane.HorizontalSplit = sheet.FrozenColumns;
            pane.ActivePane = PaneValues.BottomRight;
        }
        w.WriteElement(new SheetViews(new SheetView(pane) { WorkbookViewId = 0 }));
        var columns = new Columns();
        var lines = 1;
        for (var i = 0; i < width; i++)
        {
            var chars = sheet.Widths is { } widths && i < widths.Count ? widths[i] : Math.Clamp(DisplayWidth(sheet.Header[i].Text) / 2.0 + 2, 8, 24);
            columns.Append(new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = Math.Round(chars, 1), CustomWidth = true });
            lines = Math.Max(lines, (int)Math.Ceiling(DisplayWidth(sheet.Header[i].Text) / Math.Max(1, chars - 1)));
        }
        if (width > 0) w.WriteElement(columns);
        w.WriteStartElement(new SheetData());
        var rowNumber = 0;
        if (sheet.Title is not null) WriteRow(w, ++rowNumber, [OutCell.Of(sheet.Title, new CellLook(Bold: true))], 22);
        WriteRow(w, ++rowNumber, sheet.Header, lines > 1 ? Math.Min(lines, 4) * 15 : null); // wrapped header text needs its lines
        foreach (var row in sheet.Rows) WriteRow(w, ++rowNumber, row);
        w.WriteEndElement();
        if (sheet.Title is not null && width > 1)
            w.WriteElement(new MergeCells(new MergeCell { Reference = $"A1:{ColumnNames.Name(width)}1" }) { Count = 1 });
        w.WriteEndElement();
    }

    /// <summary>Characters of display width: CJK characters count two.</summary>
    private static int DisplayWidth(string? text) => text?.Sum(c => c > 0x2E80 ? 2 : 1) ?? 0;

    private static void WriteRow(OpenXmlWriter w, int number, IReadOnlyList<OutCell> cells, double? height = null)
    {
        List<OpenXmlAttribute> attributes = [new("r", string.Empty, number.ToString(CultureInfo.InvariantCulture))];
        if (height is { } h)
        {
            attributes.Add(new("ht", string.Empty, h.ToString(CultureInfo.InvariantCulture)));
            attributes.Add(new("customHeight", string.Empty, "1"));
        }
        w.WriteStartElement(new Row(), attributes);
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (cell.IsEmpty && cell.Look == default) continue;
            var reference = ColumnNames.Name(i + 1) + number.ToString(CultureInfo.InvariantCulture);
            var style = StyleIndex(cell.Look);
            Cell element;
            if (cell.Number is { } n && ExcelNumbers.FitsNumberCell(n))
                element = new Cell { CellReference = reference, StyleIndex = style, CellValue = new CellValue(ExactDecimal.Format(n)) };
            else if (cell.Date is { } d)
                element = new Cell { CellReference = reference, StyleIndex = style, CellValue = new CellValue(d.ToDateTime(TimeOnly.MinValue).ToOADate().ToString(CultureInfo.InvariantCulture)) };
            else
            {
                var text = cell.Number is { } big ? (cell.Look.Format is CellFormat.AtLeast or CellFormat.AtLeastPercent ? "≥" : string.Empty) + ExactDecimal.Format(big) : cell.Text;
                if (string.IsNullOrEmpty(text))
                    element = new Cell { CellReference = reference, StyleIndex = style };
                else
                    element = new Cell(new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(text) { Space = text.Trim() != text ? SpaceProcessingModeValues.Preserve : null }))
                    {
                        CellReference = reference,
                        StyleIndex = StyleIndex(cell.Look with { Format = CellFormat.General }),
                        DataType = CellValues.InlineString,
                    };
            }
            w.WriteElement(element);
        }
        w.WriteEndElement();
    }
}

/// <summary>
/// Writes delimited text: UTF-8 with a byte-order mark (so Excel opens Chinese text correctly), CRLF, RFC 4180
/// quoting. Hand-written: the quoting rule is a few lines, and the CSV library's writer wants a DbDataReader.
/// No title row: CSV is for tools as much as for people.
/// </summary>
internal static class CsvOut
{
    public static void Write(Stream output, SheetContent sheet, char delimiter)
    {
        using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        WriteRow(writer, sheet.Header, delimiter);
        foreach (var row in sheet.Rows) WriteRow(writer, row, delimiter);
    }

    private static void WriteRow(TextWriter writer, IReadOnlyList<OutCell> cells, char delimiter)
    {
        var last = cells.Count - 1;
        while (last >= 0 && cells[last].IsEmpty) last--;
        for (var i = 0; i <= last; i++)
        {
            if (i > 0) writer.Write(delimiter);
            writer.Write(Quote(Text(cells[i]), delimiter));
        }
        writer.Write("\r\n");
    }

    /// <summary>A cell as CSV text: a ratio as a percentage number (the header says %), a lower bound with ≥.</summary>
    private static string Text(OutCell cell)
    {
        if (cell.Date is { } d) return CaseDates.Format(d);
        if (cell.Number is not { } n) return cell.Text ?? string.Empty;
        var percent = cell.Look.Format is CellFormat.Percent or CellFormat.AtLeastPercent;
        var text = ExactDecimal.Format(percent ? n * 100 : n);
        return cell.Look.Format is CellFormat.AtLeast or CellFormat.AtLeastPercent ? "≥" + text : text;
    }

    private static string Quote(string text, char delimiter)
    {
        if (text.Length == 0) return text;
        var needs = text.Contains(delimiter) || text.Contains('"') || text.Contains('\n') || text.Contains('\r') || text[0] == ' ' || text[^1] == ' ';
        return needs ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
