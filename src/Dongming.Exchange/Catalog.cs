using Dongming.Domain;
using Dongming.Exchange.Reading;

namespace Dongming.Exchange;

/// <summary>What a catalog import is checked against: the indicators and case types defined already.</summary>
public sealed record CatalogContext(IndicatorCatalog Existing, IReadOnlyList<CaseTypeDefinition> ExistingCaseTypes)
{
    public static CatalogContext Empty { get; } = new(IndicatorCatalog.Empty, []);
}

/// <summary>
/// Indicators and case types read from one or more sheets. <see cref="Indicators"/> is in the order to
/// define them: every parent before its parts (the order of the file otherwise). Definitions identical to
/// existing ones are listed too (defining them again changes nothing).
/// </summary>
public sealed record CatalogRead(
    IReadOnlyList<SheetInfo> Sheets, int RowsRead, IReadOnlyList<FromRow<IndicatorDefinition>> Indicators, IReadOnlyList<FromRow<CaseTypeDefinition>> CaseTypes,
    IReadOnlyList<SheetError> Errors, int ErrorCount) : ISheetRead
{
    public bool Ok => ErrorCount == 0;
}

internal static class CatalogReader
{
    private enum Col
    {
        Sequence,
        Code,
        Category,
        NameZh,
        NameEn,
        Unit,
        Kind,
        EnteredAt,
        PartOf,
    }

    private static readonly HeaderMap<Col> Headers = new HeaderMap<Col>()
        .Add(Col.Sequence, "序号 no")
        .Add(Col.Code, "code 代码 编码 指标代码 类型代码")
        .Add(Col.Category, "category 类别 分类 指标类别")
        .Add(Col.NameZh, "name_zh 中文名称 指标名称 名称 类型名称")
        .Add(Col.NameEn, "name_en 英文名称 english")
        .Add(Col.Unit, "unit 单位 计量单位")
        .Add(Col.Kind, "kind 指标类型 性质 指标性质")
        .Add(Col.EnteredAt, "entered_at 填报层级 填报级别")
        .Add(Col.PartOf, "part_of 上级指标 所属指标");

    private static readonly Col[] IndicatorColumns = [Col.Code, Col.Category, Col.NameZh, Col.NameEn, Col.Unit, Col.Kind, Col.EnteredAt];
    private static readonly Col[] CaseTypeColumns = [Col.Code, Col.NameZh, Col.NameEn];

    private static string Describe(Col c) => c switch
    {
        Col.Code => "code (代码)",
        Col.Category => "category (类别)",
        Col.NameZh => "name_zh (中文名称)",
        Col.NameEn => "name_en (英文名称)",
        Col.Unit => "unit (单位)",
        Col.Kind => "kind (stock/flow/ratio)",
        Col.EnteredAt => "entered_at (village/township)",
        Col.PartOf => "part_of (上级指标)",
        _ => "序号",
    };

    private sealed record Pending(string? Sheet, int Row, IndicatorDefinition Definition, Dictionary<Col, (int Column, UnitScale? Unit)> Columns);

    public static CatalogRead Read(IReadOnlyList<SheetFile> files, CatalogContext context, int maxErrors)
    {
        var errors = new ErrorSink(maxErrors);
        var sheets = new List<SheetInfo>();
        var pending = new List<Pending>();
        var caseTypes = new List<FromRow<CaseTypeDefinition>>();
        var caseTypeRows = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowsRead = 0;
        foreach (var file in files)
        {
            errors.Sheet = files.Count > 1 ? file.FileName : null;
            try
            {
                using var opened = OpenedFile.Open(file);
                var found = 0;
                foreach (var sheet in opened.Sheets)
                {
                    if (sheet.Name is not null) errors.Sheet = sheet.Name;
                    using var table = SheetTable.Find(sheet, r => Headers.HasAll(r, CaseTypeColumns));
                    if (table is null) continue;
                    found++;
                    var indicators = Headers.HasAll(table.Header, Col.Unit) || Headers.HasAll(table.Header, Col.Kind) || Headers.HasAll(table.Header, Col.EnteredAt);
                    var cols = Headers.Resolve(table.Header, errors, indicators ? IndicatorColumns : CaseTypeColumns, Describe, Col.Sequence);
                    if (!indicators)
                    {
                        foreach (var c in cols.Keys.Except(CaseTypeColumns).Where(c => c != Col.Sequence))
                            errors.Add(table.Header.Number, cols[c].Column, "header", $"a case type has code, name_zh and name_en only; {Describe(c)} is an indicator column");
                    }
                    var last = table.Header.Number;
                    foreach (var row in table.DataRows())
                    {
                        if (row.IsBlank) continue;
                        rowsRead++;
                        last = row.Number;
                        foreach (var cell in row.Cells.Where(c => c.IsFormula))
                            errors.Add(row.Number, cell.Column, "cell", $"a formula ({cell.Formula}): paste values instead (选择性粘贴 → 数值)");
                        string Get(Col c) => cols.TryGetValue(c, out var x) && row[x.Column] is { IsFormula: false } cell ? Words.Clean(cell.Text) : string.Empty;
                        int ColOf(Col c) => cols.TryGetValue(c, out var x) ? x.Column : 0;
                        if (indicators) ReadIndicator(errors, errors.Sheet, row.Number, Get, ColOf, cols, pending);
                        else ReadCaseType(errors, row.Number, Get, ColOf, context, caseTypes, caseTypeRows);
                    }
                    MergedCells.Check(errors, sheet.Merged, table.Header, last);
                    sheets.Add(new SheetInfo(file.FileName, opened.Format, opened.Encoding, opened.Delimiter, sheet.Name, table.Header.Number, indicators ? SheetLayout.Indicators : SheetLayout.CaseTypes));
                }
                if (found == 0)
                    errors.File($"no catalog table found: an indicators table (code, category, name_zh, name_en, unit, kind, entered_at, part_of) or a case types table (code, name_zh, name_en), with its header row within the first {SheetTable.HeaderSearchRows} rows");
            }
            catch (SheetFileException e)
            {
                errors.File(e.Message, e.Row);
            }
        }
        var ordered = Define(errors, pending, context);
        errors.Sheet = null;
        return new CatalogRead(sheets, rowsRead, ordered, caseTypes, errors.Sorted([.. sheets.Select(s => s.SheetName ?? s.FileName)]), errors.Count);
    }

    private static void ReadIndicator(ErrorSink errors, string? sheet, int row, Func<Col, string> get, Func<Col, int> colOf, Dictionary<Col, (int, UnitScale?)> cols, List<Pending> pending)
    {
        var unit = get(Col.Unit);
        if (!Units.All.Contains(unit) && UnitText.TryParse(unit, out var scale))
        {
            // a Chinese unit word standing for one base unit (亩 → mu, 元 → yuan, 平方米 → m2); 个 and 次 stand for several
            var ones = scale.Factors.Where(f => f.Value == 1).Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
            if (ones.Count > 1)
            {
                errors.Add(row, colOf(Col.Unit), "unit", $"\"{unit}\" stands for several base units ({string.Join(", ", ones)}): write the base unit code");
                return;
            }
            if (ones.Count == 1) unit = ones[0];
        }
        IndicatorKind? kind = Words.Key(get(Col.Kind)) switch
        {
            "stock" or "存量" or "时点" or "时点数" => IndicatorKind.Stock,
            "flow" or "流量" or "时期" or "时期数" or "累计" => IndicatorKind.Flow,
            "ratio" or "比率" or "比例" or "率" => IndicatorKind.Ratio,
            _ => null,
        };
        EnteredAt? at = Words.Key(get(Col.EnteredAt)) switch
        {
            "village" or "村" or "村级" or "嘎查村" => EnteredAt.Village,
            "township" or "镇" or "镇级" or "乡镇" => EnteredAt.Township,
            _ => null,
        };
        if (kind is null) errors.Add(row, colOf(Col.Kind), "kind", get(Col.Kind).Length == 0 ? "is required: stock, flow or ratio" : $"\"{get(Col.Kind)}\" is not a kind: write stock (存量), flow (流量) or ratio (比率)");
        if (at is null) errors.Add(row, colOf(Col.EnteredAt), "entered_at", get(Col.EnteredAt).Length == 0 ? "is required: village or township" : $"\"{get(Col.EnteredAt)}\" is not a level: write village (村) or township (镇)");
        if (kind is null || at is null) return;
        var partOf = get(Col.PartOf);
        var definition = new IndicatorDefinition(get(Col.Code), get(Col.NameZh), get(Col.NameEn), unit, get(Col.Category), kind.Value, at.Value, partOf.Length == 0 ? null : partOf);
        pending.Add(new Pending(sheet, row, definition, cols));
    }

    /// <summary>
    /// Adds the indicators to the existing catalog with the domain's rule (<see cref="IndicatorCatalog.With"/>),
    /// parents first: a parent defined by this file may receive parts, as when the catalog grain defines a batch.
    /// </summary>
    private static List<FromRow<IndicatorDefinition>> Define(ErrorSink errors, List<Pending> pending, CatalogContext context)
    {
        var result = new List<FromRow<IndicatorDefinition>>();
        var byCode = new Dictionary<string, Pending>(StringComparer.Ordinal);
        var unique = new List<Pending>();
        foreach (var p in pending)
        {
            errors.Sheet = p.Sheet;
            if (p.Definition.Code.Length > 0 && byCode.TryGetValue(p.Definition.Code, out var first))
            {
                errors.Add(p.Row, ColumnOf(p, Col.Code), "code", $"the indicator {p.Definition.Code} is in row {first.Row} already");
                continue;
            }
            if (p.Definition.Code.Length > 0) byCode[p.Definition.Code] = p;
            unique.Add(p);
        }
        var catalog = context.Existing;
        var added = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<Pending>();
        bool progress;
        do
        {
            progress = false;
            foreach (var p in unique.Where(p => !done.Contains(p)))
            {
                var parent = p.Definition.PartOf;
                if (parent is not null && byCode.TryGetValue(parent, out var parentRow) && !done.Contains(parentRow) && parentRow != p) continue; // its parent first
                done.Add(p);
                progress = true;
                errors.Sheet = p.Sheet;
                try
                {
                    var next = catalog.With(p.Definition, seeding: parent is not null && added.Contains(parent));
                    if (!ReferenceEquals(next, catalog)) added.Add(p.Definition.Code);
                    catalog = next;
                    result.Add(new FromRow<IndicatorDefinition>(p.Row, p.Definition));
                }
                catch (DomainException e)
                {
                    // a refusal without fields: an existing code defined differently, or a part added to an indicator entered directly
                    if (e.Violations.Count == 0)
                    {
                        var part = e.Kind == ErrorKind.FailedPrecondition && p.Definition.PartOf is not null;
                        errors.Add(p.Row, ColumnOf(p, part ? Col.PartOf : Col.Code), part ? "part_of" : "code", e.Message);
                    }
                    foreach (var v in e.Violations)
                    {
                        var col = v.Field switch
                        {
                            "indicator.code" => Col.Code,
                            "indicator.name_zh" => Col.NameZh,
                            "indicator.name_en" => Col.NameEn,
                            "indicator.unit" => Col.Unit,
                            "indicator.category" => Col.Category,
                            "indicator.kind" => Col.Kind,
                            "indicator.part_of" => Col.PartOf,
                            _ => Col.Code,
                        };
                        var description = v.Field == "indicator.part_of" && v.Description.StartsWith("unknown indicator", StringComparison.Ordinal)
                            ? $"{v.Description}: define it in the catalog (in this file or before)"
                            : v.Description;
                        errors.Add(p.Row, ColumnOf(p, col), v.Field.Replace("indicator.", string.Empty, StringComparison.Ordinal), description);
                    }
                }
            }
        }
        while (progress);
        foreach (var p in unique.Where(p => !done.Contains(p)))
        {
            errors.Sheet = p.Sheet;
            errors.Add(p.Row, ColumnOf(p, Col.PartOf), "part_of", $"{p.Definition.Code} is part of {p.Definition.PartOf}, which is (through its parents) part of {p.Definition.Code}: a breakdown cannot go in a circle");
        }
        return result;
    }

    private static int ColumnOf(Pending p, Col c) => p.Columns.TryGetValue(c, out var x) ? x.Column : 0;

    private static void ReadCaseType(ErrorSink errors, int row, Func<Col, string> get, Func<Col, int> colOf, CatalogContext context, List<FromRow<CaseTypeDefinition>> caseTypes, Dictionary<string, int> rows)
    {
        var type = new CaseTypeDefinition(get(Col.Code), get(Col.NameZh), get(Col.NameEn));
        var ok = RosterReader.Check(errors, row, () => CaseTypeDefinition.Check(type), f => f switch
        {
            "case_type.code" => colOf(Col.Code),
            "case_type.name_zh" => colOf(Col.NameZh),
            "case_type.name_en" => colOf(Col.NameEn),
            _ => 0,
        });
        if (!ok) return;
        if (!rows.TryAdd(type.Code, row)) { errors.Add(row, colOf(Col.Code), "code", $"the case type {type.Code} is in row {rows[type.Code]} already"); return; }
        if (context.ExistingCaseTypes.FirstOrDefault(t => t.Code == type.Code) is { } existing && existing != type)
        {
            errors.Add(row, colOf(Col.Code), "code", $"the case type {type.Code} exists with a different definition ({existing.NameZh}, {existing.NameEn}); definitions never change");
            return;
        }
        caseTypes.Add(new FromRow<CaseTypeDefinition>(row, type));
    }
}
