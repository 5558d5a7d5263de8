using Dongming.Domain;

namespace Dongming.Exchange.Reading;

/// <summary>Collects the errors of a file — every one, up to a limit that keeps an answer readable — and counts the rest.</summary>
internal sealed class ErrorSink(int limit)
{
    private readonly List<SheetError> _errors = [];

    public string? Sheet { get; set; }

    public int Count { get; private set; }

    public void Add(int row, int column, string field, string message)
    {
        Count++;
        if (_errors.Count < limit) _errors.Add(new SheetError(row, ColumnNames.Name(column), field, message) { Sheet = Sheet });
    }

    public void File(string message, int row = 0) => Add(row, 0, "file", message);

    /// <summary>Records a domain rule's violations at a cell; the rule's field name is replaced by the sheet's.</summary>
    public void AddViolations(int row, int column, string field, IEnumerable<FieldViolation> violations, string? subject = null)
    {
        foreach (var v in violations) Add(row, column, field, subject is null ? v.Description : $"{subject} {v.Description}");
    }

    /// <summary>The errors in sheet, row and column order (file-wide ones first).</summary>
    public IReadOnlyList<SheetError> Sorted(IReadOnlyList<string?>? sheetOrder = null)
    {
        int SheetIndex(string? s) => sheetOrder is null ? 0 : Math.Max(0, sheetOrder.ToList().IndexOf(s));
        return [.. _errors.Select((e, i) => (e, i))
            .OrderBy(x => SheetIndex(x.e.Sheet)).ThenBy(x => x.e.Row).ThenBy(x => x.e.Column.Length).ThenBy(x => x.e.Column, StringComparer.Ordinal).ThenBy(x => x.i)
            .Select(x => x.e)];
    }
}
