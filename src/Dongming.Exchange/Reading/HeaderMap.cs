namespace Dongming.Exchange.Reading;

/// <summary>
/// The columns of a keyed table (roster, catalog, cases): each header is one of a fixed set of names, in
/// English (the TSV column names) or Chinese; a unit in brackets is allowed where the column takes one.
/// </summary>
internal sealed class HeaderMap<TRole>
    where TRole : struct, Enum
{
    private readonly Dictionary<string, TRole> _words = new(StringComparer.Ordinal);
    private readonly HashSet<TRole> _withUnit = [];

    public HeaderMap<TRole> Add(TRole role, string words, bool takesUnit = false)
    {
        foreach (var w in words.Split(' ')) _words[Words.Key(w)] = role;
        if (takesUnit) _withUnit.Add(role);
        return this;
    }

    public bool TryRole(string header, out TRole role, out UnitScale? unit)
    {
        unit = null;
        if (_words.TryGetValue(Words.Key(header), out role)) return true;
        if (Words.SplitBracket(header) is { } split && _words.TryGetValue(Words.Key(split.Name), out role) && _withUnit.Contains(role))
            return UnitText.TryParse(split.Inner, out unit!);
        return false;
    }

    /// <summary>How many cells of a row are headers of this table.</summary>
    public int Score(RawRow row) => row.Cells.Count(c => TryRole(c.Text, out _, out _));

    /// <summary>True when the row has a header of each role given.</summary>
    public bool HasAll(RawRow row, params TRole[] roles)
    {
        var found = new HashSet<TRole>();
        foreach (var cell in row.Cells)
        {
            if (TryRole(cell.Text, out var role, out _)) found.Add(role);
        }
        return roles.All(found.Contains);
    }

    /// <summary>The column of each role of the header row; unknown and repeated headers and missing required ones are errors.</summary>
    public Dictionary<TRole, (int Column, UnitScale? Unit)> Resolve(RawRow header, ErrorSink errors, IReadOnlyCollection<TRole> required, Func<TRole, string> describe, params TRole[] ignored)
    {
        var columns = new Dictionary<TRole, (int, UnitScale?)>();
        foreach (var cell in header.Cells)
        {
            if (cell.IsFormula) errors.Add(header.Number, cell.Column, "header", $"the header is a formula ({cell.Formula}): type the header text");
            if (!TryRole(cell.Text, out var role, out var unit))
            {
                errors.Add(header.Number, cell.Column, "header", $"unknown column \"{NumberText.Shorten(cell.Text)}\"" +
                    (Words.SplitBracket(cell.Text) is { } s && _words.ContainsKey(Words.Key(s.Name)) ? $": \"{s.Inner}\" is not a unit this column takes" : $"; the columns are {string.Join(", ", Enum.GetValues<TRole>().Where(r => !ignored.Contains(r)).Select(describe))}"));
                continue;
            }
            if (ignored.Contains(role)) continue;
            if (columns.TryGetValue(role, out var first))
            {
                errors.Add(header.Number, cell.Column, "header", $"a second {describe(role)} column (the first is {ColumnNames.Name(first.Item1)})");
                continue;
            }
            columns[role] = (cell.Column, unit);
        }
        foreach (var role in required.Where(r => !columns.ContainsKey(r)))
            errors.Add(header.Number, 0, "header", $"the {describe(role)} column is missing");
        return columns;
    }
}
