using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Dongming.Exchange.Reading;

/// <summary>
/// An XLSX workbook read with the Open XML SDK's streaming reader: rows one at a time (never the worksheet's
/// DOM), the shared strings and styles once. Keeps what the rules need: formulas, merged ranges, number
/// formats (dates, percent, the "≥" of exported lower bounds).
/// </summary>
internal sealed class XlsxWorkbook : IDisposable
{
    private readonly SpreadsheetDocument _document;
    private readonly List<string> _shared = [];
    private readonly List<FormatFlags> _styles = [];
    private readonly bool _date1904;

    [Flags]
    internal enum FormatFlags
    {
        None = 0,
        Date = 1,
        Percent = 2,
        AtLeast = 4,
    }

    private XlsxWorkbook(SpreadsheetDocument document)
    {
        _document = document;
        var workbookPart = document.WorkbookPart ?? throw new SheetFileException("the XLSX file has no workbook: save it from Excel as .xlsx");
        var workbook = workbookPart.Workbook;
        _date1904 = workbook.WorkbookProperties?.Date1904?.Value ?? false;
        if (workbookPart.SharedStringTablePart is { } sst) ReadSharedStrings(sst);
        if (workbookPart.WorkbookStylesPart?.Stylesheet is { } styles) ReadStyles(styles);
        var sheets = new List<ISheet>();
        foreach (var sheet in workbook.Sheets?.Elements<Sheet>() ?? [])
        {
            if (sheet.State is { } state && state.Value != SheetStateValues.Visible) continue; // hidden sheets are not the clerk's table
            if (sheet.Id?.Value is not { } id || workbookPart.GetPartById(id) is not WorksheetPart part) continue; // chart sheets
            sheets.Add(new XlsxSheet(this, sheet.Name?.Value ?? "Sheet", part));
        }
        if (sheets.Count == 0) throw new SheetFileException("the workbook has no visible worksheet");
        Sheets = sheets;
    }

    public IReadOnlyList<ISheet> Sheets { get; }

    public static XlsxWorkbook Open(Stream stream)
    {
        try
        {
            return new XlsxWorkbook(SpreadsheetDocument.Open(stream, false));
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or IOException or FileFormatException or System.Xml.XmlException or InvalidOperationException or ArgumentException)
        {
            throw new SheetFileException("the file is not a readable XLSX workbook (damaged, or another kind of ZIP file): open it in Excel and save it as .xlsx");
        }
    }

    public void Dispose() => _document.Dispose();

    private void ReadSharedStrings(SharedStringTablePart part)
    {
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
                _shared.Add(ItemText(reader.LoadCurrentElement()!));
        }
    }

    /// <summary>The text of a string item: plain or rich-text runs; phonetic guides (rPh) are not part of it.</summary>
    private static string ItemText(OpenXmlElement item)
    {
        string? single = null;
        System.Text.StringBuilder? many = null;
        foreach (var child in item.ChildElements)
        {
            var part = child switch
            {
                Text t => t.Text,
                Run r => r.Text?.Text,
                _ => null,
            };
            if (part is null) continue;
            if (single is null) single = part;
            else (many ??= new System.Text.StringBuilder(single)).Append(part);
        }
        return many?.ToString() ?? single ?? string.Empty;
    }

    private void ReadStyles(Stylesheet styles)
    {
        var custom = new Dictionary<uint, string>();
        foreach (var format in styles.NumberingFormats?.Elements<NumberingFormat>() ?? [])
        {
            if (format.NumberFormatId?.Value is { } id) custom[id] = format.FormatCode?.Value ?? string.Empty;
        }
        foreach (var xf in styles.CellFormats?.Elements<CellFormat>() ?? [])
        {
            var id = xf.NumberFormatId?.Value ?? 0;
            _styles.Add(custom.TryGetValue(id, out var code) ? Analyse(code) : BuiltIn(id));
        }
    }

    /// <summary>Excel's built-in number formats: 9 and 10 are percent; 14–22, 27–36, 45–47 and 50–58 dates and times (zh-CN).</summary>
    private static FormatFlags BuiltIn(uint id) => id switch
    {
        9 or 10 => FormatFlags.Percent,
        (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58) => FormatFlags.Date,
        _ => FormatFlags.None,
    };

    /// <summary>What a custom format code says about its numbers (its first section; quoted and bracketed parts are literal).</summary>
    internal static FormatFlags Analyse(string code)
    {
        var flags = FormatFlags.None;
        for (var i = 0; i < code.Length; i++)
        {
            var ch = code[i];
            switch (ch)
            {
                case ';':
                    return flags;
                case '"':
                    var end = code.IndexOf('"', i + 1);
                    if (end < 0) end = code.Length;
                    var literal = code[(i + 1)..end];
                    if (literal.Contains('≥') || literal.Contains("以上", StringComparison.Ordinal)) flags |= FormatFlags.AtLeast;
                    i = end;
                    break;
                case '[':
                    var close = code.IndexOf(']', i + 1);
                    i = close < 0 ? code.Length : close;
                    break;
                case '\\':
                    if (i + 1 < code.Length && code[i + 1] == '≥') flags |= FormatFlags.AtLeast;
                    i++;
                    break;
                case '%':
                    flags |= FormatFlags.Percent;
                    break;
                case 'y' or 'Y' or 'm' or 'M' or 'd' or 'D' or 'h' or 'H' or 's' or 'S':
                    flags |= FormatFlags.Date;
                    break;
            }
        }
        return flags;
    }

    private FormatFlags StyleOf(uint? index) => index is { } i && i < _styles.Count ? _styles[(int)i] : FormatFlags.None;

    /// <summary>The cell as the rules see it, or null when it holds nothing.</summary>
    internal RawCell? Convert(int column, string? type, uint? style, string? raw, string? inline, string? formula)
    {
        string? text;
        var kind = CellKind.Text;
        var flags = FormatFlags.None;
        switch (type)
        {
            case "s":
                text = int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < _shared.Count ? _shared[index] : null;
                break;
            case "inlineStr":
                text = inline;
                break;
            case "str":
                text = raw;
                break;
            case "b":
                text = raw == "1" ? "TRUE" : raw == "0" ? "FALSE" : raw;
                kind = CellKind.Boolean;
                break;
            case "e":
                text = raw;
                kind = CellKind.Error;
                break;
            case "d":
                text = DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var d) ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : raw;
                kind = CellKind.Date;
                break;
            default:
                flags = StyleOf(style);
                text = raw is null ? null : NumberText(raw, flags, out kind);
                break;
        }
        if (formula is not null) formula = formula.Length == 0 ? "=(shared formula)" : "=" + formula;
        if (string.IsNullOrWhiteSpace(text))
            return formula is null ? null : new RawCell(column, string.Empty, kind, Formula: formula);
        return new RawCell(column, text, kind, (flags & FormatFlags.Percent) != 0, (flags & FormatFlags.AtLeast) != 0, formula);
    }

    /// <summary>
    /// A numeric cell's stored double as plain decimal text, rounded to 15 significant digits — the precision
    /// Excel shows and keeps, so 0.1 + 0.2 stored as 0.30000000000000004 reads as 0.3. A date-formatted
    /// number is a date.
    /// </summary>
    private string NumberText(string raw, FormatFlags flags, out CellKind kind)
    {
        kind = CellKind.Number;
        if (!ExcelNumbers.TryRead(raw, out var value))
        {
            // beyond decimal's range: no figure of the system is this large; the rules will say so
            return raw;
        }
        if ((flags & FormatFlags.Date) != 0 && value is >= 1 and < 2958466)
        {
            var serial = (double)value + (_date1904 ? 1462 : 0);
            kind = CellKind.Date;
            return DateTime.FromOADate(serial).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        return Dongming.Domain.ExactDecimal.Format(value);
    }
}

/// <summary>Numbers as Excel holds them: doubles, shown and kept to 15 significant digits.</summary>
internal static class ExcelNumbers
{
    /// <summary>Significant digits Excel keeps in a number cell.</summary>
    public const int Precision = 15;

    /// <summary>The stored text of a number cell ("0.30000000000000004", "1.5218E8") as the decimal Excel shows (0.3, 152180000).</summary>
    public static bool TryRead(string raw, out decimal value)
    {
        value = 0;
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return false;
        return decimal.TryParse(d.ToString("G15", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>True when a number cell keeps every digit of the value (at most 15 significant digits).</summary>
    public static bool FitsNumberCell(decimal value)
    {
        var digits = Dongming.Domain.ExactDecimal.Format(value).TrimStart('-').Replace(".", string.Empty, StringComparison.Ordinal).Trim('0');
        return digits.Length <= Precision;
    }
}

/// <summary>
/// One worksheet, streamed. Its XML is read with a plain <see cref="System.Xml.XmlReader"/>: the SDK's streaming
/// reader makes an object of every node, and a worksheet's rows need five element names (row, c, v, f, is).
/// The package, workbook, styles and shared strings are the SDK's.
/// </summary>
internal sealed class XlsxSheet(XlsxWorkbook workbook, string name, WorksheetPart part) : ISheet
{
    private static readonly System.Xml.XmlReaderSettings Settings = new()
    {
        DtdProcessing = System.Xml.DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    private readonly List<CellRange> _merged = [];

    public string? Name { get; } = name;

    public IReadOnlyList<CellRange> Merged => _merged;

    public IEnumerable<RawRow> Rows()
    {
        _merged.Clear();
        using var xml = System.Xml.XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), Settings);
        var cells = new List<RawCell>();
        var lastRow = 0;
        var number = 0;
        var column = 0;
        while (true)
        {
            try
            {
                if (!xml.Read()) yield break;
            }
            catch (System.Xml.XmlException)
            {
                throw new SheetFileException($"the worksheet {Name} is damaged after row {lastRow}: open it in Excel and save it again", lastRow + 1);
            }
            if (xml.NodeType == System.Xml.XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "row":
                        number = int.TryParse(xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0 ? r : lastRow + 1;
                        lastRow = number;
                        cells.Clear();
                        column = 0;
                        if (xml.IsEmptyElement) yield return new RawRow(number, []);
                        break;
                    case "c":
                        var c = ColumnNames.OfReference(xml.GetAttribute("r"));
                        column = c > 0 ? c : column + 1;
                        var cell = ReadCell(xml, column);
                        if (cell is not null && column <= ColumnNames.Max) cells.Add(cell);
                        break;
                    case "mergeCell":
                        if (CellRange.Parse(xml.GetAttribute("ref")) is { } range) _merged.Add(range);
                        break;
                }
            }
            else if (xml.NodeType == System.Xml.XmlNodeType.EndElement && xml.LocalName == "row")
            {
                cells.Sort((a, b) => a.Column.CompareTo(b.Column));
                yield return new RawRow(number, [.. cells]);
            }
        }
    }

    /// <summary>Reads a &lt;c&gt; element to its end: type, style, value, formula, inline string.</summary>
    private RawCell? ReadCell(System.Xml.XmlReader xml, int column)
    {
        var type = xml.GetAttribute("t");
        uint? style = uint.TryParse(xml.GetAttribute("s"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
        string? raw = null, inline = null, formula = null;
        if (!xml.IsEmptyElement)
        {
            var depth = xml.Depth;
            while (xml.Read() && !(xml.NodeType == System.Xml.XmlNodeType.EndElement && xml.Depth == depth))
            {
                if (xml.NodeType != System.Xml.XmlNodeType.Element) continue;
                switch (xml.LocalName)
                {
                    case "v": raw = ReadText(xml); break;
                    case "f": formula = ReadText(xml); break;
                    case "is": inline = ReadInline(xml); break;
                    default: ReadText(xml); break;
                }
            }
        }
        return workbook.Convert(column, type, style, raw, inline, formula);
    }

    /// <summary>The text of an element, leaving the reader on its end (or on it, when empty).</summary>
    private static string ReadText(System.Xml.XmlReader xml)
    {
        if (xml.IsEmptyElement) return string.Empty;
        var depth = xml.Depth;
        string? single = null;
        System.Text.StringBuilder? many = null;
        while (xml.Read() && !(xml.NodeType == System.Xml.XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType is System.Xml.XmlNodeType.Text or System.Xml.XmlNodeType.CDATA or System.Xml.XmlNodeType.Whitespace or System.Xml.XmlNodeType.SignificantWhitespace)
            {
                if (single is null) single = xml.Value;
                else (many ??= new System.Text.StringBuilder(single)).Append(xml.Value);
            }
        }
        return many?.ToString() ?? single ?? string.Empty;
    }

    /// <summary>An inline string: its t elements, plain or in rich-text runs; phonetic guides (rPh) left out.</summary>
    private static string ReadInline(System.Xml.XmlReader xml)
    {
        if (xml.IsEmptyElement) return string.Empty;
        var depth = xml.Depth;
        var text = new System.Text.StringBuilder();
        while (xml.Read() && !(xml.NodeType == System.Xml.XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType != System.Xml.XmlNodeType.Element) continue;
            if (xml.LocalName == "t") text.Append(ReadText(xml));
            else if (xml.LocalName == "rPh") ReadText(xml); // skips the guide, t and all
        }
        return text.ToString();
    }
}
