using System.Globalization;
using Dongming.Contracts.V1;
using Grpc.Core;
using static Dongming.Server.Tests.QualitySupport;

namespace Dongming.Server.Tests;

/// <summary>Validation rules, outliers, data sets and completeness through the real gRPC surface (the shared demo server).</summary>
public sealed class QualityEndToEndTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;
    private QualityService.QualityServiceClient Quality => new(Server.Channel);
    private ReportingService.ReportingServiceClient Reporting => new(Server.Channel);

    private static string Y(int year) => year.ToString(CultureInfo.InvariantCulture);

    // ----- validation rules -----

    [Fact]
    public async Task RunValidation_Dongming2023_FlagsThePensionFigure()
    {
        var run = await Quality.RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = "2023" });
        var pension = Assert.Single(run.Violations, v => v.Rule == "pension_paid_per_recipient_max" && v.TownshipTotal);
        Assert.Equal(("dongming", "2023"), (pension.OrgUnitId, pension.Period));
        Assert.Equal("19212.220679", pension.LeftValue); // 152,180,000 yuan ÷ 7,921 persons
        Assert.Equal("152180000/7921", pension.LeftExact);
        Assert.Equal("6000", pension.RightValue);
        Assert.Equal((RuleOperator.LessOrEqual, Importance.Medium), (pension.Operator, pension.Importance));
        Assert.Equal("pension_paid ÷ pension_recipients", pension.Left);
        Assert.Contains("2,000–3,000 yuan a year", pension.Description, StringComparison.Ordinal);
        // The other built-in rules hold for the township total (the report's figures add up).
        Assert.DoesNotContain(run.Violations, v => v.TownshipTotal && v.Rule != "pension_paid_per_recipient_max" && !v.Rule.StartsWith("matrix_", StringComparison.Ordinal));
        Assert.True(run.Passed > 0);
        var importance = run.Violations.Select(v => (int)v.Importance).ToList();
        Assert.Equal(importance.Order(), importance); // high first
    }

    [Fact]
    public async Task RunValidation_DivisorZero_IsSkippedAndCounted_NeverAViolation()
    {
        var year = Y(FreshYear());
        await Reporting.ReportValuesAsync(Rpc.Report("datai", year, ("pension_paid", "120000"), ("pension_recipients", "0")));
        var run = await Quality.RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = year, OrgUnitIds = { "datai" }, IncludeSkipped = true });
        Assert.DoesNotContain(run.Violations, v => v.Rule.StartsWith("pension_paid_per_recipient", StringComparison.Ordinal));
        var skipped = Assert.Single(run.Skipped, s => s.Rule == "pension_paid_per_recipient_max");
        Assert.Equal("left: division by zero (pension_recipients is 0)", skipped.Reason);
        Assert.Contains(run.Skipped, s => s.Rule == "medical_premium_per_insured_max" && s.Reason.Contains("no value for medical_premiums", StringComparison.Ordinal));
        Assert.Equal(run.Skipped.Count, run.SkippedCount);
        var counted = await Quality.RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = year, OrgUnitIds = { "datai" } });
        Assert.Empty(counted.Skipped);
        Assert.Equal(run.SkippedCount, counted.SkippedCount);
    }

    [Fact]
    public async Task RunValidation_BadInput_NamesEveryField_UnknownOrgUnitIsNotFound()
    {
        var (code, _, fields) = await Rpc.Fails(() => Quality.RunValidationAsync(new RunValidationRequest
        {
            TownshipId = "dongming",
            Period = "2023Q5",
            OrgUnitIds = { "Bad Id", "datai", "datai" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["period", "org_unit_ids[0]", "org_unit_ids[2]"], fields);
        var unknown = await Rpc.Fails(() => Quality.RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = "2023", OrgUnitIds = { "no-such-village" } }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.Code);
        var township = await Rpc.Fails(() => Quality.RunValidationAsync(new RunValidationRequest { TownshipId = "no-such-township", Period = "2023" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, township.Code);
    }

    [Fact]
    public async Task ReportValues_BreakingARule_IsWrittenAndAnsweredWithWarnings_AReplayGetsTheSame()
    {
        var year = Y(FreshYear());
        var request = Rpc.Report("xiaotai", year, ("pension_paid", "1000000"), ("pension_recipients", "10"));
        var first = await Reporting.ReportValuesAsync(request);
        Assert.False(first.Replayed);
        var warning = Assert.Single(first.Warnings, w => w.Rule == "pension_paid_per_recipient_max");
        Assert.Equal(("100000", "6000", RuleOperator.LessOrEqual, Importance.Medium), (warning.LeftValue, warning.RightValue, warning.Operator, warning.Importance));
        Assert.Equal("pension_paid ÷ pension_recipients", warning.Left);
        // Never a refusal: the values are held.
        var values = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "xiaotai", Period = year, Indicators = { "pension_paid" } });
        Assert.Equal("1000000", Assert.Single(values.Values).Value);

        var again = await Reporting.ReportValuesAsync(request);
        Assert.True(again.Replayed);
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(first.Warnings, again.Warnings);

        // A report that breaks nothing says so; one of unrelated indicators is not warned about the pension.
        var fine = await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", year, ("livestock_sheep", "300")));
        Assert.Empty(fine.Warnings);
        var corrected = await Reporting.ReportValuesAsync(Rpc.Report("xiaotai", year, ("pension_paid", "30000")));
        Assert.Empty(corrected.Warnings);
    }

    [Fact]
    public async Task ReportValues_TownshipOwnEntries_GetNoVillageWarnings()
    {
        var year = Y(FreshYear());
        var response = await Reporting.ReportValuesAsync(Rpc.Report("dongming", year, ("pension_paid", "1000000"), ("pension_recipients", "10")));
        Assert.Empty(response.Warnings);
    }

    [Fact]
    public async Task DefineValidationRule_DefinesReplacesAndAudits_AndRunsOnReports()
    {
        var year = FreshYear();
        var code = "sheep_cap_" + Rpc.Id()[..10];
        ValidationRule Rule(string right) => new()
        {
            Code = code,
            NameZh = "羊存栏上限",
            Left = "livestock_sheep",
            Operator = RuleOperator.LessOrEqual,
            Right = right,
            Importance = Importance.High,
            PeriodType = PeriodType.Year,
            Scope = RuleScope.EachVillage,
            Description = "测试上限",
        };
        var request = new DefineValidationRuleRequest { RequestId = Rpc.Id(), Rule = Rule("5000") };
        var defined = await Quality.DefineValidationRuleAsync(request);
        Assert.Equal((RuleSource.Defined, "5000"), (defined.Source, defined.Right));
        Assert.False(string.IsNullOrEmpty(defined.DefinedBy));
        Assert.NotNull(defined.DefinedAt);

        // A retry applies once; the same id with another body is refused.
        Assert.Equal(defined, await Quality.DefineValidationRuleAsync(request));
        var reused = await Rpc.Fails(() => Quality.DefineValidationRuleAsync(new DefineValidationRuleRequest { RequestId = request.RequestId, Rule = Rule("6000") }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, reused.Code);

        var warned = await Reporting.ReportValuesAsync(Rpc.Report("taiji", Y(year), ("livestock_sheep", "7000")));
        Assert.Contains(warned.Warnings, w => w.Rule == code && w.Importance == Importance.High && w.LeftValue == "7000");
        // Not for quarters (the rule is yearly).
        Assert.DoesNotContain((await Reporting.ReportValuesAsync(Rpc.Report("taiji", $"{year}Q2", ("livestock_sheep", "7000")))).Warnings, w => w.Rule == code);

        // Redefined: the new bound replaces the old one.
        var replaced = await Quality.DefineValidationRuleAsync(new DefineValidationRuleRequest { RequestId = Rpc.Id(), Rule = Rule("8000") });
        Assert.Equal("8000", replaced.Right);
        var listed = (await Quality.ListValidationRulesAsync(new ListValidationRulesRequest())).Rules;
        Assert.Equal("8000", Assert.Single(listed, r => r.Code == code).Right);
        Assert.Contains(listed, r => r.Code == "pension_paid_per_recipient_max" && r.Source == RuleSource.BuiltIn && r.Right == "6000" && r.PeriodType == PeriodType.Year);
        Assert.Contains(listed, r => r.Code == "livestock_total_parts" && r.Source == RuleSource.BuiltIn && r.Importance == Importance.High);
        var run = await Quality.RunValidationAsync(new RunValidationRequest { TownshipId = "dongming", Period = Y(year), OrgUnitIds = { "taiji" } });
        Assert.DoesNotContain(run.Violations, v => v.Rule == code);
    }

    [Fact]
    public async Task DefineValidationRule_BadInput_NamesEveryField()
    {
        var (code, _, fields) = await Rpc.Fails(() => Quality.DefineValidationRuleAsync(new DefineValidationRuleRequest
        {
            RequestId = "",
            Rule = new ValidationRule { Code = "Bad Code", NameZh = "", Left = "livestock_sheep +", Right = "no_such_indicator", Tolerance = "1e3" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["request_id", "rule.tolerance", "rule.code", "rule.name_zh", "rule.left", "rule.right", "rule.operator", "rule.importance", "rule.scope", "rule.tolerance"], fields);
        var missing = await Rpc.Fails(() => Quality.DefineValidationRuleAsync(new DefineValidationRuleRequest { RequestId = Rpc.Id() }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, missing.Code);
        Assert.Equal(["rule"], missing.Fields);
        var within = await Rpc.Fails(() => Quality.DefineValidationRuleAsync(new DefineValidationRuleRequest
        {
            RequestId = Rpc.Id(),
            Rule = new ValidationRule { Code = "cov_" + Rpc.Id()[..8], NameZh = "覆盖率", Left = "two_cancer_screening_coverage", Operator = RuleOperator.EqualWithin, Right = "1", Importance = Importance.Low, Scope = RuleScope.Both },
        }).ResponseAsync);
        Assert.Equal(["rule.tolerance"], within.Fields);
    }

    // ----- outliers -----

    [Fact]
    public async Task FindOutliers_AcrossVillagesAndYearOverYear_RankedWithTheirStatistics()
    {
        var year = FreshYear();
        // A township of its own: the year-over-year check reads each village's latest earlier year, whoever wrote it.
        var (township, v) = await FreshTownshipAsync(Server, 6);
        foreach (var (village, count) in new[] { (v[0], "100"), (v[1], "102"), (v[2], "98"), (v[3], "101"), (v[4], "1000") })
            await Reporting.ReportValuesAsync(Rpc.Report(village, Y(year + 1), ("livestock_sheep", count)));
        await Reporting.ReportValuesAsync(Rpc.Report(v[0], Y(year), ("livestock_sheep", "10")));
        await Reporting.ReportValuesAsync(Rpc.Report(v[1], Y(year), ("livestock_sheep", "100")));

        var found = await Quality.FindOutliersAsync(new FindOutliersRequest
        {
            TownshipId = township,
            Period = Y(year + 1),
            Indicator = "livestock_sheep",
            Method = OutlierMethod.ModifiedZScore,
        });
        Assert.Equal(("3.5", "3"), (found.Threshold, found.JumpFactor)); // the defaults
        var sheep = Assert.Single(found.Indicators);
        Assert.Equal(5, sheep.AcrossVillages.ValuesJudged);
        Assert.Equal("101", sheep.AcrossVillages.Centre); // the median
        var outlier = Assert.Single(sheep.AcrossVillages.Outliers);
        Assert.Equal((v[4], "1000"), (outlier.OrgUnitId, outlier.Value));
        Assert.True(decimal.Parse(outlier.Statistic, CultureInfo.InvariantCulture) > 3.5m);
        Assert.Equal(v[5], Assert.Single(sheep.AcrossVillages.NotChecked).OrgUnitId);
        Assert.Equal("no value", sheep.AcrossVillages.NotChecked[0].Reason);

        var jump = Assert.Single(sheep.OverTime.Outliers);
        Assert.Equal((v[0], "10", Y(year), "10"), (jump.OrgUnitId, jump.Statistic, jump.BasePeriod, jump.BaseValue));
        Assert.Equal(("3.3333", "30"), (jump.LowerBound, jump.UpperBound));

        var minMax = await Quality.FindOutliersAsync(new FindOutliersRequest
        {
            TownshipId = township,
            Period = Y(year + 1),
            Indicator = "livestock_sheep",
            Method = OutlierMethod.MinMax,
            Max = "500",
        });
        Assert.Equal((v[4], "500"), (minMax.Indicators[0].AcrossVillages.Outliers.Single().OrgUnitId, minMax.Indicators[0].AcrossVillages.Outliers.Single().Statistic));

        // Without an indicator: only the indicators where something stands out (the sheep and the total they make).
        var all = await Quality.FindOutliersAsync(new FindOutliersRequest { TownshipId = township, Period = Y(year + 1), Method = OutlierMethod.ModifiedZScore });
        Assert.Equal(["livestock_sheep", "livestock_total"], all.Indicators.Select(i => i.Indicator).Order(StringComparer.Ordinal));
        Assert.All(all.Indicators, i => Assert.NotEmpty(i.AcrossVillages.Outliers.Concat(i.OverTime.Outliers)));
    }

    [Fact]
    public async Task FindOutliers_BadInput_NamesEveryField()
    {
        var (code, _, fields) = await Rpc.Fails(() => Quality.FindOutliersAsync(new FindOutliersRequest
        {
            TownshipId = "dongming",
            Period = "23",
            Indicator = "Bad",
            Method = OutlierMethod.Unspecified,
            Threshold = "abc",
            JumpFactor = "1",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["period", "indicator", "threshold", "method", "jump_factor"], fields);
        var minMax = await Rpc.Fails(() => Quality.FindOutliersAsync(new FindOutliersRequest { TownshipId = "dongming", Period = "2023", Method = OutlierMethod.MinMax, Min = "5", Max = "1" }).ResponseAsync);
        Assert.Equal(["max"], minMax.Fields);
        var unknown = await Rpc.Fails(() => Quality.FindOutliersAsync(new FindOutliersRequest { TownshipId = "dongming", Period = "2023", Indicator = "no_such_code", Method = OutlierMethod.ZScore }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.Code);
    }

    // ----- data sets and completeness -----

    [Fact]
    public async Task ListDataSets_Dongming_HoldsTheDataSetsThe2023ReportImplies()
    {
        var sets = (await Quality.ListDataSetsAsync(new ListDataSetsRequest { TownshipId = "dongming" })).DataSets.ToDictionary(d => d.Code);
        var yearly = sets["village_ledger_yearly"];
        Assert.Equal((PeriodType.Year, 31, "dongming"), (yearly.PeriodType, yearly.DueDays, yearly.TownshipId));
        Assert.Empty(yearly.OrgUnitIds); // every village
        Assert.Contains("livestock_sheep", yearly.Indicators);
        Assert.Contains("pension_paid", yearly.Indicators);
        // Figures of named villages, township-only and computed indicators are not every village's to report.
        Assert.DoesNotContain("water_saving_area", yearly.Indicators);
        Assert.DoesNotContain("two_cancer_screening_coverage", yearly.Indicators);
        Assert.DoesNotContain("livestock_total", yearly.Indicators);
        var screening = sets["poverty_monitoring_quarterly"];
        Assert.Equal(PeriodType.Quarter, screening.PeriodType);
        Assert.Contains("monitored_new_persons", screening.Indicators);
    }

    [Fact]
    public async Task GetCompleteness_2023YearlyLedger_ShowsEveryDemoVillage()
    {
        var villages = Tsv.Read("villages.tsv").Select(r => r["id"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(33, villages.Count);
        var c = await Quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = "dongming", DataSet = "village_ledger_yearly", Period = "2023" });
        Assert.Equal(("2024-01-31", 33, 33), (c.DueDate, c.Expected, c.Reported));
        Assert.Equal("1", c.Rate);
        Assert.Equal(villages, c.Villages.Select(v => v.VillageId));
        // The demo's figures were entered when it was loaded, long after 2023's due date: complete, and late.
        Assert.Equal(0, c.ReportedOnTime);
        Assert.Equal("0", c.OnTimeRate);
        Assert.All(c.Villages, v => Assert.True(v.State == ReportState.Late && v.DaysLate > 0, v.VillageId));
        Assert.Empty(c.NotExpected);

        var quarterly = await Quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = "dongming", DataSet = "poverty_monitoring_quarterly", Period = "2023Q4" });
        Assert.Equal((33, 0, "0", "2024-01-10"), (quarterly.Expected, quarterly.Reported, quarterly.Rate, quarterly.DueDate));
        Assert.All(quarterly.Villages, v => Assert.Equal(ReportState.Missing, v.State));
    }

    [Fact]
    public async Task GetCompleteness_RetiredVillageAndLaterVillage_AreNotExpected_RateNeverAbove1()
    {
        var year = FreshYear();
        var (township, v) = await FreshTownshipAsync(Server, 4, (2, Y(year + 1)));
        var set = "ledger_" + Rpc.Id()[..8];
        await DefineDataSetAsync(Server, township, set, PeriodType.Year, ["livestock_sheep", "livestock_breeding_cows"]);
        foreach (var village in v)
            await Reporting.ReportValuesAsync(Rpc.Report(village, Y(year), ("livestock_sheep", "10"), ("livestock_breeding_cows", "2")));
        await Reporting.ReportValuesAsync(Rpc.Report(v[1], Y(year - 1), ("livestock_sheep", "10"), ("livestock_breeding_cows", "2")));
        await new VillageService.VillageServiceClient(Server.Channel).RetireVillageAsync(new RetireVillageRequest { VillageId = v[1], FromPeriod = Y(year), RequestId = Rpc.Id(), Reason = "撤并" });

        var c = await Quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = township, DataSet = set, Period = Y(year) });
        // v1 retired from the year, v2 exists only from the next: expected v0 and v3, both reported.
        Assert.Equal((2, 2, "1"), (c.Expected, c.Reported, c.Rate));
        Assert.Equal([v[0], v[3]], c.Villages.Select(x => x.VillageId));
        var later = Assert.Single(c.NotExpected);
        Assert.Equal((v[2], $"active only from {year + 1}"), (later.VillageId, later.Reason));

        var before = await Quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = township, DataSet = set, Period = Y(year - 1) });
        Assert.Equal((3, 1), (before.Expected, before.Reported)); // v0, v1, v3 existed; only v1 reported
        Assert.Equal("0.3333", before.Rate); // truncated, never rounded up

        var roster = (await new VillageService.VillageServiceClient(Server.Channel).ListVillagesAsync(new ListVillagesRequest { TownshipId = township })).Villages;
        Assert.Equal(Y(year + 1), roster.Single(x => x.VillageId == v[2]).ActiveFrom);
    }

    [Fact]
    public async Task GetCompleteness_PartialAndRolledUpReports_AreShown_NotCounted()
    {
        var year = FreshYear();
        var (township, v) = await FreshTownshipAsync(Server, 3);
        var set = "ledger_" + Rpc.Id()[..8];
        await DefineDataSetAsync(Server, township, set, PeriodType.Year, ["livestock_sheep", "labour_export_persons"], [v[0], v[1], v[2]], dueDays: 0);
        // v0 reports one of two; v1 only the second quarter (a stock's year needs its last quarter, a flow every quarter);
        // v2 every quarter of the flow and the last of the stock: a year rolled up from the whole year.
        await Reporting.ReportValuesAsync(Rpc.Report(v[0], Y(year), ("livestock_sheep", "10")));
        await Reporting.ReportValuesAsync(Rpc.Report(v[1], $"{year}Q2", ("livestock_sheep", "10"), ("labour_export_persons", "3")));
        foreach (var q in new[] { 1, 2, 3, 4 })
            await Reporting.ReportValuesAsync(Rpc.Report(v[2], $"{year}Q{q}", ("labour_export_persons", "1")));
        await Reporting.ReportValuesAsync(Rpc.Report(v[2], $"{year}Q4", ("livestock_sheep", "40")));

        var c = await Quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = township, DataSet = set, Period = Y(year) });
        Assert.Equal((3, 1), (c.Expected, c.Reported));
        var byVillage = c.Villages.ToDictionary(x => x.VillageId);
        Assert.Equal(ReportState.Partial, byVillage[v[0]].State);
        Assert.Equal(["labour_export_persons"], byVillage[v[0]].MissingIndicators);
        Assert.Equal(ReportState.Missing, byVillage[v[1]].State);
        Assert.Equal(ReportState.OnTime, byVillage[v[2]].State); // due at the year's end, entered long before it
        Assert.Equal(("0.3333", "0.3333"), (c.Rate, c.OnTimeRate));
    }

    [Fact]
    public async Task DefineDataSet_BadInput_NamesEveryField_AndRetriesApplyOnce()
    {
        var (township, v) = await FreshTownshipAsync(Server, 1);
        var (code, _, fields) = await Rpc.Fails(() => Quality.DefineDataSetAsync(new DefineDataSetRequest
        {
            TownshipId = township,
            RequestId = "",
            DataSet = new DataSet
            {
                Code = "Bad",
                NameZh = "",
                PeriodType = PeriodType.Unspecified,
                DueDays = -1,
                Indicators = { "livestock_total", "two_cancer_screening_coverage", "livestock_sheep", "livestock_sheep" },
                OrgUnitIds = { v[0], "qita-cun", "Bad Id" },
            },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["request_id", "data_set.code", "data_set.name_zh", "data_set.period_type", "data_set.due_days", "data_set.indicators[0]", "data_set.indicators[1]",
            "data_set.indicators[3]", "data_set.org_unit_ids[2]", "data_set.org_unit_ids[1]"], fields);
        var unknown = await Rpc.Fails(() => Quality.DefineDataSetAsync(new DefineDataSetRequest
        {
            TownshipId = "no-such-township",
            RequestId = Rpc.Id(),
            DataSet = new DataSet { Code = "ok_set", NameZh = "数据集", PeriodType = PeriodType.Year, Indicators = { "livestock_sheep" } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.Code);
        Assert.Equal(["township_id"], unknown.Fields);

        var request = new DefineDataSetRequest
        {
            TownshipId = township,
            RequestId = Rpc.Id(),
            DataSet = new DataSet { Code = "ok_set", NameZh = "数据集", PeriodType = PeriodType.Year, Indicators = { "livestock_sheep" } },
        };
        var first = await Quality.DefineDataSetAsync(request);
        Assert.Equal(first, await Quality.DefineDataSetAsync(request));
        Assert.Single((await Quality.ListDataSetsAsync(new ListDataSetsRequest { TownshipId = township })).DataSets);
        var period = await Rpc.Fails(() => Quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = township, DataSet = "ok_set", Period = "2023Q1" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, period.Code);
        Assert.Equal(["period"], period.Fields);
        var notDefined = await Rpc.Fails(() => Quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = township, DataSet = "other_set", Period = "2023" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notDefined.Code);
    }

    [Fact]
    public async Task DefineDataSet_StaffOfTheTownship_MayDefine_StaffOfAnotherMayNot()
    {
        var (township, _) = await FreshTownshipAsync(Server, 1);
        DefineDataSetRequest Request() => new()
        {
            TownshipId = township,
            RequestId = Rpc.Id(),
            DataSet = new DataSet { Code = "staff_set", NameZh = "数据集", PeriodType = PeriodType.Month, Indicators = { "livestock_sheep" } },
        };
        var own = await new QualityService.QualityServiceClient(Staff(Server, township)).DefineDataSetAsync(Request());
        Assert.Equal("staff_set", own.Code);
        var foreign = await Rpc.Fails(() => new QualityService.QualityServiceClient(Staff(Server, "dongming")).DefineDataSetAsync(Request()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, foreign.Code);
    }

    // ----- computed totals from partial parts -----

    [Fact]
    public async Task ComputedIndicator_FromSomeParts_IsShownPartial_InValuesAndTotals()
    {
        var period = Rpc.FreshPeriod();
        await Reporting.ReportValuesAsync(Rpc.Report("nanta", period, ("livestock_sheep", "40")));
        var values = await Reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = "nanta", Period = period, Indicators = { "livestock_total" } });
        var total = Assert.Single(values.Values);
        Assert.True(total.Computed && total.Partial);
        var totals = await new TownshipService.TownshipServiceClient(Server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "livestock_total" } });
        Assert.Equal((1, "40"), (totals.Totals.Single().PartialUnits, totals.Totals.Single().Value));
    }
}
