using Dongming.Domain;

namespace Dongming.Exchange.Reading;

/// <summary>
/// Reads ledgers (台账) in the wide layout (one row per org unit, one column per indicator) and the long one
/// (one row per value). The rules of figures are the domain's: <see cref="Units.CheckValue"/> and
/// <see cref="Reporting.CheckEnterable"/>; this reader adds only what sheets bring: cells, units, headers.
/// </summary>
internal sealed class ValuesReader
{
    private enum Role
    {
        None,
        Sequence,
        OrgUnit,
        Period,
        Comment,
        Unit,
        Indicator,
        Value,
        IndicatorColumn,
    }

    private sealed record Column(int Index, Role Role, string Header, NamedIndicator? Indicator = null, bool Usable = true);

    private static readonly HashSet<string> SequenceWords = Words.Set("序号", "序", "no", "no.", "#", "行号");
    private static readonly HashSet<string> OrgWords = Words.Set(
        "id", "village_id", "org_unit_id", "org_unit", "village", "name", "name_zh", "编号", "代码", "村代码", "单位代码", "嘎查村代码", "村编号",
        "名称", "村名", "村", "嘎查村", "嘎查(村)", "村(嘎查)", "嘎查村名称", "嘎查村名", "村庄", "单位名称", "填报单位", "村委会", "行政村");
    private static readonly HashSet<string> PeriodWords = Words.Set("period", "期间", "统计期", "报告期", "时期", "年度", "年份", "期别", "统计期间", "所属期");
    private static readonly HashSet<string> CommentWords = Words.Set("comment", "note", "notes", "remark", "remarks", "备注", "说明");
    private static readonly HashSet<string> UnitWords = Words.Set("unit", "单位", "计量单位");
    private static readonly HashSet<string> IndicatorWords = Words.Set("indicator", "indicator_code", "code", "指标", "指标代码", "指标名称", "指标项", "项目");
    private static readonly HashSet<string> ValueWords = Words.Set("value", "数值", "值", "数量", "数据", "填报值", "数");
    private static readonly HashSet<string> TotalWords = Words.Set("合计", "总计", "total", "全镇合计", "汇总");
    private static readonly HashSet<string> SubtotalWords = Words.Set("小计", "subtotal");
    private static readonly string[] FootnoteStarts = ["注", "说明", "填表", "制表", "审核", "备注", "数据来源", "负责人", "联系电话"];

    private readonly ValuesContext _context;
    private readonly ErrorSink _errors;
    private readonly IndicatorNames _names;
    private readonly OrgUnitLookup _orgUnits;
    private readonly List<ImportedValue> _values = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<(string Org, Period Period, string Indicator), (string? Sheet, int Row)> _seen = [];
    private int _rowsRead;

    // Clerks' files repeat the same names, periods and units on every row: each text is looked up once.
    private readonly Memo<(string Id, OrgUnitLevel Level, string Error, bool Total, bool Subtotal)> _orgMemo = new();
    private readonly Memo<(Period Period, bool Ok)> _periodMemo = new();
    private readonly Memo<(NamedIndicator? Named, string Error)> _indicatorMemo = new();
    private readonly Memo<UnitScale?> _unitMemo = new();

    private ValuesReader(ValuesContext context, int maxErrors)
    {
        _context = context;
        _errors = new ErrorSink(maxErrors);
        _names = new IndicatorNames(context.Catalog);
        _orgUnits = new OrgUnitLookup(context.Township, context.Villages);
    }

    public static ValuesRead Read(SheetFile file, ValuesContext context, int maxErrors)
    {
        var reader = new ValuesReader(context, maxErrors);
        var sheets = new List<SheetInfo>();
        try
        {
            using var opened = OpenedFile.Open(file);
            foreach (var sheet in opened.Sheets)
            {
                reader._errors.Sheet = sheet.Name;
                using var table = SheetTable.Find(sheet, reader.IsHeader);
                if (table is null)
                {
                    if (opened.Sheets.Count > 1) reader._notes.Add($"sheet {sheet.Name}: no table of figures found in its first {SheetTable.HeaderSearchRows} rows; not read");
                    continue;
                }
                var layout = reader.ReadTable(table);
                sheets.Add(new SheetInfo(file.FileName, opened.Format, opened.Encoding, opened.Delimiter, sheet.Name, table.Header.Number, layout));
            }
            reader._errors.Sheet = null;
            if (sheets.Count == 0)
                reader._errors.File($"no table of figures found: the header row (indicator codes or names such as 牛存栏（头）, or the columns 村/指标/数值 of the long layout) must be within the first {SheetTable.HeaderSearchRows} rows");
        }
        catch (SheetFileException e)
        {
            reader._errors.File(e.Message, e.Row);
        }
        return new ValuesRead(sheets, reader._rowsRead, reader._values, reader._errors.Sorted(sheets.Select(s => s.SheetName).ToList()), reader._errors.Count, reader._notes);
    }

    private Role RoleOf(string header)
    {
        var key = Words.Key(header);
        if (SequenceWords.Contains(key)) return Role.Sequence;
        if (OrgWords.Contains(key)) return Role.OrgUnit;
        if (PeriodWords.Contains(key)) return Role.Period;
        if (CommentWords.Contains(key)) return Role.Comment;
        if (UnitWords.Contains(key)) return Role.Unit;
        if (IndicatorWords.Contains(key)) return Role.Indicator;
        if (ValueWords.Contains(key)) return Role.Value;
        return _names.Recognises(header) ? Role.IndicatorColumn : Role.None;
    }

    private bool IsHeader(RawRow row)
    {
        var roles = row.Cells.Select(c => RoleOf(c.Text)).Where(r => r != Role.None).ToList();
        if (roles.Count < 2) return false;
        return roles.Contains(Role.IndicatorColumn) || (roles.Contains(Role.Indicator) && roles.Contains(Role.Value));
    }

    private SheetLayout ReadTable(SheetTable table)
    {
        var header = table.Header;
        var errorsBefore = _errors.Count;
        var totalRowErrors = 0;
        var columns = new List<Column>();
        foreach (var cell in header.Cells)
        {
            if (cell.IsFormula) _errors.Add(header.Number, cell.Column, "header", $"the header is a formula ({cell.Formula}): type the header text");
            columns.Add(new Column(cell.Column, RoleOf(cell.Text), cell.Text));
        }
        var layout = columns.Any(c => c.Role == Role.Indicator) && columns.Any(c => c.Role == Role.Value) ? SheetLayout.Long : SheetLayout.Wide;
        columns = CheckHeader(header.Number, columns, layout);
        var lastDataRow = header.Number;
        var totals = layout == SheetLayout.Wide ? new WideTotals() : null;
        var sheetName = table.Sheet.Name;
        var headerless = new HashSet<int>();
        var headed = header.Cells.Select(c => c.Column).ToHashSet();
        var rows = 0;
        foreach (var row in table.DataRows())
        {
            if (row.IsBlank) continue;
            if (++rows > SheetImport.MaxRows)
            {
                _errors.Add(row.Number, 0, "file", $"more than {SheetImport.MaxRows:N0} rows: split the file");
                break;
            }
            if (IsFootnote(row)) continue;
            _rowsRead++;
            lastDataRow = row.Number;
            foreach (var cell in row.Cells)
            {
                if (!headed.Contains(cell.Column) && headerless.Add(cell.Column))
                    _errors.Add(row.Number, cell.Column, "header", "this column has values but no header: give it an indicator code or name, or delete it");
                if (cell.IsFormula)
                    _errors.Add(row.Number, cell.Column, "cell", $"a formula ({NumberText.Shorten(cell.Formula!)}): the system takes values, not formulas — copy the cells and paste them as values (选择性粘贴 → 数值)");
                else if (cell.Kind == CellKind.Error)
                    _errors.Add(row.Number, cell.Column, "value", $"the cell holds the Excel error {cell.Text}");
            }
            var before = _errors.Count;
            if (layout == SheetLayout.Wide) ReadWideRow(row, columns, sheetName, totals!);
            else ReadLongRow(row, columns, sheetName);
            if (totals is not null && totals.IsTotalRow(row.Number)) totalRowErrors += _errors.Count - before;
        }
        MergedCells.Check(_errors, table.Sheet.Merged, header, lastDataRow);
        totals?.Check(this, columns.Where(c => c.Role == Role.IndicatorColumn && c.Usable).ToList(), _errors.Count - totalRowErrors > errorsBefore);
        return layout;
    }

    private List<Column> CheckHeader(int row, List<Column> columns, SheetLayout layout)
    {
        var checkedColumns = new List<Column>();
        var seenIndicators = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenRoles = new Dictionary<Role, int>();
        var orgSeen = false;
        foreach (var c in columns)
        {
            var column = c;
            // In the wide layout the org unit column is the first one (after 序号) whatever its header says.
            if (layout == SheetLayout.Wide && !orgSeen && column.Role is Role.None or Role.Unit && !columns.Any(x => x.Role == Role.OrgUnit) && checkedColumns.All(x => x.Role == Role.Sequence))
                column = column with { Role = Role.OrgUnit };
            switch (column.Role)
            {
                case Role.None:
                    _names.Resolve(column.Header, out _, out var why);
                    _errors.Add(row, column.Index, "header", why);
                    continue;
                case Role.IndicatorColumn:
                    if (layout == SheetLayout.Long)
                    {
                        _errors.Add(row, column.Index, "header", $"\"{column.Header}\" is an indicator column, but the sheet is in the long layout (指标, 数值 columns): use one layout per sheet");
                        continue;
                    }
                    if (!_names.Resolve(column.Header, out var named, out var unitError))
                    {
                        _errors.Add(row, column.Index, "header", unitError);
                        continue;
                    }
                    column = column with { Indicator = named };
                    if (seenIndicators.TryGetValue(named.Definition.Code, out var first))
                    {
                        _errors.Add(row, column.Index, "header", $"{named.Definition.NameZh} ({named.Definition.Code}) has a column already ({ColumnNames.Name(first)}): keep one");
                        continue;
                    }
                    seenIndicators[named.Definition.Code] = column.Index;
                    if (named.Unit is { } unit && !unit.TryFactorFor(named.Definition.Unit, out _))
                    {
                        _errors.Add(row, column.Index, "header", UnitMismatch(unit, named.Definition));
                        column = column with { Usable = false };
                    }
                    break;
                case Role.Unit when layout == SheetLayout.Wide:
                    _errors.Add(row, column.Index, "header", "a unit column fits the long layout only: put the unit in each indicator's header instead, e.g. 牛存栏（头）");
                    continue;
                case Role.Indicator or Role.Value when layout == SheetLayout.Wide:
                    _errors.Add(row, column.Index, "header", $"\"{column.Header}\" is a column of the long layout (指标, 数值), but the sheet has indicator columns: use one layout per sheet");
                    continue;
                case Role.OrgUnit:
                    orgSeen = true;
                    break;
                case Role.Sequence:
                    break;
                default:
                    if (seenRoles.TryGetValue(column.Role, out var other))
                    {
                        _errors.Add(row, column.Index, "header", $"a second {column.Role.ToString().ToLowerInvariant()} column (the first is {ColumnNames.Name(other)})");
                        continue;
                    }
                    seenRoles[column.Role] = column.Index;
                    break;
            }
            checkedColumns.Add(column);
        }
        if (!checkedColumns.Any(c => c.Role == Role.OrgUnit))
            _errors.Add(row, 0, "header", "no village column: the first column must hold village ids or names (嘎查村)");
        if (!checkedColumns.Any(c => c.Role == Role.Period) && _context.DefaultPeriod is null)
            _errors.Add(row, 0, "header", "no period: the sheet has no period column (期间) and no default period was given with the file");
        return checkedColumns;
    }

    private static string UnitMismatch(UnitScale unit, IndicatorDefinition indicator) =>
        $"the unit {unit.Text} does not fit {indicator.NameZh} ({indicator.Code}), which is measured in {UnitText.ChineseName(indicator.Unit)} ({indicator.Unit})";

    /// <summary>A note under the table (注：…, 填表人：…) in a row of its own first cell.</summary>
    private static bool IsFootnote(RawRow row)
    {
        if (row.Cells.Count != 1) return false;
        var text = Words.Clean(row.Cells[0].Text);
        return text.Length >= 2 && FootnoteStarts.Any(s => text.StartsWith(s, StringComparison.Ordinal));
    }

    /// <summary>The org unit of a row, or null (an error is recorded, or the row is a total row).</summary>
    private (string Id, OrgUnitLevel Level)? OrgUnitOf(RawRow row, List<Column> columns, out bool total, out bool subtotal, out bool failed)
    {
        total = subtotal = failed = false;
        (string Id, OrgUnitLevel Level)? found = null;
        foreach (var column in columns.Where(c => c.Role == Role.OrgUnit))
        {
            var cell = row[column.Index];
            if (cell is null || cell.IsFormula) continue;
            var (id, level, error, isTotal, isSubtotal) = _orgMemo.Get(cell.Text, text =>
            {
                var key = Words.Key(text);
                if (TotalWords.Contains(key)) return (string.Empty, OrgUnitLevel.Village, string.Empty, true, false);
                if (SubtotalWords.Contains(key)) return (string.Empty, OrgUnitLevel.Village, string.Empty, false, true);
                return _orgUnits.TryFind(text, out var i, out var l, out var e) ? (i, l, string.Empty, false, false) : (string.Empty, l, e, false, false);
            });
            if (isTotal) { total = true; return null; }
            if (isSubtotal) { subtotal = true; return null; }
            if (error.Length > 0)
            {
                _errors.Add(row.Number, column.Index, "org_unit", error);
                failed = true;
                return null;
            }
            if (found is null)
            {
                found = (id, level);
            }
            else if (found.Value.Id != id)
            {
                _errors.Add(row.Number, column.Index, "org_unit",
                    $"\"{cell.Text}\" is {_orgUnits.NameOf(id)} ({id}), but this row is {_orgUnits.NameOf(found.Value.Id)} ({found.Value.Id}) by its first village column");
                failed = true;
            }
        }
        if (found is null)
        {
            var orgColumn = columns.FirstOrDefault(c => c.Role == Role.OrgUnit);
            _errors.Add(row.Number, orgColumn?.Index ?? 1, "org_unit", "the village is missing: write the village id or name (or 镇本级) in this row");
            failed = true;
        }
        return failed ? null : found;
    }

    private Period? PeriodOf(RawRow row, List<Column> columns, out bool failed)
    {
        failed = false;
        var column = columns.FirstOrDefault(c => c.Role == Role.Period);
        var cell = column is null ? null : row[column.Index];
        if (cell is null || cell.IsFormula)
        {
            if (_context.DefaultPeriod is { } p) return p;
            if (column is not null)
                _errors.Add(row.Number, column.Index, "period", "the period is missing, and no default period was given with the file");
            failed = true;
            return null;
        }
        var (period, ok) = _periodMemo.Get(cell.Text, text => PeriodText.TryParse(text, out var p) ? (p, true) : (default, false));
        if (ok) return period;
        _errors.Add(row.Number, column!.Index, "period", $"\"{NumberText.Shorten(cell.Text)}\" is not a period: write a year \"2023\", a quarter \"2023Q4\" or a month \"2023-11\" (years {Period.MinYear}..{Period.MaxYear}; 2023年, 2023年第四季度 and 2023年11月 are read too)");
        failed = true;
        return null;
    }

    private static string? CommentOf(RawRow row, List<Column> columns) =>
        columns.FirstOrDefault(c => c.Role == Role.Comment) is { } column && row[column.Index] is { IsFormula: false } cell ? Words.Clean(cell.Text) : null;

    /// <summary>A value cell: parsed, scaled to the base unit and checked; null when empty or wrong (the error recorded).</summary>
    private (decimal Value, bool AtLeast)? ValueOf(RawRow row, RawCell cell, IndicatorDefinition indicator, UnitScale? headerUnit, (string Id, OrgUnitLevel Level)? org, int? indicatorColumn = null, bool total = false)
    {
        if (cell.IsFormula || cell.Kind == CellKind.Error) return null;
        if (NumberText.IsNotReported(cell.Text)) return null;
        if (cell.Kind is CellKind.Date or CellKind.Boolean)
        {
            _errors.Add(row.Number, cell.Column, "value", $"{(cell.Kind == CellKind.Date ? "a date" : "TRUE/FALSE")} ({cell.Text}) is not a figure of {indicator.NameZh}: format the cell as a number");
            return null;
        }
        if (!NumberText.TryParse(cell.Text, out var number, out var error))
        {
            _errors.Add(row.Number, cell.Column, "value", error);
            return null;
        }
        decimal factor;
        if (cell.Percent)
        {
            // a percent-formatted number cell holds the ratio itself (96.94% is stored as 0.9694)
            if (indicator.Unit != Units.Ratio)
            {
                _errors.Add(row.Number, cell.Column, "value", $"a percentage, but {indicator.NameZh} ({indicator.Code}) is measured in {UnitText.ChineseName(indicator.Unit)} ({indicator.Unit})");
                return null;
            }
            factor = 1;
        }
        else
        {
            var unit = number.Unit ?? headerUnit;
            if (unit is null) factor = 1;
            else if (!unit.TryFactorFor(indicator.Unit, out factor))
            {
                _errors.Add(row.Number, cell.Column, "value", UnitMismatch(unit, indicator));
                return null;
            }
        }
        var value = Normalize(number.Number * factor);
        var v = new Violations();
        if (org is { } o) Reporting.CheckEnterable(v, "indicator", _context.Catalog, o.Level, indicator);
        if (!v.Any && !total) Units.CheckValue(v, "value", indicator, value); // a total is a sum, beyond the range of one value
        if (v.Any)
        {
            foreach (var violation in v.Items)
            {
                var column = violation.Field == "indicator" ? indicatorColumn ?? cell.Column : cell.Column;
                _errors.Add(row.Number, column, violation.Field, $"{indicator.NameZh} ({indicator.Code}) = {ExactDecimal.Format(value)}: {violation.Description}");
            }
            return null;
        }
        return (value, number.AtLeast || cell.AtLeast);
    }

    /// <summary>Results by the text they were computed from, up to a bound (a file of all-different texts is not cached whole).</summary>
    private sealed class Memo<T>
    {
        private const int Limit = 10_000;
        private readonly Dictionary<string, T> _results = new(StringComparer.Ordinal);

        public T Get(string text, Func<string, T> compute)
        {
            if (_results.TryGetValue(text, out var result)) return result;
            result = compute(text);
            if (_results.Count < Limit) _results[text] = result;
            return result;
        }
    }

    /// <summary>The same value without trailing fractional zeros (3100.00 → 3100).</summary>
    internal static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;

    private bool Remember(string org, Period period, string indicator, string? sheet, RawRow row, int column)
    {
        if (_seen.TryGetValue((org, period, indicator), out var first))
        {
            var where = first.Sheet == sheet ? $"row {first.Row}" : $"sheet {first.Sheet}, row {first.Row}";
            _errors.Add(row.Number, column, "indicator", $"duplicate: {_orgUnits.NameOf(org)} · {period} · {NameOf(indicator)} is given in {where} already");
            return false;
        }
        _seen[(org, period, indicator)] = (sheet, row.Number);
        return true;
    }

    private string NameOf(string indicator) => _context.Catalog.TryGet(indicator, out var i) ? $"{i.NameZh} ({i.Code})" : indicator;

    private void ReadWideRow(RawRow row, List<Column> columns, string? sheet, WideTotals totals)
    {
        var org = OrgUnitOf(row, columns, out var total, out var subtotal, out var orgFailed);
        if (subtotal) { _notes.Add($"{Where(sheet, row.Number)}: a subtotal row (小计), not read"); return; }
        var period = total ? _context.DefaultPeriod : PeriodOf(row, columns, out _);
        var comment = CommentOf(row, columns);
        var parsed = new Dictionary<string, (decimal Value, int Column)>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var entered = new List<(Column Column, decimal Value, bool AtLeast)>();
        foreach (var column in columns.Where(c => c.Role == Role.IndicatorColumn && c.Usable))
        {
            var cell = row[column.Index];
            if (cell is null) continue;
            var named = column.Indicator!;
            var code = named.Definition.Code;
            var computed = _context.Catalog.IsComputed(code);
            // computed columns marked [计算] (as exports write them) and total rows are checked, never entered
            var checkOnly = total || (computed && named.MarkedComputed);
            var value = ValueOf(row, cell, named.Definition, named.Unit, checkOnly ? null : org is null && orgFailed ? null : org, total: total);
            if (value is null)
            {
                if (!NumberText.IsNotReported(cell.Text) || cell.IsFormula) failed.Add(code);
                continue;
            }
            parsed[code] = (value.Value.Value, column.Index);
            if (!checkOnly) entered.Add((column, value.Value.Value, value.Value.AtLeast));
        }
        CheckComputed(row.Number, columns, parsed, failed);
        if (total)
        {
            totals.Add(row.Number, parsed);
            return;
        }
        if (org is not { } o || period is not { } p) return;
        totals.Count(p, parsed, failed);
        var repeated = new List<string>();
        (string? Sheet, int Row)? first = null;
        foreach (var (column, value, atLeast) in entered)
        {
            var code = column.Indicator!.Definition.Code;
            if (_seen.TryGetValue((o.Id, p, code), out var seen))
            {
                repeated.Add(column.Indicator.Definition.NameZh);
                first ??= seen;
                continue;
            }
            _seen[(o.Id, p, code)] = (sheet, row.Number);
            _values.Add(new ImportedValue(o.Id, o.Level, p, code, value, atLeast, string.IsNullOrEmpty(comment) ? null : comment, row.Number, ColumnNames.Name(column.Index)) { Sheet = sheet });
        }
        if (repeated.Count > 0)
        {
            var orgColumn = columns.First(c => c.Role == Role.OrgUnit).Index;
            var list = repeated.Count <= 3 ? string.Join(", ", repeated) : $"{string.Join(", ", repeated.Take(3))} and {repeated.Count - 3} more";
            var where = first!.Value.Sheet == sheet ? $"row {first.Value.Row}" : $"sheet {first.Value.Sheet}, row {first.Value.Row}";
            _errors.Add(row.Number, orgColumn, "org_unit", $"duplicate row: {_orgUnits.NameOf(o.Id)} · {p} is given in {where} already ({list})");
        }
    }

    /// <summary>A computed column marked [计算] must equal the sum of its parts in the same row, where the sheet has every part.</summary>
    private void CheckComputed(int row, List<Column> columns, Dictionary<string, (decimal Value, int Column)> parsed, HashSet<string> failed)
    {
        var present = columns.Where(c => c.Role == Role.IndicatorColumn && c.Usable).Select(c => c.Indicator!.Definition.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var column in columns.Where(c => c.Role == Role.IndicatorColumn && c.Usable && c.Indicator!.MarkedComputed && _context.Catalog.IsComputed(c.Indicator.Definition.Code)))
        {
            var code = column.Indicator!.Definition.Code;
            if (!parsed.TryGetValue(code, out var stated)) continue;
            var leaves = Leaves(code).ToList();
            if (leaves.Any(l => !present.Contains(l) || failed.Contains(l))) continue;
            var sum = leaves.Sum(l => parsed.TryGetValue(l, out var x) ? x.Value : 0m);
            if (sum != stated.Value)
                _errors.Add(row, column.Index, "value",
                    $"{column.Indicator.Definition.NameZh} ({code}) is computed as the sum of its parts, which add up to {ExactDecimal.Format(sum)} in this row, not {ExactDecimal.Format(stated.Value)}");
        }
    }

    private IEnumerable<string> Leaves(string code)
    {
        foreach (var part in _context.Catalog.PartsOf(code))
        {
            if (_context.Catalog.IsComputed(part)) { foreach (var leaf in Leaves(part)) yield return leaf; }
            else yield return part;
        }
    }

    private void ReadLongRow(RawRow row, List<Column> columns, string? sheet)
    {
        var org = OrgUnitOf(row, columns, out var total, out var subtotal, out _);
        if (total || subtotal) { _notes.Add($"{Where(sheet, row.Number)}: a total row, not read"); return; }
        var period = PeriodOf(row, columns, out _);
        var indicatorColumn = columns.First(c => c.Role == Role.Indicator);
        var valueColumn = columns.First(c => c.Role == Role.Value);
        var unitColumn = columns.FirstOrDefault(c => c.Role == Role.Unit);
        var indicatorCell = row[indicatorColumn.Index];
        var valueCell = row[valueColumn.Index];
        NamedIndicator? named = null;
        if (indicatorCell is null || indicatorCell.IsFormula)
        {
            if (indicatorCell is null && valueCell is not null && !NumberText.IsNotReported(valueCell.Text))
                _errors.Add(row.Number, indicatorColumn.Index, "indicator", "the indicator is missing: write its code or Chinese name");
        }
        else
        {
            (named, var why) = _indicatorMemo.Get(indicatorCell.Text, text => _names.Resolve(text, out var n, out var e) ? (n, string.Empty) : (null, e));
            if (named is null) _errors.Add(row.Number, indicatorColumn.Index, "indicator", why);
        }
        UnitScale? unit = named?.Unit;
        if (unitColumn is not null && row[unitColumn.Index] is { IsFormula: false } unitCell)
        {
            if (_unitMemo.Get(unitCell.Text, text => UnitText.TryParse(text, out var parsed) ? parsed : null) is { } u)
            {
                unit = u;
                if (named is not null && !u.TryFactorFor(named.Definition.Unit, out _))
                {
                    _errors.Add(row.Number, unitColumn.Index, "unit", UnitMismatch(u, named.Definition));
                    named = null;
                }
            }
            else
            {
                _errors.Add(row.Number, unitColumn.Index, "unit", $"\"{NumberText.Shorten(unitCell.Text)}\" is not a unit (write e.g. 亩, 万亩, 元, 万元, 亿元, 头, %)");
                named = null;
            }
        }
        if (named is null || valueCell is null) return;
        var value = ValueOf(row, valueCell, named.Definition, unit, org, indicatorColumn.Index);
        if (value is null || org is not { } o || period is not { } p) return;
        if (!Remember(o.Id, p, named.Definition.Code, sheet, row, indicatorColumn.Index)) return;
        var comment = CommentOf(row, columns);
        _values.Add(new ImportedValue(o.Id, o.Level, p, named.Definition.Code, value.Value.Value, value.Value.AtLeast, string.IsNullOrEmpty(comment) ? null : comment, row.Number, ColumnNames.Name(valueColumn.Index)) { Sheet = sheet });
    }

    private static string Where(string? sheet, int row) => sheet is null ? $"row {row}" : $"sheet {sheet}, row {row}";

    /// <summary>
    /// The total row (合计) of a wide sheet, checked rather than entered: each summed column's total must be
    /// the sum of the rows above it (ratios are not summed; computed columns are checked against their parts).
    /// </summary>
    private sealed class WideTotals
    {
        private readonly Dictionary<string, decimal> _sums = new(StringComparer.Ordinal);
        private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
        private readonly HashSet<Period> _periods = [];
        private readonly List<(int Row, Dictionary<string, (decimal Value, int Column)> Cells)> _totals = [];
        private int _rows;

        public void Count(Period period, Dictionary<string, (decimal Value, int Column)> parsed, HashSet<string> failed)
        {
            _rows++;
            _periods.Add(period);
            foreach (var (code, (value, _)) in parsed) _sums[code] = _sums.GetValueOrDefault(code) + value;
            _failed.UnionWith(failed);
        }

        public void Add(int row, Dictionary<string, (decimal Value, int Column)> parsed) => _totals.Add((row, parsed));

        public bool IsTotalRow(int row) => _totals.Count > 0 && _totals[^1].Row == row;

        /// <summary>Checks the total rows, unless other errors of the sheet (a row not read, a duplicate) would make every sum differ.</summary>
        public void Check(ValuesReader reader, List<Column> columns, bool otherErrors)
        {
            foreach (var (row, cells) in _totals)
            {
                if (_rows == 0) continue; // a sheet of totals only: nothing to check them against
                if (otherErrors) { reader._notes.Add($"row {row}: the total row is checked once the other errors are fixed"); continue; }
                if (_periods.Count > 1) { reader._notes.Add($"row {row}: a total row over several periods, not checked"); continue; }
                foreach (var column in columns)
                {
                    var indicator = column.Indicator!.Definition;
                    if (indicator.Kind == IndicatorKind.Ratio || reader._context.Catalog.IsComputed(indicator.Code) || _failed.Contains(indicator.Code)) continue;
                    if (!cells.TryGetValue(indicator.Code, out var total)) continue;
                    var sum = _sums.GetValueOrDefault(indicator.Code);
                    if (sum != total.Value)
                        reader._errors.Add(row, total.Column, "value", $"the total row says {ExactDecimal.Format(total.Value)} for {indicator.NameZh} ({indicator.Code}), but the rows above add up to {ExactDecimal.Format(sum)}");
                }
            }
        }
    }
}
