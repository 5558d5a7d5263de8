using System.Globalization;
using System.Text;
using Dongming.Domain;

namespace Dongming.Quality.Tests;

/// <summary>The demo files of 2023 (copied next to the test assembly): the real catalog and township figures.</summary>
internal static class TestData
{
    private static readonly Lazy<IndicatorCatalog> CatalogValue = new(() =>
    {
        var catalog = IndicatorCatalog.Empty;
        foreach (var r in ReadTsv("indicators.tsv"))
        {
            catalog = catalog.With(new IndicatorDefinition(r["code"], r["name_zh"], r["name_en"], r["unit"], r["category"],
                Enum.Parse<IndicatorKind>(r["kind"], ignoreCase: true), Enum.Parse<EnteredAt>(r["entered_at"], ignoreCase: true),
                r["part_of"].Length == 0 ? null : r["part_of"]), seeding: true);
        }
        return catalog;
    });

    private static readonly Lazy<IReadOnlyDictionary<string, decimal>> Township2023Value = new(() =>
        ReadTsv("township-2023.tsv").ToDictionary(r => r["code"], r => decimal.Parse(r["value"], CultureInfo.InvariantCulture), StringComparer.Ordinal));

    /// <summary>The catalog of indicators.tsv.</summary>
    public static IndicatorCatalog Catalog => CatalogValue.Value;

    /// <summary>The township's 2023 figures of township-2023.tsv.</summary>
    public static IReadOnlyDictionary<string, decimal> Township2023 => Township2023Value.Value;

    public static readonly Period Year2023 = Period.Parse("2023");

    /// <summary>A small catalog: two village counts, a yuan amount, a computed total and a township-only ratio.</summary>
    public static IndicatorCatalog Small()
    {
        var c = IndicatorCatalog.Empty;
        foreach (var d in new[]
        {
            new IndicatorDefinition("persons", "人数", "Persons", "person", "test", IndicatorKind.Stock, EnteredAt.Village, null),
            new IndicatorDefinition("paid", "金额", "Paid", "yuan", "test", IndicatorKind.Flow, EnteredAt.Village, null),
            new IndicatorDefinition("total", "合计", "Total", "head", "test", IndicatorKind.Stock, EnteredAt.Village, null),
            new IndicatorDefinition("cattle", "牛", "Cattle", "head", "test", IndicatorKind.Stock, EnteredAt.Village, "total"),
            new IndicatorDefinition("sheep", "羊", "Sheep", "head", "test", IndicatorKind.Stock, EnteredAt.Village, "total"),
            new IndicatorDefinition("coverage", "覆盖率", "Coverage", "ratio", "test", IndicatorKind.Ratio, EnteredAt.Township, null),
        })
        {
            c = c.With(d, seeding: true);
        }
        return c;
    }

    public static FigureSet Figures(string orgUnit, IReadOnlyDictionary<string, decimal> values, FigureLevel level = FigureLevel.Village, Period? period = null) =>
        FigureSet.Of(orgUnit, level, period ?? Year2023, values);

    public static Dictionary<string, decimal> Values(params (string Code, decimal Value)[] values) =>
        values.ToDictionary(v => v.Code, v => v.Value, StringComparer.Ordinal);

    public static IReadOnlyList<string> Fields(DomainException e) => [.. e.Violations.Select(v => v.Field)];

    private static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Demo", file);

    /// <summary>A TSV file as header-keyed rows; a field may be quoted, with doubled quotes inside.</summary>
    private static List<Dictionary<string, string>> ReadTsv(string file)
    {
        var lines = File.ReadAllLines(PathOf(file), Encoding.UTF8).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split('\t');
        return [.. lines.Skip(1).Select(line =>
        {
            var cells = line.Split('\t').Select(Unquote).ToList();
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++) row[header[i]] = i < cells.Count ? cells[i] : string.Empty;
            return row;
        })];
    }

    private static string Unquote(string cell) =>
        cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"' ? cell[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : cell;
}
