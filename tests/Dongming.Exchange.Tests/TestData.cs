using System.Text;
using Dongming.Domain;
using Dongming.Server.Demo;

namespace Dongming.Exchange.Tests;

/// <summary>The 2023 demo dataset as the context of imports, and small helpers to make files.</summary>
public static class TestData
{
    public static DemoDataset Demo { get; } = DemoDataset.Load();

    public static IndicatorCatalog Catalog { get; } = new(Demo.Indicators);

    public static Period Year2023 { get; } = Period.Parse("2023");

    public static ValuesContext Values(Period? period = null) => new(Catalog, Demo.Township, Demo.Villages, period ?? Year2023);

    public static ValuesContext ValuesWithoutDefaultPeriod() => new(Catalog, Demo.Township, Demo.Villages, null);

    public static CasesContext Cases(string? defaultType = null) =>
        new(Demo.Township, Demo.Villages, Demo.CaseTypes, new DateOnly(2023, 12, 31)) { DefaultCaseType = defaultType };

    /// <summary>UTF-8 text without a byte-order mark.</summary>
    public static SheetFile Csv(string text, string name = "test.csv", SheetFormat format = SheetFormat.Unspecified) =>
        new(Encoding.UTF8.GetBytes(text), name, format);

    public static string Path(string folder, string file) => System.IO.Path.Combine(AppContext.BaseDirectory, folder, file);

    public static SheetFile Ledger(string file) => new(File.ReadAllBytes(Path("ledgers", file)), file);

    /// <summary>Errors as "B7 value" lines — the cell and the field — for exact comparison.</summary>
    public static string[] Cells(ISheetRead read) => [.. read.Errors.Select(e => $"{(e.Sheet is null ? string.Empty : e.Sheet + "!")}{e.Cell} {e.Field}")];

    public static string Dump(ISheetRead read) => string.Join("\n", read.Errors.Select(e => e.ToString()));
}
