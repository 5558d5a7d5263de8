using System.Text;

namespace Dongming.Exchange.Tests;

/// <summary>How files are recognised: format from the content, the text encoding, the delimiter, title rows.</summary>
public class FileFormatTests
{
    private const string Sheet = "嘎查村,西瓜种植面积（亩）\n大台,3100\n";

    private static ValuesRead Read(byte[] bytes, SheetFormat format = SheetFormat.Unspecified, string name = "file") =>
        SheetImport.Values(new SheetFile(bytes, name, format), TestData.Values());

    private static SheetError FileError(ValuesRead read)
    {
        var error = Assert.Single(read.Errors);
        Assert.Equal(("file", "file"), (error.Cell, error.Field));
        return error;
    }

    [Fact]
    public void Xlsx_IsDetectedFromItsContent_WhateverItsName()
    {
        var bytes = File.ReadAllBytes(TestData.Path("ledgers", "wide-2023.xlsx"));
        var read = Read(bytes, name: "ledger.csv");
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(SheetFormat.Xlsx, read.Sheets[0].Format);
    }

    [Fact]
    public void FormatHint_ContradictingTheContent_IsAnError()
    {
        var xlsx = File.ReadAllBytes(TestData.Path("ledgers", "wide-2023.xlsx"));
        Assert.Contains("is an XLSX workbook", FileError(Read(xlsx, SheetFormat.Csv)).Message, StringComparison.Ordinal);
        Assert.Contains("not an XLSX workbook", FileError(Read(Encoding.UTF8.GetBytes(Sheet), SheetFormat.Xlsx)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LegacyXls_IsRefusedWithWhatToDo()
    {
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
        Assert.Contains("save it as .xlsx", FileError(Read(ole)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedXlsx_IsAnError()
    {
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Contains("not a readable XLSX workbook", FileError(Read(zip)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile_IsAnError() => Assert.Contains("empty", FileError(Read([])).Message, StringComparison.Ordinal);

    [Fact]
    public void Utf16WithoutByteOrderMark_IsRefused() =>
        Assert.Contains("byte-order mark", FileError(Read(Encoding.Unicode.GetBytes(Sheet))).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("utf-8", false)]
    [InlineData("utf-8 (BOM)", true)]
    public void Utf8_WithOrWithoutByteOrderMark_ReadsTheSame(string expected, bool bom)
    {
        var bytes = bom ? [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Sheet)] : Encoding.UTF8.GetBytes(Sheet);
        var read = Read(bytes);
        Assert.Equal(expected, read.Sheets[0].Encoding);
        Assert.Equal(3100m, Assert.Single(read.Values).Value);
    }

    [Fact]
    public void Utf16BigEndian_WithByteOrderMark_IsRead()
    {
        var be = new UnicodeEncoding(bigEndian: true, byteOrderMark: true);
        var read = Read([.. be.GetPreamble(), .. be.GetBytes(Sheet)]);
        Assert.Equal("utf-16be (BOM)", read.Sheets[0].Encoding);
        Assert.Equal("datai", Assert.Single(read.Values).OrgUnitId);
    }

    [Fact]
    public void Gbk_IsReadAsGb18030_WhenNotValidUtf8()
    {
        var read = Read(LedgerFiles.Gb18030().GetBytes(Sheet));
        Assert.Equal("gb18030", read.Sheets[0].Encoding);
        Assert.Equal("datai", Assert.Single(read.Values).OrgUnitId);
    }

    [Fact]
    public void BytesValidInNoEncoding_AreAnErrorWithTheRow()
    {
        // valid GB18030 up to row 3, then a lone lead byte: neither UTF-8 nor GB18030
        var bytes = LedgerFiles.Gb18030().GetBytes("嘎查村,西瓜种植面积（亩）\n大台,3100\n小台,").Concat(new byte[] { 0x81, 0x0A }).ToArray();
        var read = Read(bytes);
        Assert.Contains(read.Errors, e => e.Field == "file" && e.Message.Contains("not valid gb18030", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public void Delimiter_IsSniffed_EvenBelowATitleLine(char delimiter)
    {
        var text = "东明镇2023年台账\n" + Sheet.Replace(',', delimiter) + $"小台{delimiter}1500\n";
        var read = Read(Encoding.UTF8.GetBytes(text));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(delimiter, read.Sheets[0].Delimiter);
        Assert.Equal(2, read.Values.Count);
        Assert.Equal(2, read.Sheets[0].HeaderRow);
    }

    [Fact]
    public void QuotedCellsWithDelimitersAndNewLines_AreOneCell()
    {
        var read = Read(Encoding.UTF8.GetBytes("嘎查村,西瓜种植面积（亩）,备注\n大台,\"3,100\",\"两行\n备注\"\n小台,5,\n"));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal([3100m, 5m], read.Values.Select(v => v.Value));
        Assert.Equal("两行\n备注", read.Values[0].Comment);
        Assert.Equal(3, read.Values[1].Row); // a quoted line break stays in its row, as Excel shows it
    }

    [Fact]
    public void UnclosedQuote_IsAnErrorWithItsRow()
    {
        var read = Read(Encoding.UTF8.GetBytes("嘎查村,西瓜种植面积（亩）\n大台,3100\n小台,\"15\n"));
        var error = Assert.Single(read.Errors);
        Assert.Equal("file", error.Field);
        Assert.Equal(3, error.Row);
    }

    [Fact]
    public void NoHeaderRow_IsAnError()
    {
        var read = Read(Encoding.UTF8.GetBytes("a,b,c\n1,2,3\n"));
        Assert.Contains("no table of figures found", FileError(read).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderBelowTwentyRows_IsNotLookedFor()
    {
        var text = string.Concat(Enumerable.Repeat("说明\n", 20)) + Sheet;
        Assert.Contains("first 20 rows", FileError(Read(Encoding.UTF8.GetBytes(text))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesUnderNoHeader_AreAnErrorOncePerColumn()
    {
        var read = Read(Encoding.UTF8.GetBytes("嘎查村,西瓜种植面积（亩）\n大台,3100,7\n小台,5,8\n"));
        var error = Assert.Single(read.Errors);
        Assert.Equal(("C2", "header"), (error.Cell, error.Field));
    }

    [Fact]
    public void NoPeriodColumnAndNoDefault_IsAnErrorAtTheHeader()
    {
        var read = SheetImport.Values(TestData.Csv(Sheet), TestData.ValuesWithoutDefaultPeriod());
        Assert.Equal(["row 1 header"], TestData.Cells(read));
    }

    [Fact]
    public void PeriodColumn_WinsOverTheDefault_AndChineseFormsAreRead()
    {
        var read = SheetImport.Values(TestData.Csv("嘎查村,期间,羊存栏\n大台,2023年第四季度,1\n小台,2023年11月,2\n台吉,,3\n英图,2023/6,4\n"), TestData.Values());
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(["2023Q4", "2023-11", "2023", "2023-06"], read.Values.Select(v => v.Period.ToString()));
    }

    [Fact]
    public void ErrorLimit_KeepsTheCount()
    {
        // 30 villages' rows, each with two fractional head counts
        var rows = string.Concat(TestData.Demo.Villages.Take(30).Select(v => $"{v.VillageId},0.5,1.5\n"));
        var read = SheetImport.Values(TestData.Csv("嘎查村,羊存栏,基础母牛存栏\n" + rows), TestData.Values(), maxErrors: 10);
        Assert.Equal(10, read.Errors.Count);
        Assert.Equal(60, read.ErrorCount);
        Assert.False(read.Ok);
    }
}
