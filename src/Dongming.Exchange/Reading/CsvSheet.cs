using System.Text;
using Sylvan.Data.Csv;

namespace Dongming.Exchange.Reading;

/// <summary>A delimited text file as one sheet, read record by record (Sylvan.Data.Csv: RFC 4180 quoting, streaming).</summary>
internal sealed class CsvSheet(ReadOnlyMemory<byte> content, TextDecoding.Detected text, char delimiter) : ISheet
{
    public string? Name => null;

    public IReadOnlyList<CellRange> Merged => [];

    public IEnumerable<RawRow> Rows()
    {
        using var reader = TextDecoding.Open(content, text);
        var options = new CsvDataReaderOptions
        {
            HasHeaders = false,
            Delimiter = delimiter,
            Comment = '\0', // a cell may start with '#'
            OwnsReader = false,
            MaxBufferSize = 4 * 1024 * 1024,
        };
        CsvDataReader csv;
        try { csv = CsvDataReader.Create(reader, options); }
        catch (Exception e) when (e is CsvFormatException or DecoderFallbackException) { throw Wrap(e, 1); }
        using (csv)
        {
            var row = 0;
            while (true)
            {
                RawRow result;
                try
                {
                    if (!csv.Read()) yield break;
                    row = csv.RowNumber;
                    var cells = new List<RawCell>(csv.RowFieldCount);
                    for (var i = 0; i < csv.RowFieldCount && i < ColumnNames.Max; i++)
                    {
                        var value = csv.GetString(i);
                        if (!string.IsNullOrWhiteSpace(value)) cells.Add(new RawCell(i + 1, value));
                    }
                    result = new RawRow(row, [.. cells]);
                }
                catch (Exception e) when (e is CsvFormatException or DecoderFallbackException) { throw Wrap(e, row + 1); }
                yield return result;
            }
        }
    }

    private Exception Wrap(Exception e, int row) => e switch
    {
        CsvFormatException f => new SheetFileException($"the text is not valid CSV from row {(f.RowNumber > 0 ? f.RowNumber : row)} on: a quoted cell is not closed, or text follows its closing quote", f.RowNumber > 0 ? f.RowNumber : row),
        _ => new SheetFileException($"the text is not valid {text.Name} from row {row} on (is the file saved in another encoding? save it as CSV UTF-8)", row),
    };
}
