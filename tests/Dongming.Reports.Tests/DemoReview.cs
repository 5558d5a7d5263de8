using System.Globalization;
using System.Text.RegularExpressions;
using Dongming.Domain;
using Dongming.Domain.Tests;

namespace Dongming.Reports.Tests;

/// <summary>
/// The input of the 2023 review built from the demo files, as the server would fill it: township totals of
/// township-2023.tsv (lower bounds from exactness at_least:N), the villages carrying them (carried_by, else all),
/// case counts of cases-2023.tsv, the targets of targets-2024.tsv, and the pension figure flagged by a
/// per-recipient check (README, "Known oddities").
/// </summary>
internal static partial class DemoReview
{
    public const string TownshipId = "dongming";

    /// <summary>Above this many yuan per recipient a year, a rural residents' pension figure is implausible.</summary>
    public const decimal PlausiblePensionPerRecipient = 5000m;

    public const string PensionRule = "pension_paid_per_recipient";

    /// <summary>The 2023-3 forestry batch has no count in the report; the demo opens 7 (src/Dongming.Server/Demo/DemoCases.cs).</summary>
    public const int OpenForestPatches2023Batch3 = 7;

    private static readonly Lazy<ReviewInput> Input = new(Build);

    public static ReviewInput Review2023 => Input.Value;

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> TownshipRows => TestData.ReadTsv("township-2023.tsv");

    [GeneratedRegex(@"^(?<n>[0-9]+) villages?(?::| incl\.)? ?(?<names>[^,]*)(?<town>, plus the town area)?", RegexOptions.CultureInvariant)]
    private static partial Regex CarriedBy();

    /// <summary>The two indicators the 2024 targets name that the 2023 catalog lacks.</summary>
    public static readonly IndicatorDefinition[] TargetIndicators =
    [
        new("high_standard_farmland_area", "高标准农田建设面积", "High-standard farmland built", "mu", "agriculture", IndicatorKind.Flow, EnteredAt.Village, null),
        new("major_safety_accidents", "重大安全事故", "Major safety accidents", "case", "safety", IndicatorKind.Flow, EnteredAt.Township, null),
    ];

    public static IndicatorCatalog Catalog()
    {
        var catalog = TestData.Catalog;
        foreach (var d in TargetIndicators) catalog = catalog.With(d);
        return catalog;
    }

    private static ReviewInput Build()
    {
        var catalog = Catalog();
        var villages = TestData.ReadTsv("villages.tsv").Select(r => new VillageInfo(r["id"], r["name_zh"], VillageKind.Unknown, TownshipId)).ToList();
        var byName = villages.ToDictionary(v => v.Name, v => v.VillageId, StringComparer.Ordinal);
        // Journal versions: each org unit's ledger at a version of its own (what the totals were read at).
        static long VersionOf(string orgUnit) => 2 + orgUnit.Length;

        List<string> Carriers(string code, string carriedBy)
        {
            catalog.TryGet(code, out var indicator);
            if (indicator!.EnteredAt == EnteredAt.Township || carriedBy == "township") return [TownshipId];
            var m = CarriedBy().Match(carriedBy);
            if (!m.Success) return [.. villages.Select(v => v.VillageId)];
            var count = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            var named = m.Groups["names"].Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => byName.TryGetValue(n, out var id) ? id : byName.Single(kv => kv.Key.StartsWith(n, StringComparison.Ordinal)).Value).ToList();
            var chosen = named.Concat(villages.Select(v => v.VillageId).Where(id => !named.Contains(id))).Take(count).ToList();
            if (m.Groups["town"].Success) chosen.Add(TownshipId);
            return chosen;
        }

        var rows = TownshipRows;
        var carriers = rows.ToDictionary(r => r["code"], r => Carriers(r["code"], r["carried_by"]), StringComparer.Ordinal);
        // A computed total comes from the org units of its parts.
        foreach (var code in new[] { "livestock_cattle", "livestock_total", "crop_featured_area" })
        {
            carriers[code] = [.. catalog.PartsOf(code).SelectMany(p => carriers[p]).Distinct(StringComparer.Ordinal)];
        }
        var values = rows.ToDictionary(r => r["code"], r => decimal.Parse(r["value"], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var figures = rows.Select(r =>
        {
            var code = r["code"];
            catalog.TryGet(code, out var indicator);
            var sources = carriers[code].Select(o => new FigureSource(o, VersionOf(o))).ToList();
            var failures = new List<RuleFailure>();
            if (code == "pension_paid" && values["pension_paid"] / values["pension_recipients"] is var perRecipient && perRecipient > PlausiblePensionPerRecipient)
            {
                failures.Add(new RuleFailure(PensionRule,
                    $"人均{decimal.Round(perRecipient, 0).ToString(CultureInfo.InvariantCulture)}元/年，超过城乡居民养老金合理上限{PlausiblePensionPerRecipient.ToString(CultureInfo.InvariantCulture)}元"));
            }
            return new ReviewFigure
            {
                Indicator = code,
                Value = values[code],
                Unit = indicator!.Unit,
                LowerBound = r["exactness"].StartsWith("at_least:", StringComparison.Ordinal),
                VillagesReporting = sources.Count(s => s.OrgUnitId != TownshipId),
                Sources = sources,
                RecordHigh = r["quote"].Contains("再创新高", StringComparison.Ordinal),
                Approved = true,
                Failures = failures,
            };
        }).ToList();

        var caseTypes = TestData.ReadTsv("cases-2023.tsv").Select(r => new CaseTypeDefinition(r["case_type"], r["name_zh"], r["name_en"])).DistinctBy(t => t.Code).ToList();
        return new ReviewInput
        {
            Township = new TownshipInfo(TownshipId, "东明镇", "150525105000", "stats-division"),
            Year = 2023,
            Catalog = catalog,
            Villages = villages,
            CaseTypes = caseTypes,
            Figures = figures,
            Cases = Cases(villages.Select(v => v.VillageId).ToList(), VersionOf),
            Targets = [.. TestData.ReadTsv("targets-2024.tsv").Select(r => new ReviewTarget
            {
                Indicator = r["code"],
                Period = r["period"],
                Value = decimal.Parse(r["target"], CultureInfo.InvariantCulture),
                // "不发生重大安全事故": a target of none is at most; the others are to be reached.
                Direction = decimal.Parse(r["target"], CultureInfo.InvariantCulture) == 0 ? TargetDirection.AtMost : TargetDirection.AtLeast,
                Sources = [new FigureSource(TownshipId, VersionOf(TownshipId))],
            })],
        };
    }

    /// <summary>The case counts of cases-2023.tsv split over their batches; "open" batches get the demo's count.</summary>
    private static List<ReviewCaseCount> Cases(IReadOnlyList<string> villages, Func<string, long> versionOf)
    {
        var result = new List<ReviewCaseCount>();
        var next = 0;
        List<FigureSource> Holders(int n) => [.. Enumerable.Range(next++, Math.Min(n, villages.Count)).Select(i => villages[i % villages.Count]).Distinct().Order(StringComparer.Ordinal).Select(v => new FigureSource(v, versionOf(v)))];
        foreach (var r in TestData.ReadTsv("cases-2023.tsv"))
        {
            var batches = r["batches"].Split(',');
            if (r["total"] == "unknown")
            {
                // Under investigation and rectification: 3 being investigated, the rest being rectified.
                result.Add(new ReviewCaseCount { CaseType = r["case_type"], Batch = batches[0], Status = CaseStatus.Investigating, Count = 3, Sources = Holders(3) });
                result.Add(new ReviewCaseCount { CaseType = r["case_type"], Batch = batches[0], Status = CaseStatus.Rectifying, Count = OpenForestPatches2023Batch3 - 3, Sources = Holders(4) });
                continue;
            }
            var flagged = 0;
            var statuses = new List<(CaseStatus Status, int Count, bool OnTime)>();
            foreach (var part in r["by_status"].Split(';'))
            {
                var (key, n) = (part.Split('=')[0], int.Parse(part.Split('=')[1], CultureInfo.InvariantCulture));
                switch (key)
                {
                    case "rectified_on_time": statuses.Add((CaseStatus.Rectified, n, true)); break;
                    case "rectified": statuses.Add((CaseStatus.Rectified, n, false)); break;
                    case "closed": statuses.Add((CaseStatus.Closed, n, false)); break;
                    case "controlled": statuses.Add((CaseStatus.Controlled, n, false)); break;
                    case "transferred_to_litigation": statuses.Add((CaseStatus.Transferred, n, false)); break;
                    case "flag_repeat_or_returned": flagged = n; break;
                    default: throw new InvalidDataException($"status {key} of cases-2023.tsv");
                }
            }
            foreach (var (status, count, onTime) in statuses)
            {
                // Split over the batches as evenly as whole cases allow (the report gives only the sum).
                for (var b = 0; b < batches.Length; b++)
                {
                    var share = count / batches.Length + (b < count % batches.Length ? 1 : 0);
                    // The flags (4 repeat, 2 returned in the demo) sit on the closed petitions.
                    var rr = status == CaseStatus.Closed && b == 0 ? flagged : 0;
                    result.Add(new ReviewCaseCount
                    {
                        CaseType = r["case_type"],
                        Batch = batches[b],
                        Status = status,
                        Count = share,
                        OnTime = onTime ? share : 0,
                        Repeat = rr == 0 ? 0 : rr - rr / 3,
                        Returned = rr / 3,
                        RepeatOrReturned = rr,
                        Sources = Holders(share),
                    });
                }
            }
        }
        return result;
    }
}
