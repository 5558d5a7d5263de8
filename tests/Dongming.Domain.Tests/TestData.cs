using System.Text;

namespace Dongming.Domain.Tests;

/// <summary>Reads the demo data files (copied next to the test assembly) and builds the real catalog from them.</summary>
internal static class TestData
{
    private static readonly Lazy<IReadOnlyList<IndicatorDefinition>> Definitions = new(LoadDefinitions);
    private static readonly Lazy<IndicatorCatalog> CatalogValue = new(() =>
    {
        // Built through With(seeding: true) in file order, so every row passes the catalog's own validation.
        var catalog = IndicatorCatalog.Empty;
        foreach (var d in Definitions.Value) catalog = catalog.With(d, seeding: true);
        return catalog;
    });

    /// <summary>The catalog of indicators.tsv.</summary>
    public static IndicatorCatalog Catalog => CatalogValue.Value;

    /// <summary>The rows of indicators.tsv as definitions, in file order.</summary>
    public static IReadOnlyList<IndicatorDefinition> IndicatorRows => Definitions.Value;

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Demo", file);

    /// <summary>A TSV file as header-keyed rows. Fields may be quoted, with doubled quotes inside.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadTsv(string file)
    {
        var lines = File.ReadAllLines(PathOf(file), Encoding.UTF8).Where(l => l.Length > 0).ToList();
        var header = SplitTsvLine(lines[0]);
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var fields = SplitTsvLine(line);
            if (fields.Count > header.Count) throw new InvalidDataException($"{file}: too many fields in {line}");
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) row[header[i]] = i < fields.Count ? fields[i] : string.Empty;
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Splits one TSV line; a field that starts with a quote runs to its closing quote ("" is a quote).</summary>
    public static List<string> SplitTsvLine(string line)
    {
        var fields = new List<string>();
        var i = 0;
        while (true)
        {
            var field = new StringBuilder();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length) throw new InvalidDataException($"unterminated quote in {line}");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                if (i < line.Length && line[i] != '\t') throw new InvalidDataException($"text after a closing quote in {line}");
            }
            else
            {
                while (i < line.Length && line[i] != '\t') field.Append(line[i++]);
            }
            fields.Add(field.ToString());
            if (i >= line.Length) return fields;
            i++; // the tab
        }
    }

    private static List<IndicatorDefinition> LoadDefinitions() =>
        [.. ReadTsv("indicators.tsv").Select(r => new IndicatorDefinition(
            Code: r["code"],
            NameZh: r["name_zh"],
            NameEn: r["name_en"],
            Unit: r["unit"],
            Category: r["category"],
            Kind: Enum.Parse<IndicatorKind>(r["kind"], ignoreCase: true),
            EnteredAt: Enum.Parse<EnteredAt>(r["entered_at"], ignoreCase: true),
            PartOf: r["part_of"].Length == 0 ? null : r["part_of"]))];

    public static DomainException Throws(Action action) => Assert.Throws<DomainException>(action);

    public static IReadOnlyList<string> Fields(DomainException e) => [.. e.Violations.Select(v => v.Field)];
}

/// <summary>Builders of cases.</summary>
internal static class CaseFixtures
{
    public const string Forest = "forest_violation_patch";

    public static readonly DateTimeOffset At = new(2023, 7, 1, 9, 0, 0, TimeSpan.FromHours(8));

    public static RemediationCase New(string caseType = Forest, string id = "c-1", DateOnly? openedOn = null, DateOnly? deadline = null) => new()
    {
        CaseId = id,
        OrgUnitId = "datai",
        TownshipId = "dongming",
        CaseType = caseType,
        Batch = "2023-3",
        Title = "违法图斑",
        OpenedOn = openedOn ?? new DateOnly(2023, 3, 1),
        Deadline = deadline ?? new DateOnly(2023, 6, 30),
        OpenedBy = "clerk",
        UpdatedAt = At,
    };

    public static DateOnly D(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
