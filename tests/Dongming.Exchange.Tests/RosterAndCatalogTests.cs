using Dongming.Domain;

namespace Dongming.Exchange.Tests;

public class RosterAndCatalogTests
{
    [Fact]
    public void BadRoster_ListsEveryErrorAtItsCell()
    {
        var read = SheetImport.Roster(TestData.Ledger("bad-roster.csv"));

        Assert.Equal(
        [
            "E2 code_system",       // a statistical code needs its code system
            "A4 id",                // datai twice
            "B5 name",              // 大台 twice: ledgers find villages by name
            "A6 village_id",        // Taiji!
            "C7 kind",              // 屯
            "B8 name",              // missing
            "D8 statistical_code",  // kept for the township only
        ], TestData.Cells(read));
    }

    [Fact]
    public void VillagesTsv_WithATownshipGiven_IsARoster()
    {
        var bytes = File.ReadAllBytes(TestData.Path("data", "villages.tsv"));
        var read = SheetImport.Roster(new SheetFile(bytes, "villages.tsv"), new RosterContext("dongming"));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Null(read.Township);
        Assert.Equal(TestData.Demo.Villages, read.Villages.Select(v => v.Value));
    }

    [Fact]
    public void RosterWithoutTownship_AndNoneGiven_IsAnError()
    {
        var read = SheetImport.Roster(TestData.Csv("id,name_zh,kind\ndatai,大台,unknown\n"));
        Assert.Equal(["file file"], TestData.Cells(read));
    }

    [Fact]
    public void RosterOfAnotherTownship_IsAnError()
    {
        var read = SheetImport.Roster(TestData.Csv("id,name_zh,kind\nxinzhen,新镇,镇\ndatai,大台,嘎查\n"), new RosterContext("dongming"));
        Assert.Equal(["A2 id"], TestData.Cells(read));
    }

    [Fact]
    public void ChineseRosterHeadersAndKinds_AreRead()
    {
        var read = SheetImport.Roster(TestData.Csv("序号,编号,名称,类型\n1,dongming,东明镇,镇\n2,datai,大台,嘎查\n3,dongmingcun,东明村,村\n4,demo-15,示例村15,\n"));
        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal([VillageKind.Gacha, VillageKind.Village, VillageKind.Unknown], read.Villages.Select(v => v.Value.Kind));
        Assert.All(read.Villages, v => Assert.Equal("dongming", v.Value.TownshipId));
    }

    [Fact]
    public void BadCatalog_ListsEveryErrorAtItsCell()
    {
        var read = SheetImport.Catalog(TestData.Ledger("bad-catalog.csv"), new CatalogContext(TestData.Catalog, TestData.Demo.CaseTypes));

        Assert.Equal(
        [
            "A4 code",       // crop_maize_area twice
            "H5 part_of",    // crop_grain_area is defined nowhere
            "H6 part_of",    // a part in head of an indicator in mu
            "E7 unit",       // 次: times or round?
            "F8 kind",       // a ratio unit with the kind stock (存量)
            "A9 code",       // Bad Code
            "H10 part_of",   // livestock_sheep is entered directly: a new part would change its figures' meaning
        ], TestData.Cells(read));
        Assert.Equal(["crop_total_area", "crop_maize_area"], read.Indicators.Select(i => i.Value.Code));
        Assert.Equal("mu", read.Indicators[0].Value.Unit); // 亩 is the base unit mu
    }

    [Fact]
    public void IndicatorsTsv_IsACatalog_ParentsBeforeParts()
    {
        var bytes = File.ReadAllBytes(TestData.Path("data", "indicators.tsv"));
        var read = SheetImport.Catalog(new SheetFile(bytes, "indicators.tsv"));

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(SheetLayout.Indicators, read.Sheets[0].Layout);
        Assert.Equal(TestData.Demo.Indicators.Count, read.Indicators.Count);
        var catalog = IndicatorCatalog.Empty;
        foreach (var i in read.Indicators) catalog = catalog.With(i.Value, seeding: true); // each parent is defined before its parts
        Assert.Equal(TestData.Catalog.All, catalog.All);
    }

    [Fact]
    public void CatalogIdenticalToTheExisting_IsAccepted_AndADifferentDefinitionIsNot()
    {
        var context = new CatalogContext(TestData.Catalog, TestData.Demo.CaseTypes);
        var same = SheetImport.Catalog(new SheetFile(SheetExport.Catalog(new CatalogSheet(TestData.Demo.Indicators, TestData.Demo.CaseTypes))), context);
        Assert.True(same.Ok, TestData.Dump(same));

        var changed = SheetImport.Catalog(TestData.Csv("code,name_zh,name_en\nhotline_ticket,热线,Hotline\nnew_type,新类型,New type\n"), context);
        Assert.Equal(["A2 code"], TestData.Cells(changed));
        Assert.Equal(["new_type"], changed.CaseTypes.Select(t => t.Value.Code));
        Assert.Equal(SheetLayout.CaseTypes, changed.Sheets[0].Layout);
    }

    [Fact]
    public void CircularBreakdown_IsAnError()
    {
        var read = SheetImport.Catalog(TestData.Csv("code,category,name_zh,name_en,unit,kind,entered_at,part_of\naa_area,x_cat,甲,A,mu,stock,village,bb_area\nbb_area,x_cat,乙,B,mu,stock,village,aa_area\n"));
        Assert.Equal(["H2 part_of", "H3 part_of"], TestData.Cells(read));
    }
}
