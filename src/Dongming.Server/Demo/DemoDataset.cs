using System.Globalization;
using System.Reflection;
using Dongming.Domain;

namespace Dongming.Server.Demo;

/// <summary>The 2023 figures of Dongming township (embedded copies of the dataset's TSV files).</summary>
public sealed class DemoDataset
{
    public const string TownshipId = "dongming";

    public required TownshipInfo Township { get; init; }
    public required IReadOnlyList<VillageInfo> Villages { get; init; }
    public required IReadOnlyList<IndicatorDefinition> Indicators { get; init; }
    /// <summary>Each 2023 township figure; <c>AtLeast</c> where the report gives only a lower bound (突破/余/以上).</summary>
    public required IReadOnlyList<(string Code, decimal Value, bool AtLeast, string CarriedBy)> Township2023 { get; init; }
    public required IReadOnlyList<CaseTypeDefinition> CaseTypes { get; init; }

    public static DemoDataset Load()
    {
        var villages = Rows("villages.tsv").Select(r => new VillageInfo(r["id"], r["name_zh"], r["kind"] switch
        {
            "gacha" => VillageKind.Gacha,
            "village" => VillageKind.Village,
            _ => VillageKind.Unknown,
        }, TownshipId)).ToList();
        var indicators = Rows("indicators.tsv").Select(r => new IndicatorDefinition(r["code"], r["name_zh"], r["name_en"], r["unit"], r["category"],
            Enum.Parse<IndicatorKind>(r["kind"], ignoreCase: true), Enum.Parse<EnteredAt>(r["entered_at"], ignoreCase: true),
            string.IsNullOrEmpty(r["part_of"]) ? null : r["part_of"])).ToList();
        var figures = Rows("township-2023.tsv").Select(r => (r["code"], decimal.Parse(r["value"], CultureInfo.InvariantCulture),
            r["exactness"].StartsWith("at_least", StringComparison.Ordinal), r["carried_by"])).ToList();
        var caseTypes = Rows("cases-2023.tsv").Select(r => new CaseTypeDefinition(r["case_type"], r["name_zh"], r["name_en"])).DistinctBy(t => t.Code).ToList();
        return new DemoDataset
        {
            Township = new TownshipInfo(TownshipId, "东明镇", "150525105000", "stats-division"),
            Villages = villages,
            Indicators = indicators,
            Township2023 = figures,
            CaseTypes = caseTypes,
        };
    }

    /// <summary>Rows of an embedded TSV as column → value (quotes of the TSV dialect removed).</summary>
    public static IEnumerable<Dictionary<string, string>> Rows(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("dongming-2023/" + file)
            ?? throw new InvalidOperationException($"embedded demo file {file} missing");
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine()!.Split('\t');
        var rows = new List<Dictionary<string, string>>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var cells = line.Split('\t');
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++) row[header[i]] = Unquote(i < cells.Length ? cells[i] : string.Empty);
            rows.Add(row);
        }
        return rows;
    }

    private static string Unquote(string cell) =>
        cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"' ? cell[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : cell;
}
