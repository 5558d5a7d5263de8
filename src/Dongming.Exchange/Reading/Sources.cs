using System.Runtime.InteropServices;

namespace Dongming.Exchange.Reading;

/// <summary>A file that cannot be read (at all, or past <see cref="Row"/>); its message is for the clerk.</summary>
internal sealed class SheetFileException(string message, int row = 0) : Exception(message)
{
    public int Row { get; } = row;
}

/// <summary>One table of a file: a worksheet of a workbook, or the whole of a text file.</summary>
internal interface ISheet
{
    /// <summary>The worksheet name; null for text files.</summary>
    string? Name { get; }

    /// <summary>The rows in order, read one at a time (never the whole sheet in memory).</summary>
    IEnumerable<RawRow> Rows();

    /// <summary>The merged ranges, complete once <see cref="Rows"/> has been read to the end.</summary>
    IReadOnlyList<CellRange> Merged { get; }
}

/// <summary>A file opened for reading: how it was recognised, and its sheets in workbook order.</summary>
internal sealed class OpenedFile(SheetFormat format, string? encoding, char? delimiter, IReadOnlyList<ISheet> sheets, IDisposable? owner) : IDisposable
{
    public SheetFormat Format { get; } = format;
    public string? Encoding { get; } = encoding;
    public char? Delimiter { get; } = delimiter;
    public IReadOnlyList<ISheet> Sheets { get; } = sheets;

    public void Dispose() => owner?.Dispose();

    /// <summary>
    /// Opens a file: the content decides (ZIP → XLSX, OLE2 → a legacy or encrypted workbook, refused; anything
    /// else text), and a hint that contradicts the content is an error rather than a guess.
    /// </summary>
    public static OpenedFile Open(SheetFile file)
    {
        var content = file.Content;
        if (content.IsEmpty) throw new SheetFileException("the file is empty");
        var span = content.Span;
        var zip = span.Length >= 4 && span[0] == 0x50 && span[1] == 0x4B && span[2] == 0x03 && span[3] == 0x04;
        var ole = span.Length >= 8 && span[0] == 0xD0 && span[1] == 0xCF && span[2] == 0x11 && span[3] == 0xE0 && span[4] == 0xA1 && span[5] == 0xB1 && span[6] == 0x1A && span[7] == 0xE1;
        if (ole)
            throw new SheetFileException("this is an old Excel .xls workbook or a password-protected one; save it as .xlsx (Excel 2007 or later, without a password) or as CSV UTF-8");
        if (zip)
        {
            if (file.Format is SheetFormat.Csv or SheetFormat.Tsv)
                throw new SheetFileException($"the file is an XLSX workbook, but the format {file.Format.ToString().ToUpperInvariant()} was given");
            var workbook = XlsxWorkbook.Open(AsStream(content));
            return new OpenedFile(SheetFormat.Xlsx, null, null, workbook.Sheets, workbook);
        }
        if (file.Format == SheetFormat.Xlsx)
            throw new SheetFileException("the format XLSX was given, but the file is not an XLSX workbook (no ZIP signature): save it from Excel as .xlsx");
        var text = TextDecoding.Detect(content);
        var delimiter = file.Format == SheetFormat.Tsv ? '\t' : Delimiters.Sniff(text.Preview);
        var sheet = new CsvSheet(content, text, delimiter);
        return new OpenedFile(delimiter == '\t' ? SheetFormat.Tsv : SheetFormat.Csv, text.Name, delimiter, [sheet], null);
    }

    /// <summary>A read-only stream over the bytes, without copying them when they live in an array.</summary>
    public static Stream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
