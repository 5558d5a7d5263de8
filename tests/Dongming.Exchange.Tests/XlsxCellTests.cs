using static Dongming.Exchange.Tests.TestWorkbook;

namespace Dongming.Exchange.Tests;

/// <summary>What XLSX cells hold: stored doubles, percent and date formats, Excel errors, several sheets.</summary>
public class XlsxCellTests
{
    private static ValuesRead Read(TestWorkbook workbook) => SheetImport.Values(new SheetFile(workbook.Bytes(), "book.xlsx"), TestData.Values());

    [Fact]
    public void StoredDoubles_ReadAsTheNumberExcelShows()
    {
        var read = Read(new TestWorkbook().Sheet("s")
            .Row(1, "嘎查村", "西瓜种植面积（万亩）", "养老金发放（元）")
            .Row(2, "大台", 0.1 + 0.2, 1.5218e8));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal([3000m, 152180000m], read.Values.Select(v => v.Value)); // 0.30000000000000004万亩 is 0.3万亩
    }

    [Fact]
    public void PercentFormattedCell_HoldsTheRatio_WhateverTheHeaderSays()
    {
        var read = Read(new TestWorkbook().Sheet("s")
            .Row(1, "嘎查村", "“两癌”筛查目标人群覆盖率（%）", "“反诈APP”覆盖率")
            .Row(2, "镇本级", new Percent(0.9694m), new Percent(0.718m)));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal([0.9694m, 0.718m], read.Values.Select(v => v.Value));
    }

    [Fact]
    public void PercentCell_ForAnIndicatorThatIsNoRatio_IsAnError()
    {
        var read = Read(new TestWorkbook().Sheet("s").Row(1, "嘎查村", "羊存栏").Row(2, "大台", new Percent(0.5m)));
        Assert.Equal(["s!B2 value"], TestData.Cells(read));
    }

    [Fact]
    public void DatesBooleansAndExcelErrors_InNumberCells_AreErrors()
    {
        var book = new TestWorkbook().Sheet("s").Row(1, "嘎查村", "羊存栏", "基础母牛存栏").Row(2, "大台", new Date(new DateOnly(2023, 5, 1)), 3);
        var read = Read(book);
        Assert.Equal(["s!B2 value"], TestData.Cells(read));
        Assert.Contains("2023-05-01", read.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(3m, Assert.Single(read.Values).Value);
    }

    [Fact]
    public void SeveralSheets_AreAllRead_AndADuplicateAcrossThemIsAnError()
    {
        var read = Read(new TestWorkbook()
            .Sheet("填表说明").Row(1, "本表按村填报，单位见表头。").Row(2, "数值为空表示未填报。")
            .Sheet("一季度").Row(1, "嘎查村", "期间", "羊存栏（只）").Row(2, "大台", "2023Q1", 100).Row(3, "小台", "2023Q1", 50)
            .Sheet("二季度").Row(1, "嘎查村", "期间", "羊存栏（只）").Row(2, "大台", "2023Q2", 110).Row(3, "大台", "2023Q1", 99));
        Assert.Equal(["一季度", "二季度"], read.Sheets.Select(s => s.SheetName));
        Assert.Equal(["二季度!A3 org_unit"], TestData.Cells(read));
        Assert.Contains("sheet 一季度, row 2", read.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal([("一季度", 2), ("一季度", 3), ("二季度", 2)], read.Values.Select(v => (v.Sheet!, v.Row)));
        Assert.Contains(read.Notes, n => n.Contains("填表说明", StringComparison.Ordinal));
    }

    [Fact]
    public void FirstColumn_IsTheVillageColumn_WhateverItsHeader()
    {
        var read = Read(new TestWorkbook().Sheet("s").Row(1, "序号", "单位", "羊存栏（只）").Row(2, 1, "大台", 5).Row(3, 2, "dongming", 6));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(["datai", "dongming"], read.Values.Select(v => v.OrgUnitId));
    }

    [Fact]
    public void IdAndNameColumns_MustNameTheSameVillage()
    {
        var read = Read(new TestWorkbook().Sheet("s").Row(1, "编号", "名称", "羊存栏（只）").Row(2, "datai", "大台", 5).Row(3, "datai", "小台", 6));
        Assert.Equal(["s!B3 org_unit"], TestData.Cells(read));
        Assert.Equal("datai", Assert.Single(read.Values).OrgUnitId);
    }

    [Fact]
    public void SubtotalRowsAndFootnotes_AreNotVillages()
    {
        var read = Read(new TestWorkbook().Sheet("s")
            .Row(1, "嘎查村", "羊存栏（只）").Row(2, "大台", 5).Row(3, "小计", 5).Row(4, "小台", 6).Row(5, "合计", 11).Row(7, "填表人：王五"));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal([5m, 6m], read.Values.Select(v => v.Value));
    }
}
