using Dongming.Domain;
using Dongming.Exchange.Reading;

namespace Dongming.Exchange;

/// <summary>
/// What a roster import needs: the township the villages belong to when the file has no township row (a row
/// of kind "township"/镇); when it has one, its id must be this one.
/// </summary>
public sealed record RosterContext(string? TownshipId = null);

/// <summary>A township and its villages read from a sheet (villages.tsv's columns, plus the township row).</summary>
public sealed record RosterRead(
    IReadOnlyList<SheetInfo> Sheets, int RowsRead, FromRow<TownshipInfo>? Township, IReadOnlyList<FromRow<VillageInfo>> Villages,
    IReadOnlyList<SheetError> Errors, int ErrorCount) : ISheetRead
{
    public bool Ok => ErrorCount == 0;
}

internal static class RosterReader
{
    private enum Col
    {
        Sequence,
        Id,
        Name,
        Kind,
        StatisticalCode,
        CodeSystem,
        Note,
    }

    private static readonly HeaderMap<Col> Headers = new HeaderMap<Col>()
        .Add(Col.Sequence, "序号 no")
        .Add(Col.Id, "id village_id org_unit_id township_id 编号 代码 村编号")
        .Add(Col.Name, "name name_zh 名称 村名 嘎查村 嘎查村名称 名字")
        .Add(Col.Kind, "kind 类型 类别 性质")
        .Add(Col.StatisticalCode, "statistical_code 统计用区划代码 区划代码 统计代码")
        .Add(Col.CodeSystem, "code_system 代码体系 代码系统")
        .Add(Col.Note, "source note notes 备注 说明 来源");

    private static readonly HashSet<string> TownshipKinds = Words.Set("township", "镇", "乡", "乡镇", "苏木", "街道");

    private static string Describe(Col c) => c switch
    {
        Col.Id => "id (编号)",
        Col.Name => "name_zh (名称)",
        Col.Kind => "kind (类型: township/gacha/village/unknown, 镇/嘎查/村/未知)",
        Col.StatisticalCode => "statistical_code (统计用区划代码)",
        Col.CodeSystem => "code_system (代码体系)",
        Col.Note => "source (备注)",
        _ => "序号",
    };

    public static RosterRead Read(SheetFile file, RosterContext context, int maxErrors)
    {
        var errors = new ErrorSink(maxErrors);
        var sheets = new List<SheetInfo>();
        var rows = new List<(int Row, string Id, string Name, string Kind, string Code, string System)>();
        Dictionary<Col, (int Column, UnitScale? Unit)> cols = [];
        try
        {
            using var opened = OpenedFile.Open(file);
            foreach (var sheet in opened.Sheets)
            {
                using var table = SheetTable.Find(sheet, r => Headers.HasAll(r, Col.Id, Col.Name));
                if (table is null) continue;
                errors.Sheet = sheet.Name;
                cols = Headers.Resolve(table.Header, errors, [Col.Id, Col.Name], Describe, Col.Sequence, Col.Note);
                var last = table.Header.Number;
                foreach (var row in table.DataRows())
                {
                    if (row.IsBlank) continue;
                    last = row.Number;
                    foreach (var cell in row.Cells.Where(c => c.IsFormula))
                        errors.Add(row.Number, cell.Column, "cell", $"a formula ({cell.Formula}): paste values instead (选择性粘贴 → 数值)");
                    string Get(Col c) => cols.TryGetValue(c, out var x) && row[x.Column] is { IsFormula: false } cell ? Words.Clean(cell.Text) : string.Empty;
                    rows.Add((row.Number, Get(Col.Id), Get(Col.Name), Get(Col.Kind), Get(Col.StatisticalCode), Get(Col.CodeSystem)));
                }
                MergedCells.Check(errors, sheet.Merged, table.Header, last);
                sheets.Add(new SheetInfo(file.FileName, opened.Format, opened.Encoding, opened.Delimiter, sheet.Name, table.Header.Number, SheetLayout.Roster));
                break; // the first sheet with a roster
            }
            if (sheets.Count == 0) errors.File($"no roster found: the header row (id, name_zh, kind — or 编号, 名称, 类型) must be within the first {SheetTable.HeaderSearchRows} rows");
        }
        catch (SheetFileException e)
        {
            errors.File(e.Message, e.Row);
        }

        int ColOf(Col c) => cols.TryGetValue(c, out var x) ? x.Column : 0;
        FromRow<TownshipInfo>? township = null;
        foreach (var r in rows.Where(r => TownshipKinds.Contains(Words.Key(r.Kind))))
        {
            if (township is not null) { errors.Add(r.Row, ColOf(Col.Kind), "kind", $"a second township row (the first is row {township.Row}): a roster holds one township"); continue; }
            var info = new TownshipInfo(r.Id, r.Name, r.Code, r.System);
            if (Check(errors, r.Row, () => Dongming.Domain.Roster.Check(info), f => f switch
            {
                "township.township_id" => ColOf(Col.Id),
                "township.name" => ColOf(Col.Name),
                "township.statistical_code" => ColOf(Col.StatisticalCode),
                "township.code_system" => ColOf(Col.CodeSystem) is > 0 and var c ? c : ColOf(Col.StatisticalCode),
                _ => 0,
            }))
            {
                township = new FromRow<TownshipInfo>(r.Row, info);
            }
            if (context.TownshipId is { } expected && r.Id != expected)
                errors.Add(r.Row, ColOf(Col.Id), "id", $"the file is the roster of {r.Id}, but it was sent for township {expected}");
        }
        var townshipId = township?.Value.TownshipId ?? context.TownshipId;
        if (townshipId is null && rows.Count > 0 && !rows.Any(r => TownshipKinds.Contains(Words.Key(r.Kind))))
            errors.File("no township: add a row of kind township (镇) with the township's id and name, or send the file for a township");
        var villages = new List<FromRow<VillageInfo>>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        if (township is not null) { ids[township.Value.TownshipId] = township.Row; names[Words.Key(township.Value.Name)] = township.Row; }
        foreach (var r in rows)
        {
            var isTownship = TownshipKinds.Contains(Words.Key(r.Kind));
            if (!isTownship)
            {
                if (r.Code.Length > 0) errors.Add(r.Row, ColOf(Col.StatisticalCode), "statistical_code", "a statistical code is kept for the township only (no public source pairs village names with codes)");
                VillageKind? kind = Words.Key(r.Kind) switch
                {
                    "gacha" or "嘎查" => VillageKind.Gacha,
                    "village" or "村" or "行政村" => VillageKind.Village,
                    "unknown" or "未知" or "" => VillageKind.Unknown,
                    _ => null,
                };
                if (kind is null) errors.Add(r.Row, ColOf(Col.Kind), "kind", $"\"{r.Kind}\" is not a kind: write gacha (嘎查), village (村), unknown (未知), or township (镇) for the township row");
                var info = new VillageInfo(r.Id, r.Name, kind ?? VillageKind.Unknown, townshipId ?? string.Empty);
                var ok = Check(errors, r.Row, () => Dongming.Domain.Roster.Check(info with { TownshipId = townshipId ?? "township" }), f => f switch
                {
                    "village_id" => ColOf(Col.Id),
                    "name" => ColOf(Col.Name),
                    _ => 0,
                });
                if (ok && kind is not null && townshipId is not null) villages.Add(new FromRow<VillageInfo>(r.Row, info));
            }
            if (r.Id.Length > 0 && !ids.TryAdd(r.Id, r.Row) && !(isTownship && ids[r.Id] == r.Row))
                errors.Add(r.Row, ColOf(Col.Id), "id", $"the id {r.Id} is in row {ids[r.Id]} already");
            var nameKey = Words.Key(r.Name);
            if (nameKey.Length > 0 && !names.TryAdd(nameKey, r.Row) && names[nameKey] != r.Row)
                errors.Add(r.Row, ColOf(Col.Name), "name", $"the name {r.Name} is in row {names[nameKey]} already: ledgers name villages by it, so names must differ");
        }
        errors.Sheet = null;
        return new RosterRead(sheets, rows.Count, township, villages, errors.Sorted(sheets.Select(s => s.SheetName).ToList()), errors.Count);
    }

    /// <summary>Runs a domain check; its violations are recorded at the columns of their fields.</summary>
    internal static bool Check(ErrorSink errors, int row, Action check, Func<string, int> columnOf)
    {
        try
        {
            check();
            return true;
        }
        catch (DomainException e)
        {
            if (e.Violations.Count == 0) errors.Add(row, 0, "row", e.Message);
            foreach (var v in e.Violations) errors.Add(row, columnOf(v.Field), FieldName(v.Field), v.Description);
            return false;
        }
    }

    /// <summary>"township.township_id" → "township_id": the sheet's column name.</summary>
    private static string FieldName(string field) => field.Contains('.') ? field[(field.LastIndexOf('.') + 1)..] : field;
}
