using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Dongming.Domain;

namespace Dongming.Exchange.Tests;

/// <summary>What the exporter writes, the importer reads back unchanged: an exported sheet imported again is a no-op.</summary>
public class RoundTripTests
{
    public static TheoryData<SheetFormat> Formats => [SheetFormat.Csv, SheetFormat.Tsv, SheetFormat.Xlsx];

    /// <summary>Figures as the ledgers hold them (entered ones only): org unit, period, indicator, value, lower bound.</summary>
    private static HashSet<string> Entered(IReadOnlyDictionary<string, IReadOnlyDictionary<string, SheetFigure>> values, Period period) =>
        [.. values.SelectMany(u => u.Value.Where(f => !TestData.Catalog.IsComputed(f.Key)).Select(f => $"{u.Key}|{period}|{f.Key}|{ExactDecimal.Format(f.Value.Value)}|{f.Value.AtLeast}"))];

    private static HashSet<string> Imported(ValuesRead read) =>
        [.. read.Values.Select(v => $"{v.OrgUnitId}|{v.Period}|{v.Indicator}|{ExactDecimal.Format(v.Value)}|{v.AtLeast}")];

    [Theory]
    [MemberData(nameof(Formats))]
    public void DemoLedger_ExportedAndImported_GivesBackEveryFigure(SheetFormat format)
    {
        var sheet = SampleFiles.Ledger2023(TestData.Demo, TestData.Catalog);
        var bytes = SheetExport.Totals(sheet, format);

        var read = SheetImport.Values(new SheetFile(bytes, "totals"), TestData.Values());

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(format, read.Sheets[0].Format);
        Assert.Equal(Entered(sheet.Values, sheet.Period), Imported(read));
        Assert.Equal(TestData.Demo.Villages.Count + 2, read.RowsRead); // villages, 镇本级 and the checked total row
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void IndicatorsSharingAChineseName_AreExportedByCode_AndReadBackToEach(SheetFormat format)
    {
        // Two indicators named the same (an admin may define them): their headers must not be ambiguous.
        var twin = new IndicatorDefinition("livestock_sheep_twin", "羊存栏", "Sheep (twin)", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, null);
        var catalog = new IndicatorCatalog([.. TestData.Demo.Indicators, twin]);
        var figures = new Dictionary<string, SheetFigure>(StringComparer.Ordinal) { ["livestock_sheep"] = new(800), ["livestock_sheep_twin"] = new(7) };
        var sheet = new TotalsSheet
        {
            Township = TestData.Demo.Township,
            Period = TestData.Year2023,
            Catalog = catalog,
            Villages = [.. TestData.Demo.Villages.Where(v => v.VillageId == "datai")],
            Values = new Dictionary<string, IReadOnlyDictionary<string, SheetFigure>>(StringComparer.Ordinal) { ["datai"] = figures },
            Totals = figures,
            Indicators = ["livestock_sheep", "livestock_sheep_twin"],
        };

        var read = SheetImport.Values(new SheetFile(SheetExport.Totals(sheet, format), "totals"), new ValuesContext(catalog, TestData.Demo.Township, TestData.Demo.Villages, TestData.Year2023));

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(new HashSet<string> { "datai|2023|livestock_sheep|800|False", "datai|2023|livestock_sheep_twin|7|False" }, Imported(read));
    }

    [Fact]
    public void CsvExport_HasAByteOrderMark_ForExcel()
    {
        var bytes = SheetExport.Totals(SampleFiles.Ledger2023(TestData.Demo, TestData.Catalog), SheetFormat.Csv);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith("编号,名称,期间,特色作物种植面积（亩）[计算],西瓜种植面积（亩）", text, StringComparison.Ordinal);
        Assert.Contains("\r\n合计,东明镇,2023,≥111000,20000,35000,", text, StringComparison.Ordinal); // 11万亩以上: a lower bound
    }

    private static TotalsSheet Small(Dictionary<string, Dictionary<string, SheetFigure>> values, Period? period = null)
    {
        var catalog = TestData.Catalog;
        var withComputed = values.ToDictionary(v => v.Key, v => TotalsSheet.WithComputed(catalog, v.Value), StringComparer.Ordinal);
        var totals = new Dictionary<string, SheetFigure>(StringComparer.Ordinal);
        foreach (var figures in withComputed.Values)
        {
            foreach (var (code, f) in figures)
                totals[code] = totals.TryGetValue(code, out var t) ? new SheetFigure(t.Value + f.Value, t.AtLeast || f.AtLeast) : f;
        }
        return new TotalsSheet
        {
            Township = TestData.Demo.Township,
            Period = period ?? TestData.Year2023,
            Catalog = catalog,
            Villages = [.. TestData.Demo.Villages.Where(v => values.ContainsKey(v.VillageId))],
            Values = withComputed,
            Totals = totals,
            Indicators = ["livestock_total", "livestock_cattle", "livestock_breeding_cows", "livestock_fattening_cattle", "livestock_sheep", "pension_paid", "road_clearing_actions", "two_cancer_screening_coverage"],
        };
    }

    private static Dictionary<string, Dictionary<string, SheetFigure>> SmallFigures() => new(StringComparer.Ordinal)
    {
        ["datai"] = new(StringComparer.Ordinal) { ["livestock_breeding_cows"] = new(350), ["livestock_fattening_cattle"] = new(20), ["livestock_sheep"] = new(800, true), ["pension_paid"] = new(123_456_789_012_345.67m) },
        ["xiaotai"] = new(StringComparer.Ordinal) { ["livestock_breeding_cows"] = new(0), ["pension_paid"] = new(1521.8m) },
        ["dongming"] = new(StringComparer.Ordinal) { ["road_clearing_actions"] = new(30, true), ["two_cancer_screening_coverage"] = new(0.998751m) },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void SmallSheet_ExportedAndImported_KeepsLowerBoundsRatiosAndEveryDigit(SheetFormat format)
    {
        var sheet = Small(SmallFigures());
        var read = SheetImport.Values(new SheetFile(SheetExport.Totals(sheet, format)), TestData.Values(Period.Parse("2024Q1")));

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(Entered(sheet.Values, sheet.Period), Imported(read)); // the sheet's own period (2023), not the default
        Assert.Contains("datai|2023|pension_paid|123456789012345.67|False", Imported(read)); // 17 digits: kept as text in XLSX
        Assert.Contains("dongming|2023|two_cancer_screening_coverage|0.998751|False", Imported(read));
    }

    [Fact]
    public void TotalRow_ThatDoesNotAddUp_IsAnError()
    {
        var csv = Encoding.UTF8.GetString(SheetExport.Totals(Small(SmallFigures()), SheetFormat.Csv)).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n");
        var total = Array.FindIndex(lines, l => l.StartsWith("合计", StringComparison.Ordinal));
        var cells = lines[total].Split(',');
        cells[7] = "801"; // 羊存栏 (column H): the rows add up to 800
        lines[total] = string.Join(',', cells);

        var read = SheetImport.Values(TestData.Csv(string.Join("\r\n", lines)), TestData.Values());

        // the total of 羊存栏 is not the sum of the rows; and 牲畜总存栏 of the total row is no longer the sum of its parts
        Assert.Equal([$"D{total + 1} value", $"H{total + 1} value"], TestData.Cells(read));
        Assert.Contains("the rows above add up to 800", read.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TotalRow_IsNotCheckedWhileARowIsWrong_SoOneMistakeGivesOneError()
    {
        var read = SheetImport.Values(TestData.Csv("嘎查村,羊存栏（只）\n大台,5\n大台村,6\n合计,11\n"), TestData.Values());
        Assert.Equal(["A3 org_unit"], TestData.Cells(read));
        Assert.Contains(read.Notes, n => n.Contains("total row", StringComparison.Ordinal));
    }

    [Fact]
    public void ComputedColumn_ThatIsNotTheSumOfItsParts_IsAnError()
    {
        var lines = Encoding.UTF8.GetString(SheetExport.Totals(Small(SmallFigures()), SheetFormat.Csv)).TrimStart('\uFEFF').Split("\r\n");
        var cells = lines[1].Split(',');
        Assert.Equal(["datai", "≥1170", "370"], [cells[0], cells[3], cells[4]]);
        cells[4] = "371"; // 牛存栏 = 基础母牛 350 + 育肥牛 20
        lines[1] = string.Join(',', cells);

        var read = SheetImport.Values(TestData.Csv(string.Join("\r\n", lines)), TestData.Values());

        Assert.Equal(["E2 value"], TestData.Cells(read));
        Assert.Contains("add up to 370", read.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputedColumn_WithoutItsMark_IsEnteredAndRefused()
    {
        var csv = Encoding.UTF8.GetString(SheetExport.Totals(Small(SmallFigures()), SheetFormat.Csv)).TrimStart('\uFEFF').Replace("[计算]", string.Empty, StringComparison.Ordinal);
        var read = SheetImport.Values(TestData.Csv(csv), TestData.Values());
        Assert.Equal(["D2 indicator", "E2 indicator"], TestData.Cells(read).Take(2));
        Assert.All(read.Errors, e => Assert.Contains("computed, never entered", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void ExportedWorkbooks_AreValidOpenXml()
    {
        var data = TestData.Demo;
        byte[][] workbooks =
        [
            SheetExport.Totals(Small(SmallFigures()), SheetFormat.Xlsx),
            SheetExport.Cases(new CasesSheet { Cases = SampleFiles.Cases2023(data).Take(20).ToList(), AsOf = new DateOnly(2023, 12, 31) }, SheetFormat.Xlsx),
            SheetExport.Roster(new RosterSheet(data.Township, data.Villages), SheetFormat.Xlsx),
            SheetExport.Catalog(new CatalogSheet(data.Indicators, data.CaseTypes)),
        ];
        foreach (var bytes in workbooks)
        {
            using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
            Assert.Empty(new OpenXmlValidator().Validate(document).Select(e => e.Description));
            Assert.Null(document.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.CellFormula>()).FirstOrDefault());
        }
    }

    [Fact]
    public void TotalsOnly_ImportsNothing()
    {
        var sheet = Small(SmallFigures()) with { Villages = [], Values = new Dictionary<string, IReadOnlyDictionary<string, SheetFigure>>() };
        var read = SheetImport.Values(new SheetFile(SheetExport.Totals(sheet, SheetFormat.Xlsx)), TestData.Values());
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Empty(read.Values);
    }

    [Theory]
    [InlineData(SheetFormat.Csv)]
    [InlineData(SheetFormat.Xlsx)]
    public void Cases_ExportedAndImported_KeepEveryField(SheetFormat format)
    {
        var data = TestData.Demo;
        var cases = SampleFiles.Cases2023(data).Where((_, i) => i % 37 == 0).ToList();
        cases[0] = cases[0] with { Location = new GeoPoint(120.6612m, 42.8561m), Assignee = "张三", Description = "图斑位于\n河道旁, 需补植", Category = "housing" };
        var bytes = SheetExport.Cases(new CasesSheet { Cases = cases, CaseTypes = data.CaseTypes, Villages = data.Villages, Township = data.Township, AsOf = new DateOnly(2023, 12, 31) }, format);

        var read = SheetImport.Cases(new SheetFile(bytes), TestData.Cases() with { Today = new DateOnly(2025, 1, 1) });

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(cases.Count, read.Cases.Count);
        foreach (var (c, r) in cases.Zip(read.Cases))
        {
            Assert.Equal(
                (c.OrgUnitId, c.CaseType, c.Batch, c.Title, c.Description, c.OpenedOn, c.Deadline, c.Status, c.RectifiedOn, c.ClosedOn, c.AreaMu, c.Location, c.Category, c.Source, c.Assignee, c.Repeat, c.Returned),
                (r.OrgUnitId, r.CaseType, r.Batch, r.Title, r.Description, r.OpenedOn!.Value, r.Deadline, r.Status, r.RectifiedOn, r.ClosedOn, r.AreaMu, r.Location, r.Category, r.Source, r.Assignee, r.Repeat, r.Returned));
        }
    }

    [Theory]
    [InlineData(SheetFormat.Csv)]
    [InlineData(SheetFormat.Xlsx)]
    public void Roster_ExportedAndImported_IsTheSame(SheetFormat format)
    {
        var data = TestData.Demo;
        var read = SheetImport.Roster(new SheetFile(SheetExport.Roster(new RosterSheet(data.Township, data.Villages), format)));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(data.Township, read.Township!.Value);
        Assert.Equal(data.Villages, read.Villages.Select(v => v.Value));
    }

    [Fact]
    public void Catalog_ExportedAsTwoCsvFiles_IsTheSame()
    {
        var data = TestData.Demo;
        var read = SheetImport.Catalog(
        [
            new SheetFile(SheetExport.Indicators(data.Indicators, SheetFormat.Csv), "indicators.csv"),
            new SheetFile(SheetExport.CaseTypes(data.CaseTypes, SheetFormat.Csv), "case_types.csv"),
        ]);
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(data.Indicators.OrderBy(i => i.Code, StringComparer.Ordinal), read.Indicators.Select(i => i.Value).OrderBy(i => i.Code, StringComparer.Ordinal));
        Assert.Equal(data.CaseTypes, read.CaseTypes.Select(t => t.Value));
    }
}
