using Dongming.Domain;

namespace Dongming.Quality;

/// <summary>
/// A plausibility bound on a per-capita figure (人均): <c>Amount ÷ Count</c> must lie within
/// [<see cref="Lower"/>, <see cref="Upper"/>]. Written as plain figures per year a township clerk can read;
/// the bounds are chosen wide enough that a real village passes and narrow enough that a figure ten times too
/// large or too small (a 万元 typed as 元, a misplaced decimal point) fails. Two rules come of it,
/// <c>{Code}_min</c> and <c>{Code}_max</c>; a clerk changes a bound by defining that rule again.
/// </summary>
/// <param name="Per">The unit of the quotient, in the words of the report (元/人·年).</param>
/// <param name="Reasoning">Where the bounds come from.</param>
public sealed record PerCapitaBound(string Code, string NameZh, string Amount, string Count, decimal Lower, decimal Upper, string Per, string Reasoning);

/// <summary>
/// A coverage identity: <c>Coverage ≈ Covered ÷ TargetGroup</c> within <see cref="Tolerance"/>. Generated only
/// when the catalog holds all three indicators.
/// </summary>
public sealed record CoverageIdentity(string Code, string NameZh, string Coverage, string Covered, string TargetGroup, decimal Tolerance, string Reasoning);

/// <summary>A built-in rule that was not generated for a catalog, and why (an indicator it needs is not defined).</summary>
public sealed record RuleNotGenerated(string Code, string Reason);

/// <summary>The built-in rules for a catalog, and the ones that could not be generated.</summary>
public sealed record BuiltInRuleSet(IReadOnlyList<ValidationRule> Rules, IReadOnlyList<RuleNotGenerated> NotGenerated);

/// <summary>
/// The rules every township gets from its catalog: each has-parts identity, per-capita plausibility bounds for
/// the money/count pairs of the catalog (<see cref="PerCapitaBounds"/>) and coverage identities
/// (<see cref="CoverageIdentities"/>). They are ordinary <see cref="ValidationRule"/> definitions: seeded
/// into the rule catalog, listed and redefined like any other.
/// </summary>
public static class BuiltInRules
{
    /// <summary>
    /// Per-capita bounds (yuan per year unless <see cref="PerCapitaBound.Per"/> says otherwise). The figures
    /// are Inner Mongolia's of 2023–2025 as far as national and regional standards fix them; each bound
    /// leaves room for local supplements, part-year recipients and the spread between villages.
    /// </summary>
    public static IReadOnlyList<PerCapitaBound> PerCapitaBounds { get; } =
    [
        new("pension_paid_per_recipient", "人均养老金发放", "pension_paid", "pension_recipients", 1_200m, 6_000m, "元/人·年",
            "A rural residents' basic pension in Inner Mongolia is roughly 2,000–3,000 yuan a year (the national minimum basic pension, " +
            "103 yuan a month in 2023, is 1,236 a year; the region and banner add to it, long contribution years and personal accounts add more). " +
            "Below 1,200 is less than the national minimum; above 6,000 is twice the usual."),
        new("pension_contribution_per_contributor", "人均养老保险缴费", "pension_contributions", "pension_contributors", 100m, 3_000m, "元/人·年",
            "Contribution grades of the urban-rural residents' pension run from a few hundred yuan a year to a few thousand; for persons in " +
            "difficulty the government pays the lowest grade (100 yuan). Most rural residents choose the lowest grades, so an average above " +
            "3,000 per contributor is implausible even where single grades go higher."),
        new("medical_premium_per_insured", "人均医疗保险保费", "medical_premiums", "medical_insured_persons", 200m, 500m, "元/人·年",
            "The individual contribution to the urban-rural residents' medical insurance is set nationally each year (350 yuan for 2023, " +
            "380 for 2024, 400 for 2025); groups in difficulty pay less, the government paying the rest, so the average per insured person lies " +
            "a little below the standard."),
        new("dibao_paid_per_person", "人均低保金", "dibao_paid", "dibao_persons", 1_000m, 12_000m, "元/人·年",
            "The rural minimum living allowance (低保) standard of Inner Mongolia's banners was about 7,000–8,000 yuan per person a year in 2023; " +
            "a household is paid the gap between its income and the standard, so the average per person lies below the standard."),
        new("tekun_paid_per_person", "人均特困供养金", "tekun_paid", "tekun_persons", 5_000m, 25_000m, "元/人·年",
            "Extreme-poverty support (特困) is at least 1.3 times the 低保 standard (about 9,000–11,000 yuan a year) plus a care allowance by " +
            "the degree of self-care."),
        new("disability_living_paid_per_person", "人均残疾人生活补贴", "disability_living_paid", "disability_living_persons", 600m, 3_000m, "元/人·年",
            "The living allowance for disabled persons in difficulty is about 100 yuan a month (1,200 a year) in Inner Mongolia; some banners pay more."),
        new("disability_care_paid_per_person", "人均残疾人护理补贴", "disability_care_paid", "disability_care_persons", 600m, 3_000m, "元/人·年",
            "The care allowance for severely disabled persons is about 100 yuan a month (1,200 a year); some grades and banners pay more."),
        new("temporary_assistance_per_household", "户均临时救助金", "temporary_assistance_paid", "temporary_assistance_households", 300m, 40_000m, "元/户·年",
            "Temporary assistance (临时救助) is paid by the severity of a hardship: from a few hundred yuan to several months of the 低保 standard, " +
            "tens of thousands for a grave illness or disaster."),
        new("orphan_allowance_per_child", "人均孤儿养育金", "orphan_support_paid", "orphans_supported", 10_000m, 40_000m, "元/人·年",
            "The basic living allowance of an orphan raised in a family in Inner Mongolia is about 1,500–2,500 yuan a month (18,000–30,000 a year)."),
        new("unattended_children_allowance_per_child", "人均事实无人抚养儿童救助金", "unattended_children_paid", "unattended_children_supported", 10_000m, 40_000m, "元/人·年",
            "De facto unattended children are supported at the standard of orphans raised in a family (about 18,000–30,000 yuan a year)."),
        new("elderly_allowance_per_person", "人均高龄津贴", "elderly_allowance_paid", "elderly_allowance_persons", 300m, 6_000m, "元/人·年",
            "The advanced-age allowance rises with age: about 100 yuan a month from 80 years, more from 90 and several hundred from 100."),
        new("public_welfare_subsidy_per_post", "公益性岗位人均补贴", "public_welfare_posts_paid", "public_welfare_posts", 1_200m, 24_000m, "元/人·年",
            "Rural public-welfare posts pay a few hundred yuan a month; a full-time post pays at most about the regional minimum wage " +
            "(about 2,000 yuan a month, 24,000 a year); part-year posts pay less."),
        new("job_stability_subsidy_per_person", "人均稳岗就业补贴", "job_stability_subsidy_amount", "job_stability_subsidy_persons", 200m, 6_000m, "元/人·年",
            "Subsidies for rural workers in stable jobs away from home (transport, stable-job awards) are a few hundred to a few thousand yuan a person."),
        new("microloan_per_household", "户均小额贷款", "microloan_amount", "microloan_households", 5_000m, 50_000m, "元/户",
            "A poverty-relief microloan (脱贫人口小额信贷) is at most 50,000 yuan per household, so the average cannot exceed it; loans below 5,000 are rare."),
        new("industry_aid_per_household", "户均产业帮扶资金", "industry_aid_amount", "industry_aid_households", 1_000m, 30_000m, "元/户·年",
            "Industry aid to a monitored household (livestock, seed, equipment) is commonly several thousand to about 20,000 yuan."),
        new("grassland_subsidy_per_mu", "每亩草原生态奖补", "grassland_subsidy_paid", "grassland_subsidy_area", 2m, 25m, "元/亩·年",
            "The third round of grassland ecological rewards (2021–2025) pays 7.5 yuan per mu a year for a grazing ban and 2.5 for the balance " +
            "of grass and livestock nationally; the region adjusts within its funds. Below 2 or above 25 is a unit or decimal-point slip."),
        new("labour_income_per_person", "人均务工增收", "labour_export_income", "labour_export_persons", 5_000m, 120_000m, "元/人·年",
            "Migrant workers earned about 4,800 yuan a month in 2023 nationally (about 57,000 for a full year); seasonal workers earn a " +
            "fraction, but an average below 5,000 (about one month's work) for the persons sent out is implausible."),
        new("dibao_household_size", "低保户均人数", "dibao_persons", "dibao_households", 1m, 8m, "人/户",
            "A household has at least one person; more than eight on one 低保 household is rare enough to check."),
        new("tekun_household_size", "特困户均人数", "tekun_persons", "tekun_households", 1m, 8m, "人/户",
            "A household has at least one person; 特困 households are mostly single persons."),
        new("monitored_new_household_size", "新识别监测户均人数", "monitored_new_persons", "monitored_new_households", 1m, 8m, "人/户",
            "A household has at least one person; more than eight in one monitored household is rare enough to check."),
    ];

    /// <summary>
    /// Money indicators of the 2023 catalog with no per-capita bound, and why: no count in the catalog belongs to them.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MoneyWithoutCount { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["minority_development_fund"] = "a project fund (one breeding estate); no count of recipients",
        ["revitalisation_fund_invested"] = "a project fund (road hardening); no count of recipients",
        ["fiscal_fund_elderly_centre"] = "a building fund (one service centre); no count of recipients",
        ["veterans_support_paid"] = "paid to entitled groups (优抚对象) as well as veterans; veterans_registered counts only the latter",
    };

    /// <summary>
    /// Coverage identities. A coverage is entered as a rate rounded to a two-place percentage (96.94% is
    /// 0.9694), so the tolerance is half a unit of the fourth decimal: 0.00005. The target groups are not in the
    /// 2023 catalog; a township that defines them gets the rule.
    /// </summary>
    public static IReadOnlyList<CoverageIdentity> CoverageIdentities { get; } =
    [
        new("two_cancer_screening_coverage_identity", "“两癌”筛查覆盖率等于筛查人数除以目标人群", "two_cancer_screening_coverage",
            "two_cancer_screened_women", "two_cancer_target_women", 0.00005m,
            "The coverage of the target group is the women screened divided by the women of the target group (rural women aged 35–64)."),
        new("antifraud_app_coverage_identity", "“反诈APP”覆盖率等于安装人数除以常住人口", "antifraud_app_coverage",
            "antifraud_app_users", "resident_population", 0.00005m,
            "The coverage counts persons with the app among the residents; antifraud_app_installs counts person-times and cannot stand in for them."),
        new("animal_immunisation_coverage_identity", "动物免疫覆盖率等于免疫数除以应免数", "animal_immunisation_coverage",
            "animals_immunised", "animals_due_immunisation", 0.00005m,
            "The immunisation coverage is the animals immunised divided by the animals due for immunisation."),
    ];

    /// <summary>Builds the built-in rules of <paramref name="catalog"/>; each passes <see cref="ValidationRules.Compile"/>.</summary>
    public static BuiltInRuleSet For(IndicatorCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var rules = new List<ValidationRule>();
        var notGenerated = new List<RuleNotGenerated>();

        foreach (var parent in catalog.All.Where(i => catalog.IsComputed(i.Code)).OrderBy(i => i.Code, StringComparer.Ordinal))
        {
            var parts = catalog.PartsOf(parent.Code);
            rules.Add(new ValidationRule(
                Code: $"{parent.Code}_parts",
                NameZh: Truncate($"{parent.NameZh}等于各分项之和"),
                Left: parent.Code,
                Operator: RuleOperator.Equal,
                Right: string.Join(" + ", parts),
                Tolerance: null,
                Importance: Importance.High,
                PeriodKind: null,
                Scope: RuleScope.Both,
                Description: $"{parent.Code} is the sum of its {parts.Count} parts in the catalog (part_of)."));
        }

        foreach (var bound in PerCapitaBounds)
        {
            var absent = new[] { bound.Amount, bound.Count }.Where(c => !catalog.Contains(c)).ToList();
            if (absent.Count > 0)
            {
                notGenerated.Add(new RuleNotGenerated(bound.Code, $"the catalog has no {string.Join(", ", absent)}"));
                continue;
            }
            var quotient = $"{bound.Amount} ÷ {bound.Count}";
            var description = $"{bound.Reasoning} Bounds {ExactDecimal.Format(bound.Lower)}–{ExactDecimal.Format(bound.Upper)} {bound.Per}.";
            rules.Add(new ValidationRule($"{bound.Code}_min", Truncate($"{bound.NameZh}不低于{ExactDecimal.Format(bound.Lower)}{bound.Per}"),
                quotient, RuleOperator.GreaterOrEqual, ExactDecimal.Format(bound.Lower), null, Importance.Medium, PeriodKind.Year, RuleScope.Both, description));
            rules.Add(new ValidationRule($"{bound.Code}_max", Truncate($"{bound.NameZh}不高于{ExactDecimal.Format(bound.Upper)}{bound.Per}"),
                quotient, RuleOperator.LessOrEqual, ExactDecimal.Format(bound.Upper), null, Importance.Medium, PeriodKind.Year, RuleScope.Both, description));
        }

        foreach (var coverage in CoverageIdentities)
        {
            var absent = new[] { coverage.Coverage, coverage.Covered, coverage.TargetGroup }.Where(c => !catalog.Contains(c)).ToList();
            if (absent.Count > 0)
            {
                notGenerated.Add(new RuleNotGenerated(coverage.Code, $"the catalog has no {string.Join(", ", absent)}"));
                continue;
            }
            // A coverage entered by the township only exists on the township total.
            catalog.TryGet(coverage.Coverage, out var rate);
            rules.Add(new ValidationRule(coverage.Code, Truncate(coverage.NameZh), coverage.Coverage, RuleOperator.EqualWithin,
                $"{coverage.Covered} ÷ {coverage.TargetGroup}", coverage.Tolerance, Importance.High, null,
                rate.EnteredAt == EnteredAt.Township ? RuleScope.TownshipTotal : RuleScope.Both,
                $"{coverage.Reasoning} Tolerance {ExactDecimal.Format(coverage.Tolerance)}: half a unit of the fourth decimal of a rate entered as a two-place percentage."));
        }

        return new BuiltInRuleSet(rules, notGenerated);
    }

    private static string Truncate(string name) => name.Length <= ValidationRules.MaxNameLength ? name : name[..ValidationRules.MaxNameLength];
}
