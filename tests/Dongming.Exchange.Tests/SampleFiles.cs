using System.Globalization;
using Dongming.Domain;
using Dongming.Server.Demo;

namespace Dongming.Exchange.Tests;

/// <summary>
/// The 2023 demo dataset as the spreadsheets a township sets itself up from (samples/dongming-2023/): made
/// from the same code the demo load uses (DemoDataset, DemoLoader.SplitFigures, DemoCases), through the
/// exporter, so that what the demo loads and what the files hold cannot drift apart.
/// </summary>
public static class SampleFiles
{
    public const string Folder = "samples/dongming-2023";

    /// <summary>The day the case list is drawn up (its 逾期 column).</summary>
    public static readonly DateOnly CasesAsOf = new(2023, 12, 31);

    public static IReadOnlyDictionary<string, byte[]> Build()
    {
        var data = TestData.Demo;
        var catalog = TestData.Catalog;
        var notes = DemoDataset.Rows("villages.tsv").ToDictionary(r => r["id"], r => r["source"], StringComparer.Ordinal);
        return new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["roster.xlsx"] = SheetExport.Roster(new RosterSheet(data.Township, data.Villages) { Notes = notes }, SheetFormat.Xlsx),
            ["catalog.xlsx"] = SheetExport.Catalog(new CatalogSheet(data.Indicators, data.CaseTypes)),
            ["ledger-2023.xlsx"] = SheetExport.Totals(Ledger2023(data, catalog), SheetFormat.Xlsx),
            ["cases-2023.xlsx"] = SheetExport.Cases(new CasesSheet
            {
                Cases = Cases2023(data),
                CaseTypes = data.CaseTypes,
                Villages = data.Villages,
                Township = data.Township,
                AsOf = CasesAsOf,
                Title = "东明镇 2023年整改事项清单（示例：案件数量取自政府工作报告，村别、日期为示例分配）",
            }, SheetFormat.Xlsx),
        };
    }

    /// <summary>The figures of the report: the township figure, whether it is a lower bound (exactness at_least:N).</summary>
    public static IReadOnlyDictionary<string, SheetFigure> Totals2023() =>
        DemoDataset.Rows("township-2023.tsv").ToDictionary(
            r => r["code"],
            r => new SheetFigure(decimal.Parse(r["value"], CultureInfo.InvariantCulture), r["exactness"].StartsWith("at_least", StringComparison.Ordinal)),
            StringComparer.Ordinal);

    /// <summary>
    /// The demo's split of each township figure over villages (DemoLoader.SplitFigures), one row per village
    /// plus 镇本级; computed indicators are the sums of their parts in every row. A share of a figure the report
    /// gives as a lower bound (余, 以上, 突破) is marked as one too.
    /// </summary>
    public static TotalsSheet Ledger2023(DemoDataset data, IndicatorCatalog catalog)
    {
        var totals = Totals2023();
        var values = DemoLoader.SplitFigures(data).ToDictionary(
            r => r.Key,
            r => TotalsSheet.WithComputed(catalog, r.Value.ToDictionary(f => f.Indicator, f => new SheetFigure(f.Value, totals.TryGetValue(f.Indicator, out var t) && t.AtLeast), StringComparer.Ordinal)),
            StringComparer.Ordinal);
        return new TotalsSheet
        {
            Township = data.Township,
            Period = TestData.Year2023,
            Catalog = catalog,
            Villages = data.Villages,
            Values = values,
            Totals = totals,
            Indicators = [.. data.Indicators.Select(i => i.Code)],
            Title = "东明镇 2023年 指标台账（示例：镇级数字取自政府工作报告；报告未点名村的分配为示例分配）",
        };
    }

    /// <summary>The demo's cases (DemoCases.Build) as they stand after their transitions.</summary>
    public static IReadOnlyList<RemediationCase> Cases2023(DemoDataset data)
    {
        var at = new DateTimeOffset(2023, 12, 31, 0, 0, 0, CaseDates.Offset);
        var today = new DateOnly(2024, 12, 31);
        return [.. DemoCases.Build(data).Select(c =>
        {
            var opened = CaseRules.ValidateOpen(c.Command, today, Actor.System, at) with { TownshipId = data.Township.TownshipId };
            foreach (var (to, on, note) in c.Transitions) opened = opened.MoveTo(to, on, note, at);
            return opened;
        })];
    }
}
