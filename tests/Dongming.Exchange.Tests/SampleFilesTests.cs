using System.Globalization;
using Dongming.Domain;
using Dongming.Server.Demo;

namespace Dongming.Exchange.Tests;

/// <summary>samples/dongming-2023: the files are what the demo dataset makes, and importing them gives the report's figures.</summary>
public class SampleFilesTests
{
    private static SheetFile Sample(string name) => new(File.ReadAllBytes(TestData.Path("samples", name)), name);

    [Fact]
    public void CommittedSamples_AreTheGeneratedOnes()
    {
        var differ = SheetDump.CompareOrWrite(SampleFiles.Build(), SampleFiles.Folder);
        Assert.True(differ.Count == 0, $"{SampleFiles.Folder} differs from SampleFiles.Build(): {string.Join(", ", differ)} (run the tests with DONGMING_WRITE_FILES=1 and commit the files)");
    }

    [Fact]
    public void Ledger2023_Imported_SumsToTheReportsFigures()
    {
        var read = SheetImport.Values(Sample("ledger-2023.xlsx"), TestData.ValuesWithoutDefaultPeriod());
        Assert.True(read.Ok, TestData.Dump(read));

        // what the township would total: its own entries plus its villages, per entered indicator; parents from their parts
        var catalog = TestData.Catalog;
        var sums = read.Values.GroupBy(v => v.Indicator).ToDictionary(g => g.Key, g => g.Sum(v => v.Value), StringComparer.Ordinal);
        decimal Total(string code) => catalog.IsComputed(code) ? catalog.PartsOf(code).Sum(Total) : sums.GetValueOrDefault(code);
        var expected = DemoDataset.Rows("township-2023.tsv").ToDictionary(r => r["code"], r => decimal.Parse(r["value"], CultureInfo.InvariantCulture), StringComparer.Ordinal);

        Assert.Equal(93, expected.Count);
        Assert.All(expected, e => Assert.True(Total(e.Key) == e.Value, $"{e.Key}: {Total(e.Key)} ≠ {e.Value}"));
        Assert.All(read.Values, v => Assert.Equal("2023", v.Period.ToString()));
        Assert.DoesNotContain(read.Values, v => catalog.IsComputed(v.Indicator));
        // the report's lower bounds (余, 以上, 突破) stay lower bounds
        Assert.True(read.Values.Single(v => v.Indicator == "citizens_served").AtLeast);
        Assert.False(read.Values.Single(v => v.Indicator == "nearby_service_items").AtLeast);
    }

    [Fact]
    public void Ledger2023_IsTheDemoSplit_VillageByVillage()
    {
        var read = SheetImport.Values(Sample("ledger-2023.xlsx"), TestData.Values());
        var split = DemoLoader.SplitFigures(TestData.Demo).SelectMany(u => u.Value.Select(f => $"{u.Key} {f.Indicator} {ExactDecimal.Format(f.Value)}")).Order(StringComparer.Ordinal);
        Assert.Equal(split, read.Values.Select(v => $"{v.OrgUnitId} {v.Indicator} {ExactDecimal.Format(v.Value)}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RosterAndCatalog_AreTheDemos()
    {
        var roster = SheetImport.Roster(Sample("roster.xlsx"));
        Assert.True(roster.Ok, TestData.Dump(roster));
        Assert.Equal(TestData.Demo.Township, roster.Township!.Value);
        Assert.Equal(TestData.Demo.Villages, roster.Villages.Select(v => v.Value));

        var catalog = SheetImport.Catalog(Sample("catalog.xlsx"));
        Assert.True(catalog.Ok, TestData.Dump(catalog));
        Assert.Equal([SheetLayout.Indicators, SheetLayout.CaseTypes], catalog.Sheets.Select(s => s.Layout));
        Assert.Equal(TestData.Demo.Indicators, catalog.Indicators.Select(i => i.Value)); // the file's order already has parents first
        Assert.Equal(TestData.Demo.CaseTypes, catalog.CaseTypes.Select(t => t.Value));
    }

    [Fact]
    public void Cases2023_AreTheDemosCases_WithTheReportsCounts()
    {
        var read = SheetImport.Cases(Sample("cases-2023.xlsx"), TestData.Cases() with { Today = new DateOnly(2025, 1, 1) });
        Assert.True(read.Ok, TestData.Dump(read));

        var demo = DemoCases.Build(TestData.Demo);
        Assert.Equal(demo.Count, read.Cases.Count);
        Assert.Equal(demo.Select(c => (c.OrgUnitId, c.Command.CaseType, c.Command.Batch, c.Command.Title, c.Command.Deadline!, c.Transitions.Count == 0 ? CaseStatus.Reported : c.Transitions[^1].To)),
            read.Cases.Select(c => (c.OrgUnitId, c.CaseType, c.Batch, c.Title, CaseDates.Format(c.Deadline), c.Status)));
        // cases-2023.tsv: 455 forestry patches of four batches rectified, 95 grassland, 12 self-built houses (10 closed, 2 sealed off)
        Assert.Equal(455, read.Cases.Count(c => c.CaseType == "forest_violation_patch" && c.Batch != "2023-3" && c.Status == CaseStatus.Rectified));
        Assert.Equal(95, read.Cases.Count(c => c.CaseType == "grassland_violation_patch" && c.Status == CaseStatus.Rectified));
        Assert.Equal((10, 2), (read.Cases.Count(c => c.CaseType == "selfbuilt_house_hazard" && c.Status == CaseStatus.Closed), read.Cases.Count(c => c.CaseType == "selfbuilt_house_hazard" && c.Status == CaseStatus.Controlled)));
        Assert.Equal(272, read.Cases.Count(c => c.CaseType == "hotline_ticket" && c.Status == CaseStatus.Closed));
    }
}
