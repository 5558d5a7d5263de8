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

    /// <summary>
    /// Indicators the 2024 plan sets targets for that the 2023 catalog lacks: high-standard farmland built (entered by
    /// each village, summed into the township) and major safety accidents (a count the township enters).
    /// </summary>
    public static IReadOnlyList<IndicatorDefinition> PlanIndicators { get; } =
    [
        new("high_standard_farmland_area", "高标准农田建设面积", "High-standard farmland built", "mu", "agriculture", IndicatorKind.Flow, EnteredAt.Village, null),
        new("major_safety_accidents", "重大安全事故", "Major safety accidents", "case", "safety", IndicatorKind.Flow, EnteredAt.Township, null),
    ];

    /// <summary>
    /// The quantified targets of the 2024 plan (targets-2024.tsv), all of the township as a whole; the file gives no
    /// direction, so it is read from the plan's wording: 不发生 (must not happen) is a ceiling, every other target a
    /// minimum to reach.
    /// </summary>
    public IReadOnlyList<(string Code, string Period, decimal Value, TargetDirection Direction, string Quote)> Targets2024 { get; init; } = [];

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
        var targets = Rows("targets-2024.tsv").Select(r => (r["code"], r["period"], decimal.Parse(r["target"], CultureInfo.InvariantCulture),
            r["quote"].Contains("不发生", StringComparison.Ordinal) ? TargetDirection.AtMost : TargetDirection.AtLeast, r["quote"])).ToList();
        return new DemoDataset
        {
            Township = new TownshipInfo(TownshipId, "东明镇", "150525105000", "stats-division"),
            Villages = villages,
            Indicators = indicators,
            Township2023 = figures,
            CaseTypes = caseTypes,
            Targets2024 = targets,
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
