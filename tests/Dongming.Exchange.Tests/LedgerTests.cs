using Dongming.Domain;

namespace Dongming.Exchange.Tests;

/// <summary>The committed test ledgers (ledgers/): what each good one holds, and exactly which errors each bad one gives.</summary>
public class LedgerTests
{
    private static string[] Values(ValuesRead read) =>
        [.. read.Values.Select(v => $"{v.OrgUnitId} {v.Period} {v.Indicator}={ExactDecimal.Format(v.Value)}{(v.AtLeast ? "+" : string.Empty)} @{v.Column}{v.Row}")];

    [Fact]
    public void WideXlsx_ChineseHeadersWithUnits_ReadsEveryValueInBaseUnits()
    {
        var read = SheetImport.Values(TestData.Ledger("wide-2023.xlsx"), TestData.Values());

        Assert.True(read.Ok, TestData.Dump(read));
        var sheet = Assert.Single(read.Sheets);
        Assert.Equal((SheetFormat.Xlsx, SheetLayout.Wide, 3, "2023年台账"), (sheet.Format, sheet.Layout, sheet.HeaderRow, sheet.SheetName));
        Assert.Equal(4, read.RowsRead); // the title, the note above the header and the footnote are not data
        Assert.Equal(
        [
            "datai 2023 crop_watermelon_area=3100 @C4", "datai 2023 crop_chili_area=1200 @D4", "datai 2023 livestock_breeding_cows=350 @E4",
            "datai 2023 livestock_sheep=800 @F4", "datai 2023 pension_paid=152180000 @G4", "datai 2023 grassland_subsidy_paid=125000 @H4",
            "xiaotai 2023 crop_watermelon_area=2000 @C5", "xiaotai 2023 livestock_breeding_cows=30+ @E5", "xiaotai 2023 livestock_sheep=0 @F5",
            "taiji 2023 crop_watermelon_area=12000 @C6", "taiji 2023 crop_chili_area=0 @D6", "taiji 2023 livestock_breeding_cows=1000 @E6",
            "taiji 2023 livestock_sheep=2500 @F6", "taiji 2023 pension_paid=37000000 @G6", "taiji 2023 grassland_subsidy_paid=31400 @H6",
            "dongming 2023 two_cancer_screening_coverage=0.9694 @I7",
        ], Values(read));
        Assert.Equal("数据待核实", read.Values.Single(v => v.OrgUnitId == "xiaotai" && v.Indicator == "livestock_sheep").Comment);
        Assert.Equal(OrgUnitLevel.Township, read.Values.Single(v => v.OrgUnitId == "dongming").Level);
    }

    [Fact]
    public void WideXlsx_EmptyCell_IsNotReported_AndZeroIsZero()
    {
        var read = SheetImport.Values(TestData.Ledger("wide-2023.xlsx"), TestData.Values());

        Assert.DoesNotContain(read.Values, v => v.OrgUnitId == "xiaotai" && v.Indicator == "crop_chili_area"); // D5 is empty
        Assert.Equal(0m, read.Values.Single(v => v.OrgUnitId == "xiaotai" && v.Indicator == "livestock_sheep").Value); // F5 is 0
        Assert.Equal(0m, read.Values.Single(v => v.OrgUnitId == "taiji" && v.Indicator == "crop_chili_area").Value);
    }

    [Fact]
    public void LongCsv_ChineseHeaders_ReadsNamesUnitsPeriodsAndLowerBounds()
    {
        var read = SheetImport.Values(TestData.Ledger("long-2023.csv"), TestData.Values());

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(SheetLayout.Long, read.Sheets[0].Layout);
        Assert.Equal(10, read.RowsRead);
        Assert.Equal(
        [
            "datai 2023 crop_watermelon_area=3100 @D2", "xiaotai 2023 crop_chili_area=1500 @D3", "yingtu 2023Q4 livestock_breeding_cows=120 @D4",
            "menghehaolai 2023-11 labour_export_persons=35 @D5", "dongming 2023 road_clearing_actions=30+ @D6", "harula 2023 labour_export_income=274000000+ @D7",
            "aduwusu 2023 pension_paid=152180000 @D8", "datai 2023 livestock_sheep=800 @D9", "taiji 2023 two_cancer_screened_women=1234 @D11",
        ], Values(read)); // row 10 has no value: not reported, not zero
        Assert.Equal("季度末存栏", read.Values[2].Comment);
        Assert.Equal("备注, 含逗号", read.Values[^1].Comment);
    }

    [Fact]
    public void LongTsv_EnglishHeadersIdsAndCodes_ReadsThem()
    {
        var read = SheetImport.Values(TestData.Ledger("long-2023-en.tsv"), TestData.Values());

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal((SheetFormat.Tsv, '\t'), (read.Sheets[0].Format, read.Sheets[0].Delimiter));
        Assert.Equal(["datai 2023 crop_watermelon_area=3100 @D2", "dongming 2023 animal_immunisation_coverage=1 @D3", "xiaotai 2023-06 livestock_sheep=0 @D4"], Values(read));
    }

    [Theory]
    [InlineData("wide-gbk.csv", "gb18030", SheetFormat.Csv)]
    [InlineData("wide-utf16.txt", "utf-16le (BOM)", SheetFormat.Tsv)]
    public void ChineseText_InGbkOrUtf16_ReadsTheSameValues(string file, string encoding, SheetFormat format)
    {
        var read = SheetImport.Values(TestData.Ledger(file), TestData.Values());

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal((encoding, format), (read.Sheets[0].Encoding, read.Sheets[0].Format));
        Assert.Equal(["datai 2023 crop_watermelon_area=3100 @B2", "datai 2023 livestock_sheep=800 @C2", "aduwusu 2023 crop_watermelon_area=1500 @B3", "aduwusu 2023 livestock_sheep=2400 @C3"], Values(read));
        Assert.Equal("大台村委会填报", read.Values[0].Comment);
    }

    [Fact]
    public void Utf8WithBom_HeadersAsCodes_ReadsThem()
    {
        var read = SheetImport.Values(TestData.Ledger("wide-bom.csv"), TestData.ValuesWithoutDefaultPeriod());

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal("utf-8 (BOM)", read.Sheets[0].Encoding);
        Assert.Equal(["datai 2023 crop_chili_area=3500 @C2", "datai 2023 livestock_sheep=120 @D2", "datai 2023 pension_paid=15218000 @E2", "xiaotai 2023 livestock_sheep=0 @D3"], Values(read));
    }

    [Fact]
    public void BadWideSheet_ListsEveryErrorAtItsCell()
    {
        var read = SheetImport.Values(TestData.Ledger("bad-wide.csv"), TestData.Values());

        Assert.False(read.Ok);
        Assert.Equal(
        [
            "E2 header",      // 西瓜种植面积（万元）: a money unit on an area
            "I2 header",      // 未知指标（亩）: not in the catalog
            "D3 value",       // 350.5 head
            "F3 value",       // -5 head
            "A4 org_unit",    // 大台村 is not on the roster (大台 is)
            "C5 indicator",   // 牛存栏 is computed (breeding cows + fattening cattle)
            "F5 value",       // 无: text in a number cell
            "H5 indicator",   // 消防演练 is entered by the township only
            "A6 org_unit",    // 小台 · 2023 twice
            "B7 period",      // 2023年13月
            "G8 value",       // 3亩 in a yuan column
        ], TestData.Cells(read));
        Assert.Equal(11, read.ErrorCount);
        Assert.Contains("did you mean 大台 (datai)", read.Errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("row 5", read.Errors[8].Message, StringComparison.Ordinal);
        Assert.All(read.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void BadLongSheet_ListsEveryErrorAtItsCell()
    {
        var read = SheetImport.Values(TestData.Ledger("bad-long.csv"), TestData.Values());

        Assert.Equal(
        [
            "C3 indicator",   // 大台 · 2023 · 西瓜种植面积 twice
            "A4 org_unit",    // 不存在村
            "C5 indicator",   // 不存在指标
            "D6 value",       // 1.5 head
            "D7 value",       // -3 head
            "B8 period",      // 23年
            "C9 indicator",   // 牛存栏 is computed
            "C10 indicator",  // 消防演练 on a village
            "D11 value",      // 很多
            "D12 value",      // 5万元 for an area
            "D13 value",      // 1.234 yuan: more than 2 decimals
        ], TestData.Cells(read));
        Assert.Equal(["datai 2023 crop_watermelon_area=100 @D2"], Values(read)); // only the good row; Ok is false, so none is applied
    }

    [Fact]
    public void FormulasAndMergedCells_AreErrors_ButAMergedTitleIsNot()
    {
        var read = SheetImport.Values(TestData.Ledger("bad-formula-merged.xlsx"), TestData.Values());

        Assert.Equal(
        [
            "台账!B2 cell",      // a group header merged over B2:C2 above the header
            "台账!E3 cell",      // merged header cells E3:F3
            "台账!C4 cell",      // =B4*2
            "台账!A5 cell",      // merged data cells A5:A6
            "台账!A6 org_unit",  // the row under the merge has no village
            "台账!D7 cell",      // =SUM(D4:D6)
        ], TestData.Cells(read));
        Assert.Contains("=B4*2", read.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("A5:A6", read.Errors[3].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(read.Errors, e => e.Row == 1); // the title merged over A1:F1 is fine
    }
}
