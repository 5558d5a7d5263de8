using System.Globalization;
using System.Text.RegularExpressions;
using Dongming.Domain;

namespace Dongming.Exchange.Reading;

/// <summary>
/// Reads case lists (整改清单): violation patch lists as they arrive by batch, hazard and petition ledgers.
/// Each row becomes the OpenCase request the domain validates (<see cref="CaseRules.ValidateOpen"/>); its
/// violations are reported at the columns they concern.
/// </summary>
internal static partial class CasesReader
{
    private enum Col
    {
        Sequence,
        CaseId,
        CaseType,
        Batch,
        PatchNumber,
        Title,
        VillageId,
        VillageName,
        OpenedOn,
        Deadline,
        Status,
        RectifiedOn,
        ClosedOn,
        Area,
        Longitude,
        Latitude,
        Category,
        Source,
        Assignee,
        Repeat,
        Returned,
        Overdue,
        Description,
        Note,
    }

    private static readonly HeaderMap<Col> Headers = new HeaderMap<Col>()
        .Add(Col.Sequence, "序号 no")
        .Add(Col.CaseId, "case_id 案件编号 事项编号")
        .Add(Col.CaseType, "case_type 案件类型 类型 问题类型 事项类型")
        .Add(Col.Batch, "batch 批次 期次 期别 下发批次")
        .Add(Col.PatchNumber, "patch_number 图斑编号 编号 图斑号 斑块编号")
        .Add(Col.Title, "title 标题 名称 事项名称 问题 事项")
        .Add(Col.VillageId, "village_id org_unit_id 村编号 嘎查村编号 单位编号")
        .Add(Col.VillageName, "village org_unit 嘎查村 村 村名 所属村 所在村 所属嘎查村 所在嘎查村")
        .Add(Col.OpenedOn, "opened_on 发现日期 交办日期 下发日期 受理日期 立案日期 发现时间 交办时间")
        .Add(Col.Deadline, "deadline 整改期限 整改时限 办结时限 期限 截止日期 完成时限")
        .Add(Col.Status, "status 状态 整改状态 办理状态 进展 整改进展")
        .Add(Col.RectifiedOn, "rectified_on 整改完成日期 完成日期 整改日期")
        .Add(Col.ClosedOn, "closed_on 销号日期 办结日期 结案日期")
        .Add(Col.Area, "area_mu area 面积 图斑面积", takesUnit: true)
        .Add(Col.Longitude, "longitude lon lng 经度")
        .Add(Col.Latitude, "latitude lat 纬度")
        .Add(Col.Category, "category 类别 分类 领域")
        .Add(Col.Source, "source 来源 案件来源 问题来源")
        .Add(Col.Assignee, "assignee 责任人 包联干部 负责人 承办人")
        .Add(Col.Repeat, "repeat 重复 重复件 是否重复")
        .Add(Col.Returned, "returned 倒流 倒流件 是否倒流")
        .Add(Col.Overdue, "overdue 逾期 是否逾期")
        .Add(Col.Description, "description 问题描述 描述 情况说明 问题简述")
        .Add(Col.Note, "note 备注 说明");

    private static string Describe(Col c) => c switch
    {
        Col.CaseType => "case_type (案件类型)",
        Col.VillageId => "village_id (村编号)",
        Col.VillageName => "village (嘎查村)",
        Col.Deadline => "deadline (整改期限)",
        Col.Title => "title (标题)",
        Col.PatchNumber => "patch_number (图斑编号)",
        var other => other.ToString().ToLowerInvariant(),
    };

    [GeneratedRegex(@"^(?<y>[0-9]{4})\s*[-/.年]\s*(?<m>[0-9]{1,2})\s*[-/.月]\s*(?<d>[0-9]{1,2})\s*日?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DateForms();

    [GeneratedRegex(@"^(?<y>[0-9]{4})(?:年?(?:第?(?<n>[0-9]{1,2}|[一二三四五六七八九十]{1,2})期)|-(?<k>[0-9]{1,2})|年)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex BatchForms();

    public static CasesRead Read(SheetFile file, CasesContext context, int maxErrors)
    {
        var errors = new ErrorSink(maxErrors);
        var sheets = new List<SheetInfo>();
        var cases = new List<ImportedCase>();
        var rowsRead = 0;
        try
        {
            using var opened = OpenedFile.Open(file);
            foreach (var sheet in opened.Sheets)
            {
                using var table = SheetTable.Find(sheet, r => Headers.HasAll(r, Col.Deadline) && (Headers.HasAll(r, Col.VillageName) || Headers.HasAll(r, Col.VillageId)));
                if (table is null) continue;
                errors.Sheet = sheet.Name;
                List<Col> required = [Col.Deadline];
                if (context.DefaultCaseType is null) required.Add(Col.CaseType);
                var cols = Headers.Resolve(table.Header, errors, required, Describe, Col.Sequence, Col.Overdue);
                if (!cols.ContainsKey(Col.Title) && !cols.ContainsKey(Col.PatchNumber))
                    errors.Add(table.Header.Number, 0, "header", "the title (标题) or patch number (图斑编号) column is missing");
                if (cols.TryGetValue(Col.Area, out var area) && area.Unit is { } u && !u.TryFactorFor("mu", out _))
                    errors.Add(table.Header.Number, area.Column, "header", $"the unit {u.Text} is not an area (write 亩, 公顷 or 平方米)");
                var reader = new RowReader(context, errors, cols);
                var last = table.Header.Number;
                foreach (var row in table.DataRows())
                {
                    if (row.IsBlank) continue;
                    rowsRead++;
                    last = row.Number;
                    if (reader.Read(row) is { } c) cases.Add(c);
                }
                MergedCells.Check(errors, sheet.Merged, table.Header, last);
                sheets.Add(new SheetInfo(file.FileName, opened.Format, opened.Encoding, opened.Delimiter, sheet.Name, table.Header.Number, SheetLayout.Cases));
                break;
            }
            if (sheets.Count == 0)
                errors.File($"no case list found: the header row (village 嘎查村, deadline 整改期限, title 标题 or patch number 图斑编号, …) must be within the first {SheetTable.HeaderSearchRows} rows");
        }
        catch (SheetFileException e)
        {
            errors.File(e.Message, e.Row);
        }
        errors.Sheet = null;
        return new CasesRead(sheets, rowsRead, cases, errors.Sorted(sheets.Select(s => s.SheetName).ToList()), errors.Count);
    }

    private sealed class RowReader(CasesContext context, ErrorSink errors, Dictionary<Col, (int Column, UnitScale? Unit)> cols)
    {
        private readonly OrgUnitLookup _orgUnits = new(context.Township, context.Villages);
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string, string), int> _keys = [];

        private int ColOf(Col c) => cols.TryGetValue(c, out var x) ? x.Column : 0;

        public ImportedCase? Read(RawRow row)
        {
            var failed = false;
            var reported = new HashSet<string>(StringComparer.Ordinal);
            void Fail(Col c, string field, string message)
            {
                errors.Add(row.Number, ColOf(c), field, message);
                failed = true;
            }
            foreach (var cell in row.Cells.Where(c => c.IsFormula))
            {
                errors.Add(row.Number, cell.Column, "cell", $"a formula ({cell.Formula}): paste values instead (选择性粘贴 → 数值)");
                failed = true;
            }
            RawCell? Cell(Col c) => cols.TryGetValue(c, out var x) && row[x.Column] is { IsFormula: false } cell ? cell : null;
            string? Get(Col c) => Cell(c) is { } cell && Words.Clean(cell.Text) is { Length: > 0 } t ? t : null;

            var caseType = CaseTypeOf(Get(Col.CaseType) ?? context.DefaultCaseType, out var typeName);
            if (caseType is null) Fail(Col.CaseType, "case_type", Get(Col.CaseType) is { } t ? $"unknown case type \"{t}\": one of {string.Join(", ", context.CaseTypes.Select(x => $"{x.NameZh} ({x.Code})"))}" : "the case type is missing");
            var batch = Get(Col.Batch) is { } b ? BatchOf(b) : null;
            var patch = Get(Col.PatchNumber);
            var title = Get(Col.Title) ?? (patch is null ? null : $"{typeName ?? caseType} {batch} {patch}".Replace("  ", " ", StringComparison.Ordinal).Trim());

            (string Id, OrgUnitLevel Level)? org = null;
            foreach (var c in new[] { Col.VillageId, Col.VillageName })
            {
                if (Get(c) is not { } text) continue;
                if (!_orgUnits.TryFind(text, out var id, out var level, out var why)) { Fail(c, "village", why); org = null; break; }
                if (org is null) org = (id, level);
                else if (org.Value.Id != id) { Fail(c, "village", $"\"{text}\" is {_orgUnits.NameOf(id)} ({id}), but the village id says {_orgUnits.NameOf(org.Value.Id)} ({org.Value.Id})"); org = null; break; }
            }
            if (org is null && !failed && Get(Col.VillageId) is null && Get(Col.VillageName) is null)
                Fail(cols.ContainsKey(Col.VillageId) ? Col.VillageId : Col.VillageName, "village", "the village is missing: write its id or name (or 镇本级)");

            var status = CaseStatus.Reported;
            if (Get(Col.Status) is { } s && !CaseWords.TryParseStatus(s, out status))
                Fail(Col.Status, "status", $"\"{s}\" is not a status; write one of: {CaseWords.StatusWordsHelp}");
            var source = CaseSource.Unspecified;
            if (Get(Col.Source) is { } src && !CaseWords.TryParseSource(src, out source))
                Fail(Col.Source, "source", $"\"{src}\" is not a source: write 上级交办, 排查, 12345热线 or 检查执法");
            bool Flag(Col c)
            {
                if (Get(c) is not { } text) return false;
                if (CaseWords.TryParseYesNo(text, out var yes)) return yes;
                Fail(c, c.ToString().ToLowerInvariant(), $"\"{text}\" is not 是 or 否");
                return false;
            }
            var repeat = Flag(Col.Repeat);
            var returned = Flag(Col.Returned);
            string? area = null;
            if (Cell(Col.Area) is { } areaCell && !NumberText.IsNotReported(areaCell.Text))
            {
                if (!NumberText.TryParse(areaCell.Text, out var number, out var why)) Fail(Col.Area, "area_mu", why);
                else if (!(number.Unit ?? cols[Col.Area].Unit ?? Mu).TryFactorFor("mu", out var factor)) Fail(Col.Area, "area_mu", $"{(number.Unit ?? cols[Col.Area].Unit)!.Text} is not an area (write 亩, 公顷 or 平方米)");
                else area = ExactDecimal.Format(number.Number * factor);
            }
            var opened = DateOf(row, Cell(Col.OpenedOn), Col.OpenedOn, "opened_on", reported);
            var deadline = DateOf(row, Cell(Col.Deadline), Col.Deadline, "deadline", reported);
            var rectified = DateOf(row, Cell(Col.RectifiedOn), Col.RectifiedOn, "rectified_on", reported);
            var closed = DateOf(row, Cell(Col.ClosedOn), Col.ClosedOn, "closed_on", reported);
            if (area is null && Cell(Col.Area) is { } a && !NumberText.IsNotReported(a.Text)) reported.Add("area_mu");
            if (reported.Count > 0) failed = true;
            if (!cols.ContainsKey(Col.Title) && !cols.ContainsKey(Col.PatchNumber)) reported.Add("title"); // the header says so once

            var command = new OpenCaseCommand(org?.Id ?? "unknown", caseType ?? "unknown", batch, title ?? string.Empty, Get(Col.Description), deadline, Get(Col.Category), source,
                Get(Col.Assignee), "sheet-import", opened, Get(Col.Longitude), Get(Col.Latitude), area, repeat, returned, Get(Col.Note));
            RemediationCase? valid = null;
            try
            {
                valid = CaseRules.ValidateOpen(command, context.Today, Actor.System, DateTimeOffset.UnixEpoch);
            }
            catch (DomainException e)
            {
                foreach (var v in e.Violations)
                {
                    var (col, field) = v.Field switch
                    {
                        "village_id" => (org is null ? (Col?)null : Col.VillageId, "village"),
                        "case_type" => (caseType is null ? null : Col.CaseType, "case_type"),
                        "batch" => (Col.Batch, "batch"),
                        "title" => (cols.ContainsKey(Col.Title) ? Col.Title : Col.PatchNumber, "title"),
                        "description" => (Col.Description, "description"),
                        "assignee" => (Col.Assignee, "assignee"),
                        "note" => (Col.Note, "note"),
                        "category" => (Col.Category, "category"),
                        "deadline" => (Col.Deadline, "deadline"),
                        "opened_on" => (Col.OpenedOn, "opened_on"),
                        "location.longitude" => (Col.Longitude, "longitude"),
                        "location.latitude" => (Col.Latitude, "latitude"),
                        "area_mu" => (Col.Area, "area_mu"),
                        _ => ((Col?)null, v.Field),
                    };
                    if (col is null || reported.Contains(v.Field)) continue; // already reported in the sheet's terms
                    Fail(col.Value, field, v.Description);
                }
                failed = true;
            }
            var openedOn = valid?.OpenedOn;
            if (rectified is { } r)
            {
                var on = DateOnly.ParseExact(r, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (status is not (CaseStatus.Rectified or CaseStatus.Closed)) Fail(Col.RectifiedOn, "rectified_on", $"a rectification date, but the status is {CaseWords.StatusWord(status)}: only a rectified (已整改) or struck-off (已销号) case has one");
                else if (openedOn is { } o && on < o) Fail(Col.RectifiedOn, "rectified_on", "must not be before the case was opened");
                else if (on > context.Today) Fail(Col.RectifiedOn, "rectified_on", "must not be in the future");
            }
            if (closed is { } cl)
            {
                var on = DateOnly.ParseExact(cl, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (status != CaseStatus.Closed) Fail(Col.ClosedOn, "closed_on", $"a closing date, but the status is {CaseWords.StatusWord(status)}: only a struck-off case (已销号) has one");
                else if (openedOn is { } o && on < o) Fail(Col.ClosedOn, "closed_on", "must not be before the case was opened");
                else if (on > context.Today) Fail(Col.ClosedOn, "closed_on", "must not be in the future");
                else if (rectified is { } r2 && on < DateOnly.ParseExact(r2, "yyyy-MM-dd", CultureInfo.InvariantCulture)) Fail(Col.ClosedOn, "closed_on", "must not be before the rectification date");
            }
            var caseId = Get(Col.CaseId);
            if (caseId is not null && !_ids.TryAdd(caseId, row.Number)) Fail(Col.CaseId, "case_id", $"the case {caseId} is in row {_ids[caseId]} already");
            if (caseType is not null && (patch ?? title) is { } key && !_keys.TryAdd((caseType, batch ?? string.Empty, Words.Key(key)), row.Number))
                Fail(cols.ContainsKey(Col.PatchNumber) ? Col.PatchNumber : Col.Title, patch is null ? "title" : "patch_number", $"the same case (type, batch and {(patch is null ? "title" : "patch number")}) is in row {_keys[(caseType, batch ?? string.Empty, Words.Key(key))]} already");
            if (failed || valid is null || org is null) return null;
            return new ImportedCase
            {
                Row = row.Number,
                CaseId = caseId,
                OrgUnitId = org.Value.Id,
                Level = org.Value.Level,
                CaseType = valid.CaseType,
                Batch = valid.Batch,
                PatchNumber = patch,
                Title = valid.Title,
                Description = valid.Description,
                OpenedOn = opened is null ? null : valid.OpenedOn,
                Deadline = valid.Deadline,
                Status = status,
                RectifiedOn = rectified is null ? null : DateOnly.ParseExact(rectified, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                ClosedOn = closed is null ? null : DateOnly.ParseExact(closed, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                AreaMu = valid.AreaMu,
                Location = valid.Location,
                Category = valid.Category,
                Source = valid.Source,
                Assignee = valid.Assignee,
                Repeat = valid.Repeat,
                Returned = valid.Returned,
                Note = Get(Col.Note),
            };
        }

        private static readonly UnitScale Mu = UnitText.TryParse("亩", out var mu) ? mu : throw new InvalidOperationException();

        private string? CaseTypeOf(string? text, out string? name)
        {
            name = null;
            if (text is null) return null;
            var key = Words.Key(text);
            var type = context.CaseTypes.FirstOrDefault(t => Words.Key(t.Code) == key) ?? context.CaseTypes.FirstOrDefault(t => Words.Key(t.NameZh) == key);
            name = type?.NameZh;
            return type?.Code;
        }

        /// <summary>A date cell as YYYY-MM-DD (dates of XLSX, 2023-03-20, 2023/3/20, 2023.3.20, 2023年3月20日), or null when empty or wrong.</summary>
        private string? DateOf(RawRow row, RawCell? cell, Col col, string field, HashSet<string> reported)
        {
            if (cell is null) return null;
            var text = Words.Clean(cell.Text);
            if (text.Length == 0) return null;
            var m = DateForms().Match(text);
            var v = new Violations();
            var candidate = m.Success
                ? $"{m.Groups["y"].Value}-{int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture):D2}-{int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture):D2}"
                : text;
            if (CaseDates.Parse(v, field, candidate, required: false) is { } d) return CaseDates.Format(d);
            var hint = cell.Kind == CellKind.Number ? " (the cell holds a number: format it as a date)" : string.Empty;
            errors.Add(row.Number, ColOf(col), field, $"\"{NumberText.Shorten(cell.Text)}\" is not a date: write 2023-03-20 (or 2023/3/20, 2023年3月20日){hint}");
            reported.Add(field);
            return null;
        }
    }

    /// <summary>A batch as the domain writes it: "2023年三期" and "2023年第3期" are "2023-3", "2023年" is "2023".</summary>
    internal static string BatchOf(string text)
    {
        var t = Words.Key(text);
        var m = BatchForms().Match(t);
        if (!m.Success) return text;
        var y = m.Groups["y"].Value;
        if (m.Groups["k"].Success) return $"{y}-{int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture)}";
        if (!m.Groups["n"].Success) return y;
        var n = m.Groups["n"].Value;
        var number = char.IsAsciiDigit(n[0]) ? int.Parse(n, CultureInfo.InvariantCulture) : ChineseNumber(n);
        return $"{y}-{number}";
    }

    private static int ChineseNumber(string n)
    {
        const string Digits = "一二三四五六七八九";
        if (n == "十") return 10;
        if (n.Length == 2 && n[0] == '十') return 10 + Digits.IndexOf(n[1]) + 1;
        if (n.Length == 2 && n[1] == '十') return (Digits.IndexOf(n[0]) + 1) * 10;
        return Digits.IndexOf(n[0]) + 1;
    }
}
