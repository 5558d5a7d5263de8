using Dongming.Domain;
using Dongming.Exchange.Reading;
using Dongming.Exchange.Writing;

namespace Dongming.Exchange;

/// <summary>
/// Writes the township's figures, case lists, roster and catalog as sheets (CSV with a UTF-8 byte-order mark,
/// TSV, or XLSX). What these write, <see cref="SheetImport"/> reads back unchanged: an exported sheet
/// imported again is a no-op.
/// </summary>
public static class SheetExport
{
    /// <summary>The header of the org unit id column of exported figure sheets.</summary>
    public const string OrgUnitIdHeader = "编号";

    /// <summary>The header of the org unit name column.</summary>
    public const string OrgUnitNameHeader = "名称";

    /// <summary>The header of the period column.</summary>
    public const string PeriodHeader = "期间";

    /// <summary>The first cell of the total row.</summary>
    public const string TotalLabel = "合计";

    /// <summary>The name cell of the township's own entries.</summary>
    public const string TownshipOwnLabel = "镇本级";

    /// <summary>
    /// The header of an indicator column: its Chinese name and unit, "牛存栏（头）", and for an indicator with
    /// parts (computed, never entered) the mark "[计算]": "牲畜总存栏（头）[计算]" (XLSX shades those columns too).
    /// A Chinese name that several indicators share is written as the code ("livestock_cattle（头）"), so the sheet
    /// reads back to the same indicators.
    /// </summary>
    public static string IndicatorHeader(IndicatorCatalog catalog, IndicatorDefinition indicator) =>
        IndicatorHeader(catalog, indicator, SharedNames(catalog));

    private static string IndicatorHeader(IndicatorCatalog catalog, IndicatorDefinition indicator, HashSet<string> sharedNames) =>
        $"{(sharedNames.Contains(Words.Key(indicator.NameZh)) ? indicator.Code : indicator.NameZh)}（{UnitText.ChineseName(indicator.Unit)}）{(catalog.IsComputed(indicator.Code) ? IndicatorNames.ComputedMark : string.Empty)}";

    /// <summary>The Chinese names (as header keys) that more than one indicator of the catalog has.</summary>
    private static HashSet<string> SharedNames(IndicatorCatalog catalog) =>
        catalog.All.Select(i => Words.Key(i.NameZh)).Where(n => n.Length > 0).GroupBy(n => n, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

    public static byte[] Totals(TotalsSheet sheet, SheetFormat format) => Write(format, [TotalsContent(sheet)]);

    public static byte[] Cases(CasesSheet sheet, SheetFormat format) => Write(format, [CasesContent(sheet)]);

    public static byte[] Roster(RosterSheet sheet, SheetFormat format) => Write(format, [RosterContent(sheet)]);

    /// <summary>The catalog: two sheets of one XLSX workbook; for CSV/TSV use <see cref="Indicators"/> and <see cref="CaseTypes"/>.</summary>
    public static byte[] Catalog(CatalogSheet sheet) => Write(SheetFormat.Xlsx, [IndicatorsContent(sheet.Indicators), CaseTypesContent(sheet.CaseTypes)]);

    public static byte[] Indicators(IReadOnlyList<IndicatorDefinition> indicators, SheetFormat format) => Write(format, [IndicatorsContent(indicators)]);

    public static byte[] CaseTypes(IReadOnlyList<CaseTypeDefinition> caseTypes, SheetFormat format) => Write(format, [CaseTypesContent(caseTypes)]);

    private static byte[] Write(SheetFormat format, IReadOnlyList<SheetContent> sheets)
    {
        using var output = new MemoryStream();
        switch (format)
        {
            case SheetFormat.Xlsx:
                XlsxOut.Write(output, sheets);
                break;
            case SheetFormat.Csv or SheetFormat.Tsv:
                if (sheets.Count != 1) throw new ArgumentException("a text file holds one table", nameof(sheets));
                CsvOut.Write(output, sheets[0], format == SheetFormat.Tsv ? '\t' : ',');
                break;
            default:
                throw new ArgumentException("choose CSV, TSV or XLSX", nameof(format));
        }
        return output.ToArray();
    }

    private static SheetContent TotalsContent(TotalsSheet sheet)
    {
        var catalog = sheet.Catalog;
        var indicators = (sheet.Indicators ?? [.. catalog.All.Select(i => i.Code)])
            .Select(code => catalog.TryGet(code, out var i) ? i : throw new ArgumentException($"indicator {code} is not in the catalog", nameof(sheet)))
            .ToList();
        var bold = new CellLook(Bold: true);
        var header = new List<OutCell> { OutCell.Of(OrgUnitIdHeader, bold), OutCell.Of(OrgUnitNameHeader, bold), OutCell.Of(PeriodHeader, bold) };
        var shared = SharedNames(catalog);
        header.AddRange(indicators.Select(i => OutCell.Of(IndicatorHeader(catalog, i, shared), new CellLook(Bold: true, Shaded: catalog.IsComputed(i.Code)))));
        var period = sheet.Period.ToString();

        IReadOnlyList<OutCell> Row(string id, string name, IReadOnlyDictionary<string, SheetFigure>? figures, bool total)
        {
            var look = new CellLook(Bold: total);
            var cells = new List<OutCell>(indicators.Count + 3) { OutCell.Of(id, look), OutCell.Of(name, look), OutCell.Of(period, look) };
            foreach (var i in indicators)
            {
                var cellLook = look with { Shaded = catalog.IsComputed(i.Code) };
                if (figures is null || !figures.TryGetValue(i.Code, out var f)) { cells.Add(OutCell.Of((string?)null, cellLook)); continue; }
                var ratio = i.Unit == Units.Ratio;
                var format = (ratio, f.AtLeast) switch
                {
                    (true, true) => CellFormat.AtLeastPercent,
                    (true, false) => CellFormat.Percent,
                    (false, true) => CellFormat.AtLeast,
                    _ => CellFormat.General,
                };
                cells.Add(OutCell.Of(f.Value, cellLook with { Format = format }));
            }
            return cells;
        }

        IEnumerable<IReadOnlyList<OutCell>> Rows()
        {
            foreach (var v in sheet.Villages)
                yield return Row(v.VillageId, v.Name, sheet.Values.GetValueOrDefault(v.VillageId), total: false);
            if (sheet.Values.TryGetValue(sheet.Township.TownshipId, out var own) && own.Count > 0)
                yield return Row(sheet.Township.TownshipId, TownshipOwnLabel, own, total: false);
            yield return Row(TotalLabel, sheet.Township.Name, sheet.Totals, total: true);
        }

        var title = sheet.Title ?? $"{sheet.Township.Name} {PeriodTitle(sheet.Period)} 指标汇总表";
        return new SheetContent(Truncate($"{sheet.Period} 汇总"), title, header, Rows(), FrozenColumns: 2)
        {
            Widths = [14, 14, 8, .. indicators.Select(i => Math.Clamp((i.NameZh.Length + 4) * 1.6, 10, 28))],
        };
    }

    private static string PeriodTitle(Period period) => period.Kind switch
    {
        PeriodKind.Year => $"{period.Year}年",
        PeriodKind.Quarter => $"{period.Year}年第{period.Number}季度",
        _ => $"{period.Year}年{period.Number}月",
    };

    /// <summary>Worksheet names have at most 31 characters.</summary>
    private static string Truncate(string name) => name.Length <= 31 ? name : name[..31];

    /// <summary>The headers of a case list, as <see cref="SheetImport.Cases"/> reads them.</summary>
    internal static class CaseHeaders
    {
        public const string CaseId = "案件编号", CaseType = "案件类型", Batch = "批次", Title = "标题", VillageId = "村编号", VillageName = "村名",
            OpenedOn = "发现日期", Deadline = "整改期限", Status = "状态", RectifiedOn = "整改完成日期", ClosedOn = "销号日期", Area = "面积（亩）",
            Longitude = "经度", Latitude = "纬度", Category = "类别", Source = "来源", Assignee = "责任人", Repeat = "重复", Returned = "倒流",
            Overdue = "逾期", Description = "问题描述";
    }

    private static SheetContent CasesContent(CasesSheet sheet)
    {
        var bold = new CellLook(Bold: true);
        var types = sheet.CaseTypes.ToDictionary(t => t.Code, t => t.NameZh, StringComparer.Ordinal);
        var names = sheet.Villages.ToDictionary(v => v.VillageId, v => v.Name, StringComparer.Ordinal);
        if (sheet.Township is { } t) names[t.TownshipId] = TownshipOwnLabel;
        // a list of cases not yet in the system (a batch as handed down) has no case ids: no empty column for them
        var ids = sheet.Cases.Any(c => !string.IsNullOrEmpty(c.CaseId));
        string[] headers =
        [
            .. ids ? [CaseHeaders.CaseId] : Array.Empty<string>(), CaseHeaders.CaseType, CaseHeaders.Batch, CaseHeaders.Title, CaseHeaders.VillageId, CaseHeaders.VillageName,
            CaseHeaders.OpenedOn, CaseHeaders.Deadline, CaseHeaders.Status, CaseHeaders.RectifiedOn, CaseHeaders.ClosedOn, CaseHeaders.Area,
            CaseHeaders.Longitude, CaseHeaders.Latitude, CaseHeaders.Category, CaseHeaders.Source, CaseHeaders.Assignee, CaseHeaders.Repeat,
            CaseHeaders.Returned, .. sheet.AsOf is null ? Array.Empty<string>() : [CaseHeaders.Overdue], CaseHeaders.Description,
        ];

        IEnumerable<IReadOnlyList<OutCell>> Rows()
        {
            foreach (var c in sheet.Cases)
            {
                var cells = new List<OutCell>(headers.Length);
                if (ids) cells.Add(OutCell.Of(c.CaseId));
                cells.AddRange(
                [
                    OutCell.Of(types.GetValueOrDefault(c.CaseType, c.CaseType)), OutCell.Of(c.Batch), OutCell.Of(c.Title),
                    OutCell.Of(c.OrgUnitId), OutCell.Of(names.GetValueOrDefault(c.OrgUnitId)), OutCell.Of(c.OpenedOn), OutCell.Of(c.Deadline),
                    OutCell.Of(CaseWords.StatusWord(c.Status)), OutCell.Of(c.RectifiedOn), OutCell.Of(c.ClosedOn),
                    c.AreaMu is { } area ? OutCell.Of(area) : default,
                    c.Location is { } l ? OutCell.Of(l.Longitude) : default, c.Location is { } m ? OutCell.Of(m.Latitude) : default,
                    OutCell.Of(c.Category), OutCell.Of(CaseWords.SourceWord(c.Source) is { Length: > 0 } s ? s : null), OutCell.Of(c.Assignee),
                    OutCell.Of(CaseWords.YesNo(c.Repeat)), OutCell.Of(CaseWords.YesNo(c.Returned)),
                ]);
                if (sheet.AsOf is { } asOf) cells.Add(OutCell.Of(CaseWords.YesNo(c.IsOverdue(asOf))));
                cells.Add(OutCell.Of(c.Description));
                yield return cells;
            }
        }

        var title = sheet.Title ?? $"{sheet.Township?.Name ?? string.Empty} 整改事项清单{(sheet.AsOf is { } d ? $"（截至 {CaseDates.Format(d)}）" : string.Empty)}".Trim();
        return new SheetContent("整改事项", title, [.. headers.Select(h => OutCell.Of(h, bold))], Rows(), FrozenColumns: ids ? 1 : 0)
        {
            Widths = [.. headers.Select(h => h switch { CaseHeaders.CaseId => 32.0, CaseHeaders.Title or CaseHeaders.Description => 28.0, _ => 12.0 })],
        };
    }

    /// <summary>The headers of a roster (villages.tsv's, and the township's code).</summary>
    internal static readonly string[] RosterHeaders = ["id", "name_zh", "kind", "statistical_code", "code_system", "source"];

    private static SheetContent RosterContent(RosterSheet sheet)
    {
        var bold = new CellLook(Bold: true);
        IEnumerable<IReadOnlyList<OutCell>> Rows()
        {
            var t = sheet.Township;
            yield return [OutCell.Of(t.TownshipId), OutCell.Of(t.Name), OutCell.Of("township"), OutCell.Of(t.StatisticalCode), OutCell.Of(t.CodeSystem), OutCell.Of(sheet.Notes.GetValueOrDefault(t.TownshipId))];
            foreach (var v in sheet.Villages)
            {
                yield return [OutCell.Of(v.VillageId), OutCell.Of(v.Name), OutCell.Of(v.Kind.ToString().ToLowerInvariant()), default, default, OutCell.Of(sheet.Notes.GetValueOrDefault(v.VillageId))];
            }
        }
        return new SheetContent("roster", null, [.. RosterHeaders.Select(h => OutCell.Of(h, bold))], Rows()) { Widths = [16, 16, 10, 18, 16, 60] };
    }

    /// <summary>The columns of indicators.tsv.</summary>
    internal static readonly string[] IndicatorHeaders = ["code", "category", "name_zh", "name_en", "unit", "kind", "entered_at", "part_of"];

    internal static readonly string[] CaseTypeHeaders = ["code", "name_zh", "name_en"];

    private static SheetContent IndicatorsContent(IReadOnlyList<IndicatorDefinition> indicators)
    {
        var bold = new CellLook(Bold: true);
        IEnumerable<IReadOnlyList<OutCell>> Rows() => indicators.Select(i => (IReadOnlyList<OutCell>)
        [
            OutCell.Of(i.Code), OutCell.Of(i.Category), OutCell.Of(i.NameZh), OutCell.Of(i.NameEn), OutCell.Of(i.Unit),
            OutCell.Of(i.Kind.ToString().ToLowerInvariant()), OutCell.Of(i.EnteredAt.ToString().ToLowerInvariant()), OutCell.Of(i.PartOf),
        ]);
        return new SheetContent("indicators", null, [.. IndicatorHeaders.Select(h => OutCell.Of(h, bold))], Rows()) { Widths = [34, 18, 30, 50, 12, 8, 10, 24] };
    }

    private static SheetContent CaseTypesContent(IReadOnlyList<CaseTypeDefinition> caseTypes)
    {
        var bold = new CellLook(Bold: true);
        IEnumerable<IReadOnlyList<OutCell>> Rows() => caseTypes.Select(t => (IReadOnlyList<OutCell>)[OutCell.Of(t.Code), OutCell.Of(t.NameZh), OutCell.Of(t.NameEn)]);
        return new SheetContent("case_types", null, [.. CaseTypeHeaders.Select(h => OutCell.Of(h, bold))], Rows()) { Widths = [28, 24, 40] };
    }
}
